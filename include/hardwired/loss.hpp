#pragma once
/// Losses. An element-wise loss is a formula in the prediction `hw::yhat` and the target `hw::y`;
/// its gradient with respect to the prediction is derived symbolically
/// (`hw::loss_gradient(hw::bce_with_logits)` is σ(ŷ) − y).
///
/// Reduction convention: a network's loss is the mean of the element-wise loss over the batch
/// and the output elements, as PyTorch's `reduction="mean"`. So `hw::mse_loss`, (ŷ − y)², under
/// the mean equals `torch.nn.functional.mse_loss` exactly, and `hw::squared_error`, ½(ŷ − y)²
/// (the seeds' convention, whose gradient is ŷ − y), is half of it.

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

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

namespace detail {
/// True when 0 ≤ label < classes.
template <std::integral I>
constexpr bool is_class_index(I label, std::size_t classes) {
    if constexpr (std::is_signed_v<I>)
        if (label < 0)
            return false;
    return static_cast<std::uintmax_t>(label) < classes;
}

/// The error for a class index outside [0, classes); `where` ends the message.
template <std::integral I>
[[noreturn]] void throw_class_index_error(I label, std::size_t classes, std::string const& where) {
    throw std::invalid_argument("hardwired: class index " + std::to_string(label) +
                                " is outside [0, " + std::to_string(classes) + ")" + where);
}

/// Throws std::invalid_argument unless 0 ≤ label < classes.
template <std::integral I>
void check_class_index(I label, std::size_t classes) {
    if (!is_class_index(label, classes))
        throw_class_index_error(label, classes, "");
}
} // namespace detail

namespace detail {
/// e[o] = exp(z(o) − m) with m = max z, so that no exp overflows; returns Σ e. Softmax is
/// e / Σ e; log-sum-exp is m + log Σ e. For a scalar or an xsimd batch V.
template <std::size_t O, class V, class Z>
V shifted_exp(Z const& z, std::array<V, O>& e, V& m) {
    using std::exp;
    using std::max;
    m = z(0);
    for (std::size_t o = 1; o < O; ++o)
        m = max(m, z(o));
    V sum(0);
    for (std::size_t o = 0; o < O; ++o) {
        e[o] = exp(z(o) - m);
        sum += e[o];
    }
    return sum;
}
} // namespace detail

/// True for losses over a sample's whole output vector rather than element by element (softmax
/// cross-entropy). Such a loss type declares `using vector_loss_tag = void;` and provides
///
///     template <std::size_t O, class V, class Z, class Tgt, class Grad>
///     static V value_and_gradient(Z const& z, Tgt const& t, V const& scale, Grad const& grad);
///
/// which returns the sample's loss from its O outputs z(o) and targets t(o) and calls
/// grad(o, scale·∂loss/∂ŷ_o) for every output o. V is the value type or an xsimd batch of it
/// (one sample per lane), so the same code serves the one-sample and the batched paths. The
/// sample's loss is the loss itself, not divided by O; a batch's loss is the mean over samples.
template <class L>
concept vector_loss = requires {
    typename std::remove_cvref_t<L>::vector_loss_tag;
};

/// A loss of either kind: element-wise (`hw::loss`) or over the whole output (`hw::vector_loss`).
template <class L>
concept any_loss = loss<L> || vector_loss<L>;

/// True for losses that take a class index as the target (`hw::softmax_cross_entropy`): the
/// index k stands for the one-hot target with a 1 at k.
template <class L>
concept takes_class_index = vector_loss<L> && std::remove_cvref_t<L>::takes_class_index;

/// Softmax cross-entropy over a vector of logits z and a target distribution t (one-hot,
/// probabilities, or a class index): −Σᵢ tᵢ·log softmax(z)ᵢ per sample, and the mean over the
/// samples of a batch. That is PyTorch's `cross_entropy(z, t)` with reduction="mean", for
/// probability targets and for class-index targets alike (the loss of a sample is not divided by
/// the number of classes). Use it on a last layer without activation (logits).
///
/// The log-sum-exp is shifted by max z, so no logit overflows; the gradient is
/// softmax(z)·Σt − t (softmax − one-hot for a one-hot target). Terms with tᵢ = 0 contribute
/// nothing, even where zᵢ = −inf.
///
///     hw::fit<hw::softmax_cross_entropy>(p, opt, xs, labels);  // labels: std::vector<int>
///     double l = hw::softmax_cross_entropy.value(std::array{1.0, 2.0, 0.5}, 1);
struct softmax_cross_entropy_t {
    using vector_loss_tag = void;
    static constexpr bool takes_class_index = true;

    template <std::size_t O, class V, class Z, class Tgt, class Grad>
    static V value_and_gradient(Z const& z, Tgt const& t, V const& scale, Grad const& grad) {
        using std::isfinite;
        using std::log;
        std::array<V, O> e;
        V m;
        const V sum = detail::shifted_exp<O>(z, e, m);
        // m is −inf when every logit is, +inf or NaN when one is: the loss is then m itself.
        const V lse = detail::select(isfinite(m), m + log(sum), m);
        const V inv = V(1) / sum;
        V loss(0), mass(0);
        for (std::size_t o = 0; o < O; ++o) {
            const V to = t(o);
            mass += to;
            loss -= detail::select(to != V(0), to * (z(o) - lse), V(0));
        }
        for (std::size_t o = 0; o < O; ++o)
            grad(o, (e[o] * inv * mass - t(o)) * scale);
        return loss;
    }

    /// The loss of one sample, for a target distribution t or a class index.
    template <class T, std::size_t N>
    static T value(std::array<T, N> const& z, std::array<T, N> const& t) {
        return value_and_gradient<N>([&](std::size_t o) { return z[o]; },
                                     [&](std::size_t o) { return t[o]; }, T(1),
                                     [](std::size_t, T) {});
    }
    template <class T, std::size_t N, std::integral I>
    static T value(std::array<T, N> const& z, I label) {
        return value(z, one_hot<T, N>(label));
    }

    /// ∂loss/∂z of one sample.
    template <class T, std::size_t N>
    static std::array<T, N> gradient(std::array<T, N> const& z, std::array<T, N> const& t) {
        std::array<T, N> g;
        value_and_gradient<N>([&](std::size_t o) { return z[o]; },
                              [&](std::size_t o) { return t[o]; }, T(1),
                              [&](std::size_t o, T v) { g[o] = v; });
        return g;
    }
    template <class T, std::size_t N, std::integral I>
    static std::array<T, N> gradient(std::array<T, N> const& z, I label) {
        return gradient(z, one_hot<T, N>(label));
    }

    /// The one-hot vector of class `label` (std::invalid_argument unless 0 ≤ label < N).
    template <class T, std::size_t N, std::integral I>
    static std::array<T, N> one_hot(I label) {
        detail::check_class_index(label, N);
        std::array<T, N> t{};
        t[static_cast<std::size_t>(label)] = T(1);
        return t;
    }
};

namespace detail {
/// One interface to both kinds of loss, for the drivers: the loss of one sample from its O
/// outputs z(o) and targets t(o), calling grad(o, scale·∂loss/∂ŷ_o) for every output. An
/// element-wise loss's sample loss is its mean over the outputs (PyTorch's reduction="mean").
template <auto Loss, std::size_t O, class V, class Z, class Tgt, class Grad>
V sample_loss(Z const& z, Tgt const& t, V const& scale, Grad const& grad) {
    if constexpr (vector_loss<decltype(Loss)>)
        return Loss.template value_and_gradient<O>(z, t, scale, grad);
    else {
        using S = scalar_of_t<V>;
        const V per_output(S(1) / S(O)), factor = scale * per_output; // no division per call
        V total(0);
        for (std::size_t o = 0; o < O; ++o) {
            const V zo = z(o), to = t(o);
            total += Loss(zo, to);
            grad(o, loss_gradient(Loss)(zo, to) * factor);
        }
        return total * per_output;
    }
}

/// Target element k of a sample: from an array of values, or from a class index (one-hot).
template <class T>
constexpr T target_element(T const* t, std::size_t k) {
    return t[k];
}
template <class T, std::integral I>
constexpr T target_element(I label, std::size_t k) {
    return T(static_cast<std::uintmax_t>(label) == k);
}
} // namespace detail

/// The softmax cross-entropy loss object: `hw::fit<hw::softmax_cross_entropy>(...)`,
/// `hw::softmax_cross_entropy.value(z, t)`.
inline constexpr softmax_cross_entropy_t softmax_cross_entropy{};

} // namespace hardwired
