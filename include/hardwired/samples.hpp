#pragma once
/// What the functions take as data, and the compile-time checks that say, in user words, what is
/// wrong with it: one sample is a std::array of the parameters' value type with one value per
/// input; a data set a contiguous range (std::vector, std::array, std::span, C array) of such
/// arrays; a target an array with one value per output or, for a loss that takes class indices
/// (hw::softmax_cross_entropy), an integer. Each check is one static_assert (texts in
/// diagnostics.hpp) and returns false, so callers stop there (`if constexpr`) with one error.

#include <array>
#include <concepts>
#include <cstddef>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

#include "diagnostics.hpp"
#include "loss.hpp"

namespace hardwired::detail {

template <class T>
struct is_std_array : std::false_type {};
template <class T, std::size_t N>
struct is_std_array<std::array<T, N>> : std::true_type {};

template <class T>
inline constexpr bool always_false = false;

template <std::size_t Expected, std::size_t Given>
constexpr bool check_input_size() {
    if constexpr (Expected != Given)
        static_assert(
            diagnostic::holds<
                typename diagnostic::network_takes_inputs<Expected>::template but_was_given<Given>>,
            HARDWIRED_MSG_INPUT_SIZE);
    return Expected == Given;
}
template <std::size_t Expected, std::size_t Given>
constexpr bool check_target_size() {
    if constexpr (Expected != Given)
        static_assert(diagnostic::holds<typename diagnostic::network_produces_outputs<
                          Expected>::template but_target_has<Given>>,
                      HARDWIRED_MSG_TARGET_SIZE);
    return Expected == Given;
}
template <class T, class U>
constexpr bool check_value_type() {
    if constexpr (!std::is_same_v<T, U>)
        static_assert(
            diagnostic::holds<typename diagnostic::parameters_hold<T>::template but_data_holds<U>>,
            HARDWIRED_MSG_VALUE_TYPE);
    return std::is_same_v<T, U>;
}
template <auto Loss>
constexpr bool check_loss() {
    static_assert(any_loss<decltype(Loss)>, HARDWIRED_MSG_LOSS);
    return any_loss<decltype(Loss)>;
}

/// A network given to a function of one independent sample: one without state (hw::step takes
/// the others).
template <class Net>
constexpr bool check_stateless() {
    static_assert(Net::state_count == 0, HARDWIRED_MSG_STATEFUL);
    return Net::state_count == 0;
}

/// One sample X, an array of N values: std::array<T, N> with T the parameters' value type and N
/// the network's inputs (or, with `Output`, its outputs). The network must have no state unless
/// `WithState` (hw::step).
template <class Net, class T, class X, bool Output = false, bool WithState = false>
constexpr bool check_sample() {
    if constexpr (!Output && !WithState) {
        if constexpr (!check_stateless<Net>())
            return false;
    }
    if constexpr (!is_std_array<X>::value) {
        static_assert(always_false<X>, HARDWIRED_MSG_INPUT_NOT_ARRAY);
        return false;
    } else if constexpr (!check_value_type<T, typename X::value_type>())
        return false;
    else if constexpr (Output)
        return check_target_size<Net::outputs, std::tuple_size_v<X>>();
    else
        return check_input_size<Net::inputs, std::tuple_size_v<X>>();
}

/// A contiguous range of samples, each a std::array: std::vector, std::array, std::span, a C
/// array.
template <class R>
concept sample_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    is_std_array<std::remove_cv_t<std::ranges::range_value_t<R>>>::value;

/// A contiguous range of class indices (std::vector<int>, ...).
template <class R>
concept label_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    std::integral<std::remove_cv_t<std::ranges::range_value_t<R>>> &&
    !std::is_same_v<std::remove_cv_t<std::ranges::range_value_t<R>>, bool>;

template <class R>
using sample_t = std::remove_cv_t<std::ranges::range_value_t<std::remove_cvref_t<R>>>;

/// Inputs (or, with `Output`, a batch's outputs): a range of arrays, each one sample (or, with
/// `WithState`, one time step of a sequence).
template <class Net, class T, class R, bool Output = false, bool WithState = false>
constexpr bool check_samples() {
    if constexpr (!sample_range<std::remove_cvref_t<R>>) {
        static_assert(always_false<R>, HARDWIRED_MSG_SAMPLES);
        return false;
    } else
        return check_sample<Net, T, sample_t<R>, Output, WithState>();
}

/// A target of one sample: an array of the outputs' targets, or a class index for a loss that
/// takes one.
template <auto Loss, class Net, class T, class Y>
constexpr bool check_target() {
    if constexpr (!check_loss<Loss>())
        return false;
    else if constexpr (std::integral<Y> && !std::is_same_v<Y, bool>) {
        static_assert(takes_class_index<decltype(Loss)>, HARDWIRED_MSG_CLASS_INDEX);
        return takes_class_index<decltype(Loss)>;
    } else if constexpr (!is_std_array<Y>::value) {
        static_assert(always_false<Y>, HARDWIRED_MSG_TARGETS);
        return false;
    } else if constexpr (!check_value_type<T, typename Y::value_type>())
        return false;
    else
        return check_target_size<Net::outputs, std::tuple_size_v<Y>>();
}

template <auto Loss, class Net, class T, class R>
constexpr bool check_targets() {
    if constexpr (!sample_range<std::remove_cvref_t<R>> && !label_range<std::remove_cvref_t<R>>) {
        static_assert(always_false<R>, HARDWIRED_MSG_TARGETS);
        return false;
    } else
        return check_target<Loss, Net, T, sample_t<R>>();
}

/// Sequences side by side (training in SIMD lanes): a contiguous range of sequences, each a
/// range of time steps as check_samples takes them (check_target_sequences: of targets, as
/// check_targets takes them).
template <class R, bool Targets>
concept sequence_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    (sample_range<std::ranges::range_value_t<R>> ||
     (Targets && label_range<std::ranges::range_value_t<R>>));
template <class Net, class T, class R>
constexpr bool check_sequences() {
    if constexpr (!sequence_range<std::remove_cvref_t<R>, false>) {
        static_assert(always_false<R>, HARDWIRED_MSG_SEQUENCES);
        return false;
    } else
        return check_samples<Net, T, std::ranges::range_value_t<std::remove_cvref_t<R>>, false,
                             true>();
}
template <auto Loss, class Net, class T, class R>
constexpr bool check_target_sequences() {
    if constexpr (!sequence_range<std::remove_cvref_t<R>, true>) {
        static_assert(always_false<R>, HARDWIRED_MSG_SEQUENCES);
        return false;
    } else
        return check_targets<Loss, Net, T, std::ranges::range_value_t<std::remove_cvref_t<R>>>();
}

/// The samples of `r` as a span.
template <class R>
constexpr auto as_samples(R const& r) {
    return std::span<const sample_t<R>>(std::ranges::data(r), std::ranges::size(r));
}

/// Sequence q of a contiguous range of sequences, as a span of its samples.
template <class R>
constexpr auto sequence_at(R const& sequences, std::size_t q) {
    return as_samples(std::ranges::data(sequences)[q]);
}

/// Sequence q of a contiguous range of sequences, writable: a span of its arrays.
template <class R>
constexpr auto sequence_out_at(R& sequences, std::size_t q) {
    auto& sequence = std::ranges::data(sequences)[q];
    return std::span(std::ranges::data(sequence), std::ranges::size(sequence));
}

/// What the drivers take as sample i's target: a pointer to its values, or its class index.
template <class T, std::size_t N>
constexpr T const* target_of(std::array<T, N> const& t) {
    return t.data();
}
template <std::integral I>
constexpr I target_of(I label) {
    return label;
}

/// Throws std::invalid_argument, naming the sample, if a class index is outside [0, classes).
template <class Y>
void check_class_indices(std::span<const Y> targets, std::size_t classes) {
    if constexpr (std::integral<Y>)
        for (std::size_t i = 0; i < targets.size(); ++i)
            if (!is_class_index(targets[i], classes))
                throw_class_index_error(targets[i], classes, " (sample " + std::to_string(i) + ")");
}

} // namespace hardwired::detail
