// LibTorch (the PyTorch C++ frontend) used as its documentation recommends: a torch::nn::Module
// with torch::nn::Linear layers registered via register_module, torch::tanh / torch::sigmoid,
// inference under c10::InferenceMode, training with torch::mse_loss, backward() and
// torch::optim::SGD. Inputs and targets are wrapped with torch::from_blob (no copy, no
// ownership). Single-threaded: one intra-op and one inter-op thread, set once at startup.

#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench_main.hpp"

namespace {

// Before main, so before any parallel work (set_num_interop_threads throws after that).
const bool single_threaded = [] {
    torch::set_num_threads(1);
    at::set_num_interop_threads(1);
    return true;
}();

template <class S>
struct net_impl : torch::nn::Module {
    std::vector<torch::nn::Linear> fc;

    net_impl() {
        for (std::size_t l = 0; l < S::layers; ++l)
            fc.push_back(register_module("fc" + std::to_string(l),
                                         torch::nn::Linear(S::sizes[l], S::sizes[l + 1])));
    }

    torch::Tensor forward(torch::Tensor x) {
        for (std::size_t l = 0; l < S::layers; ++l) {
            x = fc[l]->forward(x);
            if (S::activation(l) == bench::act::tanh) x = torch::tanh(x);
            else if (S::activation(l) == bench::act::sigmoid) x = torch::sigmoid(x);
        }
        return x;
    }
};

/// A tensor over memory the caller owns (from_blob takes a non-const pointer; only read here).
torch::Tensor wrap(const float* p, std::int64_t rows, std::int64_t cols) {
    return torch::from_blob(const_cast<float*>(p), {rows, cols}, torch::kFloat32);
}

template <class S>
struct libtorch_adapter {
    static constexpr const char* library = "libtorch";
    static constexpr std::int64_t In = S::inputs, Out = S::outputs;

    std::shared_ptr<net_impl<S>> model = std::make_shared<net_impl<S>>();
    torch::optim::SGD optimizer{model->parameters(), torch::optim::SGDOptions(0.01)};

    explicit libtorch_adapter(bench::weights const& w) {
        torch::NoGradGuard no_grad;
        for (std::size_t l = 0; l < S::layers; ++l) {
            auto& fc = model->fc[l];
            fc->weight.copy_(wrap(w.w[l].data(), S::sizes[l + 1], S::sizes[l]));
            fc->bias.copy_(wrap(w.b[l].data(), 1, S::sizes[l + 1]).view({-1}));
        }
    }

    void forward1(const float* x, float* y) {
        c10::InferenceMode guard;
        const torch::Tensor out = model->forward(wrap(x, 1, In));
        std::memcpy(y, out.data_ptr<float>(), Out * sizeof(float));
    }

    void forward_batch(const float* x, std::size_t n, float* y) {
        c10::InferenceMode guard;
        const torch::Tensor out = model->forward(wrap(x, std::int64_t(n), In));
        std::memcpy(y, out.data_ptr<float>(), n * Out * sizeof(float));
    }

    void train_step(const float* x, const float* y, std::size_t n, float lr) {
        static_cast<torch::optim::SGDOptions&>(optimizer.param_groups()[0].options()).lr(lr);
        optimizer.zero_grad();
        auto loss = torch::mse_loss(model->forward(wrap(x, std::int64_t(n), In)),
                                    wrap(y, std::int64_t(n), Out));
        loss.backward();
        optimizer.step();
    }

    bench::weights get_weights() {
        torch::NoGradGuard no_grad;
        bench::weights r;
        for (torch::nn::Linear& fc : model->fc) {
            const torch::Tensor w = fc->weight.contiguous(), b = fc->bias.contiguous();
            r.w.emplace_back(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
            r.b.emplace_back(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
        }
        return r;
    }
};

} // namespace

BENCH_MAIN(libtorch_adapter)
