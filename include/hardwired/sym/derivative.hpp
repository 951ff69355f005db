#pragma once
// Symbolic differentiation. Sub-expressions that do not contain the variable differentiate to
// the structural zero without being visited; the rest follow the sum, product, quotient and
// chain rules, with one partial-derivative rule per atom. Every node is built through the
// simplifier (rewrite.hpp), so structural zeros and ones never reach the result.

#include "../diagnostics.hpp"
#include "expr.hpp"
#include "functions.hpp"
#include "rewrite.hpp"
#include "type_list.hpp"
#include "variables.hpp"

namespace hardwired::detail {

// ∂op(a)/∂a as a formula in a. Written from the atom's own value where possible (σ' = σ(1 − σ),
// tanh' = 1 − tanh², relu' = [relu > 0]): evaluation then shares the forward value and
// output_form.hpp can express the derivative in the activation's output.
template <class A>
constexpr auto partial(ops::exp, A a) {
    return detail::make<ops::exp>(a);
}
template <class A>
constexpr auto partial(ops::expm1, A a) {
    return detail::make<ops::exp>(a);
}
template <class A>
constexpr auto partial(ops::log, A a) {
    return detail::make_div(rational<1>{}, a);
}
template <class A>
constexpr auto partial(ops::log1p, A a) {
    return detail::make_div(rational<1>{}, detail::make_add(rational<1>{}, a));
}
template <class A>
constexpr auto partial(ops::tanh, A a) {
    return detail::make_sub(rational<1>{}, detail::make_pow<2>(detail::make<ops::tanh>(a)));
}
template <class A>
constexpr auto partial(ops::sqrt, A a) {
    return detail::make_div(rational<1, 2>{}, detail::make<ops::sqrt>(a));
}
template <class A>
constexpr auto partial(ops::abs, A a) {
    // sign(a): 1, −1, and 0 at 0 (the subgradient PyTorch uses)
    return detail::make_select(
        a > rational<0>{}, rational<1>{},
        detail::make_select(a < rational<0>{}, rational<-1>{}, rational<0>{}));
}
template <class A>
constexpr auto partial(ops::sigmoid, A a) {
    const auto s = detail::make<ops::sigmoid>(a);
    return detail::make_mul(s, detail::make_sub(rational<1>{}, s));
}
template <class A>
constexpr auto partial(ops::softplus, A a) {
    return detail::make<ops::sigmoid>(a);
}
template <class A>
constexpr auto partial(ops::relu, A a) {
    return detail::make_select(detail::make<ops::relu>(a) > rational<0>{}, rational<1>{},
                               rational<0>{});
}
template <int K, class A>
constexpr auto partial(ops::pow<K>, A a) {
    return detail::make_mul(rational<K>{}, detail::make_pow<K - 1>(a));
}

template <class V, class E>
constexpr auto diff(E);

template <class V, class Op, class A>
constexpr auto diff_node(expr<Op, A>) {
    return detail::make_mul(detail::partial(Op{}, A{}), detail::diff<V>(A{}));
}
template <class V, class A>
constexpr auto diff_node(expr<ops::neg, A>) {
    return detail::make_neg(detail::diff<V>(A{}));
}
template <class V, class A, class B>
constexpr auto diff_node(expr<ops::add, A, B>) {
    return detail::make_add(detail::diff<V>(A{}), detail::diff<V>(B{}));
}
template <class V, class A, class B>
constexpr auto diff_node(expr<ops::sub, A, B>) {
    return detail::make_sub(detail::diff<V>(A{}), detail::diff<V>(B{}));
}
template <class V, class A, class B>
constexpr auto diff_node(expr<ops::mul, A, B>) {
    return detail::make_add(detail::make_mul(detail::diff<V>(A{}), B{}),
                            detail::make_mul(A{}, detail::diff<V>(B{})));
}
template <class V, class A, class B>
constexpr auto diff_node(expr<ops::div, A, B>) {
    // a'/b − a·b'/b²
    return detail::make_sub(
        detail::make_div(detail::diff<V>(A{}), B{}),
        detail::make_div(detail::make_mul(A{}, detail::diff<V>(B{})), detail::make_pow<2>(B{})));
}
template <class V, class C, class A, class B>
constexpr auto diff_node(expr<ops::select, C, A, B>) {
    // piecewise stays piecewise: never c·a' + (1 − c)·b', which turns 0·inf into NaN
    return detail::make_select(C{}, detail::diff<V>(A{}), detail::diff<V>(B{}));
}

template <class V, class E>
constexpr auto diff(E) {
    if constexpr (!depends_on_v<E, V>)
        return zero_t{};
    else if constexpr (std::is_same_v<E, V>)
        return rational<1>{};
    else
        return detail::diff_node<V>(E{});
}

} // namespace hardwired::detail

namespace hardwired {

/// ∂e/∂v as an expression type, derived at compile time:
/// `hw::derivative(hw::x * hw::sigmoid(hw::x), hw::x)`.
template <expression E, class Tag>
constexpr auto derivative(E, var<Tag>) {
    return decltype(detail::diff<var<Tag>>(E{})){}; // type only: see make_t in rewrite.hpp
}

/// The derivative of an expression in one variable: `hw::derivative(swish)(0.5f)`.
template <expression E>
constexpr auto derivative(E e) {
    using vs = detail::variables_t<E>;
    static_assert(vs::size <= 1, HARDWIRED_MSG_DERIVATIVE_VARIABLES);
    if constexpr (vs::size != 1)
        return zero_t{};
    else
        return [e]<class V>(detail::type_list<V>) { return derivative(e, V{}); }(vs{});
}

} // namespace hardwired
