#pragma once
// Evaluation with type-level common-subexpression elimination. The distinct operation nodes of
// an expression are listed once, children before parents (`slot_order_t`, computed once per
// type); evaluation fills one slot per distinct node, so a sub-expression that occurs many times
// in the tree (σ(x) three times in the derivative of x·σ(x)) is computed once per call. Leaves
// and comparisons are cheap and are evaluated where they are used.

#include <cstddef>
#include <type_traits>

#include "../diagnostics.hpp"
#include "expr.hpp"
#include "ops.hpp"
#include "rewrite.hpp"
#include "type_list.hpp"

namespace hardwired::detail {

template <class E>
inline constexpr bool is_slot_v = false;
template <class Op, class... Args>
inline constexpr bool is_slot_v<expr<Op, Args...>> = Op::kind != ops::op_kind::condition;

// Depth-first walk over the expression DAG threading one ordered set of visited nodes: each
// distinct node is inserted once, after its children; an already-visited node costs one
// membership test. (Merging per-node child sets instead costs cubic template work and made
// Clang take 36 s on the depth-12 nested-swish derivative.)
template <class Visited, class E, bool Seen = contains_v<E, Visited>>
struct visit {
    using type = Visited; // a leaf, or a node already listed
};
template <class Visited, class... Args>
struct visit_all {
    using type = Visited;
};
template <class Visited, class A, class... Args>
struct visit_all<Visited, A, Args...> : visit_all<typename visit<Visited, A>::type, Args...> {};

template <class Visited, class Op, class... Args>
struct visit<Visited, expr<Op, Args...>, false> {
    using after_children = typename visit_all<Visited, Args...>::type;
    using type = std::conditional_t<is_slot_v<expr<Op, Args...>>,
                                    typename insert<after_children, expr<Op, Args...>>::type,
                                    after_children>;
};

/// The distinct operation nodes of E in evaluation order (children first), as a type_list.
template <class E>
using slot_order_t = typename visit<ordered_set<type_list<>>, E>::type::list;

// Values bound to variables by position (`f(0.5, 1.0)`).
template <class T, std::size_t N>
struct positional_env {
    using value_type = T;
    T values[N];
    template <class Tag>
    constexpr T const& get() const {
        static_assert(Tag::position < N, HARDWIRED_MSG_CALL_MISSING_POSITION);
        if constexpr (Tag::position < N)
            return values[Tag::position];
        else
            return values[0];
    }
};

// Values bound to variables by name (`f(hw::yhat = 0.5, hw::y = 1.0)`).
template <class T, class... Bindings>
struct named_env {
    using value_type = T;
    T values[sizeof...(Bindings)];
    template <class Tag>
    constexpr T const& get() const {
        static_assert((std::is_same_v<typename Bindings::variable, var<Tag>> || ...),
                      HARDWIRED_MSG_CALL_MISSING_BINDING);
        constexpr bool hits[] = {std::is_same_v<typename Bindings::variable, var<Tag>>...};
        std::size_t i = 0;
        while (!hits[i])
            ++i;
        return values[i];
    }
};

// Slot index of a node, computed once per (node, order).
template <class E, class Order>
inline constexpr std::size_t slot_index_v = detail::index_of<E>(Order{});

template <class Order, class Slots, class Env, class E>
constexpr auto value_of(Slots const& slots, Env const& env, E);

// Op applied to its operands' values: the body of a slot, or a comparison evaluated in place.
template <class Order, class Slots, class Env, class Op, class... Args>
constexpr auto apply_node(Slots const& slots, Env const& env, expr<Op, Args...>) {
    return Op::apply(detail::value_of<Order>(slots, env, Args{})...);
}

template <class Order, class Slots, class Env, class E>
constexpr auto value_of(Slots const& slots, Env const& env, E) {
    using T = typename Env::value_type;
    using S = scalar_of_t<T>;
    if constexpr (std::is_same_v<E, zero_t>)
        return T(S(0));
    else if constexpr (is_rational_v<E>)
        return T(
            static_cast<S>(static_cast<long double>(E::num) / static_cast<long double>(E::den)));
    else if constexpr (is_variable_v<E>)
        return env.template get<typename E::tag>();
    else if constexpr (is_slot_v<E>)
        return slots[slot_index_v<E, Order>];
    else // a comparison: gives bool or batch_bool
        return detail::apply_node<Order>(slots, env, E{});
}

template <class Order, class Env, class... Nodes, class E>
constexpr auto evaluate_slots(type_list<Nodes...>, Env const& env, E) {
    using T = typename Env::value_type;
    T slots[sizeof...(Nodes) + 1]{};
    // One assignment per distinct node in Order, children first (a comma fold runs left to
    // right, so slot i holds the i-th node of Order).
    std::size_t i = 0;
    ((slots[i++] = T(detail::apply_node<Order>(slots, env, Nodes{}))), ...);
    return detail::value_of<Order>(slots, env, E{});
}

template <class E, class Env>
constexpr auto evaluate_in(E e, Env const& env) {
    using order = slot_order_t<E>;
    return detail::evaluate_slots<order>(order{}, env, e);
}

// Integers are evaluated in double, like std::exp(int).
template <class... Ts>
using value_type_for = std::conditional_t<std::is_integral_v<std::common_type_t<Ts...>>, double,
                                          std::common_type_t<Ts...>>;

template <class E, class... Args>
constexpr auto evaluate_positional(E e, Args const&... args) {
    using T = value_type_for<Args...>;
    return detail::evaluate_in(e, positional_env<T, sizeof...(Args)>{{T(args)...}});
}

template <class E, class... Bindings>
constexpr auto evaluate_named(E e, Bindings const&... bindings) {
    using T = value_type_for<decltype(bindings.value)...>;
    return detail::evaluate_in(e, named_env<T, Bindings...>{{T(bindings.value)...}});
}

} // namespace hardwired::detail
