// LibTorch (the PyTorch C++ frontend) used as its documentation recommends: a torch::nn::Module
// with torch::nn::Linear layers registered via register_module, torch::tanh / torch::sigmoid,
// inference under c10::InferenceMode, training with torch::mse_loss, backward() and
// torch::optim::SGD. Inputs and targets are wrapped with torch::from_blob (no copy, no
// ownership). Single-threaded: one intra-op and one inter-op thread, set once at startup.
// Residual spans (net G) are submodules, as in PyTorch's ResNets: a block holding the span's
// Linear layers whose forward is x + f(fc(...f(fc(x)))); autograd does the rest.

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

torch::Tensor activate(bench::act a, torch::Tensor x) {
    if (a == bench::act::tanh)
        return torch::tanh(x);
    if (a == bench::act::sigmoid)
        return torch::sigmoid(x);
    return x;
}

/// The layers [first, end) of a residual span of S, and the skip around them.
template <class S>
struct residual_block_impl : torch::nn::Module {
    std::size_t first, end;
    std::vector<torch::nn::Linear> fc;

    residual_block_impl(std::size_t first_, std::size_t end_) : first(first_), end(end_) {
        for (std::size_t l = first; l < end; ++l)
            fc.push_back(register_module("fc" + std::to_string(l),
                                         torch::nn::Linear(S::sizes[l], S::sizes[l + 1])));
    }

    torch::Tensor forward(torch::Tensor x) {
        torch::Tensor y = x;
        for (std::size_t i = 0; i < fc.size(); ++i)
            y = activate(S::activation(first + i), fc[i]->forward(y));
        return x + y;
    }
};

/// Whether S's residual spans are in order and disjoint (adjacent is fine, nested is not): what
/// net_impl can build.
template <class S>
constexpr bool sequential_spans() {
    std::size_t end = 0;
    for (bench::residual r : S::residuals) {
        if (r.first < end)
            return false;
        end = r.end;
    }
    return true;
}

template <class S>
struct net_impl : torch::nn::Module {
    static_assert(sequential_spans<S>());
    std::vector<torch::nn::Linear> fc; // every layer in order, those in a block registered there
    std::vector<std::shared_ptr<residual_block_impl<S>>> blocks; // the residual spans in order

    net_impl() {
        std::size_t l = 0;
        for (bench::residual r : S::residuals) {
            for (; l < r.first; ++l)
                fc.push_back(register_module("fc" + std::to_string(l),
                                             torch::nn::Linear(S::sizes[l], S::sizes[l + 1])));
            blocks.push_back(
                register_module("block" + std::to_string(blocks.size()),
                                std::make_shared<residual_block_impl<S>>(r.first, r.end)));
            fc.insert(fc.end(), blocks.back()->fc.begin(), blocks.back()->fc.end());
            l = r.end;
        }
        for (; l < S::layers; ++l)
            fc.push_back(register_module("fc" + std::to_string(l),
                                         torch::nn::Linear(S::sizes[l], S::sizes[l + 1])));
    }

    torch::Tensor forward(torch::Tensor x) {
        std::size_t b = 0;
        for (std::size_t l = 0; l < S::layers;) {
            if (b < blocks.size() && blocks[b]->first == l) {
                x = blocks[b]->forward(x);
                l = blocks[b++]->end;
            } else {
                x = activate(S::activation(l), fc[l]->forward(x));
                ++l;
            }
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

template <class S>
inline constexpr bool bench::runs<libtorch_adapter, S> = true; // residual spans too

BENCH_MAIN(libtorch_adapter)
