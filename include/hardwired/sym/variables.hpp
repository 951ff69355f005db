#pragma once
// Which variables an expression depends on, computed once per distinct type.

#include "expr.hpp"
#include "type_list.hpp"

namespace hardwired::detail {

template <class E>
struct variables {
    using type = ordered_set<type_list<>>;
};
template <class Tag>
struct variables<var<Tag>> {
    using type = typename insert<ordered_set<type_list<>>, var<Tag>>::type;
};
template <class Op, class... Args>
struct variables<expr<Op, Args...>> {
    using type = set_union_t<typename variables<Args>::type...>;
};

/// The distinct variables of E as a type_list, in order of first appearance.
template <class E>
using variables_t = typename variables<E>::type::list;

template <class E, class V>
inline constexpr bool depends_on_v = contains_v<V, typename variables<E>::type>;

} // namespace hardwired::detail
