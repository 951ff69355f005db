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
//
// The signal (`input()`): 4096 samples of two sines and a little noise, cycled through by the
// step benchmarks so that nothing is folded. The training target (`target()`): a soft clipper
// tanh(2.5·x) of the same samples, the kind of system an amplifier model learns.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

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

inline constexpr std::size_t stream = 4096;      // samples of the signal, cycled
inline constexpr std::size_t check_steps = 1000; // time steps of a --check run
inline constexpr double tolerance = 1e-4;        // absolute, against the float64 reference

// The training cell: one truncated-BPTT step of LSTM(32) on 256 samples, plain SGD.
inline constexpr std::size_t train_hidden = 32;
inline constexpr std::size_t train_chunk = 256;
inline constexpr float train_lr = 1e-3f;
inline constexpr std::size_t train_check_steps = 3; // training steps of a --check run

/// splitmix64, so every library gets the same bits on every platform.
struct rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53;
    }
};

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
inline weights make_weights(cell k, std::size_t hidden) {
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
    void operator()(double got, double ref) {
        const double d = std::abs(got - ref);
        worst = std::max(worst, d);
        ok = ok && d <= tol; // NaN fails
    }
    bool print(const char* library, std::string const& cell, const char* what) const {
        std::printf("%-10s %-18s %s %.2e  %s\n", library, cell.c_str(), what, worst,
                    ok ? "ok" : "MISMATCH");
        return ok;
    }
};

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
