#pragma once
/// Training through time: the loss and gradients of a network with state (hw::lstm, hw::gru,
/// hw::rnn, hw::conv1d, mixed with any other layers) over a sequence, by back-propagation
/// through time.
///
///     using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;
///     hw::sequence_workspace<amp> ws(2048);     // room for 2048 steps, made once
///     hw::state<amp> s;                          // the sequence's initial state
///     float loss = hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws);
///     // s now holds the state after the last step: the next chunk of the same signal goes on
///     // from there (truncated back-propagation through time)
///
/// Independent sequences of equal length train together with the sequences in SIMD lanes: the
/// same call with a hw::state_lanes and a hw::sequence_lanes_workspace, a range of sequences
/// for the inputs and one for the targets; the loss and gradient are the means over them.

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "backprop.hpp"
#include "batch_workspace.hpp"
#include "state.hpp"

namespace hardwired {

/// What a pass through time keeps: every step's values (input, saved values, output) for the
/// backward pass, one step's signals and ∂L/∂state. Made for a number of steps; a longer
/// sequence grows it (its only allocation), so one made for the longest sequence never
/// allocates again. `random` is the stream of a network with dropout, one position per step.
template <class Net, class T = float>
struct sequence_workspace {
    using layout = detail::sample_layout<typename Net::root>;
    static constexpr std::size_t step_values = layout::values;

    explicit sequence_workspace(std::size_t steps = 0) { reserve(steps); }
    /// Room for `steps` steps.
    void reserve(std::size_t steps) {
        if (steps > capacity())
            values.resize(steps * step_values);
    }
    std::size_t capacity() const { return values.size() / step_values; }

    std::vector<T> values;
    std::vector<T> signals = std::vector<T>(layout::template deltas<false>);
    std::vector<T> dstate = std::vector<T>(Net::state_count > 0 ? Net::state_count : 1);
    random_stream random{};
};

/// Loss and gradients over a sequence by back-propagation through time. `inputs` holds one
/// array per time step; `targets` one per step (a loss at every step, many-to-many) or a single
/// one (a loss on the last step, many-to-one), arrays of the outputs or class indices as for
/// hw::batch_gradient. The loss is the mean of the steps' losses (PyTorch's reduction="mean"
/// over time and outputs); `grads` is overwritten with its gradient. The sequence starts from
/// the state in `s`, which is left holding the state after the last step. With `input_grads`
/// (one array per step), ∂L/∂x_t is written there; with `state_grad`, ∂L/∂ of the initial
/// state. Throws std::invalid_argument, with nothing changed, when the lengths do not fit.
template <auto Loss, class Net, class T, class Inputs, class Targets>
T sequence_gradient(params<Net, T> const& p, Inputs const& inputs, Targets const& targets,
                    state<Net, T>& s, params<Net, T>& grads, sequence_workspace<Net, T>& ws,
                    std::span<std::array<T, Net::inputs>> input_grads = {},
                    state<Net, T>* state_grad = nullptr) {
    if constexpr (!detail::check_samples<Net, T, Inputs, false, true>() ||
                  !detail::check_targets<Loss, Net, T, Targets>())
        return T(0);
    else {
        using root = typename Net::root;
        using lay = detail::sample_layout<root>;
        using mode = detail::mode_of<kernels::default_kernel<T>>;
        constexpr std::size_t V = lay::values, O = Net::outputs;
        const auto xs = detail::as_samples(inputs);
        const auto ys = detail::as_samples(targets);
        const std::size_t n = xs.size();
        if (ys.size() != n && !(ys.size() == 1 && n > 0))
            throw std::invalid_argument("hardwired::sequence_gradient: " + std::to_string(n) +
                                        " time steps but " + std::to_string(ys.size()) +
                                        " targets (give one per step, or one for the last)");
        if (!input_grads.empty() && input_grads.size() != n)
            throw std::invalid_argument("hardwired::sequence_gradient: " + std::to_string(n) +
                                        " time steps but room for " +
                                        std::to_string(input_grads.size()) + " input gradients");
        detail::check_class_indices(ys, O);
        ws.reserve(n);
        grads.values.fill(T(0));
        T* const dstate = ws.dstate.data();
        std::fill(ws.dstate.begin(), ws.dstate.end(), T(0));

        for (std::size_t t = 0; t < n; ++t) {
            T* v = ws.values.data() + t * V;
            std::copy_n(xs[t].data(), Net::inputs, v + lay::in);
            mode m{};
            m.training = true;
            m.random = {ws.random.seed, ws.random.position++};
            m.reversed = t % 2 != 0;
            detail::run_forward<root>(m, p.values.data(), v + lay::in, v + lay::out, v + lay::saved,
                                      s.values.data());
        }

        const std::size_t scored = ys.size();
        const T scale = T(1) / static_cast<T>(std::max<std::size_t>(scored, 1));
        T total = 0;
        T* g = ws.signals.data();
        for (std::size_t t = n; t-- > 0;) {
            T const* v = ws.values.data() + t * V;
            T* delta = g + lay::delta_out;
            const std::size_t target = scored == n ? t : 0;
            if (scored == n || t + 1 == n)
                total += detail::sample_loss<Loss, O>(
                    [&](std::size_t o) { return v[lay::out + o]; },
                    [&](std::size_t o) {
                        return detail::target_element<T>(detail::target_of(ys[target]), o);
                    },
                    scale, [&](std::size_t o, T d) { delta[o] = d; });
            else
                std::fill_n(delta, O, T(0));
            const mode m{};
            detail::apply_epilogue(m, delta, O,
                                   detail::epilogue_for<root, T, 1>(v + lay::out, v + lay::saved));
            T* delta_in = !input_grads.empty() ? g + lay::delta_in : nullptr;
            detail::run_backward<root>(
                m, p.values.data(), grads.values.data(), v + lay::in, v + lay::out, v + lay::saved,
                delta, delta_in, g + lay::template scratch<false>, detail::no_epilogue{}, dstate);
            if (delta_in)
                std::copy_n(delta_in, Net::inputs, input_grads[t].data());
        }
        if (state_grad)
            std::copy_n(ws.dstate.data(), Net::state_count, state_grad->values.data());
        return total * scale;
    }
}

/// What a pass through time of independent sequences in SIMD lanes keeps (hw::sequence_gradient
/// with a hw::state_lanes, hw::fit_sequences): every step's values for one chunk of
/// kernels::chunk_samples sequences, each value a row as in hw::batch_workspace; one step's
/// signals and targets; ∂L/∂state. Made for a number of steps; a longer sequence grows it (its
/// only allocation).
template <class Net, class T = float>
struct sequence_lanes_workspace {
    using layout = detail::sample_layout<typename Net::root>;
    static constexpr std::size_t chunk = kernels::chunk_samples;
    static constexpr std::size_t step_values = layout::values * chunk; ///< values per step
    /// Storage aligned for the chunk kernels' aligned loads.
    template <class U>
    using rows = std::vector<U, xsimd::aligned_allocator<U, 64>>;

    explicit sequence_lanes_workspace(std::size_t steps = 0) { reserve(steps); }
    /// Room for `steps` steps.
    void reserve(std::size_t steps) {
        if (steps > capacity())
            values.resize(steps * step_values);
    }
    std::size_t capacity() const { return values.size() / step_values; }

    rows<T> values;
    rows<T> signals = rows<T>(layout::template deltas<true> * chunk);
    rows<T> targets = rows<T>(Net::outputs * chunk);
    rows<T> dstate = rows<T>((Net::state_count > 0 ? Net::state_count : 1) * chunk);
    random_stream random{};
};

/// No gradients of the inputs: what hw::sequence_gradient in lanes takes by default (`{}`).
struct no_input_gradients {};

namespace detail {

/// Room for the input gradients of sequences in lanes: as the inputs' sequences, or none.
template <class Net, class T, class R>
constexpr bool check_input_gradients() {
    if constexpr (std::is_same_v<std::remove_cvref_t<R>, no_input_gradients>)
        return true;
    else
        return check_sequences<Net, T, R>();
}

template <class T>
constexpr bool check_lanes() {
    static_assert(batched<T>, HARDWIRED_MSG_LANES_VALUE_TYPE);
    return batched<T>;
}

/// Back-propagation through `steps` time steps of n ≤ kernels::chunk_samples sequences in the
/// lanes of one chunk, from the state rows in `state` (left holding the state after the last
/// step). x(q, t) points at sequence q's input at step t; y(q, t) is its target (a pointer or a
/// class index), asked for at every step, or with `last_only` for the last step as y(q, 0).
/// Adds to grads the gradient of scale · Σ losses and returns Σ losses (each sample_loss);
/// ws.dstate is left holding its gradient with respect to the state rows the pass started from.
/// With dx (not null), dx(q, t) points at where ∂/∂ of sequence q's input at step t goes.
template <auto Loss, class Net, class T, class X, class Y, class DX = std::nullptr_t>
T lanes_through_time(params<Net, T> const& p, X const& x, Y const& y, std::size_t n,
                     std::size_t steps, bool last_only, T* state, params<Net, T>& grads,
                     sequence_lanes_workspace<Net, T>& ws, T scale, DX const& dx = nullptr) {
    constexpr bool input_grads = !std::is_same_v<DX, std::nullptr_t>;
    using root = typename Net::root;
    using lay = sample_layout<root>;
    constexpr std::size_t C = kernels::chunk_samples, V = lay::values * C, O = Net::outputs;
    const std::size_t nv = chunk_vectors<T>(n);
    ws.reserve(steps);
    for (std::size_t t = 0; t < steps; ++t) {
        T* v = ws.values.data() + t * V;
        load_transposed<Net::inputs>(
            v + lay::in * C, [&](std::size_t q) { return x(q, t); }, n);
        chunk_mode<T> m{};
        m.nv = nv;
        m.random = ws.random;
        ws.random.position += n;
        run_forward<root>(m, p.values.data(), v + lay::in * C, v + lay::out * C, v + lay::saved * C,
                          state);
    }
    T* const g = ws.signals.data();
    T* const delta = g + lay::delta_out * C;
    std::fill(ws.dstate.begin(), ws.dstate.end(), T(0));
    T total = 0;
    for (std::size_t t = steps; t-- > 0;) {
        T const* v = ws.values.data() + t * V;
        if (!last_only || t + 1 == steps) {
            load_transposed<O>(
                ws.targets.data(), [&](std::size_t q) { return y(q, last_only ? 0 : t); }, n);
            total += chunk_loss<Loss, Net>(v + lay::out * C, v + lay::saved * C, ws.targets.data(),
                                           delta, n, nv, scale);
        } else
            std::fill_n(delta, O * C, T(0));
        chunk_mode<T> m{};
        m.nv = nv;
        T* const delta_in = input_grads ? g + lay::delta_in * C : nullptr;
        run_backward<root>(m, p.values.data(), grads.values.data(), v + lay::in * C,
                           v + lay::out * C, v + lay::saved * C, delta, delta_in,
                           g + lay::template scratch<true> * C, no_epilogue{}, ws.dstate.data());
        if constexpr (input_grads)
            for (std::size_t q = 0; q < n; ++q)
                for (std::size_t i = 0; i < Net::inputs; ++i)
                    dx(q, t)[i] = delta_in[i * C + q];
    }
    return total;
}

} // namespace detail

/// Loss and gradients over N independent sequences of equal length, trained together with the
/// sequences in SIMD lanes (float and double). `inputs` is a contiguous range of N sequences,
/// each as hw::sequence_gradient takes one; `targets` one of N sequences of targets, each one per
/// step or one for the last step (the same for all). The loss is the mean of the N sequences'
/// losses (each the mean over its steps, as for one sequence), `grads` is overwritten with its
/// gradient; sequence q starts from its state in `s`, which is left holding its state after the
/// last step. Equals the mean of hw::sequence_gradient over the sequences, up to rounding.
/// With `input_grads` (a contiguous range of N sequences of arrays of the inputs, each as long
/// as the inputs' sequences), ∂L/∂x_t of sequence q is written to input_grads[q][t]; with
/// `state_grad`, ∂L/∂ of sequence q's initial state to its sequence q. L is the mean over the
/// sequences, so each is 1/N of what hw::sequence_gradient gives for the sequence alone.
/// Throws std::invalid_argument, with nothing changed, when the counts or lengths do not fit.
///
///     std::vector<std::vector<std::array<float, 1>>> dx(8, std::vector<std::array<float, 1>>(n));
///     hw::state_lanes<amp, float, 8> ds;
///     hw::sequence_gradient<hw::mse_loss>(p, xs, ys, lanes, grads, ws, dx, &ds);
template <auto Loss, class Net, class T, std::size_t N, class Inputs, class Targets,
          class InputGrads = no_input_gradients>
T sequence_gradient(params<Net, T> const& p, Inputs const& inputs, Targets const& targets,
                    state_lanes<Net, T, N>& s, params<Net, T>& grads,
                    sequence_lanes_workspace<Net, T>& ws, InputGrads&& input_grads = {},
                    state_lanes<Net, T, N>* state_grad = nullptr) {
    constexpr bool want_inputs =
        !std::is_same_v<std::remove_cvref_t<InputGrads>, no_input_gradients>;
    if constexpr (!detail::check_lanes<T>() || !detail::check_sequences<Net, T, Inputs>() ||
                  !detail::check_target_sequences<Loss, Net, T, Targets>() ||
                  !detail::check_input_gradients<Net, T, InputGrads>())
        return T(0);
    else {
        using detail::sequence_at;
        constexpr std::size_t C = kernels::chunk_samples;
        const auto fail = [](std::string const& what) {
            throw std::invalid_argument("hardwired::sequence_gradient: " + what);
        };
        if (std::ranges::size(inputs) != N || std::ranges::size(targets) != N)
            fail(std::to_string(std::ranges::size(inputs)) + " input and " +
                 std::to_string(std::ranges::size(targets)) + " target sequences for " +
                 std::to_string(N) + " lanes");
        const std::size_t n = sequence_at(inputs, 0).size();
        const std::size_t scored = sequence_at(targets, 0).size();
        if (scored != n && !(scored == 1 && n > 0))
            fail(std::to_string(n) + " time steps but " + std::to_string(scored) +
                 " targets (give one per step, or one for the last)");
        for (std::size_t q = 0; q < N; ++q) {
            if (sequence_at(inputs, q).size() != n || sequence_at(targets, q).size() != scored)
                fail("sequence " + std::to_string(q) + " has " +
                     std::to_string(sequence_at(inputs, q).size()) + " steps and " +
                     std::to_string(sequence_at(targets, q).size()) + " targets, sequence 0 " +
                     std::to_string(n) + " and " + std::to_string(scored) +
                     " (sequences in lanes have equal lengths)");
            detail::check_class_indices(sequence_at(targets, q), Net::outputs);
        }
        if constexpr (want_inputs) {
            if (std::ranges::size(input_grads) != N)
                fail("room for the input gradients of " +
                     std::to_string(std::ranges::size(input_grads)) + " sequences for " +
                     std::to_string(N) + " lanes");
            for (std::size_t q = 0; q < N; ++q)
                if (detail::sequence_out_at(input_grads, q).size() != n)
                    fail(std::to_string(n) + " time steps but room for " +
                         std::to_string(detail::sequence_out_at(input_grads, q).size()) +
                         " input gradients in sequence " + std::to_string(q));
        }
        ws.reserve(n);
        grads.values.fill(T(0));
        const T scale = T(1) / static_cast<T>(std::max<std::size_t>(scored, 1) * N);
        T total = 0;
        for (std::size_t c = 0; c < s.chunks; ++c) {
            const std::size_t first = c * C;
            const auto x = [&](std::size_t q, std::size_t t) {
                return sequence_at(inputs, first + q)[t].data();
            };
            const auto y = [&](std::size_t q, std::size_t t) {
                return detail::target_of(sequence_at(targets, first + q)[t]);
            };
            const std::size_t lanes = std::min(C, N - first);
            T* const state = s.values.data() + c * s.chunk_values;
            if constexpr (want_inputs)
                total += detail::lanes_through_time<Loss>(
                    p, x, y, lanes, n, scored != n, state, grads, ws, scale,
                    [&](std::size_t q, std::size_t t) {
                        return detail::sequence_out_at(input_grads, first + q)[t].data();
                    });
            else
                total += detail::lanes_through_time<Loss>(p, x, y, lanes, n, scored != n, state,
                                                          grads, ws, scale);
            if (state_grad)
                std::copy_n(ws.dstate.data(), s.chunk_values,
                            state_grad->values.data() + c * s.chunk_values);
        }
        return total * scale;
    }
}

} // namespace hardwired
