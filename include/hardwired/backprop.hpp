#pragma once
/// Forward pass, and gradients by back-propagation generated from the layer list at compile
/// time. Conventions, equal to PyTorch's with reduction="mean":
///
///   - the loss of one sample is the mean of the element-wise loss over the outputs,
///     L = (1/O)·Σₒ loss(ŷₒ, yₒ); the loss of a batch is the mean over its samples;
///   - gradients are those of that mean, so a batch gradient is the average of the samples'.
///
/// With one output and `hw::squared_error`, L = ½(ŷ − y)² and ∂L/∂ŷ = ŷ − y, as in the seeds.
///
///     auto y = hw::forward(p, std::array{0.f, 1.f});
///     hw::gradients<net> g;
///     float loss = hw::gradient<hw::squared_error>(p, x, target, g);

#include <array>
#include <cstddef>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "batch_workspace.hpp"
#include "config.hpp"
#include "diagnostics.hpp"
#include "loss.hpp"
#include "params.hpp"
#include "samples.hpp"

namespace hardwired {

/// One sample's values: `a` holds the input, every layer's output and what it keeps for its
/// backward pass (detail::sample_layout), `g` the back-propagated signals and scratch.
template <class Net, class T>
struct workspace {
    using layout = detail::sample_layout<typename Net::root>;
    alignas(64) std::array<T, layout::values> a{};                 // a[0..inputs) is the input
    alignas(64) std::array<T, layout::template deltas<false>> g{}; // g[0..inputs): ∂L/∂input
    /// The random numbers of drawing layers (hw::dropout): each training pass takes the next
    /// sample's. Set `random.seed` to choose the stream; the same seed, the same draws.
    alignas(64) random_stream random{};

    /// Layer L's outputs after a forward pass (L = 0: the input, L = depth: the output).
    template <std::size_t L>
    constexpr std::span<const T, Net::sizes[L]> activations() const {
        return std::span<const T, Net::sizes[L]>(a.data() + offset<L>(), Net::sizes[L]);
    }
    /// Layer L's pre-activations z, f(z) its output (L ≥ 1, a layer with an activation).
    template <std::size_t L>
    constexpr std::span<const T, Net::sizes[L]> pre_activations() const {
        static_assert(L >= 1, HARDWIRED_MSG_NO_PRE_ACTIVATIONS);
        using root = typename Net::root;
        using C = typename root::template child<(L >= 1 ? L - 1 : 0)>;
        static_assert(detail::has_tail<C>, HARDWIRED_MSG_NO_PRE_ACTIVATIONS);
        return std::span<const T, Net::sizes[L]>(
            a.data() + layout::saved + root::saved_offset[L - 1] + detail::tail_offset<C>,
            Net::sizes[L]);
    }

private:
    template <std::size_t L>
    static constexpr std::size_t offset() {
        if constexpr (L == 0)
            return layout::in;
        else if constexpr (L == Net::depth)
            return layout::out;
        else {
            constexpr detail::value_place at = Net::root::out_place[L - 1];
            return (at.in_input ? layout::in : layout::saved) + at.offset;
        }
    }
};

namespace detail {

// One forward pass's values, not initialized: hw::forward(p, x) writes each element before it
// reads it. Value-initializing a whole workspace on every call was a sizable share of a small
// network's one-sample forward pass.
template <class Net, class T>
struct forward_scratch {
    alignas(64) std::array<T, workspace<Net, T>::layout::values> a;
};

template <class Kernel>
using mode_of =
    std::conditional_t<std::is_same_v<Kernel, kernels::simd>, simd_mode, reference_mode>;

// Runs the network on ws.a[0, inputs) (a workspace or a forward_scratch). Kernel is kernels::simd
// (float, double) or kernels::scalar (the reference kernels, any T). A training pass takes the
// next sample of the workspace's random stream; an inference pass draws nothing. `state`: the
// network's persistent state (hw::state), null when it has none; `reversed`: the step's hint
// for its larger weight products (reference_mode).
template <class Net, class T, class Workspace, class Kernel = kernels::default_kernel<T>>
HARDWIRED_FLATTEN constexpr void forward_into(params<Net, T> const& p, Workspace& ws, bool training,
                                              Kernel = {}, T* state = nullptr,
                                              bool reversed = false) {
    using lay = sample_layout<typename Net::root>;
    mode_of<Kernel> m{};
    m.training = training;
    m.reversed = reversed;
    if constexpr (requires { ws.random; })
        if (training)
            m.random = {ws.random.seed, ws.random.position++};
    run_forward<typename Net::root>(m, p.values.data(), ws.a.data() + lay::in,
                                    ws.a.data() + lay::out, ws.a.data() + lay::saved, state);
}

// Back-propagates from ∂L/∂output in ws.g, accumulating into `grads`; writes ∂L/∂input into
// ws.g[0..inputs) when `want_input` is set.
template <class Net, class T, class Kernel = kernels::default_kernel<T>>
constexpr void backward_from_output(params<Net, T> const& p, workspace<Net, T>& ws,
                                    params<Net, T>& grads, bool want_input, Kernel = {}) {
    using root = typename Net::root;
    using lay = sample_layout<root>;
    const mode_of<Kernel> m{};
    T* delta = ws.g.data() + lay::delta_out;
    T const* out = ws.a.data() + lay::out;
    T const* saved = ws.a.data() + lay::saved;
    apply_epilogue(m, delta, Net::outputs, epilogue_for<root, T, 1>(out, saved));
    run_backward<root>(m, p.values.data(), grads.values.data(), ws.a.data() + lay::in, out, saved,
                       delta, want_input ? ws.g.data() + lay::delta_in : nullptr,
                       ws.g.data() + lay::template scratch<false>, no_epilogue{},
                       static_cast<T*>(nullptr));
}

// One sample: forward, loss, backward. `target` is a pointer to the outputs' targets or a class
// index (detail::target_element). `scale` multiplies the sample's loss gradient (1/B for a batch
// mean). Returns the sample's loss (detail::sample_loss). Gradients are accumulated.
template <auto Loss, class Net, class T, class Target, class Kernel = kernels::default_kernel<T>>
constexpr T accumulate_sample(params<Net, T> const& p, workspace<Net, T>& ws, T const* x,
                              Target const& target, params<Net, T>& grads, T scale, bool want_input,
                              Kernel kernel = {}) {
    using lay = sample_layout<typename Net::root>;
    for (std::size_t i = 0; i < Net::inputs; ++i)
        ws.a[lay::in + i] = x[i];
    forward_into(p, ws, true, kernel);
    const T l = sample_loss<Loss, Net::outputs>(
        [&](std::size_t o) { return ws.a[lay::out + o]; },
        [&](std::size_t o) { return target_element<T>(target, o); }, scale,
        [&](std::size_t o, T d) { ws.g[lay::delta_out + o] = d; });
    backward_from_output(p, ws, grads, want_input, kernel);
    return l;
}

/// Float and double batches take the chunked SIMD path.
template <class T>
inline constexpr bool batched = std::is_same_v<kernels::default_kernel<T>, kernels::simd>;

/// Mean loss over samples [0, n) (input_at(i) pointers, target_at(i) pointers or class indices);
/// `grads` is overwritten with the mean gradients (zero for n = 0): chunks for float and double,
/// the first writing the gradients and the others adding to them, so no zero-filled array is
/// needed; one sample at a time otherwise.
template <auto Loss, class Net, class T, class InputAt, class TargetAt>
T accumulate_batch(params<Net, T> const& p, batch_workspace<Net, T>& ws, InputAt const& input_at,
                   TargetAt const& target_at, std::size_t n, params<Net, T>& grads) {
    if (n == 0 || !batched<T>) // else the first chunk writes the gradients
        grads.values.fill(T(0));
    if (n == 0)
        return T(0);
    const T scale = T(1) / static_cast<T>(n);
    T total = 0;
    if constexpr (batched<T>) {
        for (std::size_t c = 0; c < n; c += ws.chunk)
            total += accumulate_chunk<Loss>(
                p, ws, [&](std::size_t s) { return input_at(c + s); },
                [&](std::size_t s) { return target_at(c + s); }, std::min(ws.chunk, n - c), grads,
                scale, c == 0);
    } else {
        workspace<Net, T> one;
        for (std::size_t i = 0; i < n; ++i)
            total +=
                accumulate_sample<Loss>(p, one, input_at(i), target_at(i), grads, scale, false);
    }
    return total * scale;
}

template <class Net, class T, class X, class Workspace, class Kernel = kernels::default_kernel<T>>
constexpr std::array<T, Net::outputs> forward_output(params<Net, T> const& p, X const& x,
                                                     Workspace& ws, T* state = nullptr,
                                                     Kernel kernel = {}, bool reversed = false) {
    using lay = sample_layout<typename Net::root>;
    for (std::size_t i = 0; i < Net::inputs; ++i)
        ws.a[lay::in + i] = x[i];
    forward_into(p, ws, false, kernel, state, reversed);
    std::array<T, Net::outputs> y;
    for (std::size_t o = 0; o < Net::outputs; ++o)
        y[o] = ws.a[lay::out + o];
    return y;
}
template <class Net, class T, class X>
constexpr std::array<T, Net::outputs> forward_output(params<Net, T> const& p, X const& x) {
    forward_scratch<Net, T> ws;
    return forward_output(p, x, ws);
}

} // namespace detail

/// The network's output for one input: `hw::forward(p, std::array{0.f, 1.f})`, or
/// `hw::forward(p, {0.f, 1.f})`. The input is a std::array of the parameters' value type with
/// one value per network input.
template <class Net, class T, class X>
requires(!std::is_array_v<X>) constexpr std::array<T, Net::outputs> forward(params<Net, T> const& p,
                                                                            X const& x) {
    if constexpr (!detail::check_sample<Net, T, X>())
        return {};
    else
        return detail::forward_output(p, x);
}
template <class Net, class T, std::size_t N>
constexpr std::array<T, Net::outputs> forward(params<Net, T> const& p,
                                              std::type_identity_t<T> const (&x)[N]) {
    if constexpr (!detail::check_stateless<Net>() || !detail::check_input_size<Net::inputs, N>())
        return {};
    else
        return detail::forward_output(p, x);
}

/// Forward pass that keeps every layer's values in `ws` (ws.activations<L>(),
/// ws.pre_activations<L>()), for inspecting hidden layers. Returns the output.
template <class Net, class T, class X>
constexpr std::array<T, Net::outputs> forward(params<Net, T> const& p, X const& x,
                                              workspace<Net, T>& ws) {
    if constexpr (!detail::check_sample<Net, T, X>())
        return {};
    else
        return detail::forward_output(p, x, ws);
}

/// Outputs for a batch: outputs[i] = forward(p, inputs[i]), for contiguous ranges of arrays
/// (std::vector, std::array, std::span). Throws std::invalid_argument if the lengths differ.
/// Float and double batches run in chunks with samples in SIMD lanes, in `ws`.
template <class Net, class T, class Inputs, class Outputs>
void forward_batch(params<Net, T> const& p, Inputs const& inputs, Outputs&& outputs,
                   batch_workspace<Net, T>& ws) {
    if constexpr (detail::check_samples<Net, T, Inputs>() &&
                  detail::check_samples<Net, T, Outputs, true>()) {
        const auto xs = detail::as_samples(inputs);
        if (xs.size() != std::ranges::size(outputs))
            throw std::invalid_argument("hardwired::forward_batch: " + std::to_string(xs.size()) +
                                        " inputs but room for " +
                                        std::to_string(std::ranges::size(outputs)) + " outputs");
        auto out = std::ranges::data(outputs);
        if constexpr (detail::batched<T>) {
            for (std::size_t c = 0; c < xs.size(); c += ws.chunk)
                detail::forward_chunk_samples(
                    p, ws, [&](std::size_t s) { return xs[c + s].data(); },
                    [&](std::size_t s) { return out[c + s].data(); },
                    std::min(ws.chunk, xs.size() - c));
        } else {
            for (std::size_t i = 0; i < xs.size(); ++i)
                out[i] = forward(p, xs[i]);
        }
    }
}

template <class Net, class T, class Inputs, class Outputs>
void forward_batch(params<Net, T> const& p, Inputs const& inputs, Outputs&& outputs) {
    batch_workspace<Net, T> ws;
    forward_batch(p, inputs, outputs, ws);
}

/// Loss and gradients for one sample: `grads` is overwritten with ∂L/∂parameters and the loss is
/// returned (an element-wise loss's mean over the outputs, or a vector loss's value). The target
/// is a std::array with one value per output or, for hw::softmax_cross_entropy, a class index
/// (std::invalid_argument if it is out of range, `grads` unchanged). With `input_grad`, ∂L/∂x is
/// written there too. The pass keeps its values in `ws` (ws.activations<L>() afterwards) and
/// takes the next sample of ws.random: a network with dropout draws a new mask on each call.
template <auto Loss, class Net, class T, class X, class Y>
constexpr T gradient(params<Net, T> const& p, X const& x, Y const& target, params<Net, T>& grads,
                     workspace<Net, T>& ws, X* input_grad = nullptr) {
    if constexpr (!detail::check_sample<Net, T, X>() || !detail::check_target<Loss, Net, T, Y>())
        return T(0);
    else {
        if constexpr (std::integral<Y>)
            detail::check_class_index(target, Net::outputs);
        grads.values.fill(T(0));
        const T l = detail::accumulate_sample<Loss>(p, ws, x.data(), detail::target_of(target),
                                                    grads, T(1), input_grad != nullptr);
        if (input_grad)
            for (std::size_t i = 0; i < Net::inputs; ++i)
                (*input_grad)[i] = ws.g[i];
        return l;
    }
}

/// The same in a workspace of its own: a network with dropout draws the stream's first sample
/// (the same mask) on every call; give a workspace to draw new ones.
template <auto Loss, class Net, class T, class X, class Y>
constexpr T gradient(params<Net, T> const& p, X const& x, Y const& target, params<Net, T>& grads,
                     X* input_grad = nullptr) {
    workspace<Net, T> ws;
    return gradient<Loss>(p, x, target, grads, ws, input_grad);
}

/// Mean loss and mean gradients over a batch (PyTorch's reduction="mean"); `grads` is
/// overwritten. Inputs are a contiguous range of arrays; targets a range of arrays of equal length,
/// or of class indices for hw::softmax_cross_entropy (else std::invalid_argument, `grads`
/// unchanged). An empty batch gives loss 0 and zero gradients. Float and double batches run in
/// chunks with samples in SIMD lanes, in `ws`; the samples take the next samples of ws.random (a
/// network with dropout draws new masks on each call; without `ws`, the same masks each call).
template <auto Loss, class Net, class T, class Inputs, class Targets>
T batch_gradient(params<Net, T> const& p, Inputs const& inputs, Targets const& targets,
                 params<Net, T>& grads, batch_workspace<Net, T>& ws) {
    if constexpr (!detail::check_samples<Net, T, Inputs>() ||
                  !detail::check_targets<Loss, Net, T, Targets>())
        return T(0);
    else {
        const auto xs = detail::as_samples(inputs);
        const auto ys = detail::as_samples(targets);
        if (xs.size() != ys.size())
            throw std::invalid_argument("hardwired::batch_gradient: " + std::to_string(xs.size()) +
                                        " inputs but " + std::to_string(ys.size()) + " targets");
        detail::check_class_indices(ys, Net::outputs);
        return detail::accumulate_batch<Loss>(
            p, ws, [&](std::size_t i) { return xs[i].data(); },
            [&](std::size_t i) { return detail::target_of(ys[i]); }, xs.size(), grads);
    }
}

template <auto Loss, class Net, class T, class Inputs, class Targets>
T batch_gradient(params<Net, T> const& p, Inputs const& inputs, Targets const& targets,
                 params<Net, T>& grads) {
    batch_workspace<Net, T> ws;
    return batch_gradient<Loss>(p, inputs, targets, grads, ws);
}

} // namespace hardwired
