#pragma once
// to_string: readable infix with the fewest parentheses that keep the meaning.

#include <string>

#include "expr.hpp"
#include "ops.hpp"

namespace hardwired::detail {

template <class E>
constexpr int precedence_of(E) {
    if constexpr (requires { E::num; })
        return (E::num < 0) ? ops::prec_neg : (E::den != 1 ? ops::prec_mul : ops::prec_atom);
    else if constexpr (requires { typename E::op; }) {
        using Op = typename E::op;
        if constexpr (Op::kind == ops::op_kind::infix)
            return Op::precedence;
        else if constexpr (Op::kind == ops::op_kind::negate)
            return ops::prec_neg;
        else if constexpr (Op::kind == ops::op_kind::power)
            return ops::prec_pow;
        else if constexpr (Op::kind == ops::op_kind::condition)
            return 0;
        else
            return ops::prec_atom;
    } else
        return ops::prec_atom;
}

template <class E>
std::string print(E);

// Print a child, in parentheses when its precedence is below `min`.
template <class E>
std::string print_child(E e, int min) {
    std::string s = detail::print(e);
    return detail::precedence_of(e) < min ? "(" + s + ")" : s;
}

template <class Op, class A, class B>
std::string print_infix(A a, B b) {
    // The right operand needs parentheses at equal precedence (a − (b − c), a/(b·c)), except
    // where the meaning is the same without them: a + (b ± c) and a·(b·c).
    constexpr int p = Op::precedence;
    constexpr bool loose_right = [] {
        if constexpr (requires { typename B::op; }) {
            using R = typename B::op;
            if constexpr (std::is_same_v<Op, ops::add>)
                return std::is_same_v<R, ops::add> || std::is_same_v<R, ops::sub>;
            else if constexpr (std::is_same_v<Op, ops::mul>)
                return std::is_same_v<R, ops::mul>;
        }
        return false;
    }();
    return detail::print_child(a, p) + Op::symbol + detail::print_child(b, loose_right ? p : p + 1);
}

template <class E>
std::string print(E e) {
    if constexpr (std::is_same_v<E, zero_t>)
        return "0";
    else if constexpr (requires { E::num; })
        return E::den == 1 ? std::to_string(E::num)
                           : std::to_string(E::num) + "/" + std::to_string(E::den);
    else if constexpr (requires { typename E::tag; })
        return E::tag::name;
    else
        return [&]<class Op, class... Args>(expr<Op, Args...>) -> std::string {
            if constexpr (Op::kind == ops::op_kind::infix)
                return detail::print_infix<Op>(Args{}...);
            else if constexpr (Op::kind == ops::op_kind::condition)
                return [](auto l, auto r) {
                    return detail::print(l) + Op::symbol + detail::print(r);
                }(Args{}...);
            else if constexpr (Op::kind == ops::op_kind::negate)
                return "-" + detail::print_child(Args{}..., ops::prec_mul);
            else if constexpr (Op::kind == ops::op_kind::power)
                return detail::print_child(Args{}..., ops::prec_atom) + "^" +
                       std::to_string(Op::exponent);
            else if constexpr (Op::kind == ops::op_kind::select)
                return [](auto c, auto a, auto b) {
                    return "select(" + detail::print(c) + ", " + detail::print(a) + ", " +
                           detail::print(b) + ")";
                }(Args{}...);
            else
                return std::string(Op::name) + "(" + detail::print(Args{}...) + ")";
        }(e);
}

} // namespace hardwired::detail

namespace hardwired {

/// Readable infix form of an expression with minimal parentheses:
/// `hw::to_string(hw::derivative(hw::x * hw::sigmoid(hw::x)))` is
/// "sigmoid(x) + x*sigmoid(x)*(1 - sigmoid(x))".
template <expression E>
std::string to_string(E e) {
    return detail::print(e);
}

} // namespace hardwired
