#pragma once
// Flat ordered type sets used by the algebra (sub-term order for evaluation, variable sets).
//
// A set is a type_list (the order) plus a chain of classes, one per member, each inheriting from
// the previous one and from type_tag<member>: membership is one is_base_of, inserting makes one
// small class. No operators are used, on purpose: an operator on these lists would be looked up
// by ADL in namespace hardwired (the members are expression types), and every expression
// operator's constraints would be checked against very large types.

#include <cstddef>
#include <type_traits>

namespace hardwired::detail {

template <class... Ts>
struct type_list {
    static constexpr std::size_t size = sizeof...(Ts);
};

template <class T>
struct type_tag {};

struct empty_chain {};
template <class Previous, class T>
struct chain : Previous, type_tag<T> {};

template <class List, class Chain = empty_chain>
struct ordered_set {
    using list = List;
    using members = Chain;
};

template <class Set, class T>
struct insert;
template <class... Ts, class Chain, class T>
struct insert<ordered_set<type_list<Ts...>, Chain>, T> {
    using type = std::conditional_t<std::is_base_of_v<type_tag<T>, Chain>,
                                    ordered_set<type_list<Ts...>, Chain>,
                                    ordered_set<type_list<Ts..., T>, chain<Chain, T>>>;
};

template <class Set, class... Ts>
struct insert_all {
    using type = Set;
};
template <class Set, class T, class... Ts>
struct insert_all<Set, T, Ts...> : insert_all<typename insert<Set, T>::type, Ts...> {};

template <class Set, class List>
struct insert_list;
template <class Set, class... Ts>
struct insert_list<Set, type_list<Ts...>> : insert_all<Set, Ts...> {};

/// Union of ordered sets, keeping first-appearance order.
template <class Set, class... Sets>
struct set_union {
    using type = Set;
};
template <class Set, class Next, class... Sets>
struct set_union<Set, Next, Sets...>
    : set_union<typename insert_list<Set, typename Next::list>::type, Sets...> {};

template <class... Sets>
using set_union_t = typename set_union<ordered_set<type_list<>>, Sets...>::type;

template <class T, class Set>
inline constexpr bool contains_v = std::is_base_of_v<type_tag<T>, typename Set::members>;

/// Index of T in a list (T must be a member).
template <class T, class... Ts>
constexpr std::size_t index_of(type_list<Ts...>) {
    constexpr bool hits[] = {std::is_same_v<T, Ts>..., false};
    std::size_t i = 0;
    while (!hits[i])
        ++i;
    return i;
}

} // namespace hardwired::detail
