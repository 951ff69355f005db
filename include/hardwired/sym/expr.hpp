#pragma once
// Node types of the symbolic scalar algebra.
//
// Every expression is an empty, structural type, so an expression *value* can be a C++20
// template argument (`hw::dense<8, hw::x * hw::sigmoid(hw::x)>`) and two equal formulas are the
// same type. The type is the whole formula; there is nothing to store at run time.
//
// Calls from one function of the algebra to another are qualified (`detail::make_mul(a, b)`).
// An unqualified call does argument-dependent lookup, and for that the compiler walks every
// template argument of the argument types recursively: the whole expression tree, not the few
// distinct types it shares. The derivative of swish nested 12 deep is such a tree (about 300,000
// nodes over ~100 distinct types): differentiating and evaluating it took Clang 14's front end
// 8.8 s with unqualified calls and 0.5 s with qualified ones (0.35 s of that the headers).

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../diagnostics.hpp"

namespace hardwired {

template <class Self>
struct formula;

/// A variable. `Tag` supplies `static constexpr const char* name` (for printing) and
/// `static constexpr std::size_t position` (its argument position when an expression is called
/// with plain numbers). `hw::x`, `hw::yhat`, `hw::y` and `hw::a` are the predefined ones; users
/// may declare more.
template <class Tag>
struct var;

/// An exact rational constant N/D, always stored reduced with D > 0. Write it as `hw::c<N, D>`.
template <std::int64_t N, std::int64_t D = 1>
struct rational;

/// The structural zero produced by differentiation (d/dx of a constant, of another variable).
/// Unlike a user-written `hw::c<0>`, it may be folded away: `zero * e` is `zero` even where `e`
/// evaluates to inf or NaN, because it stands for "does not depend on the variable at all".
struct zero_t;

/// An operation `Op` applied to sub-expressions `Args...` (see ops.hpp for the operations).
template <class Op, class... Args>
struct expr;

/// The value bound to a variable when evaluating by name: `e(hw::yhat = 0.3, hw::y = 1.0)`.
template <class Var, class T>
struct binding {
    using variable = Var;
    T value;
};

namespace detail {

template <class T>
struct is_expression : std::false_type {};
template <class Tag>
struct is_expression<var<Tag>> : std::true_type {};
template <std::int64_t N, std::int64_t D>
struct is_expression<rational<N, D>> : std::true_type {};
template <>
struct is_expression<zero_t> : std::true_type {};
template <class Op, class... Args>
struct is_expression<expr<Op, Args...>> : std::true_type {};

template <class T>
struct is_binding : std::false_type {};
template <class V, class T>
struct is_binding<binding<V, T>> : std::true_type {};

// Defined in evaluate.hpp and substitute.hpp; declared here because formula::operator() uses them.
template <class E, class... Args>
constexpr auto evaluate_positional(E, Args const&... args);
template <class E, class... Bindings>
constexpr auto evaluate_named(E, Bindings const&... bindings);
template <class E, class... Args>
constexpr auto compose(E, Args...);

} // namespace detail

/// True for every symbolic expression type (variables, constants, operation nodes).
template <class T>
concept expression = detail::is_expression<std::remove_cvref_t<T>>::value;

/// Common base of all expression types: calling an expression either evaluates it or composes it.
///
/// - `f(0.5f)`, `f(batch)`: evaluate; argument i binds every variable whose position is i
///   (`hw::x` and `hw::yhat` are position 0, `hw::y` position 1).
/// - `f(hw::yhat = 0.3, hw::y = 1.0)`: evaluate with the variables bound by name.
/// - `f(g)` with expressions: substitute, e.g. `hw::tanh(hw::c<2> * hw::x)` is tanh(2·x).
template <class Self>
struct formula {
    template <class... Args>
    constexpr auto operator()(Args const&... args) const {
        constexpr bool all_expressions = (expression<Args> && ...);
        constexpr bool all_bindings = (detail::is_binding<Args>::value && ...);
        // Each mistake is its own branch, so that nothing else is instantiated after it.
        if constexpr (sizeof...(Args) == 0) {
            static_assert(sizeof...(Args) > 0, HARDWIRED_MSG_CALL_NO_ARGUMENTS);
            return Self{};
        } else if constexpr (!all_expressions && (expression<Args> || ...)) {
            static_assert(all_expressions || !(expression<Args> || ...), HARDWIRED_MSG_CALL_MIXED);
            return Self{};
        } else if constexpr (all_expressions)
            return decltype(detail::compose(Self{}, args...)){}; // type only, see rewrite.hpp
        else if constexpr (all_bindings)
            return detail::evaluate_named(Self{}, args...);
        else if constexpr ((detail::is_binding<Args>::value || ...)) {
            static_assert(!(detail::is_binding<Args>::value || ...),
                          "hardwired: bind either every variable by name or none");
            return Self{};
        } else
            return detail::evaluate_positional(Self{}, args...);
    }
};

template <class Tag>
struct var : formula<var<Tag>> {
    using tag = Tag;
    static constexpr std::size_t position = Tag::position;

    /// `hw::yhat = 0.3` makes a binding for evaluation by name.
    template <class T>
    constexpr binding<var, T> operator=(T value) const {
        return {value};
    }
};

template <std::int64_t N, std::int64_t D>
struct rational : formula<rational<N, D>> {
    static_assert(D > 0, HARDWIRED_MSG_RATIONAL_SIGN);
    static constexpr std::int64_t num = N;
    static constexpr std::int64_t den = D;
};

struct zero_t : formula<zero_t> {};

template <class Op, class... Args>
struct expr : formula<expr<Op, Args...>> {
    using op = Op;
};

} // namespace hardwired
