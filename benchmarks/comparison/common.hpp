#pragma once
// The comparison suite's shared definitions: the six networks, the weights and data every
// library gets (identical bits), and the float64 reference every library is checked against.
//
// An adapter for a library is a class template over a network spec S:
//
//     template <class S> struct adapter {
//         static constexpr const char* library = "eigen";
//         explicit adapter(bench::weights const& w);      // a model holding exactly these weights
//         void forward1(const float* x, float* y);        // one sample: S::sizes.front() → back()
//         void forward_batch(const float* x, std::size_t n, float* y); // n samples, row-major
//         // one training step on n samples: forward, MSE with mean reduction over the n·outputs
//         // elements (PyTorch's mse_loss), backward, plain SGD p -= lr·∂L/∂p
//         void train_step(const float* x, const float* y, std::size_t n, float lr);
//         bench::weights get_weights();                   // current weights, for checking
//     };
//
// and bench_main.hpp turns it into a Google Benchmark executable with a --check mode.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

enum class act { identity, tanh, sigmoid };

inline double apply(act a, double z) {
    switch (a) {
    case act::tanh:
        return std::tanh(z);
    case act::sigmoid:
        return 1 / (1 + std::exp(-z));
    default:
        return z;
    }
}
// derivative from the output value y = f(z)
inline double derivative_from_output(act a, double y) {
    switch (a) {
    case act::tanh:
        return 1 - y * y;
    case act::sigmoid:
        return y * (1 - y);
    default:
        return 1;
    }
}

// The six networks. sizes = {inputs, layer sizes...}; `hidden` for all but the last layer.
#define BENCH_NET(NAME, HIDDEN, OUT, ...)                                                          \
    struct net_##NAME {                                                                            \
        static constexpr const char* name = #NAME;                                                 \
        static constexpr std::array sizes{__VA_ARGS__};                                            \
        static constexpr act hidden = act::HIDDEN;                                                 \
        static constexpr act output = act::OUT;                                                    \
        static constexpr std::size_t layers = sizes.size() - 1;                                    \
        static constexpr std::size_t inputs = sizes.front();                                       \
        static constexpr std::size_t outputs = sizes.back();                                       \
        static constexpr act activation(std::size_t layer) {                                       \
            return layer + 1 == layers ? output : hidden;                                          \
        }                                                                                          \
    };
BENCH_NET(A, tanh, sigmoid, 2, 3, 1)
BENCH_NET(B, sigmoid, sigmoid, 4, 2, 2, 1)
BENCH_NET(C, tanh, identity, 8, 16, 16, 4)
BENCH_NET(D, tanh, identity, 16, 32, 32, 8)
BENCH_NET(E, tanh, identity, 32, 64, 64, 10)
BENCH_NET(F, tanh, identity, 128, 128, 128, 16)
#undef BENCH_NET

/// Weights of a network, per layer: W row-major (out × in, W[j·in + k] joins input k to neuron
/// j), and b.
struct weights {
    std::vector<std::vector<float>> w, b;
};

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

/// PyTorch's nn.Linear initialisation: W and b uniform in ±1/√in, fixed seed.
template <class S>
weights make_weights(std::uint64_t seed = 2024) {
    rng r{seed};
    weights w;
    for (std::size_t l = 0; l < S::layers; ++l) {
        const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
        const double bound = 1 / std::sqrt(static_cast<double>(in));
        std::vector<float> wl(in * out), bl(out);
        for (auto& v : wl)
            v = static_cast<float>(r.uniform(-bound, bound));
        for (auto& v : bl)
            v = static_cast<float>(r.uniform(-bound, bound));
        w.w.push_back(wl);
        w.b.push_back(bl);
    }
    return w;
}

/// n samples of `width` values uniform in [-1, 1], row-major.
inline std::vector<float> make_data(std::size_t n, std::size_t width, std::uint64_t seed) {
    rng r{seed};
    std::vector<float> v(n * width);
    for (auto& e : v)
        e = static_cast<float>(r.uniform(-1, 1));
    return v;
}

/// The float64 reference: forward for one sample.
template <class S>
std::vector<double> reference_forward(weights const& w, const float* x) {
    std::vector<double> a(x, x + S::inputs);
    for (std::size_t l = 0; l < S::layers; ++l) {
        const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
        std::vector<double> next(out);
        for (std::size_t j = 0; j < out; ++j) {
            double z = w.b[l][j];
            for (std::size_t k = 0; k < in; ++k)
                z += double(w.w[l][j * in + k]) * a[k];
            next[j] = apply(S::activation(l), z);
        }
        a = next;
    }
    return a;
}

/// The float64 reference: one SGD step on n samples with MSE, mean over n·outputs elements.
template <class S>
weights reference_train_step(weights const& w, const float* x, const float* y, std::size_t n,
                             double lr) {
    std::vector<std::vector<double>> gw(S::layers), gb(S::layers);
    for (std::size_t l = 0; l < S::layers; ++l) {
        gw[l].assign(w.w[l].size(), 0.0);
        gb[l].assign(w.b[l].size(), 0.0);
    }
    for (std::size_t s = 0; s < n; ++s) {
        std::vector<std::vector<double>> a{{x + s * S::inputs, x + (s + 1) * S::inputs}};
        for (std::size_t l = 0; l < S::layers; ++l) {
            const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
            std::vector<double> next(out);
            for (std::size_t j = 0; j < out; ++j) {
                double z = w.b[l][j];
                for (std::size_t k = 0; k < in; ++k)
                    z += double(w.w[l][j * in + k]) * a[l][k];
                next[j] = apply(S::activation(l), z);
            }
            a.push_back(next);
        }
        std::vector<double> g(S::outputs);
        for (std::size_t o = 0; o < S::outputs; ++o)
            g[o] = 2 * (a.back()[o] - y[s * S::outputs + o]) / double(n * S::outputs);
        for (std::size_t l = S::layers; l-- > 0;) {
            const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
            std::vector<double> prev(in, 0.0);
            for (std::size_t j = 0; j < out; ++j) {
                const double d = g[j] * derivative_from_output(S::activation(l), a[l + 1][j]);
                gb[l][j] += d;
                for (std::size_t k = 0; k < in; ++k) {
                    gw[l][j * in + k] += d * a[l][k];
                    prev[k] += double(w.w[l][j * in + k]) * d;
                }
            }
            g = prev;
        }
    }
    weights r = w;
    for (std::size_t l = 0; l < S::layers; ++l) {
        for (std::size_t i = 0; i < r.w[l].size(); ++i)
            r.w[l][i] = static_cast<float>(w.w[l][i] - lr * gw[l][i]);
        for (std::size_t i = 0; i < r.b[l].size(); ++i)
            r.b[l][i] = static_cast<float>(w.b[l][i] - lr * gb[l][i]);
    }
    return r;
}

/// FLOPs of one forward pass of one sample (2 per multiply-add); a training step is counted as
/// 3× that (forward, the upstream product Wᵀδ, the weight gradient).
template <class S>
constexpr double forward_flops() {
    double f = 0;
    for (std::size_t l = 0; l < S::layers; ++l)
        f += 2.0 * S::sizes[l] * S::sizes[l + 1];
    return f;
}

} // namespace bench
