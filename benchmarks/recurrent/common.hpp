#pragma once
// The recurrent suite's shared definitions: the models, the weights and data every library gets
// (identical bits), and the float64 reference every library is checked against.
//
// The model of a cell is 1 → LSTM(H) or GRU(H) → dense 1 (linear), with PyTorch's equations,
// gate order, tensor names and layouts (row-major):
//
//   LSTM  weight_ih [4H, 1], weight_hh [4H, H], bias_ih [4H], bias_hh [4H]; row blocks i, f, g, o
//         i, f, o = σ(W_i· x + b_i· + W_h· h + b_h·),  g = tanh(W_ig x + b_ig + W_hg h + b_hg)
//         c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
//   GRU   weight_ih [3H, 1], weight_hh [3H, H], bias_ih [3H], bias_hh [3H]; row blocks r, z, n
//         r, z = σ(W_i· x + b_i· + W_h· h + b_h·),  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//         h' = (1 − z) ⊙ n + z ⊙ h
//   dense weight [1, H], bias [1]:  y = weight · h' + bias
//
// Every value is drawn from U(±1/√H) (PyTorch's initialisation of all of them) by splitmix64
// from a fixed seed, so every library gets the same bits on every platform.
// With the environment variable HARDWIRED_RNN_WEIGHTS set (run.py --trained), the step and
// lanes cells take weights a model has learned instead, from files train_rnn_weights.cpp writes
// (make_weights). The training cell starts from the drawn weights either way: from a learned
// model, whose gradients are small, its check of the updates against float64 measures float32
// rounding rather than the training step.
//
// The signal (`input()`): 4096 samples of two sines and a little noise, cycled through by the
// step benchmarks so that nothing is folded. The training target (`target()`): a soft clipper
// tanh(2.5·x) of the same samples, the kind of system an amplifier model learns.
//
// The lanes cells (lanes32/lstm/16, lanes32/gru/16): 32 independent sequences of the step cell's
// model of H = 16 (the same weights), one time step of all 32 per call, as a plugin running
// voices or channels would. Sequence q reads the signal 97·q samples ahead: at time t,
// input()[(t + 97·q) mod 4096] (`lane_sample`); 97 is prime, so the 32 offsets 0, 97, …, 3007
// are distinct and the sequences sit at different phases of the signal.
//
// The WaveNet cell (wavenet/a1/16) is the "A1 standard" WaveNet of the Neural Amp Modeler (NAM),
// in the layout of its PyTorch module (tests/torch/make_wavenet_fixtures.py): two layer arrays,
// 1 → 16 channels (head 8) and 16 → 8 channels (head 1, with a bias), each ten layers of
// kernel 3 and dilations 1, 2, 4, …, 512. A layer of C channels, on its input x and the model's
// input u (the condition of every layer):
//
//   z = conv(x) + input_mixer(u),  post = tanh(z),  x ← x + _1x1(post),  head ← head + post
//
// conv is PyTorch's causal dilated cross-correlation, conv(x)[o, t] = bias[o] +
// Σ_k Σ_c weight[o, c, k]·x[c, t − (2 − k)·d] (zero before the start). An array rechannels its
// input to C first; its head sum starts at the previous array's head (zero for the first) and
// leaves through head_rechannel. The output is 0.02 × the last head. Its weights: PyTorch's
// default Conv1d initialisation, U(±1/√(in·K)) for each weight and its bias, by splitmix64.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../splitmix64.hpp"

namespace rnn {

enum class cell { lstm, gru };

inline constexpr const char* name(cell k) {
    return k == cell::lstm ? "lstm" : "gru";
}
/// Gate row blocks: 4 for an LSTM (i, f, g, o), 3 for a GRU (r, z, n).
inline constexpr std::size_t gates(cell k) {
    return k == cell::lstm ? 4 : 3;
}

/// The hidden sizes of the step cells.
inline constexpr std::array<std::size_t, 5> hidden_sizes{8, 16, 32, 40, 64};

/// f.template operator()<K, H>() for both kinds and every hidden size, LSTMs first.
template <class F>
void for_each_cell(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f.template operator()<cell::lstm, hidden_sizes[I]>(), ...);
        (f.template operator()<cell::gru, hidden_sizes[I]>(), ...);
    }
    (std::make_index_sequence<hidden_sizes.size()>{});
}

inline constexpr std::size_t stream = 4096;      // samples of the signal, cycled
inline constexpr std::size_t check_steps = 1000; // time steps of a --check run
inline constexpr double tolerance = 1e-4;        // absolute, against the float64 reference

// The WaveNet cell: NAM's A1 standard configuration (see the top of this file).
namespace wavenet {
struct array_config {
    std::size_t in, channels, head;
    bool head_bias;
};
inline constexpr std::array<array_config, 2> arrays{{{1, 16, 8, false}, {16, 8, 1, true}}};
inline constexpr std::size_t kernel = 3, layers = 10; // per array; dilation of layer l: 2^l
inline constexpr double head_scale = 0.02;
inline constexpr const char* cell = "wavenet/a1/16";
inline constexpr std::size_t dilation(std::size_t layer) {
    return std::size_t(1) << layer;
}
} // namespace wavenet

// The lanes cells (see the top of this file): `lanes` sequences of hidden size `lanes_hidden`.
inline constexpr std::size_t lanes = 32, lanes_hidden = 16, lane_offset = 97;
using lane_values = std::array<float, lanes>; // one value of every sequence

// The training cell: one truncated-BPTT step of LSTM(32) on 256 samples, plain SGD.
inline constexpr std::size_t train_hidden = 32;
inline constexpr std::size_t train_chunk = 256;
inline constexpr float train_lr = 1e-3f;
inline constexpr std::size_t train_check_steps = 3; // training steps of a --check run

/// splitmix64 (../splitmix64.hpp), so every library gets the same bits on every platform.
using rng = bench_shared::splitmix64;

/// The weights of one model, in PyTorch's layout and names (see the top of this file).
struct weights {
    cell kind = cell::lstm;
    std::size_t hidden = 0;
    std::vector<float> weight_ih, weight_hh, bias_ih, bias_hh; // the recurrent layer
    std::vector<float> weight, bias;                           // the dense head

    /// The tensor of that PyTorch name ("weight_ih_l0", …, and the head's "weight", "bias"), or
    /// null.
    std::vector<float>* tensor(std::string_view n) {
        return n == "weight_ih_l0"   ? &weight_ih
               : n == "weight_hh_l0" ? &weight_hh
               : n == "bias_ih_l0"   ? &bias_ih
               : n == "bias_hh_l0"   ? &bias_hh
               : n == "weight"       ? &weight
               : n == "bias"         ? &bias
                                     : nullptr;
    }
    std::vector<float> const* tensor(std::string_view n) const {
        return const_cast<weights*>(this)->tensor(n);
    }
    /// Every tensor in order, with its name.
    static constexpr std::array<const char*, 6> names{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                                      "bias_hh_l0",   "weight",       "bias"};
};

/// A model's weights from U(±1/√H): weight_ih, weight_hh, bias_ih, bias_hh, weight, bias in
/// order, each row-major. The seed depends on the kind and H, so every cell has its own model.
inline weights drawn_weights(cell k, std::size_t hidden) {
    rng r{2024 + 100 * std::uint64_t(k == cell::gru) + hidden};
    const double bound = 1 / std::sqrt(static_cast<double>(hidden));
    const std::size_t rows = gates(k) * hidden;
    weights w{k,
              hidden,
              std::vector<float>(rows),
              std::vector<float>(rows * hidden),
              std::vector<float>(rows),
              std::vector<float>(rows),
              std::vector<float>(hidden),
              std::vector<float>(1)};
    for (const char* n : weights::names)
        for (float& v : *w.tensor(n))
            v = static_cast<float>(r.uniform(-bound, bound));
    return w;
}

/// The environment variable that points the suite at trained weights (weights_file).
inline constexpr const char* weights_variable = "HARDWIRED_RNN_WEIGHTS";

/// The file of the model of `kind` and `hidden` units in the directory `dir`: <dir>/<kind><H>.txt
/// (lstm16.txt), the six tensors in the order of weights::names, each row-major, as numbers
/// separated by white space (train_rnn_weights.cpp writes them).
inline std::string weights_file(std::string const& dir, cell kind, std::size_t hidden) {
    return dir + "/" + name(kind) + std::to_string(hidden) + ".txt";
}

/// The model of `kind` and `hidden` units read from the file `path` (weights_file's format). A
/// missing or unreadable file, or one with fewer or more numbers than the model has, ends the
/// program with a message.
inline weights read_weights(std::string const& path, cell kind, std::size_t hidden) {
    weights w = drawn_weights(kind, hidden); // for the tensors' sizes
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (!f) {
        std::fprintf(stderr, "error: %s cannot be read\n", path.c_str());
        std::exit(2);
    }
    for (const char* n : weights::names)
        for (float& v : *w.tensor(n))
            if (std::fscanf(f, "%f", &v) != 1) {
                std::fprintf(stderr, "error: %s ends before tensor %s is complete\n", path.c_str(),
                             n);
                std::exit(2);
            }
    float extra;
    const bool more = std::fscanf(f, "%f", &extra) == 1;
    std::fclose(f);
    if (more) {
        std::fprintf(stderr, "error: %s holds more numbers than the %s model of %zu units\n",
                     path.c_str(), name(kind), hidden);
        std::exit(2);
    }
    return w;
}

/// The weights of the step cells' model of `kind` and `hidden` units: drawn_weights, or, where
/// the environment variable HARDWIRED_RNN_WEIGHTS names a directory, read_weights of its
/// weights_file, for every library alike (weights a model has learned; drawn ones seldom reach
/// the ranges where σ and tanh cost more).
inline weights make_weights(cell kind, std::size_t hidden) {
    const char* dir = std::getenv(weights_variable);
    if (!dir || !*dir)
        return drawn_weights(kind, hidden);
    return read_weights(weights_file(dir, kind, hidden), kind, hidden);
}

/// One tensor of the WaveNet: its name in the PyTorch module's state_dict
/// ("layer_arrays.0.layers.3.conv.weight"), its shape and its values (row-major).
struct named_tensor {
    std::string name;
    std::vector<std::size_t> shape;
    std::vector<float> values;
};

/// The WaveNet's weights, every tensor of its state_dict in order (see the top of this file).
inline std::vector<named_tensor> make_wavenet_weights() {
    rng r{4093}; // the model's receptive field
    std::vector<named_tensor> ts;
    // A tensor of `shape` from U(±1/√fan_in), fan_in = in·K of its convolution.
    auto add = [&](std::string name, std::vector<std::size_t> shape, std::size_t fan_in) {
        std::size_t n = 1;
        for (std::size_t d : shape)
            n *= d;
        const double bound = 1 / std::sqrt(static_cast<double>(fan_in));
        std::vector<float> v(n);
        for (float& e : v)
            e = static_cast<float>(r.uniform(-bound, bound));
        ts.push_back({std::move(name), std::move(shape), std::move(v)});
    };
    for (std::size_t a = 0; a < wavenet::arrays.size(); ++a) {
        const auto [in, C, head, head_bias] = wavenet::arrays[a];
        const std::size_t K = wavenet::kernel;
        const std::string array = "layer_arrays." + std::to_string(a) + ".";
        add(array + "rechannel.weight", {C, in, 1}, in);
        for (std::size_t l = 0; l < wavenet::layers; ++l) {
            const std::string layer = array + "layers." + std::to_string(l) + ".";
            add(layer + "conv.weight", {C, C, K}, C * K);
            add(layer + "conv.bias", {C}, C * K);
            add(layer + "input_mixer.weight", {C, 1, 1}, 1);
            add(layer + "_1x1.weight", {C, C, 1}, C);
            add(layer + "_1x1.bias", {C}, C);
        }
        add(array + "head_rechannel.weight", {head, C, 1}, C);
        if (head_bias)
            add(array + "head_rechannel.bias", {head}, C);
    }
    return ts;
}

/// The signal: 0.5·sin(2π·220·t/48000) + 0.25·sin(2π·1375·t/48000) + U(±0.05), `stream`
/// samples.
inline std::vector<float> const& input() {
    static const std::vector<float> xs = [] {
        rng r{7};
        std::vector<float> v(stream);
        for (std::size_t t = 0; t < stream; ++t) {
            const double phase = 2 * std::numbers::pi * double(t) / 48000;
            v[t] = static_cast<float>(0.5 * std::sin(220 * phase) + 0.25 * std::sin(1375 * phase) +
                                      r.uniform(-0.05, 0.05));
        }
        return v;
    }();
    return xs;
}

/// The training target of input()[t]: tanh(2.5·x).
inline std::vector<float> const& target() {
    static const std::vector<float> ys = [] {
        std::vector<float> v(stream);
        std::transform(input().begin(), input().end(), v.begin(),
                       [](float x) { return static_cast<float>(std::tanh(2.5 * double(x))); });
        return v;
    }();
    return ys;
}

/// The sample of the signal sequence q of a lanes cell reads at time t.
inline constexpr std::size_t lane_sample(std::size_t q, std::size_t t) {
    return (t + lane_offset * q) % stream;
}

/// The first sample of training step `step`'s chunk: the chunks of 256 samples in order, cycled.
inline std::size_t chunk_start(std::size_t step) {
    return step % (stream / train_chunk) * train_chunk;
}

inline double sigmoid(double z) {
    return 1 / (1 + std::exp(-z));
}

/// The float64 reference: one model, one time step per call, from the zero state.
struct reference {
    cell kind;
    std::size_t H;
    std::vector<double> w_ih, w_hh, b_ih, b_hh, w_out;
    double b_out;
    std::vector<double> h, c; // the state (c: LSTM only)

    explicit reference(weights const& w)
        : kind(w.kind), H(w.hidden), w_ih(w.weight_ih.begin(), w.weight_ih.end()),
          w_hh(w.weight_hh.begin(), w.weight_hh.end()), b_ih(w.bias_ih.begin(), w.bias_ih.end()),
          b_hh(w.bias_hh.begin(), w.bias_hh.end()), w_out(w.weight.begin(), w.weight.end()),
          b_out(w.bias[0]), h(H), c(H) {}

    void reset() {
        std::fill(h.begin(), h.end(), 0.0);
        std::fill(c.begin(), c.end(), 0.0);
    }

    double step(double x) {
        const std::size_t rows = gates(kind) * H;
        std::vector<double> zi(rows), zh(rows); // W_ih x + b_ih, W_hh h + b_hh
        for (std::size_t r = 0; r < rows; ++r) {
            zi[r] = w_ih[r] * x + b_ih[r];
            zh[r] = b_hh[r];
            for (std::size_t k = 0; k < H; ++k)
                zh[r] += w_hh[r * H + k] * h[k];
        }
        for (std::size_t j = 0; j < H; ++j) {
            if (kind == cell::lstm) {
                const double i = sigmoid(zi[j] + zh[j]), f = sigmoid(zi[H + j] + zh[H + j]),
                             g = std::tanh(zi[2 * H + j] + zh[2 * H + j]),
                             o = sigmoid(zi[3 * H + j] + zh[3 * H + j]);
                c[j] = f * c[j] + i * g;
                h[j] = o * std::tanh(c[j]);
            } else {
                const double r = sigmoid(zi[j] + zh[j]), z = sigmoid(zi[H + j] + zh[H + j]),
                             n = std::tanh(zi[2 * H + j] + r * zh[2 * H + j]);
                h[j] = (1 - z) * n + z * h[j];
            }
        }
        double y = b_out;
        for (std::size_t j = 0; j < H; ++j)
            y += w_out[j] * h[j];
        return y;
    }
};

/// The float64 reference of the WaveNet, one sample per call from zero histories: every layer
/// keeps a ring of its last (K − 1)·d + 1 inputs, tap k reading the input (K − 1 − k)·d back.
struct wavenet_reference {
    std::vector<std::vector<double>> w;    // the tensors, in order
    std::vector<std::vector<double>> ring; // per layer of both arrays: its inputs, slot by slot
    std::vector<std::size_t> pos;          // per layer: the slot the next input goes to

    explicit wavenet_reference(std::vector<named_tensor> const& ts) {
        for (named_tensor const& t : ts)
            w.emplace_back(t.values.begin(), t.values.end());
        for (wavenet::array_config const& a : wavenet::arrays)
            for (std::size_t l = 0; l < wavenet::layers; ++l)
                ring.emplace_back(((wavenet::kernel - 1) * wavenet::dilation(l) + 1) * a.channels);
        pos.assign(ring.size(), 0);
    }

    /// m·v for a row-major m of `rows` rows.
    static std::vector<double> times(std::vector<double> const& m, std::vector<double> const& v,
                                     std::size_t rows) {
        std::vector<double> out(rows);
        for (std::size_t o = 0; o < rows; ++o)
            for (std::size_t i = 0; i < v.size(); ++i)
                out[o] += m[o * v.size() + i] * v[i];
        return out;
    }

    double step(double u) {
        const std::size_t K = wavenet::kernel;
        std::size_t t = 0, r = 0;        // the next tensor, the next layer's ring
        std::vector<double> in{u}, head; // the array's input; the head sum
        for (wavenet::array_config const& a : wavenet::arrays) {
            const std::size_t C = a.channels;
            std::vector<double> x = times(w[t++], in, C); // rechannel
            head.resize(C);                               // zero for the first array
            for (std::size_t l = 0; l < wavenet::layers; ++l, ++r, t += 5) {
                auto const &conv = w[t], &bias = w[t + 1], &mixer = w[t + 2], &w1 = w[t + 3],
                           &b1 = w[t + 4];
                const std::size_t d = wavenet::dilation(l), len = ring[r].size() / C;
                std::copy(x.begin(), x.end(), ring[r].begin() + std::ptrdiff_t(pos[r] * C));
                std::vector<double> post(C);
                for (std::size_t o = 0; o < C; ++o) {
                    double z = bias[o] + mixer[o] * u;
                    for (std::size_t k = 0; k < K; ++k) {
                        const double* past = &ring[r][(pos[r] + len - (K - 1 - k) * d) % len * C];
                        for (std::size_t c = 0; c < C; ++c)
                            z += conv[(o * C + c) * K + k] * past[c];
                    }
                    post[o] = std::tanh(z);
                }
                pos[r] = (pos[r] + 1) % len;
                const std::vector<double> residual = times(w1, post, C);
                for (std::size_t o = 0; o < C; ++o) {
                    x[o] += residual[o] + b1[o];
                    head[o] += post[o];
                }
            }
            std::vector<double> out = times(w[t++], head, a.head); // head_rechannel
            if (a.head_bias) {
                std::vector<double> const& bias = w[t++];
                for (std::size_t o = 0; o < a.head; ++o)
                    out[o] += bias[o];
            }
            head = std::move(out);
            in = std::move(x);
        }
        return wavenet::head_scale * head[0];
    }
};

/// The float64 reference of the training cell (LSTM only): truncated back-propagation through
/// time on one chunk from the carried state, MSE with mean over the chunk's steps, plain SGD
/// p ← p − lr·∂L/∂p; the state after the chunk is carried to the next one (detached).
struct reference_trainer {
    std::size_t H;
    // parameters and their gradients, in the order and layout of weights::names
    std::array<std::vector<double>, 6> p, g;
    std::vector<double> h, c;

    explicit reference_trainer(weights const& w) : H(w.hidden), h(H), c(H) {
        for (std::size_t t = 0; t < 6; ++t) {
            auto const& from = *w.tensor(weights::names[t]);
            p[t].assign(from.begin(), from.end());
            g[t].assign(from.size(), 0.0);
        }
    }

    /// One training step on xs[0, n), ys[0, n); returns the loss before the update.
    double train(const float* xs, const float* ys, std::size_t n, double lr) {
        auto &w_ih = p[0], &w_hh = p[1], &w_out = p[4];
        double const b_out = p[5][0];
        // forward: per step the state before it, the gate values, c' and tanh(c'), h'
        std::vector<std::vector<double>> h_prev(n), c_prev(n), a(n), c_next(n), cell_(n), h_next(n);
        std::vector<double> y(n);
        for (std::size_t t = 0; t < n; ++t) {
            h_prev[t] = h;
            c_prev[t] = c;
            a[t].resize(4 * H);
            for (std::size_t r = 0; r < 4 * H; ++r) {
                double z = w_ih[r] * double(xs[t]) + p[2][r] + p[3][r];
                for (std::size_t k = 0; k < H; ++k)
                    z += w_hh[r * H + k] * h[k];
                a[t][r] = r / H == 2 ? std::tanh(z) : sigmoid(z);
            }
            c_next[t].resize(H);
            cell_[t].resize(H);
            for (std::size_t j = 0; j < H; ++j) {
                c[j] = a[t][H + j] * c[j] + a[t][j] * a[t][2 * H + j];
                c_next[t][j] = c[j];
                cell_[t][j] = std::tanh(c[j]);
                h[j] = a[t][3 * H + j] * cell_[t][j];
            }
            h_next[t] = h;
            y[t] = b_out;
            for (std::size_t j = 0; j < H; ++j)
                y[t] += w_out[j] * h[j];
        }
        // backward through time
        for (auto& v : g)
            std::fill(v.begin(), v.end(), 0.0);
        double loss = 0;
        std::vector<double> dh(H), dc(H), dz(4 * H);
        for (std::size_t t = n; t-- > 0;) {
            const double e = y[t] - double(ys[t]);
            loss += e * e / double(n);
            const double dy = 2 * e / double(n);
            g[5][0] += dy;
            for (std::size_t j = 0; j < H; ++j) {
                g[4][j] += dy * h_next[t][j];
                const double d_h = dh[j] + dy * w_out[j];
                const double* at = a[t].data();
                const double d_c = dc[j] + d_h * at[3 * H + j] * (1 - cell_[t][j] * cell_[t][j]);
                dz[j] = d_c * at[2 * H + j] * at[j] * (1 - at[j]);
                dz[H + j] = d_c * c_prev[t][j] * at[H + j] * (1 - at[H + j]);
                dz[2 * H + j] = d_c * at[j] * (1 - at[2 * H + j] * at[2 * H + j]);
                dz[3 * H + j] = d_h * cell_[t][j] * at[3 * H + j] * (1 - at[3 * H + j]);
                dc[j] = d_c * at[H + j];
            }
            std::fill(dh.begin(), dh.end(), 0.0);
            for (std::size_t r = 0; r < 4 * H; ++r) {
                g[0][r] += dz[r] * double(xs[t]);
                g[2][r] += dz[r];
                g[3][r] += dz[r];
                for (std::size_t k = 0; k < H; ++k) {
                    g[1][r * H + k] += dz[r] * h_prev[t][k];
                    dh[k] += w_hh[r * H + k] * dz[r];
                }
            }
        }
        for (std::size_t t = 0; t < 6; ++t)
            for (std::size_t i = 0; i < p[t].size(); ++i)
                p[t][i] -= lr * g[t][i];
        return loss;
    }
};

inline std::string cell_name(const char* what, cell k, std::size_t hidden) {
    return std::string(what) + "/" + name(k) + "/" + std::to_string(hidden);
}

/// The largest absolute difference from the reference, and whether all are within tolerance.
struct comparison {
    double worst = 0;
    bool ok = true;
    double tol = tolerance;
    double scale = 0; // if set, the largest |reference|: print adds worst / scale
    void operator()(double got, double ref) {
        const double d = std::abs(got - ref);
        worst = std::max(worst, d);
        ok = ok && d <= tol; // NaN fails
    }
    bool print(const char* library, std::string const& cell, const char* what) const {
        std::printf("%-10s %-18s %s %.2e", library, cell.c_str(), what, worst);
        if (scale > 0)
            std::printf(", relative to the largest output %.2e", worst / scale);
        std::printf("  %s\n", ok ? "ok" : "MISMATCH");
        return ok;
    }
};

/// Compares a library's first outputs `ys` of the WaveNet (from zero histories, on input()) with
/// the float64 reference, printing one line: the largest difference, absolute (to tolerance) and
/// relative to the largest output.
inline bool check_wavenet_outputs(const char* library, std::string const& cell,
                                  std::vector<float> const& ys) {
    wavenet_reference ref(make_wavenet_weights());
    comparison cmp;
    for (std::size_t t = 0; t < ys.size(); ++t) {
        const double expected = ref.step(input()[t]);
        cmp(ys[t], expected);
        cmp.scale = std::max(cmp.scale, std::abs(expected));
    }
    const std::string what = std::to_string(ys.size()) + " steps, largest difference from float64";
    return cmp.print(library, cell, what.c_str());
}

/// The float64 reference's weights after train_check_steps training steps from w.
inline reference_trainer reference_training(weights const& w) {
    reference_trainer ref(w);
    for (std::size_t s = 0; s < train_check_steps; ++s)
        ref.train(&input()[chunk_start(s)], &target()[chunk_start(s)], train_chunk, train_lr);
    return ref;
}

/// Compares a library's weights `got` after train_check_steps training steps from `w0` with the
/// float64 reference's `ref` (and, when given, with another library's), printing one line each:
/// the weights to 1e-4 absolute; and, since a step of lr = 1e-3 moves them little, the updates
/// (weights − w0) against the reference's, the largest difference relative to the largest
/// update, to update_tolerance.
inline constexpr double update_tolerance = 1e-3;
inline bool check_training(const char* library, weights const& w0, weights const& got,
                           reference_trainer const& ref, weights const* other = nullptr,
                           const char* other_name = nullptr) {
    comparison to_ref, to_other, update;
    double largest_update = 0;
    for (std::size_t t = 0; t < weights::names.size(); ++t) {
        std::vector<float> const& g = *got.tensor(weights::names[t]);
        std::vector<float> const& initial = *w0.tensor(weights::names[t]);
        for (std::size_t i = 0; i < g.size(); ++i) {
            to_ref(g[i], ref.p[t][i]);
            update(double(g[i]) - initial[i], ref.p[t][i] - initial[i]);
            largest_update = std::max(largest_update, std::abs(ref.p[t][i] - initial[i]));
            if (other)
                to_other(g[i], (*other->tensor(weights::names[t]))[i]);
        }
    }
    update.worst /= largest_update;
    update.ok = update.worst <= update_tolerance;
    const std::string cell = cell_name("train256", cell::lstm, train_hidden);
    bool ok = to_ref.print(library, cell, "weights after 3 steps, largest difference from float64");
    ok = update.print(library, cell, "updates, largest difference from float64 / largest update") &&
         ok;
    if (other) {
        const std::string what =
            std::string("weights after 3 steps, largest difference from ") + other_name;
        ok = to_other.print(library, cell, what.c_str()) && ok;
    }
    return ok;
}

} // namespace rnn
