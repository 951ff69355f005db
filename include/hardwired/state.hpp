#pragma once
/// A recurrent network's persistent state, and running such a network one time step at a time.
///
///     using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;
///     hw::params<amp> p;                      // trained, or loaded
///     hw::state<amp> s;                       // the start of a sequence: all zero
///     for (float& sample : block)
///         sample = hw::step(p, std::array{sample}, s)[0];
///     s.reset();                              // a new, unrelated sequence

#include <array>
#include <cstddef>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "backprop.hpp"
#include "network.hpp"
#include "params.hpp"
#include "samples.hpp"

namespace hardwired {

/// The persistent state of every layer of Net that has one (an LSTM's h and c), for value type
/// T: a plain object without heap memory that the caller owns, one per independent sequence.
/// `values` holds each layer's state in the order of the layers (Net::state_count values; an
/// LSTM of H units: h, then c, H values each); read and set it directly.
template <class Net, class T = float>
struct state {
    static_assert(detail::is_network_v<Net>, HARDWIRED_MSG_PARAMS_NETWORK);
    static constexpr std::size_t size = Net::state_count;
    alignas(64) std::array<T, (size > 0 ? size : 1)> values{};
    /// Back to the start of a sequence: every value zero.
    constexpr void reset() { values.fill(T(0)); }
};

/// One time step: the network's output for input x, reading the state the previous step left in
/// `s` and leaving the new one there. For a network without state it equals hw::forward.
template <class Net, class T, class X>
constexpr std::array<T, Net::outputs> step(params<Net, T> const& p, X const& x, state<Net, T>& s) {
    if constexpr (!detail::check_sample<Net, T, X, false, true>())
        return {};
    else {
        detail::forward_scratch<Net, T> ws;
        return detail::forward_output(p, x, ws, s.values.data());
    }
}

/// A block of time steps in one call, as an audio callback processes its buffer:
/// outputs[t] = hw::step(p, inputs[t], s) for every t, in order. Inputs and outputs are
/// contiguous ranges of arrays (std::vector, std::array, std::span) of equal length, else
/// std::invalid_argument with nothing changed. Allocates nothing.
template <class Net, class T, class Inputs, class Outputs>
void step_block(params<Net, T> const& p, Inputs const& inputs, Outputs&& outputs,
                state<Net, T>& s) {
    if constexpr (detail::check_samples<Net, T, Inputs, false, true>() &&
                  detail::check_samples<Net, T, std::remove_cvref_t<Outputs>, true>()) {
        const auto xs = detail::as_samples(inputs);
        if (xs.size() != std::ranges::size(outputs))
            throw std::invalid_argument("hardwired::step_block: " + std::to_string(xs.size()) +
                                        " inputs but room for " +
                                        std::to_string(std::ranges::size(outputs)) + " outputs");
        auto out = std::ranges::data(outputs);
        detail::forward_scratch<Net, T> ws;
        for (std::size_t t = 0; t < xs.size(); ++t)
            out[t] = detail::forward_output(p, xs[t], ws, s.values.data());
    }
}

} // namespace hardwired
