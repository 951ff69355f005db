#pragma once
/// Losses. An element-wise loss is a formula in the prediction `hw::yhat` and the target `hw::y`;
/// its gradient with respect to the prediction is derived symbolically
/// (`hw::loss_gradient(hw::bce_with_logits)` is σ(ŷ) − y).
///
/// Reduction convention: a network's loss is the mean of the element-wise loss over the batch
/// and the output elements, as PyTorch's `reduction="mean"`. So `hw::mse_loss`, (ŷ − y)², under
/// the mean equals `torch.nn.functional.mse_loss` exactly, and `hw::squared_error`, ½(ŷ − y)²
/// (the seeds' convention, whose gradient is ŷ − y), is half of it.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sym.hpp"

namespace hardwired {

/// True for expressions usable as element-wise losses: variables among `hw::yhat`, `hw::y`.
template <class E>
concept loss = expression<E> && [] {
    using vs = detail::variables_t<std::remove_cvref_t<E>>;
    return []<class... V>(detail::type_list<V...>) {
        return ((std::is_same_v<V, var<vars::yhat>> || std::is_same_v<V, var<vars::y>>)&&...);
    }(vs{});
}();

/// ∂loss/∂ŷ as a formula in ŷ and y.
template <loss L>
constexpr auto loss_gradient(L l) {
    return derivative(l, yhat);
}

/// ½(ŷ − y)²; gradient ŷ − y.
inline constexpr auto squared_error = c<1, 2> * pow<2>(yhat - y);

/// (ŷ − y)²; with mean reduction this is PyTorch's `mse_loss`. Gradient 2(ŷ − y).
inline constexpr auto mse_loss = pow<2>(yhat - y);

/// Binary cross-entropy on probabilities ŷ ∈ [0, 1], −(y·log ŷ + (1 − y)·log(1 − ŷ)), with each
/// log clamped to ≥ −100 as PyTorch's `binary_cross_entropy` does, so ŷ = 0 or 1 gives a finite
/// loss. The gradient is that of the clamped formula (0 where a log is clamped).
inline constexpr auto binary_cross_entropy =
    -(y * max(log(yhat), c<-100>) + (c<1> - y) * max(log(c<1> - yhat), c<-100>));

/// Binary cross-entropy on logits, softplus(ŷ) − y·ŷ: stable for every ŷ, gradient σ(ŷ) − y.
/// Equal to PyTorch's `binary_cross_entropy_with_logits`.
inline constexpr auto bce_with_logits = softplus(yhat) - y * yhat;

/// Huber loss with an exact rational δ = N/D (default 1): ½d² for |d| < δ, δ(|d| − ½δ) beyond,
/// d = ŷ − y. PyTorch's `huber_loss(delta=δ)`.
template <std::int64_t N = 1, std::int64_t D = 1>
inline constexpr auto huber = select(abs(yhat - y) < c<N, D>, c<1, 2>* pow<2>(yhat - y),
                                     c<N, D>*(abs(yhat - y) - c<N, 2 * D>));

/// Smooth L1 with an exact rational β = N/D (default 1): ½d²/β for |d| < β, |d| − ½β beyond.
/// PyTorch's `smooth_l1_loss(beta=β)`; equal to huber for β = δ = 1.
template <std::int64_t N = 1, std::int64_t D = 1>
inline constexpr auto smooth_l1 = select(abs(yhat - y) < c<N, D>, c<D, 2 * N>* pow<2>(yhat - y),
                                         abs(yhat - y) - c<N, 2 * D>);

/// Softmax cross-entropy over a vector of logits z and a target distribution t (one-hot or
/// probabilities): −Σ tᵢ·log softmax(z)ᵢ, PyTorch's `cross_entropy` with probability targets.
/// Not element-wise, so it has a fused form: the log-sum-exp is shifted by max z, and the
/// gradient is softmax(z)·Σt − t (softmax − one-hot for a one-hot target). Terms with tᵢ = 0
/// contribute nothing, even where zᵢ = −inf.
struct softmax_cross_entropy_t {
    /// The loss for one sample.
    template <class T, std::size_t N>
    static T value(std::span<const T, N> z, std::span<const T, N> t) {
        const T lse = log_sum_exp(z);
        T loss = 0;
        for (std::size_t i = 0; i < z.size(); ++i)
            if (t[i] != T(0))
                loss -= t[i] * (z[i] - lse);
        return loss;
    }

    /// ∂loss/∂z for one sample, written to `grad` (same length as z).
    template <class T, std::size_t N>
    static void gradient(std::span<const T, N> z, std::span<const T, N> t, std::span<T, N> grad) {
        const T lse = log_sum_exp(z);
        T mass = 0;
        for (std::size_t i = 0; i < t.size(); ++i)
            mass += t[i];
        for (std::size_t i = 0; i < z.size(); ++i)
            grad[i] = std::exp(z[i] - lse) * mass - t[i];
    }

    /// log Σ exp(zᵢ), shifted by the maximum so that it never overflows.
    template <class T, std::size_t N>
    static T log_sum_exp(std::span<const T, N> z) {
        T m = -INFINITY;
        for (T v : z)
            m = v > m ? v : m;
        if (!std::isfinite(m))
            return m; // all −inf, or +inf/NaN present
        T s = 0;
        for (T v : z)
            s += std::exp(v - m);
        return m + std::log(s);
    }
};

/// The softmax cross-entropy loss object: `hw::softmax_cross_entropy.value(z, t)`.
inline constexpr softmax_cross_entropy_t softmax_cross_entropy{};

} // namespace hardwired
