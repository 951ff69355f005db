#pragma once
/// The causal one-dimensional convolution layer kind, PyTorch's nn.Conv1d run one time step per
/// call: the layer keeps the inputs of its receptive field in the network's state (hw::state,
/// hw::step).

#include <array>
#include <cstddef>
#include <type_traits>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "../kernels/chunk_simd.hpp"
#include "../kernels/column_product.hpp"
#include "../kernels/one_sample_simd.hpp"
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
        /// Input and output channels of a group; past inputs the layer keeps.
        static constexpr std::size_t group_in = In / (G > 0 ? G : 1),
                                     group_out = Out / (G > 0 ? G : 1), past = (K - 1) * D;
        static constexpr std::size_t state_count = past > 0 ? past* In + 1 : 0;
        static constexpr std::size_t weights = Out * group_in * K;
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

        /// W[o, c, k] (c within o's group) lies at (k·group_in + c)·Out + o: for each tap and
        /// input channel, the column of the output channels, so that with one group a step is
        /// one product of an [Out, K·In] matrix stored by columns with the taps' inputs.
        static constexpr std::size_t weight_at(std::size_t o, std::size_t c, std::size_t k) {
            return (k * group_in + c) * Out + o;
        }

        /// What a step keeps for its backward pass: the pre-activations where the activation's
        /// derivative needs them (not where it is written in the activation's output, as for
        /// hw::x, tanh or sigmoid); with history, the input each tap read (tap k at k·In) and
        /// the ring's next slot. Without history the input itself is the one tap.
        static constexpr bool keeps_pre = !is_output_expressible(Activation);
        static constexpr bool identity = std::is_same_v<decltype(Activation), decltype(x)>;
        static constexpr std::size_t pre = 0, taps = keeps_pre ? Out : 0,
                                     slot = taps + (past > 0 ? K * In : 0),
                                     saved_count = slot + (past > 0 ? 1 : 0);

        /// One time step without history (K = 1).
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out,
                                      T* saved) requires(past == 0) {
            convolve(p, out, saved, [&](std::size_t, std::size_t c) { return in[c]; });
        }
        /// One time step: out = y_t from x_t = in and the past inputs in the state, which then
        /// takes x_t in place of its oldest input.
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved,
                                      T* state) requires(past > 0) {
            T* ring = state;
            const auto next = static_cast<std::size_t>(state[past * In]);
            convolve(p, out, saved, [&](std::size_t lag, std::size_t c) {
                return lag == 0 ? in[c] : ring[(next + past - lag) % past * In + c];
            });
            saved[slot] = static_cast<T>(next);
            for (std::size_t c = 0; c < In; ++c)
                ring[next * In + c] = in[c];
            state[past * In] = static_cast<T>((next + 1) % past);
        }

        /// The same steps with SIMD, outputs in lanes (one group).
        template <class T>
        static void forward_simd(T const* p, T const* in, T* out,
                                 T* saved) requires(past == 0 && G == 1) {
            convolve_simd(p, out, saved, [&](std::size_t) HARDWIRED_INLINE_LAMBDA { return in; });
        }
        template <class T, bool Training>
        static void forward_simd(T const* p, T const* in, T* out, T* saved, T* state, bool reversed,
                                 std::bool_constant<Training>) requires(past > 0 && G == 1) {
            T* ring = state;
            const auto next = static_cast<std::size_t>(state[past * In]);
            convolve_simd(
                p, out, saved,
                [&](std::size_t k) HARDWIRED_INLINE_LAMBDA {
                    const std::size_t lag = (K - 1 - k) * D;
                    return lag == 0 ? in : ring + (next + past - lag) % past * In;
                },
                reversed);
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

        /// The same steps back with SIMD (one group): the product's columns one by one.
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                  T const* delta, T* delta_in) requires(past == 0 && G == 1) {
            backward_step<true>(p, dp, in, out, saved, delta, delta_in, static_cast<T*>(nullptr));
        }
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                  T const* delta, T* delta_in,
                                  T* dstate) requires(past > 0 && G == 1) {
            backward_step<true>(p, dp, in, out, saved, delta, delta_in, dstate);
        }

        /// One time step of independent sequences in lanes (hw::step_lanes, training in lanes),
        /// each value a row (one group): without history, one chunk product with the input; with
        /// it, what each tap reads copied to `saved` from the ring of each sequence, then one
        /// product. Each sequence's ring has its next slot of its own; a vector of sequences
        /// whose slots agree moves whole vectors, any other one sequence at a time.
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, std::size_t nv,
                                  bool) requires(past == 0 && G == 1) {
            convolve_chunk(p, in, out, saved, nv);
        }
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, T* state,
                                  std::size_t nv, bool) requires(past > 0 && G == 1) {
            constexpr std::size_t C = kernels::chunk_samples;
            T* ring = state;
            T* slots = state + past * In * C;
            by_slot(slots, nv, [&]<class V>(std::size_t next, std::size_t at) {
                using detail::load_as, detail::store_as;
                for (std::size_t k = 0; k < K; ++k) {
                    const std::size_t lag = (K - 1 - k) * D;
                    T const* from = lag == 0 ? in : ring + (next + past - lag) % past * In * C;
                    for (std::size_t c = 0; c < In; ++c)
                        store_as(saved + (taps + k * In + c) * C, at, load_as<V>(from + c * C, at));
                }
                for (std::size_t c = 0; c < In; ++c)
                    store_as(ring + (next * In + c) * C, at, load_as<V>(in + c * C, at));
                store_as(saved + slot * C, at, V(static_cast<T>(next)));
                store_as(slots, at, V(static_cast<T>((next + 1) % past)));
            });
            convolve_chunk(p, saved + taps * C, out, saved, nv);
        }

        /// Back through one step of independent sequences in lanes, each value a row (one
        /// group): δ of the pre-activations, then the weights' gradients and δ of the taps as
        /// chunk products (scratch: δ, δ transposed, δ of the taps). Without history δ of the
        /// taps is δ of the input; with it, each sequence's ring takes them as `backward` does.
        static constexpr std::size_t chunk_scratch = 2 * Out + (past > 0 ? K * In : 0);
        template <class T, class Epi>
        static void backward_chunk(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                   T const* delta, T* delta_in, T* scratch, std::size_t nv,
                                   bool overwrite, Epi const& epi) requires(past == 0 && G == 1) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples, L = B::size;
            convolve_backward_chunk(p, dp, in, out, saved, delta, scratch, nv, overwrite,
                                    delta_in != nullptr, [&](std::size_t c, std::size_t v, B acc) {
                                        const std::size_t at = c * C + v * L;
                                        epi(at, acc).store_aligned(delta_in + at);
                                    });
        }
        template <class T, class Epi>
        static void backward_chunk(T const* p, T* dp, T const*, T const* out, T const* saved,
                                   T const* delta, T* delta_in, T* scratch, T* dstate,
                                   std::size_t nv, Epi const& epi) requires(past > 0 && G == 1) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples, L = B::size;
            T* d_taps = scratch + 2 * Out * C;
            convolve_backward_chunk(p, dp, saved + taps * C, out, saved, delta, scratch, nv, false,
                                    true, [&](std::size_t q, std::size_t v, B acc) {
                                        acc.store_aligned(d_taps + q * C + v * L);
                                    });
            by_slot(saved + slot * C, nv, [&]<class V>(std::size_t next, std::size_t at) {
                using detail::load_as, detail::store_as;
                // x_t went into the slot of the oldest input, which tap 0 read.
                for (std::size_t c = 0; c < In; ++c) {
                    T* d_next = dstate + (next * In + c) * C;
                    if (delta_in)
                        store_as(delta_in + c * C, at,
                                 load_as<V>(d_taps + ((K - 1) * In + c) * C, at) +
                                     load_as<V>(d_next, at));
                    store_as(d_next, at, V(T(0)));
                }
                for (std::size_t k = 0; k + 1 < K; ++k) {
                    const std::size_t ring_at = (next + past - (K - 1 - k) * D) % past;
                    for (std::size_t c = 0; c < In; ++c) {
                        T* d = dstate + (ring_at * In + c) * C;
                        store_as(d, at,
                                 load_as<V>(d, at) + load_as<V>(d_taps + (k * In + c) * C, at));
                    }
                }
                store_as(dstate + past * In * C, at, V(T(0)));
            });
            if (delta_in)
                kernels::for_each_chunk_vector<T>(In, nv, [&](std::size_t at) {
                    epi(at, B::load_aligned(delta_in + at)).store_aligned(delta_in + at);
                });
        }

    private:
        /// out[o] = f(b[o] + Σ W[o, c, k]·x(lag of tap k, input channel c)), keeping in `saved`
        /// what the backward pass reads (see saved_count).
        template <class T, class Input>
        static constexpr void convolve(T const* p, T* out, T* saved, Input const& x) {
            if constexpr (past > 0)
                for (std::size_t k = 0; k < K; ++k)
                    for (std::size_t c = 0; c < In; ++c)
                        saved[taps + k * In + c] = x((K - 1 - k) * D, c);
            for (std::size_t o = 0; o < Out; ++o) {
                const std::size_t first = o / group_out * group_in;
                T acc = Bias ? p[weights + o] : T(0);
                for (std::size_t c = 0; c < group_in; ++c)
                    for (std::size_t k = 0; k < K; ++k)
                        acc += p[weight_at(o, c, k)] *
                               (past > 0 ? saved[taps + k * In + first + c] : x(0, first + c));
                if constexpr (keeps_pre)
                    saved[pre + o] = acc;
                out[o] = Activation(acc);
            }
        }
        /// Where the taps' inputs lie (with history in `saved`, else the input itself) and where
        /// the pre-activations do (where they are not kept, the outputs stand in for them:
        /// activation_derivative then reads only those), for one sample (width 1) or rows of a
        /// chunk.
        template <class T>
        static constexpr T const* taps_of(T const* in, T const* saved, std::size_t width = 1) {
            return past > 0 ? saved + taps * width : in;
        }
        template <class T>
        static constexpr T const* pre_of(T const* out, T const* saved, std::size_t width = 1) {
            return keeps_pre ? saved + pre * width : out;
        }
        /// convolve with one group, tap k's In inputs at tap(k); `reversed` as column_product's.
        /// The sums go to the pre-activations where they are kept, else to `out`, where the
        /// activation (unless the identity) then replaces them.
        template <class T, class Tap>
        HARDWIRED_ALWAYS_INLINE static void convolve_simd(T const* p, T* out, T* saved,
                                                          Tap const& tap, bool reversed = false) {
            T const* inputs = tap(0);
            if constexpr (past > 0) {
                for (std::size_t k = 0; k < K; ++k)
                    kernels::detail::copy<In>(tap(k), saved + taps + k * In);
                inputs = saved + taps;
            }
            T* z = keeps_pre ? saved + pre : out;
            if constexpr (Bias)
                kernels::detail::copy<Out>(p + weights, z);
            else
                kernels::detail::zero<Out>(z);
            kernels::detail::column_product<K * In, Out>(p, inputs, z, reversed);
            if constexpr (keeps_pre || !identity)
                kernels::detail::apply<Activation, Out>(z, out);
        }
        /// f(next, at) for each vector of sequences in lanes whose rings' next slots (a row at
        /// `slots`) agree, with V the SIMD vector and `at` its first lane, and for each sequence
        /// of any other vector alone, with V = T.
        template <class T, class F>
        static void by_slot(T const* slots, std::size_t nv, F const& f) {
            using B = xsimd::batch<T>;
            for (std::size_t at = 0; at < nv * B::size; at += B::size) {
                if (xsimd::all(B::load_aligned(slots + at) == B(slots[at])))
                    f.template operator()<B>(static_cast<std::size_t>(slots[at]), at);
                else
                    for (std::size_t s = at; s < at + B::size; ++s)
                        f.template operator()<T>(static_cast<std::size_t>(slots[s]), s);
            }
        }
        /// convolve for sequences in lanes (one group), the K·In rows at `x` the taps: the
        /// pre-activations to `out` through the activation and, where they are kept, to
        /// `saved`.
        template <class T>
        static void convolve_chunk(T const* p, T const* x, T* out, T* saved, std::size_t nv) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples, L = B::size;
            kernels::detail::chunk_product<Out, K * In, 1, Out>(
                p, x, nv, [&](std::size_t o) { return Bias ? p[weights + o] : T(0); },
                [&](std::size_t o, std::size_t v, B acc) {
                    const std::size_t at = o * C + v * L;
                    if constexpr (keeps_pre)
                        acc.store_aligned(saved + pre * C + at);
                    Activation(acc).store_aligned(out + at);
                });
        }
        /// Back through convolve_chunk, given the taps x: δ of the pre-activations to scratch
        /// (unless the identity: then δ itself), the parameters' gradients added to dp (written
        /// when `overwrite`) and, when `taps_too`, δ of each tap row q and sample vector v to
        /// `store(q, v, δ)`.
        template <class T, class Store>
        static void convolve_backward_chunk(T const* p, T* dp, T const* x, T const* out,
                                            T const* saved, T const* delta, T* scratch,
                                            std::size_t nv, bool overwrite, bool taps_too,
                                            Store const& store) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples;
            T const* dz = delta; // δ of the pre-activations: δ itself under the identity
            if constexpr (!identity) {
                T const* z = pre_of(out, saved, C);
                kernels::for_each_chunk_vector<T>(Out, nv, [&](std::size_t at) {
                    const B d = B::load_aligned(delta + at) *
                                detail::activation_derivative<Activation>(
                                    B::load_aligned(z + at), B::load_aligned(out + at));
                    d.store_aligned(scratch + at);
                });
                dz = scratch;
            }
            kernels::detail::chunk_weight_gradients<K * In, Out>(
                x, dz, scratch + Out * C, nv, dp, Bias ? dp + weights : nullptr, overwrite);
            if (taps_too)
                kernels::detail::chunk_product<K * In, Out, Out, 1>(
                    p, dz, nv, [](std::size_t) { return T(0); }, store);
        }
        /// Back through one step, by convolve_backward or (Simd) convolve_backward_simd; with
        /// history, δ of the ring's inputs is carried in dstate.
        template <bool Simd, class T>
        static constexpr void backward_step(T const* p, T* dp, T const* in, T const* out,
                                            T const* saved, T const* delta, T* delta_in,
                                            T* dstate) {
            std::array<T, K * In> d_taps;
            if constexpr (Simd && past == 0) {
                // Without history the one tap is the input itself: δ of it is δ_in.
                convolve_backward_simd(p, dp, taps_of(in, saved), pre_of(out, saved), out, delta,
                                       delta_in ? delta_in : d_taps.data());
            } else {
                if constexpr (Simd) {
                    convolve_backward_simd(p, dp, taps_of(in, saved), pre_of(out, saved), out,
                                           delta, d_taps.data());
                } else {
                    d_taps.fill(T(0));
                    convolve_backward(p, dp, taps_of(in, saved), pre_of(out, saved), out, delta,
                                      d_taps);
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
                        const std::size_t at = (next + past - (K - 1 - k) * D) % past;
                        for (std::size_t c = 0; c < In; ++c)
                            dstate[at * In + c] += d_taps[k * In + c];
                    }
                    dstate[past * In] = T(0);
                }
            }
        }
        /// convolve_backward with one group: δ of the pre-activations in lanes, then the
        /// weights' gradients and δ of the taps (written, not added) column by column.
        template <class T>
        static void convolve_backward_simd(T const* p, T* dp, T const* x, T const* z, T const* out,
                                           T const* delta, T* d_taps) {
            using detail::load_as, detail::store_as;
            alignas(64) std::array<T, Out> scaled;
            T const* dz = delta; // δ of the pre-activations: δ itself under the identity
            if constexpr (!identity) {
                kernels::detail::for_each_batch<Out, T>(
                    [&]<class V>(std::size_t o) HARDWIRED_INLINE_LAMBDA {
                        store_as(scaled.data(), o,
                                 load_as<V>(delta, o) * detail::activation_derivative<Activation>(
                                                            load_as<V>(z, o), load_as<V>(out, o)));
                    });
                dz = scaled.data();
            }
            if constexpr (Bias)
                kernels::detail::add_into<Out>(dz, dp + weights);
            kernels::detail::column_product_backward<K * In, Out>(p, dp, x, dz, d_taps);
        }
        /// The parameters' gradients, and δ of what each tap read (d_taps, tap k at k·In), from
        /// the taps' inputs x and the pre-activations z (taps_of, pre_of).
        template <class T>
        static constexpr void convolve_backward(T const* p, T* dp, T const* x, T const* z,
                                                T const* out, T const* delta,
                                                std::array<T, K * In>& d_taps) {
            for (std::size_t o = 0; o < Out; ++o) {
                const T dz = delta[o] * detail::activation_derivative<Activation>(z[o], out[o]);
                const std::size_t first = o / group_out * group_in;
                if constexpr (Bias)
                    dp[weights + o] += dz;
                for (std::size_t c = 0; c < group_in; ++c)
                    for (std::size_t k = 0; k < K; ++k) {
                        const std::size_t w = weight_at(o, c, k);
                        dp[w] += dz * x[k * In + first + c];
                        d_taps[k * In + first + c] += p[w] * dz;
                    }
            }
        }
    };
};

} // namespace hardwired
