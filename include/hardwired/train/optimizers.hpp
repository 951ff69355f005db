#pragma once
/// Optimizers. Each is a plain aggregate: its settings and its state (arrays shaped like the
/// parameters), no heap; `step(params, grads)` is one pass over the flat parameter array.
/// The update rules are PyTorch's (torch.optim.SGD, Adam, AdamW) with the same defaults.
///
///     hw::sgd<net> opt{.lr = 0.1f, .momentum = 0.9f, .nesterov = true};
///     hw::adam<net> opt{.lr = 1e-3f};
///     opt.step(p, g);

#include <array>
#include <cmath>
#include <cstddef>

#include "../params.hpp"

namespace hardwired {

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay:
/// g ← ∇ + λ·p;  v ← μ·v + g;  p ← p − lr·(Nesterov ? g + μ·v : v)  (plain: p ← p − lr·g).
template <class Net, class T = float>
struct sgd {
    T lr = T(0.01);
    T momentum = T(0);
    bool nesterov = false;
    T weight_decay = T(0);
    std::array<T, Net::parameter_count> velocity{};

    constexpr void step(params<Net, T>& p, gradients<Net, T> const& g) {
        for (std::size_t i = 0; i < Net::parameter_count; ++i) {
            T d = g.values[i] + weight_decay * p.values[i];
            if (momentum != T(0)) {
                velocity[i] = momentum * velocity[i] + d;
                d = nesterov ? d + momentum * velocity[i] : velocity[i];
            }
            p.values[i] -= lr * d;
        }
    }
};

namespace detail {
// Adam's moment update and step for one parameter, shared by adam and adamw.
template <class T>
constexpr T adam_delta(T g, T& m, T& v, T beta1, T beta2, T eps, T correction1, T correction2) {
    m = beta1 * m + (T(1) - beta1) * g;
    v = beta2 * v + (T(1) - beta2) * g * g;
    using std::sqrt;
    return (m / correction1) / (sqrt(v / correction2) + eps);
}
} // namespace detail

/// Adam (Kingma & Ba) with L2 weight decay added to the gradient, as torch.optim.Adam.
template <class Net, class T = float>
struct adam {
    T lr = T(0.001);
    T beta1 = T(0.9);
    T beta2 = T(0.999);
    T eps = T(1e-8);
    T weight_decay = T(0);
    std::array<T, Net::parameter_count> m{};
    std::array<T, Net::parameter_count> v{};
    long long t = 0;

    constexpr void step(params<Net, T>& p, gradients<Net, T> const& g) {
        ++t;
        using std::pow;
        const T c1 = T(1) - static_cast<T>(pow(beta1, static_cast<T>(t)));
        const T c2 = T(1) - static_cast<T>(pow(beta2, static_cast<T>(t)));
        for (std::size_t i = 0; i < Net::parameter_count; ++i) {
            const T d = g.values[i] + weight_decay * p.values[i];
            p.values[i] -= lr * detail::adam_delta(d, m[i], v[i], beta1, beta2, eps, c1, c2);
        }
    }
};

/// AdamW (Loshchilov & Hutter): decoupled weight decay, p ← p·(1 − lr·λ) before the Adam step,
/// as torch.optim.AdamW (default λ = 0.01).
template <class Net, class T = float>
struct adamw {
    T lr = T(0.001);
    T beta1 = T(0.9);
    T beta2 = T(0.999);
    T eps = T(1e-8);
    T weight_decay = T(0.01);
    std::array<T, Net::parameter_count> m{};
    std::array<T, Net::parameter_count> v{};
    long long t = 0;

    constexpr void step(params<Net, T>& p, gradients<Net, T> const& g) {
        ++t;
        using std::pow;
        const T c1 = T(1) - static_cast<T>(pow(beta1, static_cast<T>(t)));
        const T c2 = T(1) - static_cast<T>(pow(beta2, static_cast<T>(t)));
        for (std::size_t i = 0; i < Net::parameter_count; ++i) {
            p.values[i] *= T(1) - lr * weight_decay;
            p.values[i] -=
                lr * detail::adam_delta(g.values[i], m[i], v[i], beta1, beta2, eps, c1, c2);
        }
    }
};

} // namespace hardwired
