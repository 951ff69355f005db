#pragma once
// Which variables an expression depends on, computed once per distinct type.

#include "expr.hpp"
#include "type_list.hpp"

namespace hardwired::detail {

template <class E>
struct variables {
    using type = type_list<>;
};
template <class Tag>
struct variables<var<Tag>> {
    using type = type_list<var<Tag>>;
};
template <class Op, class... Args>
struct variables<expr<Op, Args...>> {
    using type = set_union_t<typename variables<Args>::type...>;
};

/// The distinct variables of E, in order of first appearance.
template <class E>
using variables_t = typename variables<E>::type;

template <class E, class V>
inline constexpr bool depends_on_v = contains_v<V, variables_t<E>>;

} // namespace hardwired::detail
