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
#include "kernels/dense_simd.hpp"
#include "loss.hpp"
#include "params.hpp"

namespace hardwired {

/// Activations, pre-activations and back-propagated signals of one sample.
template <class Net, class T>
struct workspace {
    alignas(64) std::array<T, Net::activation_count> a{}; // a[0..inputs) is the input
    alignas(64) std::array<T, Net::activation_count> z{};
    alignas(64) std::array<T, Net::activation_count> g{};

    /// Offset of layer l's values (l = 0 is the input, l = depth the output).
    static constexpr std::size_t offset(std::size_t l) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < l; ++i)
            n += Net::sizes[i];
        return n;
    }

    /// Layer L's activations a = f(z) after a forward pass (L = 0: the input, L = depth: the
    /// output), and its pre-activations z (L ≥ 1).
    template <std::size_t L>
    constexpr std::span<const T, Net::sizes[L]> activations() const {
        return std::span<const T, Net::sizes[L]>(a.data() + offset(L), Net::sizes[L]);
    }
    template <std::size_t L>
    constexpr std::span<const T, Net::sizes[L]> pre_activations() const {
        static_assert(L >= 1, "hardwired::workspace: the input layer has no pre-activations");
        return std::span<const T, Net::sizes[L]>(z.data() + offset(L), Net::sizes[L]);
    }
};

namespace detail {

// The activations and pre-activations of one forward pass, not initialized: hw::forward(p, x)
// writes each element before it reads it. Value-initializing a whole workspace (three arrays)
// on every call took 12–17% of the one-sample forward pass of nets C–E.
template <class Net, class T>
struct forward_scratch {
    alignas(64) std::array<T, Net::activation_count> a;
    alignas(64) std::array<T, Net::activation_count> z;
    static constexpr std::size_t offset(std::size_t l) { return workspace<Net, T>::offset(l); }
};

// Runs every layer on ws.a[0, inputs), into ws.a and ws.z (a workspace or a forward_scratch).
// Kernel is kernels::simd (float, double) or kernels::scalar (the reference, any T).
template <class Net, class T, class Workspace, class Kernel = kernels::default_kernel<T>>
HARDWIRED_FLATTEN constexpr void forward_into(params<Net, T> const& p, Workspace& ws,
                                              Kernel kernel = {}) {
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        ((kernels::dense_forward<Net::template layer<L>::activation>(
             kernel, p.template layer<L>(), ws.a.data() + ws.offset(L),
             ws.z.data() + ws.offset(L + 1), ws.a.data() + ws.offset(L + 1))),
         ...);
    }
    (std::make_index_sequence<Net::depth>{});
}

// Back-propagates from ws.g at the output layer, accumulating into `grads`; writes ∂L/∂input
// into ws.g[0..inputs) when `want_input` is set.
template <class Net, class T, class Kernel = kernels::default_kernel<T>>
constexpr void backward_from_output(params<Net, T> const& p, workspace<Net, T>& ws,
                                    params<Net, T>& grads, bool want_input, Kernel kernel = {}) {
    [&]<std::size_t... R>(std::index_sequence<R...>) {
        (
            [&] {
                constexpr std::size_t L = Net::depth - 1 - R;
                T* g_in = (L > 0 || want_input) ? ws.g.data() + ws.offset(L) : nullptr;
                kernels::dense_backward<Net::template layer<L>::activation>(
                    kernel, p.template layer<L>(), grads.template layer<L>(),
                    ws.a.data() + ws.offset(L), ws.z.data() + ws.offset(L + 1),
                    ws.a.data() + ws.offset(L + 1), ws.g.data() + ws.offset(L + 1), g_in);
            }(),
            ...);
    }
    (std::make_index_sequence<Net::depth>{});
}

// One sample: forward, loss, backward. `scale` multiplies the sample's loss gradient (1/B for a
// batch mean). Returns the sample's loss (mean over outputs). Gradients are accumulated.
template <auto Loss, class Net, class T, class Kernel = kernels::default_kernel<T>>
constexpr T accumulate_sample(params<Net, T> const& p, workspace<Net, T>& ws,
                              std::span<const T, Net::inputs> x, std::span<const T, Net::outputs> y,
                              params<Net, T>& grads, T scale, bool want_input, Kernel kernel = {}) {
    static_assert(loss<decltype(Loss)>, HARDWIRED_MSG_LOSS);
    for (std::size_t i = 0; i < Net::inputs; ++i)
        ws.a[i] = x[i];
    forward_into(p, ws, kernel);
    constexpr std::size_t out = workspace<Net, T>::offset(Net::depth);
    constexpr T per_output = T(1) / T(Net::outputs);
    T total = 0;
    for (std::size_t o = 0; o < Net::outputs; ++o) {
        const T yhat_o = ws.a[out + o];
        total += Loss(yhat_o, y[o]);
        ws.g[out + o] = loss_gradient(Loss)(yhat_o, y[o]) * per_output * scale;
    }
    backward_from_output(p, ws, grads, want_input, kernel);
    return total * per_output;
}

template <std::size_t Expected, std::size_t Given>
constexpr bool check_input_size() {
    if constexpr (Expected != Given)
        static_assert(
            diagnostic::holds<
                typename diagnostic::network_takes_inputs<Expected>::template but_was_given<Given>>,
            HARDWIRED_MSG_INPUT_SIZE);
    return Expected == Given;
}
template <auto Loss>
constexpr bool check_loss() {
    static_assert(loss<decltype(Loss)>, HARDWIRED_MSG_LOSS);
    return loss<decltype(Loss)>;
}

template <std::size_t Expected, std::size_t Given>
constexpr bool check_target_size() {
    if constexpr (Expected != Given)
        static_assert(diagnostic::holds<typename diagnostic::network_produces_outputs<
                          Expected>::template but_target_has<Given>>,
                      HARDWIRED_MSG_TARGET_SIZE);
    return Expected == Given;
}

/// A contiguous range of samples, each a std::array<T, N>: std::vector, std::array, std::span, a
/// C array.
template <class R>
concept sample_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> && requires {
    std::tuple_size<std::ranges::range_value_t<R>>::value;
};

template <class R>
using sample_t = std::remove_cv_t<std::ranges::range_value_t<R>>;

/// The samples of `r` as a span of arrays.
template <sample_range R>
constexpr auto as_samples(R const& r) {
    return std::span<const sample_t<R>>(std::ranges::data(r), std::ranges::size(r));
}

/// Float and double batches take the chunked SIMD path.
template <class T>
inline constexpr bool batched = std::is_same_v<kernels::default_kernel<T>, kernels::simd>;

/// Mean loss over samples [0, n) (input_at(i), target_at(i) pointers); `grads` is overwritten
/// with the mean gradients (zero for n = 0): chunks for float and double, the first writing the
/// gradients and the others adding to them, so no zero-filled array is needed; one sample at a
/// time otherwise.
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
            total += accumulate_sample<Loss>(
                p, one, std::span<const T, Net::inputs>(input_at(i), Net::inputs),
                std::span<const T, Net::outputs>(target_at(i), Net::outputs), grads, scale, false);
    }
    return total * scale;
}

} // namespace detail

/// The network's output for one input: `hw::forward(p, std::array{0.f, 1.f})`.
template <class Net, class T, std::size_t N>
constexpr std::array<T, Net::outputs> forward(params<Net, T> const& p, std::array<T, N> const& x);

namespace detail {
template <class Net, class T, std::size_t N, class Workspace>
constexpr std::array<T, Net::outputs> forward_output(params<Net, T> const& p,
                                                     std::array<T, N> const& x, Workspace& ws) {
    if constexpr (!check_input_size<Net::inputs, N>())
        return {};
    else {
        for (std::size_t i = 0; i < N; ++i)
            ws.a[i] = x[i];
        forward_into(p, ws);
        std::array<T, Net::outputs> y;
        for (std::size_t o = 0; o < Net::outputs; ++o)
            y[o] = ws.a[ws.offset(Net::depth) + o];
        return y;
    }
}
} // namespace detail

/// Forward pass that keeps every layer's values in `ws` (ws.activations<L>(),
/// ws.pre_activations<L>()), for inspecting hidden layers. Returns the output.
template <class Net, class T, std::size_t N>
constexpr std::array<T, Net::outputs> forward(params<Net, T> const& p, std::array<T, N> const& x,
                                              workspace<Net, T>& ws) {
    return detail::forward_output(p, x, ws);
}

template <class Net, class T, std::size_t N>
constexpr std::array<T, Net::outputs> forward(params<Net, T> const& p, std::array<T, N> const& x) {
    detail::forward_scratch<Net, T> ws;
    return detail::forward_output(p, x, ws);
}

/// Outputs for a batch: outputs[i] = forward(p, inputs[i]), for contiguous ranges of arrays
/// (std::vector, std::array, std::span). Throws std::invalid_argument if the lengths differ.
/// Float and double batches run in chunks with samples in SIMD lanes, in `ws`.
template <class Net, class T, detail::sample_range Inputs, class Outputs>
void forward_batch(params<Net, T> const& p, Inputs const& inputs, Outputs&& outputs,
                   batch_workspace<Net, T>& ws) {
    constexpr std::size_t N = std::tuple_size_v<detail::sample_t<Inputs>>;
    constexpr std::size_t M = std::tuple_size_v<std::ranges::range_value_t<Outputs>>;
    if constexpr (detail::check_input_size<Net::inputs, N>() &&
                  detail::check_target_size<Net::outputs, M>()) {
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

template <class Net, class T, detail::sample_range Inputs, class Outputs>
void forward_batch(params<Net, T> const& p, Inputs const& inputs, Outputs&& outputs) {
    batch_workspace<Net, T> ws;
    forward_batch(p, inputs, outputs, ws);
}

/// Loss and gradients for one sample: `grads` is overwritten with ∂L/∂parameters and the loss
/// (mean over outputs) is returned. With `input_grad`, ∂L/∂x is written there too.
template <auto Loss, class Net, class T, std::size_t N, std::size_t M>
constexpr T gradient(params<Net, T> const& p, std::array<T, N> const& x,
                     std::array<T, M> const& target, params<Net, T>& grads,
                     std::array<T, N>* input_grad = nullptr) {
    if constexpr (!detail::check_input_size<Net::inputs, N>() ||
                  !detail::check_target_size<Net::outputs, M>() || !detail::check_loss<Loss>())
        return T(0);
    else {
        workspace<Net, T> ws;
        grads.values.fill(T(0));
        const T l = detail::accumulate_sample<Loss>(p, ws, std::span<const T, N>(x),
                                                    std::span<const T, M>(target), grads, T(1),
                                                    input_grad != nullptr);
        if (input_grad)
            for (std::size_t i = 0; i < N; ++i)
                (*input_grad)[i] = ws.g[i];
        return l;
    }
}

/// Mean loss and mean gradients over a batch (PyTorch's reduction="mean"); `grads` is
/// overwritten. Inputs and targets are contiguous ranges of arrays of equal length (else
/// std::invalid_argument, `grads` unchanged). An empty batch gives loss 0 and zero gradients. Float
/// and double batches run in chunks with samples in SIMD lanes, in `ws`.
template <auto Loss, class Net, class T, detail::sample_range Inputs, detail::sample_range Targets>
T batch_gradient(params<Net, T> const& p, Inputs const& inputs, Targets const& targets,
                 params<Net, T>& grads, batch_workspace<Net, T>& ws) {
    constexpr std::size_t N = std::tuple_size_v<detail::sample_t<Inputs>>;
    constexpr std::size_t M = std::tuple_size_v<detail::sample_t<Targets>>;
    if constexpr (!detail::check_input_size<Net::inputs, N>() ||
                  !detail::check_target_size<Net::outputs, M>() || !detail::check_loss<Loss>())
        return T(0);
    else {
        const auto xs = detail::as_samples(inputs);
        const auto ys = detail::as_samples(targets);
        if (xs.size() != ys.size())
            throw std::invalid_argument("hardwired::batch_gradient: " + std::to_string(xs.size()) +
                                        " inputs but " + std::to_string(ys.size()) + " targets");
        return detail::accumulate_batch<Loss>(
            p, ws, [&](std::size_t i) { return xs[i].data(); },
            [&](std::size_t i) { return ys[i].data(); }, xs.size(), grads);
    }
}

template <auto Loss, class Net, class T, detail::sample_range Inputs, detail::sample_range Targets>
T batch_gradient(params<Net, T> const& p, Inputs const& inputs, Targets const& targets,
                 params<Net, T>& grads) {
    batch_workspace<Net, T> ws;
    return batch_gradient<Loss>(p, inputs, targets, grads, ws);
}

} // namespace hardwired
