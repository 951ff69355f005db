#pragma once
// The comparison suite's shared definitions: the seven networks, the weights and data every
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
// and bench_main.hpp turns it into a Google Benchmark executable with a --check mode. A spec
// with residual spans (S::residuals not empty: net G) runs only for adapters that opt in
// (bench::runs in bench_main.hpp).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../splitmix64.hpp"

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

/// A residual span of a network: layers [first, end) wrapped by a skip connection. With a[0] the
/// input and a[l + 1] the output of layer l, the skip adds the span's input to the activation
/// of its last layer:  a[end] = f(W·a[end - 1] + b) + a[first]. Needs sizes[first] ==
/// sizes[end]; at most one span may end at each a[i] (spans may be adjacent or nested).
struct residual {
    std::size_t first, end;
};

// The networks. sizes = {inputs, layer sizes...}; `hidden` for all but the last layer; the
// residual spans, none for A–F.
#define BENCH_NET_BODY(NAME, HIDDEN, OUT, ...)                                                     \
    static constexpr const char* name = #NAME;                                                     \
    static constexpr std::array sizes{__VA_ARGS__};                                                \
    static constexpr act hidden = act::HIDDEN;                                                     \
    static constexpr act output = act::OUT;                                                        \
    static constexpr std::size_t layers = sizes.size() - 1;                                        \
    static constexpr std::size_t inputs = sizes.front();                                           \
    static constexpr std::size_t outputs = sizes.back();                                           \
    static constexpr act activation(std::size_t layer) {                                           \
        return layer + 1 == layers ? output : hidden;                                              \
    }
#define BENCH_NET(NAME, HIDDEN, OUT, ...)                                                          \
    struct net_##NAME {                                                                            \
        BENCH_NET_BODY(NAME, HIDDEN, OUT, __VA_ARGS__)                                             \
        static constexpr std::array<residual, 0> residuals{};                                      \
    };
BENCH_NET(A, tanh, sigmoid, 2, 3, 1)
BENCH_NET(B, sigmoid, sigmoid, 4, 2, 2, 1)
BENCH_NET(C, tanh, identity, 8, 16, 16, 4)
BENCH_NET(D, tanh, identity, 16, 32, 32, 8)
BENCH_NET(E, tanh, identity, 32, 64, 64, 10)
BENCH_NET(F, tanh, identity, 128, 128, 128, 16)
/// G, a residual MLP: dense 64 tanh, four blocks x + tanh(W2·tanh(W1·x + b1) + b2) of width
/// 64 (layers 1–2, 3–4, 5–6, 7–8), dense 8 identity.
struct net_G {
    BENCH_NET_BODY(G, tanh, identity, 16, 64, 64, 64, 64, 64, 64, 64, 64, 64, 8)
    static constexpr std::array residuals{residual{1, 3}, residual{3, 5}, residual{5, 7},
                                          residual{7, 9}};
};
#undef BENCH_NET
#undef BENCH_NET_BODY

inline constexpr std::size_t no_skip = static_cast<std::size_t>(-1);

/// The first of the span whose skip ends at a[i] (a[i] += a[first]), or no_skip.
template <class S>
constexpr std::size_t skip_source(std::size_t i) {
    for (residual r : S::residuals)
        if (r.end == i)
            return r.first;
    return no_skip;
}

/// Whether S's residual spans are as `residual` requires.
template <class S>
constexpr bool valid_residuals() {
    for (residual r : S::residuals) {
        std::size_t ending = 0;
        for (residual q : S::residuals)
            ending += q.end == r.end;
        if (r.first >= r.end || r.end > S::layers || S::sizes[r.first] != S::sizes[r.end] ||
            ending != 1)
            return false;
    }
    return true;
}
static_assert(valid_residuals<net_A>() && valid_residuals<net_B>() && valid_residuals<net_C>() &&
              valid_residuals<net_D>() && valid_residuals<net_E>() && valid_residuals<net_F>() &&
              valid_residuals<net_G>());

/// Weights of a network, per layer: W row-major (out × in, W[j·in + k] joins input k to neuron
/// j), and b.
struct weights {
    std::vector<std::vector<float>> w, b;
};

/// splitmix64 (../splitmix64.hpp), so every library gets the same bits on every platform.
using rng = bench_shared::splitmix64;

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
    static_assert(valid_residuals<S>());
    std::vector<std::vector<double>> a{{x, x + S::inputs}}; // a[l]: the input of layer l
    for (std::size_t l = 0; l < S::layers; ++l) {
        const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
        std::vector<double> next(out);
        for (std::size_t j = 0; j < out; ++j) {
            double z = w.b[l][j];
            for (std::size_t k = 0; k < in; ++k)
                z += double(w.w[l][j * in + k]) * a[l][k];
            next[j] = apply(S::activation(l), z);
        }
        if (const std::size_t src = skip_source<S>(l + 1); src != no_skip)
            for (std::size_t j = 0; j < out; ++j)
                next[j] += a[src][j];
        a.push_back(next);
    }
    return a.back();
}

/// The float64 reference: one SGD step on n samples with MSE, mean over n·outputs elements.
template <class S>
weights reference_train_step(weights const& w, const float* x, const float* y, std::size_t n,
                             double lr) {
    static_assert(valid_residuals<S>());
    std::vector<std::vector<double>> gw(S::layers), gb(S::layers);
    for (std::size_t l = 0; l < S::layers; ++l) {
        gw[l].assign(w.w[l].size(), 0.0);
        gb[l].assign(w.b[l].size(), 0.0);
    }
    for (std::size_t s = 0; s < n; ++s) {
        // a[l]: the input of layer l; h[l + 1]: its activation f(z), before a skip is added
        std::vector<std::vector<double>> a{{x + s * S::inputs, x + (s + 1) * S::inputs}}, h{{}};
        for (std::size_t l = 0; l < S::layers; ++l) {
            const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
            std::vector<double> next(out);
            for (std::size_t j = 0; j < out; ++j) {
                double z = w.b[l][j];
                for (std::size_t k = 0; k < in; ++k)
                    z += double(w.w[l][j * in + k]) * a[l][k];
                next[j] = apply(S::activation(l), z);
            }
            h.push_back(next);
            if (const std::size_t src = skip_source<S>(l + 1); src != no_skip)
                for (std::size_t j = 0; j < out; ++j)
                    next[j] += a[src][j];
            a.push_back(next);
        }
        // g[i] = ∂L/∂a[i]: from the layer a[i] feeds, plus from every skip a[i] feeds
        std::vector<std::vector<double>> g(S::layers + 1);
        g[S::layers].resize(S::outputs);
        for (std::size_t o = 0; o < S::outputs; ++o)
            g[S::layers][o] = 2 * (a.back()[o] - y[s * S::outputs + o]) / double(n * S::outputs);
        for (std::size_t l = S::layers; l-- > 0;) {
            const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
            g[l].assign(in, 0.0);
            for (std::size_t j = 0; j < out; ++j) {
                const double d =
                    g[l + 1][j] * derivative_from_output(S::activation(l), h[l + 1][j]);
                gb[l][j] += d;
                for (std::size_t k = 0; k < in; ++k) {
                    gw[l][j * in + k] += d * a[l][k];
                    g[l][k] += double(w.w[l][j * in + k]) * d;
                }
            }
            for (residual r : S::residuals)
                if (r.first == l)
                    for (std::size_t k = 0; k < in; ++k)
                        g[l][k] += g[r.end][k];
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

/// The additions of the residual skips in one forward pass of one sample.
template <class S>
constexpr double residual_adds() {
    double f = 0;
    for (residual r : S::residuals)
        f += S::sizes[r.end];
    return f;
}

/// FLOPs of one forward pass of one sample: 2 per multiply-add, 1 per skip addition (biases and
/// activations are not counted).
template <class S>
constexpr double forward_flops() {
    double f = 0;
    for (std::size_t l = 0; l < S::layers; ++l)
        f += 2.0 * S::sizes[l] * S::sizes[l + 1];
    return f + residual_adds<S>();
}

/// FLOPs of one training step per sample: 3× the multiply-adds (forward, the upstream product
/// Wᵀδ, the weight gradient), 2× the skip additions (the forward one, and the skip's gradient
/// added to the gradient of the span's input).
template <class S>
constexpr double train_flops() {
    return 3 * (forward_flops<S>() - residual_adds<S>()) + 2 * residual_adds<S>();
}

} // namespace bench
