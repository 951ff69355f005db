#pragma once
/// Training through time: the loss and gradients of a network with state (hw::lstm, hw::gru,
/// hw::conv1d, mixed with any other layers) over a sequence, by back-propagation through time.
///
///     using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;
///     hw::sequence_workspace<amp> ws(2048);     // room for 2048 steps, made once
///     hw::state<amp> s;                          // the sequence's initial state
///     float loss = hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws);
///     // s now holds the state after the last step: the next chunk of the same signal goes on
///     // from there (truncated back-propagation through time)

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "backprop.hpp"
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

} // namespace hardwired
