#pragma once
// Flat type sets used by the algebra (sub-term order for evaluation, variable sets). Membership is
// a single is_base_of test and appending is a fold, so no recursive instantiation chains.

#include <cstddef>
#include <type_traits>

namespace hardwired::detail {

template <class... Ts>
struct type_list {
    static constexpr std::size_t size = sizeof...(Ts);
};

template <class T>
struct type_tag {};

template <class... Ts>
struct type_set_probe : type_tag<Ts>... {};

template <class T, class List>
inline constexpr bool contains_v = false;
template <class T, class... Ts>
inline constexpr bool contains_v<T, type_list<Ts...>> =
    std::is_base_of_v<type_tag<T>, type_set_probe<Ts...>>;

// `list + type_tag<T>` appends T unless present; folding it over a pack builds a set.
template <class... Ts, class T>
constexpr auto operator+(type_list<Ts...>, type_tag<T>) {
    if constexpr (contains_v<T, type_list<Ts...>>)
        return type_list<Ts...>{};
    else
        return type_list<Ts..., T>{};
}

// `list + list` appends the right list's members that are new, keeping order.
template <class... Ts, class... Us>
constexpr auto operator+(type_list<Ts...> l, type_list<Us...>) {
    return (l + ... + type_tag<Us>{});
}

template <class... Lists>
using set_union_t = decltype((type_list<>{} + ... + Lists{}));

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
