#pragma once
// The simplifier: smart constructors that every expression is built through, and `simplify`,
// which rebuilds a tree through them. The rule set is deliberately small and IEEE-exact: each
// rule below leaves every floating-point result unchanged (up to the rounding of a folded
// rational constant, which is computed exactly), for every input including ±0, ±inf and NaN.
//
//   structural zero (zero_t, produced only by differentiation; stands for "no dependence"):
//     0 + b → b      a + 0 → a      a − 0 → a      0 − b → −b
//     0 · b → 0      a · 0 → 0      0 / b → 0      −0 → 0      (a)^K → 0 for 0^K, K > 0
//   one (any rational 1, exact in IEEE):          1 · b → b      a · 1 → a      a / 1 → a
//   signs (exact in IEEE):  a + (−b) → a − b      a − (−b) → a + b      −(−a) → a
//                           a + (−q) → a − q      a − (−q) → a + q
//                           (−1)·b → −b   a·(−1) → −a   (−a)·b → −(a·b)   a·(−b) → −(a·b)
//   rationals: q₁ ∘ q₂ → exact rational for + − · / and integer powers (kept unfolded on
//              int64 overflow); a·q → q·a; q₁·(q₂·b) → (q₁q₂)·b
//   powers:    a^1 → a      a^0 → 1
//   select:    select(c, a, a) → a
//
// Never applied: x·0 → 0 or x + 0 → x for user-written zeros, x − x → 0, exp(log x) → x,
// log(exp x) → x, or any other identity that changes a value at ±0, ±inf, NaN or overflow.

#include <type_traits>

#include "expr.hpp"
#include "ops.hpp"
#include "rational.hpp"

namespace hardwired::detail {

template <class T>
inline constexpr bool is_rational_v = false;
template <std::int64_t N, std::int64_t D>
inline constexpr bool is_rational_v<rational<N, D>> = true;

template <class T>
inline constexpr bool is_variable_v = false;
template <class Tag>
inline constexpr bool is_variable_v<var<Tag>> = true;

template <class T>
inline constexpr bool is_zero_v = std::is_same_v<T, zero_t>;

template <class T>
inline constexpr bool is_one_v = std::is_same_v<T, rational<1, 1>>;

template <class T>
inline constexpr bool is_minus_one_v = std::is_same_v<T, rational<-1, 1>>;

template <class T>
inline constexpr bool is_negative_rational_v = false;
template <std::int64_t N, std::int64_t D>
inline constexpr bool is_negative_rational_v<rational<N, D>> = (N < 0);

template <class T>
inline constexpr bool is_negation_v = false;
template <class A>
inline constexpr bool is_negation_v<expr<ops::neg, A>> = true;

template <class A>
constexpr A negated_operand(expr<ops::neg, A>) {
    return {};
}

template <rat R>
constexpr auto rational_from() {
    return rational<R.n, R.d>{};
}

// A fold of two rationals is done only when it fits in int64.
template <class A, class B, class F>
constexpr bool foldable(F f) {
    if constexpr (is_rational_v<A> && is_rational_v<B>)
        return f(rat_of(A{}), rat_of(B{})).ok;
    else
        return false;
}

template <class A, class B>
constexpr auto make_add(A, B);
template <class A, class B>
constexpr auto make_sub(A, B);
template <class A, class B>
constexpr auto make_mul(A, B);
template <class A, class B>
constexpr auto make_div(A, B);
template <class A>
constexpr auto make_neg(A);

// q₁·(q₂·b) → (q₁q₂)·b when the product fits; otherwise q·b.
template <class Q, class B>
constexpr auto make_mul_rational(Q, B) {
    return expr<ops::mul, Q, B>{};
}
template <class Q, class Q2, class B>
requires is_rational_v<Q2>
constexpr auto make_mul_rational(Q q, expr<ops::mul, Q2, B>) {
    if constexpr (foldable<Q, Q2>(rat_mul))
        return detail::make_mul(rational_from<rat_mul(rat_of(q), rat_of(Q2{}))>(), B{});
    else
        return expr<ops::mul, Q, expr<ops::mul, Q2, B>>{};
}

template <class A, class B>
constexpr auto make_add(A a, B b) {
    if constexpr (is_zero_v<A>)
        return b;
    else if constexpr (is_zero_v<B>)
        return a;
    else if constexpr (foldable<A, B>(rat_add))
        return rational_from<rat_add(rat_of(a), rat_of(b))>();
    else if constexpr (is_negation_v<B>)
        return detail::make_sub(a, detail::negated_operand(b));
    else if constexpr (is_negative_rational_v<B>)
        return detail::make_sub(a, rational_from<rat_neg(rat_of(b))>());
    else
        return expr<ops::add, A, B>{};
}

template <class A, class B>
constexpr auto make_sub(A a, B b) {
    if constexpr (is_zero_v<B>)
        return a;
    else if constexpr (is_zero_v<A>)
        return detail::make_neg(b);
    else if constexpr (foldable<A, B>([](rat p, rat q) { return rat_add(p, rat_neg(q)); }))
        return rational_from<rat_add(rat_of(a), rat_neg(rat_of(b)))>();
    else if constexpr (is_negation_v<B>)
        return detail::make_add(a, detail::negated_operand(b));
    else if constexpr (is_negative_rational_v<B>)
        return detail::make_add(a, rational_from<rat_neg(rat_of(b))>());
    else
        return expr<ops::sub, A, B>{};
}

template <class A, class B>
constexpr auto make_mul(A a, B b) {
    if constexpr (is_zero_v<A> || is_zero_v<B>)
        return zero_t{};
    else if constexpr (is_one_v<A>)
        return b;
    else if constexpr (is_one_v<B>)
        return a;
    else if constexpr (foldable<A, B>(rat_mul))
        return rational_from<rat_mul(rat_of(a), rat_of(b))>();
    else if constexpr (is_minus_one_v<A>)
        return detail::make_neg(b);
    else if constexpr (is_minus_one_v<B>)
        return detail::make_neg(a);
    else if constexpr (is_negation_v<A>)
        return detail::make_neg(detail::make_mul(detail::negated_operand(a), b));
    else if constexpr (is_negation_v<B>)
        return detail::make_neg(detail::make_mul(a, detail::negated_operand(b)));
    else if constexpr (is_rational_v<B> && !is_rational_v<A>)
        return detail::make_mul(b, a);
    else if constexpr (is_rational_v<A>)
        return detail::make_mul_rational(a, b);
    else
        return expr<ops::mul, A, B>{};
}

template <class A, class B>
constexpr auto make_div(A a, B b) {
    if constexpr (is_zero_v<A>)
        return zero_t{};
    else if constexpr (is_one_v<B>)
        return a;
    else if constexpr (foldable<A, B>([](rat p, rat q) { return rat_mul(p, rat_inv(q)); }))
        return rational_from<rat_mul(rat_of(a), rat_inv(rat_of(b)))>();
    else
        return expr<ops::div, A, B>{};
}

template <class A>
constexpr auto make_neg(A a) {
    if constexpr (is_zero_v<A>)
        return a;
    else if constexpr (is_rational_v<A>)
        return rational_from<rat_neg(rat_of(a))>();
    else if constexpr (is_negation_v<A>)
        return detail::negated_operand(a);
    else
        return expr<ops::neg, A>{};
}

template <int K, class A>
constexpr auto make_pow(A a) {
    if constexpr (K == 1)
        return a;
    else if constexpr (K == 0)
        return rational<1, 1>{};
    else if constexpr (is_zero_v<A> && K > 0)
        return a;
    else if constexpr (is_rational_v<A>) {
        if constexpr (rat_pow(rat_of(A{}), K).ok)
            return rational_from<rat_pow(rat_of(a), K)>();
        else
            return expr<ops::pow<K>, A>{};
    } else
        return expr<ops::pow<K>, A>{};
}

template <class C, class A, class B>
constexpr auto make_select(C, A a, B) {
    if constexpr (std::is_same_v<A, B>)
        return a;
    else
        return expr<ops::select, C, A, B>{};
}

/// The one entry point: build `Op(args...)` through the rules above.
template <class Op, class... Args>
constexpr auto make(Args... args) {
    if constexpr (std::is_same_v<Op, ops::add>)
        return detail::make_add(args...);
    else if constexpr (std::is_same_v<Op, ops::sub>)
        return detail::make_sub(args...);
    else if constexpr (std::is_same_v<Op, ops::mul>)
        return detail::make_mul(args...);
    else if constexpr (std::is_same_v<Op, ops::div>)
        return detail::make_div(args...);
    else if constexpr (std::is_same_v<Op, ops::neg>)
        return detail::make_neg(args...);
    else if constexpr (std::is_same_v<Op, ops::select>)
        return detail::make_select(args...);
    else if constexpr (Op::kind == ops::op_kind::power)
        return detail::make_pow<Op::exponent>(args...);
    else
        return expr<Op, Args...>{};
}

/// The type `make<Op>(Args{}...)` builds. Public entry points return `make_t<...>{}` rather
/// than calling `make`: the type is computed by (memoized) instantiation alone, whereas a
/// constant-evaluated call would walk the whole expression tree, which is exponential for
/// derivatives and not memoized by every compiler (Clang 14 does not).
template <class Op, class... Args>
using make_t = decltype(detail::make<Op>(Args{}...));

template <class E>
constexpr E simplify_impl(E e) {
    return e;
}
template <class Op, class... Args>
constexpr auto simplify_impl(expr<Op, Args...>) {
    return detail::make<Op>(detail::simplify_impl(Args{})...);
}

} // namespace hardwired::detail

namespace hardwired {

/// Rebuilds `e` through the simplifier's rules (see rewrite.hpp). Expressions written with the
/// operators are already simplified; this matters for nodes spelled out as raw types.
/// `simplify(simplify(e))` has the same type as `simplify(e)`.
template <expression E>
constexpr auto simplify(E e) {
    return decltype(detail::simplify_impl(e)){};
}

} // namespace hardwired
