#pragma once
// The user-facing vocabulary: variables, operators and the named atoms. Each atom is itself a
// formula in `hw::x`, so `hw::tanh` is an activation, `hw::tanh(0.5)` evaluates it and
// `hw::tanh(hw::c<2> * hw::x)` composes it.

#include <cstddef>
#include <type_traits>

#include "../diagnostics.hpp"
#include "expr.hpp"
#include "rewrite.hpp"

namespace hardwired {

namespace detail {
template <class T>
inline constexpr bool is_condition_v = false;
template <class Op, class A, class B>
inline constexpr bool is_condition_v<expr<Op, A, B>> = Op::kind == ops::op_kind::condition;
} // namespace detail

namespace vars {
struct x {
    static constexpr const char* name = "x";
    static constexpr std::size_t position = 0;
};
struct yhat {
    static constexpr const char* name = "yhat";
    static constexpr std::size_t position = 0;
};
struct y {
    static constexpr const char* name = "y";
    static constexpr std::size_t position = 1;
};
struct a {
    static constexpr const char* name = "a";
    static constexpr std::size_t position = 0;
};
} // namespace vars

/// The input of an activation: activations are formulas in `x`.
inline constexpr var<vars::x> x{};
/// A loss's prediction (position 0).
inline constexpr var<vars::yhat> yhat{};
/// A loss's target (position 1).
inline constexpr var<vars::y> y{};
/// An activation's output a = f(x), in which output-expressible derivatives are written
/// (σ' = a(1 − a)); see output_form.hpp.
inline constexpr var<vars::a> a{};

template <expression A, expression B>
constexpr auto operator+(A, B) {
    return detail::make_t<ops::add, A, B>{};
}
template <expression A, expression B>
constexpr auto operator-(A, B) {
    return detail::make_t<ops::sub, A, B>{};
}
template <expression A, expression B>
constexpr auto operator*(A, B) {
    return detail::make_t<ops::mul, A, B>{};
}
template <expression A, expression B>
constexpr auto operator/(A, B) {
    return detail::make_t<ops::div, A, B>{};
}
template <expression A>
constexpr auto operator-(A) {
    return detail::make_t<ops::neg, A>{};
}
template <expression A>
constexpr A operator+(A a) {
    return a;
}

/// Conditions for `select`: `hw::x > hw::c<0>`.
template <expression A, expression B>
constexpr auto operator>(A, B) {
    return expr<ops::greater, A, B>{};
}
template <expression A, expression B>
constexpr auto operator>=(A, B) {
    return expr<ops::greater_equal, A, B>{};
}
template <expression A, expression B>
constexpr auto operator<(A, B) {
    return expr<ops::less, A, B>{};
}
template <expression A, expression B>
constexpr auto operator<=(A, B) {
    return expr<ops::less_equal, A, B>{};
}

// Numbers inside a formula would be run-time values; constants must be types to be folded,
// differentiated and used as template arguments. Say so instead of "no matching operator".
#define HARDWIRED_SYM_NO_LITERALS(OP)                                                              \
    template <class L, class R>                                                                    \
    requires((expression<L> && std::is_arithmetic_v<R>) ||                                         \
             (std::is_arithmetic_v<L> && expression<R>)) constexpr auto                            \
    operator OP(L, R) {                                                                            \
        static_assert(!std::is_same_v<L, L>, HARDWIRED_MSG_LITERAL);                               \
        if constexpr (expression<L>)                                                               \
            return L{};                                                                            \
        else                                                                                       \
            return R{};                                                                            \
    }
HARDWIRED_SYM_NO_LITERALS(+)
HARDWIRED_SYM_NO_LITERALS(-)
HARDWIRED_SYM_NO_LITERALS(*)
HARDWIRED_SYM_NO_LITERALS(/)
HARDWIRED_SYM_NO_LITERALS(>)
HARDWIRED_SYM_NO_LITERALS(>=)
HARDWIRED_SYM_NO_LITERALS(<)
HARDWIRED_SYM_NO_LITERALS(<=)
#undef HARDWIRED_SYM_NO_LITERALS

/// e^x.
inline constexpr auto exp = expr<ops::exp, var<vars::x>>{};
/// e^x − 1, accurate for small x.
inline constexpr auto expm1 = expr<ops::expm1, var<vars::x>>{};
/// Natural logarithm.
inline constexpr auto log = expr<ops::log, var<vars::x>>{};
/// log(1 + x), accurate for small x.
inline constexpr auto log1p = expr<ops::log1p, var<vars::x>>{};
/// Hyperbolic tangent; derivative 1 − tanh².
inline constexpr auto tanh = expr<ops::tanh, var<vars::x>>{};
/// Square root; derivative 1/(2√x).
inline constexpr auto sqrt = expr<ops::sqrt, var<vars::x>>{};
/// |x|; derivative sign(x), 0 at 0.
inline constexpr auto abs = expr<ops::abs, var<vars::x>>{};
/// Logistic sigmoid 1/(1 + e^{−x}), a stable atom: no overflow for any x; derivative σ(1 − σ).
inline constexpr auto sigmoid = expr<ops::sigmoid, var<vars::x>>{};
/// softplus(x) = log(1 + e^x), a stable atom; derivative σ(x).
inline constexpr auto softplus = expr<ops::softplus, var<vars::x>>{};
/// max(x, 0) (NaN propagates); derivative [relu(x) > 0].
inline constexpr auto relu = expr<ops::relu, var<vars::x>>{};
/// x^K for an integer K: `hw::pow<3>(e)`.
template <int K>
inline constexpr auto pow = detail::make_t<ops::pow<K>, var<vars::x>>{};

/// Piecewise formula: `a` where `cond` holds, `b` elsewhere. Differentiates piecewise.
template <expression C, expression A, expression B>
constexpr auto select(C, A, B) {
    static_assert(detail::is_condition_v<C>, HARDWIRED_MSG_SELECT_CONDITION);
    return detail::make_t<ops::select, C, A, B>{};
}

/// max(a, b) as select(a < b, b, a): NaN in `a` propagates.
template <expression A, expression B>
constexpr auto max(A a, B b) {
    return select(a < b, b, a);
}
/// min(a, b) as select(b < a, b, a): NaN in `a` propagates.
template <expression A, expression B>
constexpr auto min(A a, B b) {
    return select(b < a, b, a);
}

} // namespace hardwired
