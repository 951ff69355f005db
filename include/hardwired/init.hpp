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
// Sets every parameter tensor of the network by its role (layers/layer.hpp): a weight to
// U(±weight_bound(fan_in, fan_out)), a bias to U(±bias_bound(fan_in, fan_out)) or 0 when
// bias_bound is null, ones, zeros and constant to 1, 0 and the tensor's value. Tensors are visited
// in parameter order and each one's elements in PyTorch's row-major order, all from one generator.
template <class Net, class T>
void by_role(params<Net, T>& p, std::uint64_t seed, double (*weight_bound)(double, double),
             double (*bias_bound)(double, double)) {
    splitmix64 rng{seed};
    for (tensor const& t : Net::tensors) {
        const double in = static_cast<double>(t.fan_in), out = static_cast<double>(t.fan_out);
        for (std::size_t i = 0; i < t.size(); ++i) {
            T& v = p.values[t.at(i)];
            switch (t.role) {
            case init_role::weight:
                v = static_cast<T>((2 * rng.uniform() - 1) * weight_bound(in, out));
                break;
            case init_role::bias:
                v = bias_bound ? static_cast<T>((2 * rng.uniform() - 1) * bias_bound(in, out))
                               : T(0);
                break;
            case init_role::ones:
                v = T(1);
                break;
            case init_role::zeros:
                v = T(0);
                break;
            case init_role::constant:
                v = static_cast<T>(t.value);
                break;
            }
        }
    }
}
inline double xavier_bound(double in, double out) {
    return std::sqrt(6.0 / (in + out));
}
inline double he_bound(double in, double) {
    return std::sqrt(6.0 / in);
}
inline double fan_in_bound(double in, double) {
    return 1.0 / std::sqrt(in);
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
/// (Here and below, a layer's fixed tensors such as LayerNorm's weight and bias get 1 and 0.)
template <class Net, class T>
void xavier(params<Net, T>& p, std::uint64_t seed) {
    detail::by_role(p, seed, detail::xavier_bound, nullptr);
}

/// He/Kaiming uniform: weights U(±√(6/in)), biases 0. For relu-like layers.
template <class Net, class T>
void he(params<Net, T>& p, std::uint64_t seed) {
    detail::by_role(p, seed, detail::he_bound, nullptr);
}

/// PyTorch's default for nn.Linear: weights and biases U(±1/√in).
template <class Net, class T>
void fan_in(params<Net, T>& p, std::uint64_t seed) {
    detail::by_role(p, seed, detail::fan_in_bound, detail::fan_in_bound);
}

/// PyTorch's defaults for every layer: hw::init::fan_in for dense layers, ones and zeros where
/// the layer says (LayerNorm).
template <class Net, class T>
void defaults(params<Net, T>& p, std::uint64_t seed) {
    fan_in(p, seed);
}

} // namespace init
} // namespace hardwired
