#pragma once
/// Activations. An activation is any formula in `hw::x`: the named ones below, or one written by
/// the user (`hw::x * hw::sigmoid(hw::x)`). Each is a value usable as a template argument
/// (`hw::dense<8, hw::gelu>`); calling it evaluates it (`hw::gelu(0.5f)`), `hw::derivative`
/// gives its derivative, `hw::output_derivative` its derivative in terms of its output where one
/// exists (identity, sigmoid, tanh, relu, exp).

#include <cstdint>

#include "sym.hpp"

namespace hardwired {

/// True for expressions usable as activations: no variable other than `hw::x`.
template <class E>
concept activation = expression<E> &&
    (detail::variables_t<std::remove_cvref_t<E>>::size == 0 ||
     std::is_same_v<detail::variables_t<std::remove_cvref_t<E>>, detail::type_list<var<vars::x>>>);

// hw::sigmoid, hw::tanh, hw::relu, hw::softplus, hw::exp are atoms (sym/functions.hpp).

/// f(x) = x. f' = 1.
inline constexpr auto identity = x;

/// f(x) = x for x > 0, slope·x otherwise, with an exact rational slope N/D (PyTorch's default
/// 0.01 is `hw::leaky_relu<>`; `hw::leaky_relu<1, 5>` has slope 0.2).
template <std::int64_t N = 1, std::int64_t D = 100>
inline constexpr auto leaky_relu = select(x > c<0>, x, c<N, D>* x);

/// swish / SiLU: x·σ(x).
inline constexpr auto swish = x * sigmoid;
/// SiLU is swish.
inline constexpr auto silu = swish;

/// GELU, tanh approximation (PyTorch `approximate="tanh"`):
/// ½·x·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³), written as the identical x·σ(2u),
/// which has no cancellation in 1 + tanh(u) for negative x and needs one exp.
/// √(2/π) is the rational nearest its double value.
inline constexpr auto gelu = x * sigmoid(c<2> * c<7978845608028654, 10000000000000000> *
                                         (x + c<44715, 1000000> * pow<3>(x)));

/// ELU with an exact rational α = N/D (default 1): x for x > 0, α·(eˣ − 1) otherwise (expm1).
template <std::int64_t N = 1, std::int64_t D = 1>
inline constexpr auto elu = select(x > c<0>, x, c<N, D>* expm1);

/// log σ(x) = −softplus(−x), stable for every x; derivative σ(−x).
inline constexpr auto log_sigmoid = -softplus(-x);

} // namespace hardwired
