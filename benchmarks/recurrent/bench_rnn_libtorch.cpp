// LibTorch (the PyTorch C++ frontend) in the recurrent suite, used as its documentation
// recommends: torch::nn::LSTM or torch::nn::GRU and a torch::nn::Linear head, weights set
// through named_parameters() (PyTorch's names are the suite's), inputs of shape [time, batch,
// 1], the state (h, c) carried between calls. Single-threaded: one intra-op and one inter-op
// thread, set once at startup.
//
//   step/<kind>/H       one sample per call, as an audio plugin runs: the input written into a
//                       tensor [1, 1, 1] made once, forward under torch::NoGradGuard
//   lanes32/<kind>/16   the 32 sequences as the batch, one time step of all per call: the same
//                       modules as step/<kind>/16, the inputs written into a tensor [1, 32, 1]
//                       made once, the state [1, 32, 16] carried, forward under
//                       torch::NoGradGuard; ns per call (run.py divides by 32)
//   chunk/<kind>/H      the whole 4096-sample signal in one call ([4096, 1, 1]): what LibTorch
//                       does when it sees a sequence; ns per call (run.py divides by 4096)
//   train256/lstm/32    one truncated-BPTT step: forward over the chunk from the carried state,
//                       torch::mse_loss, backward(), torch::optim::SGD (lr 1e-3), the state
//                       detached for the next chunk
//   wavenet/a1/16       NAM's A1 WaveNet as a torch::nn::Module of torch::nn::Conv1d layers with
//                       the PyTorch module's structure and names (weights set through
//                       named_parameters()), one sample per call under torch::NoGradGuard: each
//                       layer keeps its last (K − 1)·d + 1 inputs in a ring tensor, gathers the
//                       K taps with index_select, and every convolution is a matrix-vector
//                       product (torch::mv, torch::addmv) on its weight viewed as a matrix —
//                       about 4× faster on one sample than torch::conv1d and the modules'
//                       forward, whose per-call overhead dominates at this size
//   chunk/wavenet/a1/16 the whole signal in one call from zero histories, the module's own
//                       forward: each conv over its input left-padded with (K − 1)·d zeros;
//                       ns per call (run.py divides by 4096)
//
// --check also compares chunk mode with the float64 reference and the weights after three
// training steps with the reference's and with hardwired's (hardwired_model.hpp, same weights,
// same data).

// Before LibTorch, whose headers include <immintrin.h>: hardwired's intrinsics header includes it
// with GCC 12's false AVX-512 -Wuninitialized reports silenced (it explains why that must be the
// first inclusion), which the hardwired trainer of hardwired_model.hpp would otherwise draw.
#include <hardwired/sym/intrinsics.hpp>
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
    torch::Tensor x; // step's input [1, batch, 1], written in place
    torch::Tensor h; // the state [1, batch, H]
    torch::Tensor c; // (LSTM only)

    /// `batch` sequences (1 but for the lanes cells), from the zero state.
    explicit libtorch_model(rnn::weights const& w, std::int64_t batch = 1)
        : x(torch::zeros({1, batch, 1})), h(torch::zeros({1, batch, hidden})),
          c(torch::zeros({1, batch, hidden})) {
        load(w, {layer.get(), head.get()});
    }

    /// The recurrent layer over input [n, batch, 1] from the state, which it moves on:
    /// [n, batch, H].
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

    /// One time step of every sequence of the batch: ys[q] for xs[q].
    void step_batch(const float* xs, float* ys) {
        torch::NoGradGuard no_grad;
        std::memcpy(x.data_ptr<float>(), xs, std::size_t(x.numel()) * sizeof(float));
        const torch::Tensor y = head->forward(recurrent(x)).contiguous(); // [1, batch, 1]
        std::memcpy(ys, y.data_ptr<float>(), std::size_t(y.numel()) * sizeof(float));
    }

    /// n samples in one call (batch 1): ys[t] for xs[t].
    void chunk(const float* xs, std::size_t n, float* ys) {
        torch::NoGradGuard no_grad;
        const std::int64_t T = std::int64_t(n);
        const torch::Tensor y = head->forward(recurrent(wrap(xs, {T, 1, 1}))).contiguous();
        std::memcpy(ys, y.data_ptr<float>(), n * sizeof(float));
    }
};

/// The lanes cells: the model with batch rnn::lanes, one time step of all sequences per call
/// (bench_main.hpp's lanes model).
template <rnn::cell K, std::size_t H>
struct libtorch_lanes {
    static constexpr const char* library = "libtorch";
    libtorch_model<K, H> m;

    explicit libtorch_lanes(rnn::weights const& w) : m(w, rnn::lanes) {}

    void step(rnn::lane_values const& xs, rnn::lane_values& ys) {
        m.step_batch(xs.data(), ys.data());
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

/// A layer of NAM's WaveNet: conv (C → C, kernel K, dilation d), input_mixer (1 → C, 1×1, no
/// bias), _1x1 (C → C, 1×1).
struct wavenet_layer : torch::nn::Module {
    static constexpr std::int64_t K = rnn::wavenet::kernel;
    std::int64_t dilation;
    torch::nn::Conv1d conv, input_mixer, one_by_one;

    wavenet_layer(std::int64_t C, std::int64_t d)
        : dilation(d),
          conv(register_module("conv",
                               torch::nn::Conv1d(torch::nn::Conv1dOptions(C, C, K).dilation(d)))),
          input_mixer(register_module(
              "input_mixer", torch::nn::Conv1d(torch::nn::Conv1dOptions(1, C, 1).bias(false)))),
          one_by_one(
              register_module("_1x1", torch::nn::Conv1d(torch::nn::Conv1dOptions(C, C, 1)))) {}
};

/// A layer array: rechannel (in → C, 1×1, no bias), the layers, head_rechannel (C → head, 1×1).
struct wavenet_array : torch::nn::Module {
    torch::nn::Conv1d rechannel{nullptr}, head_rechannel{nullptr};
    std::vector<std::shared_ptr<wavenet_layer>> layers; // registered as "layers" (ModuleList)

    explicit wavenet_array(rnn::wavenet::array_config const& a) {
        const auto C = std::int64_t(a.channels);
        rechannel = register_module(
            "rechannel",
            torch::nn::Conv1d(torch::nn::Conv1dOptions(std::int64_t(a.in), C, 1).bias(false)));
        torch::nn::ModuleList list = register_module("layers", torch::nn::ModuleList());
        for (std::size_t l = 0; l < rnn::wavenet::layers; ++l) {
            layers.push_back(
                std::make_shared<wavenet_layer>(C, std::int64_t(rnn::wavenet::dilation(l))));
            list->push_back(layers.back());
        }
        head_rechannel = register_module(
            "head_rechannel",
            torch::nn::Conv1d(
                torch::nn::Conv1dOptions(C, std::int64_t(a.head), 1).bias(a.head_bias)));
    }
};

/// NAM's A1 WaveNet: the module ("layer_arrays.0.rechannel.weight", …) and what step keeps.
struct libtorch_wavenet : torch::nn::Module {
    static constexpr const char* library = "libtorch";
    static constexpr std::int64_t K = rnn::wavenet::kernel;
    std::vector<std::shared_ptr<wavenet_array>> arrays; // registered as "layer_arrays"

    // step's view of the model: the weights as matrices (views of the parameters) and every
    // layer's ring of past inputs.
    struct step_layer {
        torch::Tensor conv;                        // [C, C·K]: weight[o, c, k] at (o, c·K + k)
        torch::Tensor conv_bias, mixer;            // [C], [C]
        torch::Tensor one_by_one, one_by_one_bias; // [C, C], [C]
        torch::Tensor past;                        // [C, (K − 1)·d + 1]: the last inputs
        torch::Tensor taps;                        // [K] int64: the slots of taps 0 … K − 1
        std::int64_t dilation, pos = 0;            // pos: the slot the next input goes to
    };
    struct step_array {
        torch::Tensor rechannel, head_rechannel, head_bias; // [C, in], [head, C], [head] (or zero)
        std::vector<step_layer> layers;
    };
    std::vector<step_array> stepping;
    torch::Tensor u = torch::zeros({1}); // step's input, written in place

    explicit libtorch_wavenet(std::vector<rnn::named_tensor> const& ts) {
        torch::nn::ModuleList list = register_module("layer_arrays", torch::nn::ModuleList());
        for (rnn::wavenet::array_config const& a : rnn::wavenet::arrays) {
            arrays.push_back(std::make_shared<wavenet_array>(a));
            list->push_back(arrays.back());
        }
        // The parameters ← ts, in state_dict order, name for name and shape for shape.
        torch::NoGradGuard no_grad;
        auto params = named_parameters();
        TORCH_CHECK(params.size() == ts.size(), "unexpected number of tensors");
        for (std::size_t i = 0; i < ts.size(); ++i) {
            torch::Tensor& p = params[i].value();
            const std::vector<std::int64_t> shape(ts[i].shape.begin(), ts[i].shape.end());
            TORCH_CHECK(params[i].key() == ts[i].name && p.sizes() == at::IntArrayRef(shape),
                        "unexpected tensor ", ts[i].name);
            p.copy_(wrap(ts[i].values.data(), shape));
        }
        for (auto const& a : arrays) {
            torch::Tensor const& head = a->head_rechannel->weight;
            const std::int64_t C = head.size(1);
            step_array s{a->rechannel->weight.flatten(1),
                         head.flatten(1),
                         head_bias_or_zero(*a->head_rechannel),
                         {}};
            for (auto const& l : a->layers)
                s.layers.push_back({l->conv->weight.view({C, C * K}), l->conv->bias,
                                    l->input_mixer->weight.view({C}),
                                    l->one_by_one->weight.view({C, C}), l->one_by_one->bias,
                                    torch::zeros({C, (K - 1) * l->dilation + 1}),
                                    torch::zeros({K}, torch::kInt64), l->dilation});
            stepping.push_back(std::move(s));
        }
    }

    static torch::Tensor head_bias_or_zero(torch::nn::Conv1dImpl const& head_rechannel) {
        return head_rechannel.bias.defined() ? head_rechannel.bias
                                             : torch::zeros({head_rechannel.weight.size(0)});
    }

    /// One sample with matrix-vector products: on one sample, torch::conv1d and the Conv1d
    /// modules' forward cost several µs of overhead per call each, torch::addmv a fraction.
    float step(float in) {
        torch::NoGradGuard no_grad;
        u.data_ptr<float>()[0] = in;
        torch::Tensor y = u, head; // the array's input; the head sum (none before the first layer)
        for (step_array& a : stepping) {
            torch::Tensor x = torch::mv(a.rechannel, y);
            for (step_layer& l : a.layers) {
                const std::int64_t slots = l.past.size(1);
                l.past.select(1, l.pos).copy_(x);
                std::int64_t* taps = l.taps.data_ptr<std::int64_t>();
                for (std::int64_t k = 0; k < K; ++k) // tap k: the input (K − 1 − k)·d samples back
                    taps[k] = (l.pos + slots - (K - 1 - k) * l.dilation) % slots;
                l.pos = (l.pos + 1) % slots;
                // post = tanh(conv over the taps + input_mixer·u)
                const torch::Tensor post =
                    torch::addmv(l.conv_bias, l.conv, l.past.index_select(1, l.taps).view({-1}))
                        .add_(l.mixer, in)
                        .tanh_();
                x = torch::addmv(x, l.one_by_one, post).add_(l.one_by_one_bias);
                head = head.defined() ? head + post : post;
            }
            head = torch::addmv(a.head_bias, a.head_rechannel, head);
            y = x;
        }
        return static_cast<float>(rnn::wavenet::head_scale) * head.data_ptr<float>()[0];
    }

    /// n samples in one call from zero histories, the module's forward: ys[t] for xs[t].
    void chunk(const float* xs, std::size_t n, float* ys) {
        namespace F = torch::nn::functional;
        torch::NoGradGuard no_grad;
        const torch::Tensor c = wrap(xs, {1, 1, std::int64_t(n)}); // the condition
        torch::Tensor y = c, head;
        for (auto const& a : arrays) {
            torch::Tensor x = a->rechannel(y);
            for (auto const& l : a->layers) {
                const torch::Tensor padded =
                    F::pad(x, F::PadFuncOptions({(K - 1) * l->dilation, 0}));
                const torch::Tensor post = torch::tanh(l->conv(padded) + l->input_mixer(c));
                x = x + l->one_by_one(post);
                head = head.defined() ? head + post : post;
            }
            head = a->head_rechannel(head);
            y = x;
        }
        const torch::Tensor out = (rnn::wavenet::head_scale * head).contiguous();
        std::memcpy(ys, out.data_ptr<float>(), n * sizeof(float));
    }
};

/// The whole signal per call of the model `make()` returns.
template <class Make>
void run_chunks(benchmark::State& state, Make const& make) {
    auto m = make();
    std::vector<float> ys(rnn::stream);
    for (auto _ : state) {
        m->chunk(rnn::input().data(), rnn::stream, ys.data());
        benchmark::DoNotOptimize(ys.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * std::int64_t(rnn::stream));
}

/// chunk/<kind>/H: ns per call of the whole signal.
template <rnn::cell K, std::size_t H>
void bm_chunk(benchmark::State& state) {
    run_chunks(state,
               [] { return std::make_unique<libtorch_model<K, H>>(rnn::make_weights(K, H)); });
}

/// chunk/wavenet/a1/16: ns per call of the whole signal.
void bm_wavenet_chunk(benchmark::State& state) {
    run_chunks(state,
               [] { return std::make_unique<libtorch_wavenet>(rnn::make_wavenet_weights()); });
}

/// train256/lstm/32: ns per training step of 256 samples.
void bm_train(benchmark::State& state) {
    auto m = std::make_unique<libtorch_trainer<rnn::train_hidden>>(
        rnn::drawn_weights(rnn::cell::lstm, rnn::train_hidden));
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

/// The WaveNet's chunk mode: the whole signal in one call, its first check_steps outputs against
/// the reference.
bool check_wavenet_chunk() {
    auto m = std::make_unique<libtorch_wavenet>(rnn::make_wavenet_weights());
    std::vector<float> ys(rnn::stream);
    m->chunk(rnn::input().data(), rnn::stream, ys.data());
    ys.resize(rnn::check_steps);
    return rnn::check_wavenet_outputs("libtorch", std::string("chunk/") + rnn::wavenet::cell, ys);
}

bool check_train() {
    const rnn::weights w0 = rnn::drawn_weights(rnn::cell::lstm, rnn::train_hidden);
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
            ok = rnn::check_lanes_cells<libtorch_lanes>() && ok;
            ok = rnn::check_wavenet<libtorch_wavenet>() && ok;
            ok = check_wavenet_chunk() && ok;
            return check_train() && ok;
        },
        [] {
            rnn::for_each_cell([]<rnn::cell K, std::size_t H>() {
                benchmark::RegisterBenchmark(rnn::cell_name("chunk", K, H).c_str(), bm_chunk<K, H>);
            });
            rnn::register_lanes<libtorch_lanes>();
            benchmark::RegisterBenchmark(rnn::wavenet::cell, rnn::bm_wavenet<libtorch_wavenet>);
            benchmark::RegisterBenchmark((std::string("chunk/") + rnn::wavenet::cell).c_str(),
                                         bm_wavenet_chunk);
            benchmark::RegisterBenchmark(
                rnn::cell_name("train256", rnn::cell::lstm, rnn::train_hidden).c_str(), bm_train);
        });
}
