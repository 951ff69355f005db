#pragma once
/// Parameter initializers. Each is deterministic for a given seed on every platform: they use
/// their own generator (splitmix64) and conversion to floating point, not <random>'s
/// distributions, whose output the standard leaves to the implementation.

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "params.hpp"

namespace hardwired {

/// splitmix64: small, fast, and statistically sound for initialisation and shuffling.
struct splitmix64 {
    std::uint64_t state;
    constexpr std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1), 53 random bits.
    constexpr double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Uniform integer in [0, n).
    constexpr std::uint64_t below(std::uint64_t n) { return next() % n; }
};

namespace init {

namespace detail {
// Calls f(layer_view, fan_in, fan_out) for every layer.
template <class Net, class T, class F>
void for_each_layer(params<Net, T>& p, F f) {
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        (f(p.template layer<L>(), Net::sizes[L], Net::sizes[L + 1]), ...);
    }
    (std::make_index_sequence<Net::depth>{});
}

template <class Net, class T>
void uniform_weights(params<Net, T>& p, std::uint64_t seed, double (*bound)(double, double),
                     bool biases_too) {
    splitmix64 rng{seed};
    for_each_layer(p, [&](auto layer, std::size_t in, std::size_t out) {
        const double r = bound(static_cast<double>(in), static_cast<double>(out));
        for (std::size_t j = 0; j < out; ++j)
            for (std::size_t k = 0; k < in; ++k)
                layer.w(j, k) = static_cast<T>((2 * rng.uniform() - 1) * r);
        for (std::size_t j = 0; j < out; ++j)
            layer.b(j) = biases_too ? static_cast<T>((2 * rng.uniform() - 1) * r) : T(0);
    });
}
} // namespace detail

/// Every weight and bias set to `value` (the seeds' worked example uses 1).
template <class Net, class T>
void constant(params<Net, T>& p, std::type_identity_t<T> value) {
    p.values.fill(value);
}

/// Every weight and bias uniform in [lo, hi).
template <class Net, class T>
void uniform(params<Net, T>& p, std::type_identity_t<T> lo, std::type_identity_t<T> hi,
             std::uint64_t seed) {
    splitmix64 rng{seed};
    for (T& v : p.values)
        v = static_cast<T>(lo + (hi - lo) * rng.uniform());
}

/// Xavier/Glorot uniform: weights U(±√(6/(in + out))), biases 0. For tanh and sigmoid layers.
template <class Net, class T>
void xavier(params<Net, T>& p, std::uint64_t seed) {
    detail::uniform_weights(
        p, seed, [](double in, double out) { return std::sqrt(6.0 / (in + out)); }, false);
}

/// He/Kaiming uniform: weights U(±√(6/in)), biases 0. For relu-like layers.
template <class Net, class T>
void he(params<Net, T>& p, std::uint64_t seed) {
    detail::uniform_weights(
        p, seed, [](double in, double) { return std::sqrt(6.0 / in); }, false);
}

/// PyTorch's default for nn.Linear: weights and biases U(±1/√in).
template <class Net, class T>
void fan_in(params<Net, T>& p, std::uint64_t seed) {
    detail::uniform_weights(
        p, seed, [](double in, double) { return 1.0 / std::sqrt(in); }, true);
}

} // namespace init
} // namespace hardwired
