#pragma once
/// A recurrent network's persistent state, and running such a network one time step at a time.
///
///     using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;
///     hw::params<amp> p;                      // trained, or loaded
///     hw::state<amp> s;                       // the start of a sequence: all zero
///     for (float& sample : block)
///         sample = hw::step(p, std::array{sample}, s)[0];
///     s.reset();                              // a new, unrelated sequence

#include <algorithm>
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
    /// Which of two orders the next step reads a recurrent layer's weights in where they exceed
    /// the L1 data cache; each step flips it, so that what one step reads last is still cached
    /// when the next begins (kernels::detail::column_product). No output depends on it.
    bool reversed = false;
    /// Back to the start of a sequence: every value zero.
    constexpr void reset() { values.fill(T(0)); }
};

namespace detail {
/// One step of hw::step and hw::step_block, in the order s.reversed says; the next takes the other.
/// Compiled as one function (flatten) around a scratch of its own: a local scratch whose address
/// never leaves the function cannot alias the parameters or the state, so the compiler need not
/// assume that writing it changes them, as it must for a caller's scratch passed by reference.
template <class Net, class T, class X>
HARDWIRED_FLATTEN constexpr std::array<T, Net::outputs> one_step(params<Net, T> const& p,
                                                                 X const& x, state<Net, T>& s) {
    forward_scratch<Net, T> ws;
    const bool reversed = s.reversed;
    s.reversed = !reversed;
    return forward_output(p, x, ws, s.values.data(), kernels::default_kernel<T>{}, reversed);
}
} // namespace detail

/// One time step: the network's output for input x, reading the state the previous step left in
/// `s` and leaving the new one there. For a network without state it equals hw::forward.
template <class Net, class T, class X>
constexpr std::array<T, Net::outputs> step(params<Net, T> const& p, X const& x, state<Net, T>& s) {
    if constexpr (!detail::check_sample<Net, T, X, false, true>())
        return {};
    else
        return detail::one_step(p, x, s);
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
        for (std::size_t t = 0; t < xs.size(); ++t)
            out[t] = detail::one_step(p, xs[t], s);
    }
}

/// The states of N independent sequences of Net (voices of a synthesizer, channels of a
/// multichannel signal), laid out for hw::step_lanes, which steps them together with the
/// sequences in SIMD lanes. A plain object without heap memory; all zero, every sequence is at
/// its start. Sequence q's state value i lies at values[(q / C · Net::state_count + i) · C +
/// q % C], C = kernels::chunk_samples; `get` and `set` copy one sequence's state out and in.
template <class Net, class T = float, std::size_t N = kernels::chunk_samples>
struct state_lanes {
    static_assert(detail::is_network_v<Net>, HARDWIRED_MSG_PARAMS_NETWORK);
    static_assert(N > 0, HARDWIRED_MSG_STATE_LANES);
    static constexpr std::size_t sequences = N, chunk = kernels::chunk_samples;
    static constexpr std::size_t chunks = (N + chunk - 1) / chunk;
    /// Values of one chunk of `chunk` sequences.
    static constexpr std::size_t chunk_values = Net::state_count * chunk;
    alignas(64) std::array<T, (chunk_values > 0 ? chunks * chunk_values : 1)> values{};

    /// Every sequence back to its start.
    constexpr void reset() { values.fill(T(0)); }
    /// Sequence q back to its start.
    constexpr void reset(std::size_t q) { set(q, state<Net, T>{}); }
    /// Sequence q's state (std::out_of_range for q ≥ N).
    constexpr state<Net, T> get(std::size_t q) const {
        state<Net, T> s;
        for (std::size_t i = 0; i < Net::state_count; ++i)
            s.values[i] = values[at(q, i)];
        return s;
    }
    /// Sets sequence q's state (std::out_of_range for q ≥ N).
    constexpr void set(std::size_t q, state<Net, T> const& s) {
        for (std::size_t i = 0; i < Net::state_count; ++i)
            values[at(q, i)] = s.values[i];
    }

private:
    static constexpr std::size_t at(std::size_t q, std::size_t i) {
        if (q >= N)
            throw std::out_of_range("hardwired::state_lanes: sequence " + std::to_string(q) +
                                    " of " + std::to_string(N));
        return (q / chunk * Net::state_count + i) * chunk + q % chunk;
    }
};

/// One time step of N independent sequences: outputs[q] = hw::step(p, inputs[q], sequence q's
/// state) for every q, computed together with the sequences in SIMD lanes (the batched kernels;
/// the recurrent and convolution layers' own kernels for sequences in lanes, the one-sample
/// kernel lane by lane for a layer without one). `inputs` and `outputs` are contiguous ranges of N
/// arrays, else std::invalid_argument with nothing changed. `ws` holds one chunk's values; without
/// it one is made on the stack. Allocates nothing.
template <class Net, class T, std::size_t N, class Inputs, class Outputs>
void step_lanes(params<Net, T> const& p, Inputs const& inputs, Outputs&& outputs,
                state_lanes<Net, T, N>& s, batch_workspace<Net, T>& ws) {
    if constexpr (detail::check_samples<Net, T, Inputs, false, true>() &&
                  detail::check_samples<Net, T, std::remove_cvref_t<Outputs>, true>()) {
        const auto xs = detail::as_samples(inputs);
        if (xs.size() != N || std::ranges::size(outputs) != N)
            throw std::invalid_argument("hardwired::step_lanes: " + std::to_string(xs.size()) +
                                        " inputs and room for " +
                                        std::to_string(std::ranges::size(outputs)) +
                                        " outputs, for " + std::to_string(N) + " sequences");
        auto out = std::ranges::data(outputs);
        constexpr std::size_t C = kernels::chunk_samples;
        for (std::size_t c = 0; c < s.chunks; ++c) {
            const std::size_t first = c * C, n = std::min(C, N - first);
            if constexpr (detail::batched<T>)
                detail::forward_chunk_samples(
                    p, ws, [&](std::size_t q) { return xs[first + q].data(); },
                    [&](std::size_t q) { return out[first + q].data(); }, n,
                    Net::state_count > 0 ? s.values.data() + c * s.chunk_values : nullptr);
            else
                for (std::size_t q = first; q < first + n; ++q) {
                    state<Net, T> one = s.get(q);
                    out[q] = step(p, xs[q], one);
                    s.set(q, one);
                }
        }
    }
}
template <class Net, class T, std::size_t N, class Inputs, class Outputs>
void step_lanes(params<Net, T> const& p, Inputs const& inputs, Outputs&& outputs,
                state_lanes<Net, T, N>& s) {
    batch_workspace<Net, T> ws;
    step_lanes(p, inputs, outputs, s, ws);
}

} // namespace hardwired
