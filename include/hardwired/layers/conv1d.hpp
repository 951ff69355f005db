#pragma once
/// The causal one-dimensional convolution layer kind, PyTorch's nn.Conv1d run one time step per
/// call: the layer keeps the inputs of its receptive field in the network's state (hw::state,
/// hw::step).

#include <array>
#include <cstddef>
#include <type_traits>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "conv1d/chunk.hpp"
#include "conv1d/scalar.hpp"
#include "conv1d/simd.hpp"
#include "layer.hpp"

namespace hardwired {

namespace detail {
/// One diagnostic, with the numbers, when the groups do not divide the channels; true, so that
/// the layer stays a valid type and nothing else fails after it.
template <std::size_t In, std::size_t Out, std::size_t G>
constexpr bool check_conv_groups() {
    if constexpr (G > 0 && (In % G != 0 || Out % G != 0))
        static_assert(diagnostic::holds<typename diagnostic::convolution_groups<
                          G>::template do_not_divide_the_channels<In, Out>>,
                      HARDWIRED_MSG_CONV_GROUPS);
    return true;
}
} // namespace detail

/// A causal convolution over time with Out output channels, kernel size K, dilation D and G
/// groups, on the previous layer's outputs as the In input channels of one time step:
///
///     y_t[o] = f(b[o] + Σ_{c of o's group} Σ_{k < K} W[o, c, k] · x_{t − (K−1−k)·D}[c])
///
/// PyTorch's `nn.Conv1d(In, Out, K, dilation=D, groups=G)` (a cross-correlation, weight
/// [Out, In/G, K]) on an input padded on the left with (K−1)·D zeros, so that y_t depends on
/// x_t and the past alone. `Activation` is any formula in hw::x (default identity). Tensors
/// "weight" [Out, In/G, K] and "bias" [Out] (none with hw::no_bias), drawn by
/// hw::init::defaults from U(±1/√(In/G·K)), as PyTorch does. The state holds the last (K−1)·D
/// inputs, In values each, in a ring whose next slot is the state's last value (an integer); all
/// zero, it is the causal padding. K = 1 keeps no state.
///
///     hw::conv1d<16, 3, 4>                    // 16 channels, kernel 3, dilation 4
///     hw::conv1d<16, 3, 1, 2, hw::tanh>       // 2 groups, tanh
template <std::size_t Out, std::size_t K, std::size_t D = 1, std::size_t G = 1, auto Activation = x,
          bool Bias = true>
struct conv1d {
    static_assert(Out > 0 && K > 0 && D > 0 && G > 0, HARDWIRED_MSG_CONV_SHAPE);
    static_assert(hardwired::activation<decltype(Activation)>, HARDWIRED_MSG_ACTIVATION);
    static constexpr std::size_t size = Out;

    template <std::size_t In>
    struct bound {
        static_assert(detail::check_conv_groups<In, Out, G>());
        static constexpr std::size_t inputs = In, outputs = Out;
        /// Applied by the kernels themselves (not a tail): PyTorch's nn.Conv1d then the
        /// activation's module (hw::io::tensor_names).
        static constexpr auto inner_activation = Activation;
        /// What the kernels see of the layer (layers/conv1d/scalar.hpp): everything but the
        /// dilation, which only decides where in the ring each tap reads.
        using shape = kernels::conv1d_shape<In, Out, K, G, Activation, Bias>;
        /// Past inputs the layer keeps.
        static constexpr std::size_t past = (K - 1) * D;
        static constexpr std::size_t state_count = past > 0 ? past* In + 1 : 0;
        static constexpr std::size_t group_in = shape::group_in, weights = shape::weights;
        static constexpr std::array<tensor, Bias ? 2 : 1> tensors = [] {
            std::array<tensor, Bias ? 2 : 1> t{};
            t[0] = {"weight",
                    3,
                    {Out, group_in, K},
                    {1, Out, group_in * Out},
                    0,
                    init_role::weight,
                    group_in * K,
                    Out * K};
            if constexpr (Bias)
                t[Bias ? 1 : 0] = {"bias",       1,       {Out, 1, 1},
                                   {1, 1, 1},    weights, init_role::bias,
                                   group_in * K, Out * K};
            return t;
        }();

        /// What a step keeps for its backward pass (shape: the pre-activations where they are
        /// kept, the inputs each tap read and the ring's next slot).
        static constexpr std::size_t taps = shape::taps, slot = shape::slot,
                                     saved_count = shape::saved_count;

        /// One time step without history (K = 1).
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out,
                                      T* saved) requires(past == 0) {
            kernels::conv1d_forward<shape>(p, in, out, saved);
        }
        /// One time step: out = y_t from x_t = in and the past inputs in the state, which then
        /// takes x_t in place of its oldest input.
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved,
                                      T* state) requires(past > 0) {
            T* ring = state;
            const auto next = static_cast<std::size_t>(state[past * In]);
            for (std::size_t k = 0; k < K; ++k)
                for (std::size_t c = 0; c < In; ++c)
                    saved[taps + k * In + c] =
                        k + 1 == K ? in[c] : ring[tap_slot(next, k) * In + c];
            kernels::conv1d_forward<shape>(p, saved + taps, out, saved);
            saved[slot] = static_cast<T>(next);
            for (std::size_t c = 0; c < In; ++c)
                ring[next * In + c] = in[c];
            state[past * In] = static_cast<T>((next + 1) % past);
        }

        /// The same steps with SIMD, outputs in lanes.
        template <class T>
        static void forward_simd(T const* p, T const* in, T* out, T* saved) requires(past == 0) {
            kernels::conv1d_forward_simd<shape>(p, in, out, saved);
        }
        template <class T, bool Training>
        static void forward_simd(T const* p, T const* in, T* out, T* saved, T* state, bool reversed,
                                 std::bool_constant<Training>) requires(past > 0) {
            T* ring = state;
            const auto next = static_cast<std::size_t>(state[past * In]);
            for (std::size_t k = 0; k < K; ++k)
                kernels::detail::copy<In>(k + 1 == K ? in : ring + tap_slot(next, k) * In,
                                          saved + taps + k * In);
            kernels::conv1d_forward_simd<shape>(p, saved + taps, out, saved, reversed);
            saved[slot] = static_cast<T>(next);
            kernels::detail::copy<In>(in, ring + next * In);
            state[past * In] = static_cast<T>((next + 1) % past);
        }

        /// Back through one step without history (K = 1): δ of the output in, δ of the input out.
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                       T const* delta, T* delta_in) requires(past == 0) {
            backward_step<false>(p, dp, in, out, saved, delta, delta_in, static_cast<T*>(nullptr));
        }
        /// Back through one step: δ of the output; dstate holds ∂L/∂ of the ring after the step
        /// and is left holding ∂L/∂ of the ring before it (0 for the slot's position).
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                       T const* delta, T* delta_in, T* dstate) requires(past > 0) {
            backward_step<false>(p, dp, in, out, saved, delta, delta_in, dstate);
        }

        /// The same steps back with SIMD: the product's columns one by one.
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                  T const* delta, T* delta_in) requires(past == 0) {
            backward_step<true>(p, dp, in, out, saved, delta, delta_in, static_cast<T*>(nullptr));
        }
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                  T const* delta, T* delta_in, T* dstate) requires(past > 0) {
            backward_step<true>(p, dp, in, out, saved, delta, delta_in, dstate);
        }

        /// One time step of independent sequences in lanes (hw::step_lanes, training in lanes),
        /// each value a row: without history, the chunk product with the input; with it, what
        /// each tap reads copied to `saved` from the ring of each sequence, then the product
        /// (conv1d_forward_chunk; with several groups, one per group and tap). Each sequence's
        /// ring has its next slot of its own; a vector of sequences whose slots agree moves
        /// whole vectors, any other one sequence at a time.
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, std::size_t nv,
                                  bool) requires(past == 0) {
            kernels::conv1d_forward_chunk<shape>(p, in, out, saved, nv);
        }
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, T* state,
                                  std::size_t nv, bool) requires(past > 0) {
            constexpr std::size_t C = kernels::chunk_samples;
            ring_chunk<T>{state, past, D}.gather(in, saved + taps * C, saved + slot * C, nv);
            kernels::conv1d_forward_chunk<shape>(p, saved + taps * C, out, saved, nv);
        }

        /// Back through one step of independent sequences in lanes, each value a row: δ of the
        /// pre-activations, then the weights' gradients and δ of the taps as chunk products
        /// (conv1d_backward_chunk; scratch: its own, then δ of the taps). Without history δ of
        /// the taps is δ of the input; with it, each sequence's ring takes them as `backward`
        /// does.
        static constexpr std::size_t chunk_scratch =
            kernels::conv1d_chunk_scratch<shape> + (past > 0 ? K * In : 0);
        template <class T, class Epi>
        static void backward_chunk(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                   T const* delta, T* delta_in, T* scratch, std::size_t nv,
                                   bool overwrite, Epi const& epi) requires(past == 0) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples, L = B::size;
            kernels::conv1d_backward_chunk<shape>(p, dp, in, out, saved, delta, scratch, nv,
                                                  overwrite, delta_in != nullptr,
                                                  [&](std::size_t c, std::size_t v, B acc) {
                                                      const std::size_t at = c * C + v * L;
                                                      epi(at, acc).store_aligned(delta_in + at);
                                                  });
        }
        template <class T, class Epi>
        static void backward_chunk(T const* p, T* dp, T const*, T const* out, T const* saved,
                                   T const* delta, T* delta_in, T* scratch, T* dstate,
                                   std::size_t nv, Epi const& epi) requires(past > 0) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples;
            T* d_taps = scratch + kernels::conv1d_chunk_scratch<shape> * C;
            kernels::conv1d_backward_chunk<shape>(p, dp, saved + taps * C, out, saved, delta,
                                                  scratch, nv, false, true,
                                                  kernels::detail::store_rows<T>{d_taps});
            ring_chunk<T>{dstate, past, D}.scatter(d_taps, saved + slot * C, delta_in, nv);
            if (delta_in)
                kernels::for_each_chunk_vector<T>(In, nv, [&](std::size_t at) {
                    epi(at, B::load_aligned(delta_in + at)).store_aligned(delta_in + at);
                });
        }

    private:
        /// The ring slot tap k (k < K − 1) reads when the ring's next slot is `next`: the input
        /// of (K − 1 − k)·D steps ago (kernels::conv1d_ring_chunk::tap_slot for sequences in
        /// lanes, where the dilation is a run-time value).
        static constexpr std::size_t tap_slot(std::size_t next, std::size_t k) {
            return (next + past - (K - 1 - k) * D) % past;
        }
        template <class T>
        using ring_chunk = kernels::conv1d_ring_chunk<In, K, T>;
        /// Back through one step, by the scalar or (Simd) the SIMD kernel; with history, δ of
        /// the ring's inputs is carried in dstate.
        template <bool Simd, class T>
        static constexpr void backward_step(T const* p, T* dp, T const* in, T const* out,
                                            T const* saved, T const* delta, T* delta_in,
                                            T* dstate) {
            std::array<T, K * In> d_taps;
            T const* x = shape::taps_of(in, saved);
            T const* z = shape::pre_of(out, saved);
            if constexpr (Simd && past == 0) {
                // Without history the one tap is the input itself: δ of it is δ_in.
                kernels::conv1d_backward_simd<shape>(p, dp, x, z, out, delta,
                                                     delta_in ? delta_in : d_taps.data());
            } else {
                if constexpr (Simd) {
                    kernels::conv1d_backward_simd<shape>(p, dp, x, z, out, delta, d_taps.data());
                } else {
                    d_taps.fill(T(0));
                    kernels::conv1d_backward<shape>(p, dp, x, z, out, delta, d_taps.data());
                }
                if constexpr (past == 0) {
                    if (delta_in)
                        for (std::size_t c = 0; c < In; ++c)
                            delta_in[c] = d_taps[c];
                } else {
                    const auto next = static_cast<std::size_t>(saved[slot]);
                    for (std::size_t c = 0; c < In; ++c) {
                        // x_t went into the slot of the oldest input, which tap 0 read.
                        if (delta_in)
                            delta_in[c] = d_taps[(K - 1) * In + c] + dstate[next * In + c];
                        dstate[next * In + c] = T(0);
                    }
                    for (std::size_t k = 0; k + 1 < K; ++k) {
                        const std::size_t at = tap_slot(next, k);
                        for (std::size_t c = 0; c < In; ++c)
                            dstate[at * In + c] += d_taps[k * In + c];
                    }
                    dstate[past * In] = T(0);
                }
            }
        }
    };
};

} // namespace hardwired
