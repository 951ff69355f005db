#pragma once
// Output-expressible derivatives. For an activation f, if f'(x) can be written as g(f(x)) by
// replacing every occurrence of the formula f itself in f' by the output variable `hw::a`, and
// no `x` is left, then g is the output form: σ' = a(1 − a), tanh' = 1 − a², relu' = [a > 0],
// identity' = 1, exp' = a. The backward pass uses it to work from stored activations alone,
// with no recomputation of exp or tanh.

#include "../diagnostics.hpp"
#include "derivative.hpp"
#include "functions.hpp"
#include "substitute.hpp"
#include "variables.hpp"

namespace hardwired::detail {

template <class F>
constexpr auto output_form_candidate(F f) {
    return detail::replace<F, var<vars::a>>(hardwired::derivative(f, x));
}

} // namespace hardwired::detail

namespace hardwired {

/// True when the derivative of the activation `f` (a formula in `hw::x`) can be written in terms
/// of its output `hw::a` alone.
template <expression F>
constexpr bool is_output_expressible(F f) {
    return !detail::depends_on_v<decltype(detail::output_form_candidate(f)), var<vars::x>>;
}

/// The derivative of the activation `f` as a formula in its output `hw::a`:
/// `hw::output_derivative(hw::sigmoid)` prints as "a*(1 - a)".
template <expression F>
constexpr auto output_derivative(F f) {
    static_assert(is_output_expressible(F{}), HARDWIRED_MSG_OUTPUT_DERIVATIVE);
    return decltype(detail::output_form_candidate(f)){};
}

} // namespace hardwired
