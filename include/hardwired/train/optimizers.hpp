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
#include <type_traits>
#include <utility>

#include "../diagnostics.hpp"
#include "../layers/layer.hpp"
#include "../params.hpp"

namespace hardwired {

namespace detail {
/// True when an optimizer of type Optimizer can update hw::params<Net, T>; otherwise one
/// diagnostic naming the optimizer and the parameters.
template <class Optimizer, class Net, class T>
constexpr bool check_optimizer() {
    constexpr bool ok = requires(Optimizer & o, params<Net, T> & p, gradients<Net, T> const& g) {
        o.step(p, g);
    };
    if constexpr (!ok)
        static_assert(diagnostic::holds<typename diagnostic::optimizer_was_declared_as<
                          Optimizer>::template but_parameters_are<params<Net, T>>>,
                      HARDWIRED_MSG_OPTIMIZER);
    return ok;
}

/// f(g, p, s...) for every index in [begin, end), with g the gradient (by value), p the
/// parameter and s... the optimizer's state arrays (by reference, updated in place). Float and
/// double go through xsimd batches, then a scalar tail; constant evaluation and other types are
/// scalar.
template <class T, class F, std::size_t N, class... State>
constexpr void update_range(std::size_t begin, std::size_t end, F& f, std::array<T, N> const& g,
                            std::array<T, N>& p, State&... s) {
    std::size_t i = begin;
    if constexpr (std::is_same_v<kernels::default_kernel<T>, kernels::simd>) {
        if (!std::is_constant_evaluated()) {
            using B = xsimd::batch<T>;
            for (; i + B::size <= end; i += B::size) {
                B w = B::load_unaligned(p.data() + i);
                B state[sizeof...(State) + 1] = {B::load_unaligned(s.data() + i)...};
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    f(B::load_unaligned(g.data() + i), w, state[I]...);
                }
                (std::index_sequence_for<State...>{});
                w.store_unaligned(p.data() + i);
                std::size_t k = 0;
                ((state[k++].store_unaligned(s.data() + i)), ...);
            }
        }
    }
    for (; i < end; ++i)
        f(g[i], p[i], s[i]...);
}

/// One pass over the trainable parameters of Net (all of them unless a tensor is frozen):
/// update_range over each of Net::trainable_ranges.
template <class Net, class T, class F, std::size_t N, class... State>
constexpr void update_each(F f, std::array<T, N> const& g, std::array<T, N>& p, State&... s) {
    if constexpr (Net::trainable_range_count == 1 && Net::trainable_ranges[0][1] == N)
        update_range(0, N, f, g, p, s...);
    else
        for (auto const& r : Net::trainable_ranges)
            update_range(r[0], r[1], f, g, p, s...);
}
} // namespace detail

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
        const T lr_ = lr, mu = momentum, wd = weight_decay;
        const bool nest = nesterov;
        // Without momentum the velocity is neither read nor written: for a large network that
        // memory traffic costs more than the update's arithmetic.
        if (mu == T(0))
            detail::update_each<Net, T>([=](auto d, auto& w) { w -= lr_ * (d + wd * w); }, g.values,
                                        p.values);
        else
            detail::update_each<Net, T>(
                [=](auto d, auto& w, auto& vel) {
                    d += wd * w;
                    vel = mu * vel + d;
                    w -= lr_ * (nest ? d + mu * vel : vel);
                },
                g.values, p.values, velocity);
    }
};

namespace detail {
// Adam's moment update and step for one parameter, shared by adam and adamw.
template <class V, class T>
constexpr V adam_delta(V g, V& m, V& v, T beta1, T beta2, T eps, T correction1, T correction2) {
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
        const T lr_ = lr, wd = weight_decay, b1 = beta1, b2 = beta2, e = eps;
        detail::update_each<Net, T>(
            [=](auto d, auto& w, auto& mi, auto& vi) {
                d += wd * w;
                w -= lr_ * detail::adam_delta(d, mi, vi, b1, b2, e, c1, c2);
            },
            g.values, p.values, m, v);
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
        const T lr_ = lr, decay = T(1) - lr * weight_decay, b1 = beta1, b2 = beta2, e = eps;
        detail::update_each<Net, T>(
            [=](auto d, auto& w, auto& mi, auto& vi) {
                w *= decay;
                w -= lr_ * detail::adam_delta(d, mi, vi, b1, b2, e, c1, c2);
            },
            g.values, p.values, m, v);
    }
};

} // namespace hardwired
