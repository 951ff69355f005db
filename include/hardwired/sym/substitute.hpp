#pragma once
// Substitution and composition: `f(g)` replaces f's variables by expressions and rebuilds the
// result through the simplifier, once per distinct sub-expression type.

#include <cstddef>
#include <tuple>
#include <type_traits>

#include "../diagnostics.hpp"
#include "expr.hpp"
#include "rewrite.hpp"
#include "type_list.hpp"

namespace hardwired::detail {

// Replace every occurrence of the sub-expression From by To.
template <class From, class To, class E>
constexpr auto replace(E) {
    if constexpr (std::is_same_v<E, From>)
        return To{};
    else if constexpr (requires { typename E::op; })
        return [&]<class Op, class... Args>(expr<Op, Args...>) {
            return detail::make<Op>(detail::replace<From, To>(Args{})...);
        }(E{});
    else
        return E{};
}

// Replace every operation From by To, nothing else changed (no simplification: the result
// evaluates, it is not differentiated).
template <class From, class To, class E>
constexpr auto replace_op(E) {
    if constexpr (requires { typename E::op; })
        return [&]<class Op, class... Args>(expr<Op, Args...>) {
            return expr<std::conditional_t<std::is_same_v<Op, From>, To, Op>,
                        decltype(detail::replace_op<From, To>(Args{}))...>{};
        }(E{});
    else
        return E{};
}

// Replace each variable at position i by the i-th replacement.
template <class E, class... Replacements>
constexpr auto compose_impl(E, type_list<Replacements...> r) {
    if constexpr (requires { typename E::tag; }) {
        static_assert(E::position < sizeof...(Replacements), HARDWIRED_MSG_COMPOSE_POSITIONS);
        if constexpr (E::position < sizeof...(Replacements))
            return std::tuple_element_t<E::position, std::tuple<Replacements...>>{};
        else
            return E{};
    } else if constexpr (requires { typename E::op; })
        return [&]<class Op, class... Args>(expr<Op, Args...>) {
            return detail::make<Op>(detail::compose_impl(Args{}, r)...);
        }(E{});
    else
        return E{};
}

template <class E, class... Args>
constexpr auto compose(E e, Args...) {
    return detail::compose_impl(e, type_list<Args...>{});
}

} // namespace hardwired::detail

namespace hardwired {

/// `e` with every occurrence of the variable `v` replaced by the expression `by`.
template <expression E, class Tag, expression By>
constexpr auto substitute(E, var<Tag>, By) {
    return decltype(detail::replace<var<Tag>, By>(E{})){};
}

} // namespace hardwired
