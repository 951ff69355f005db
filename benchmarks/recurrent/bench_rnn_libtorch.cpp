// LibTorch (the PyTorch C++ frontend) in the recurrent suite, used as its documentation
// recommends: torch::nn::LSTM or torch::nn::GRU and a torch::nn::Linear head, weights set
// through named_parameters() (PyTorch's names are the suite's), inputs of shape [time, batch 1,
// 1], the state (h, c) carried between calls. Single-threaded: one intra-op and one inter-op
// thread, set once at startup.
//
//   step/<kind>/H       one sample per call, as an audio plugin runs: the input written into a
//                       tensor [1, 1, 1] made once, forward under torch::NoGradGuard
//   chunk/<kind>/H      the whole 4096-sample signal in one call ([4096, 1, 1]): what LibTorch
//                       does when it sees a sequence; ns per call (run.py divides by 4096)
//   train256/lstm/32    one truncated-BPTT step: forward over the chunk from the carried state,
//                       torch::mse_loss, backward(), torch::optim::SGD (lr 1e-3), the state
//                       detached for the next chunk
//
// --check also compares chunk mode with the float64 reference and the weights after three
// training steps with the reference's and with hardwired's (hardwired_model.hpp, same weights,
// same data).

#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "bench_main.hpp"
#include "hardwired_model.hpp"

namespace {

// Before main, so before any parallel work (set_num_interop_threads throws after that).
const bool single_threaded = [] {
    torch::set_num_threads(1);
    at::set_num_interop_threads(1);
    return true;
}();

/// A tensor over memory the caller owns (from_blob takes a non-const pointer; only read here).
torch::Tensor wrap(const float* p, at::IntArrayRef shape) {
    return torch::from_blob(const_cast<float*>(p), shape, torch::kFloat32);
}

/// Every parameter of the modules ← the suite's tensor of the same name.
void load(rnn::weights const& w, std::initializer_list<torch::nn::Module*> modules) {
    torch::NoGradGuard no_grad;
    for (torch::nn::Module* m : modules)
        for (auto& p : m->named_parameters(false)) {
            std::vector<float> const* from = w.tensor(p.key());
            TORCH_CHECK(from && std::int64_t(from->size()) == p.value().numel(),
                        "unexpected parameter ", p.key());
            p.value().copy_(wrap(from->data(), p.value().sizes()));
        }
}

/// The suite's weights from the modules' parameters.
rnn::weights save(rnn::cell k, std::size_t hidden,
                  std::initializer_list<torch::nn::Module*> modules) {
    rnn::weights w{k, hidden, {}, {}, {}, {}, {}, {}};
    for (torch::nn::Module* m : modules)
        for (auto& p : m->named_parameters(false)) {
            const torch::Tensor v = p.value().detach().contiguous();
            w.tensor(p.key())->assign(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
        }
    return w;
}

template <rnn::cell K, std::size_t H>
struct libtorch_model {
    static constexpr const char* library = "libtorch";
    static constexpr std::int64_t hidden = H;
    using module = std::conditional_t<K == rnn::cell::lstm, torch::nn::LSTM, torch::nn::GRU>;
    using options =
        std::conditional_t<K == rnn::cell::lstm, torch::nn::LSTMOptions, torch::nn::GRUOptions>;

    module layer{options(1, hidden)};
    torch::nn::Linear head{hidden, 1};
    torch::Tensor x = torch::zeros({1, 1, 1});      // step's input, written in place
    torch::Tensor h = torch::zeros({1, 1, hidden}); // the state
    torch::Tensor c = torch::zeros({1, 1, hidden}); // (LSTM only)

    explicit libtorch_model(rnn::weights const& w) { load(w, {layer.get(), head.get()}); }

    /// The recurrent layer over input [n, 1, 1] from the state, which it moves on: [n, 1, H].
    torch::Tensor recurrent(torch::Tensor const& in) {
        if constexpr (K == rnn::cell::lstm) {
            auto [out, hc] = layer->forward(in, std::make_tuple(h, c));
            std::tie(h, c) = hc;
            return out;
        } else {
            auto [out, hn] = layer->forward(in, h);
            h = hn;
            return out;
        }
    }

    float step(float in) {
        torch::NoGradGuard no_grad;
        x.data_ptr<float>()[0] = in;
        const torch::Tensor y = head->forward(recurrent(x));
        return y.data_ptr<float>()[0];
    }

    /// n samples in one call: ys[t] for xs[t].
    void chunk(const float* xs, std::size_t n, float* ys) {
        torch::NoGradGuard no_grad;
        const std::int64_t T = std::int64_t(n);
        const torch::Tensor y = head->forward(recurrent(wrap(xs, {T, 1, 1}))).contiguous();
        std::memcpy(ys, y.data_ptr<float>(), n * sizeof(float));
    }
};

/// The training cell: LSTM(H), one truncated-BPTT step per call on a chunk, the state carried.
template <std::size_t H>
struct libtorch_trainer {
    static constexpr std::int64_t hidden = H, n = rnn::train_chunk;
    torch::nn::LSTM lstm{torch::nn::LSTMOptions(1, hidden)};
    torch::nn::Linear head{hidden, 1};
    torch::optim::SGD opt{parameters(), torch::optim::SGDOptions(rnn::train_lr)};
    torch::Tensor h = torch::zeros({1, 1, hidden}), c = torch::zeros({1, 1, hidden});

    std::vector<torch::Tensor> parameters() {
        std::vector<torch::Tensor> ps = lstm->parameters();
        for (torch::Tensor const& p : head->parameters())
            ps.push_back(p);
        return ps;
    }

    explicit libtorch_trainer(rnn::weights const& w) { load(w, {lstm.get(), head.get()}); }

    /// Training step `step`: the chunk at chunk_start(step). Returns the loss before the update.
    float train(std::size_t step) {
        const std::size_t at = rnn::chunk_start(step);
        opt.zero_grad();
        auto [out, hc] = lstm->forward(wrap(&rnn::input()[at], {n, 1, 1}), std::make_tuple(h, c));
        torch::Tensor loss =
            torch::mse_loss(head->forward(out), wrap(&rnn::target()[at], {n, 1, 1}));
        loss.backward();
        opt.step();
        h = std::get<0>(hc).detach();
        c = std::get<1>(hc).detach();
        return loss.item<float>();
    }

    rnn::weights get_weights() { return save(rnn::cell::lstm, H, {lstm.get(), head.get()}); }
};

/// chunk/<kind>/H: ns per call of the whole signal.
template <rnn::cell K, std::size_t H>
void bm_chunk(benchmark::State& state) {
    auto m = std::make_unique<libtorch_model<K, H>>(rnn::make_weights(K, H));
    std::vector<float> ys(rnn::stream);
    for (auto _ : state) {
        m->chunk(rnn::input().data(), rnn::stream, ys.data());
        benchmark::DoNotOptimize(ys.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * std::int64_t(rnn::stream));
}

/// train256/lstm/32: ns per training step of 256 samples.
void bm_train(benchmark::State& state) {
    auto m = std::make_unique<libtorch_trainer<rnn::train_hidden>>(
        rnn::make_weights(rnn::cell::lstm, rnn::train_hidden));
    std::size_t step = 0;
    for (auto _ : state) {
        float loss = m->train(step++);
        benchmark::DoNotOptimize(loss);
    }
    state.SetItemsProcessed(state.iterations() * std::int64_t(rnn::train_chunk));
}

/// Chunk mode: check_steps samples in one call from the zero state, against the reference.
template <rnn::cell K, std::size_t H>
bool check_chunk() {
    const rnn::weights w = rnn::make_weights(K, H);
    auto m = std::make_unique<libtorch_model<K, H>>(w);
    std::vector<float> ys(rnn::check_steps);
    m->chunk(rnn::input().data(), rnn::check_steps, ys.data());
    rnn::reference ref(w);
    rnn::comparison cmp;
    for (std::size_t t = 0; t < rnn::check_steps; ++t) {
        const double expected = ref.step(rnn::input()[t]);
        cmp(ys[t], expected);
    }
    return cmp.print("libtorch", rnn::cell_name("chunk", K, H),
                     "1000 steps, largest difference from float64");
}

bool check_train() {
    const rnn::weights w0 = rnn::make_weights(rnn::cell::lstm, rnn::train_hidden);
    auto torch_model = std::make_unique<libtorch_trainer<rnn::train_hidden>>(w0);
    auto hw_model = std::make_unique<rnn::hardwired_trainer<rnn::train_hidden>>(w0);
    for (std::size_t s = 0; s < rnn::train_check_steps; ++s) {
        torch_model->train(s);
        hw_model->train(s);
    }
    const rnn::weights hw_weights = hw_model->get_weights();
    return rnn::check_training("libtorch", w0, torch_model->get_weights(),
                               rnn::reference_training(w0), &hw_weights, "hardwired");
}

} // namespace

int main(int argc, char** argv) {
    (void)single_threaded;
    return rnn::main<libtorch_model>(
        argc, argv,
        [] {
            bool ok = true;
            rnn::for_each_cell(
                [&]<rnn::cell K, std::size_t H>() { ok = check_chunk<K, H>() && ok; });
            return check_train() && ok;
        },
        [] {
            rnn::for_each_cell([]<rnn::cell K, std::size_t H>() {
                benchmark::RegisterBenchmark(rnn::cell_name("chunk", K, H).c_str(), bm_chunk<K, H>);
            });
            benchmark::RegisterBenchmark(
                rnn::cell_name("train256", rnn::cell::lstm, rnn::train_hidden).c_str(), bm_train);
        });
}
