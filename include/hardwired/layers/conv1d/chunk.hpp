#pragma once
// The causal convolution's chunk kernels: independent sequences in SIMD lanes, each value a row
// of kernels::chunk_samples (kernels/chunk_simd.hpp has the machinery and its layout). Forward:
// the pre-activations as one register-blocked product of the weights with the K·In rows of the
// taps' inputs (with several groups, one per group and tap, added up), then the activation on
// whole vectors. Backward: dz = δ·f′, then the weights' gradients and δ of the taps as chunk
// products (with several groups, per group and tap).

#include "../../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <cstddef>
#include <xsimd/xsimd.hpp>

#include "../../kernels/chunk_simd.hpp"
#include "../../kernels/one_sample_simd.hpp"
#include "scalar.hpp"

namespace hardwired::kernels {

/// conv1d_forward for sequences in lanes (shape S), the K·In rows at `x` the taps' inputs: the
/// pre-activations to `out` through the activation and, where they are kept, to `saved`. With
/// several groups, each group's rows are the sum of one product per tap (the group's In/G rows
/// of that tap), stored by the first and added to by the others, then the activation in a pass
/// of its own.
template <class S, class T>
void conv1d_forward_chunk(T const* p, T const* x, T* out, T* saved, std::size_t nv) {
    using B = xsimd::batch<T>;
    constexpr std::size_t C = chunk_samples, L = B::size, In = S::inputs, Out = S::outputs;
    const auto bias = [&](std::size_t o) { return S::bias ? p[S::weights + o] : T(0); };
    if constexpr (S::one_group) {
        detail::chunk_product<Out, S::kernel * In, 1, Out>(
            p, x, nv, bias, [&](std::size_t o, std::size_t v, B acc) {
                const std::size_t at = o * C + v * L;
                if constexpr (S::keeps_pre)
                    acc.store_aligned(saved + S::pre * C + at);
                S::activation(acc).store_aligned(out + at);
            });
    } else {
        constexpr std::size_t Ig = S::group_in, Og = S::group_out;
        T* z = S::keeps_pre ? saved + S::pre * C : out;
        for (std::size_t g = 0; g < S::groups; ++g) {
            T* zg = z + g * Og * C;
            T const* w = p + g * Og;
            detail::chunk_product<Og, Ig, 1, Out>(
                w, x + g * Ig * C, nv, [&](std::size_t r) { return bias(g * Og + r); },
                [&](std::size_t r, std::size_t v, B acc) {
                    acc.store_aligned(zg + r * C + v * L);
                });
            for (std::size_t k = 1; k < S::kernel; ++k)
                detail::chunk_product<Og, Ig, 1, Out>(
                    w + k * Ig * Out, x + (k * In + g * Ig) * C, nv,
                    [](std::size_t) { return T(0); },
                    [&](std::size_t r, std::size_t v, B acc) {
                        T* at = zg + r * C + v * L;
                        (B::load_aligned(at) + acc).store_aligned(at);
                    });
        }
        if constexpr (S::keeps_pre || !S::identity)
            for_each_chunk_vector<T>(Out, nv, [&](std::size_t at) {
                S::activation(B::load_aligned(z + at)).store_aligned(out + at);
            });
    }
}

namespace detail {

/// Stores δ of tap row q and sample vector v at row q of `rows` (conv1d_backward_chunk's
/// `store` where δ of the taps is wanted as rows).
template <class T>
struct store_rows {
    T* rows;
    void operator()(std::size_t q, std::size_t v, xsimd::batch<T> acc) const {
        acc.store_aligned(rows + q * chunk_samples + v * xsimd::batch<T>::size);
    }
};

} // namespace detail

/// Rows of chunk scratch conv1d_backward_chunk takes for shape S: δ of the pre-activations, δ
/// transposed (chunk_weight_gradients) and, with several groups, one group and tap's weight
/// gradients, which chunk_weight_gradients writes one column after the other (each column
/// Out/G values, where the layer's columns are Out apart).
template <class S>
inline constexpr std::size_t conv1d_chunk_scratch =
    2 * S::outputs +
    (S::one_group ? 0 : (S::group_in * S::group_out + chunk_samples - 1) / chunk_samples);

/// Back through conv1d_forward_chunk (shape S), given the taps x: δ of the pre-activations to
/// scratch (unless the identity: then δ itself), the parameters' gradients added to dp (written
/// when `overwrite`) and, when `taps_too`, δ of each tap row q and sample vector v to
/// `store(q, v, δ)`. Scratch: conv1d_chunk_scratch<S> rows.
template <class S, class T, class Store>
void conv1d_backward_chunk(T const* p, T* dp, T const* x, T const* out, T const* saved,
                           T const* delta, T* scratch, std::size_t nv, bool overwrite,
                           bool taps_too, Store const& store) {
    using B = xsimd::batch<T>;
    constexpr std::size_t C = chunk_samples, In = S::inputs, Out = S::outputs,
                          Taps = S::kernel * In;
    T const* dz = delta; // δ of the pre-activations: δ itself under the identity
    if constexpr (!S::identity) {
        T const* z = S::pre_of(out, saved, C);
        for_each_chunk_vector<T>(Out, nv, [&](std::size_t at) {
            const B d = B::load_aligned(delta + at) *
                        hardwired::detail::activation_derivative<S::activation>(
                            B::load_aligned(z + at), B::load_aligned(out + at));
            d.store_aligned(scratch + at);
        });
        dz = scratch;
    }
    const auto zero = [](std::size_t) { return T(0); };
    if constexpr (S::one_group) {
        detail::chunk_weight_gradients<Taps, Out>(x, dz, scratch + Out * C, nv, dp,
                                                  S::bias ? dp + S::weights : nullptr, overwrite);
        if (taps_too)
            detail::chunk_product<Taps, Out, Out, 1>(p, dz, nv, zero, store);
    } else {
        constexpr std::size_t Ig = S::group_in, Og = S::group_out;
        if constexpr (S::bias)
            detail::add_row_sums<Out>(dz, nv, dp + S::weights, overwrite);
        T* grads = scratch + 2 * Out * C;
        for (std::size_t g = 0; g < S::groups; ++g)
            for (std::size_t k = 0; k < S::kernel; ++k) {
                const std::size_t first = k * In + g * Ig; // the group's first row of tap k
                detail::chunk_weight_gradients<Ig, Og>(x + first * C, dz + g * Og * C,
                                                       scratch + Out * C, nv, grads, nullptr, true);
                for (std::size_t c = 0; c < Ig; ++c) {
                    T* column = dp + (k * Ig + c) * Out + g * Og;
                    if (overwrite)
                        detail::copy<Og>(grads + c * Og, column);
                    else
                        detail::add_into<Og>(grads + c * Og, column);
                }
                if (taps_too)
                    detail::chunk_product<Ig, Og, Out, 1>(
                        p + k * Ig * Out + g * Og, dz + g * Og * C, nv, zero,
                        [&](std::size_t c, std::size_t v, B acc) { store(first + c, v, acc); });
            }
    }
}

namespace detail {

/// f(next, at) for each vector of sequences in lanes whose rings' next slots (a row at `slots`)
/// agree, with V the SIMD vector and `at` its first lane, and for each sequence of any other
/// vector alone, with V = T.
template <class T, class F>
void by_slot(T const* slots, std::size_t nv, F const& f) {
    using B = xsimd::batch<T>;
    HARDWIRED_SAMPLE_VECTOR_LOOP
    for (std::size_t at = 0; at < nv * B::size; at += B::size) {
        if (xsimd::all(B::load_aligned(slots + at) == B(slots[at])))
            f.template operator()<B>(static_cast<std::size_t>(slots[at]), at);
        else
            for (std::size_t s = at; s < at + B::size; ++s)
                f.template operator()<T>(static_cast<std::size_t>(slots[s]), s);
    }
}

} // namespace detail

/// The ring of In channels of sequences in lanes (a convolution's state, layers/conv1d.hpp): its
/// `past` inputs, each sequence's input of time t − j at ring slot (next − j) mod past, then the
/// row of each sequence's next slot. `dilation` and `past` are arguments, not template
/// parameters, so that the convolutions of a stack share this code.
template <std::size_t In, std::size_t K, class T>
struct conv1d_ring_chunk {
    T* ring;
    std::size_t past, dilation;

    /// The slot of tap k (k < K − 1) for a ring whose next slot is `next`.
    std::size_t tap_slot(std::size_t next, std::size_t k) const {
        const std::size_t lag = (K - 1 - k) * dilation;
        return next >= lag ? next - lag : next + past - lag;
    }
    T* slots() const { return ring + past * In * chunk_samples; }

    /// What each tap reads (tap k's In rows at taps + k·In rows; the last tap reads the input)
    /// copied out, the input put in the oldest input's slot, the next slot kept in `slot` and
    /// advanced.
    void gather(T const* in, T* taps, T* slot, std::size_t nv) const {
        constexpr std::size_t C = chunk_samples;
        detail::by_slot(slots(), nv, [&]<class V>(std::size_t next, std::size_t at) {
            using hardwired::detail::load_as, hardwired::detail::store_as;
            for (std::size_t k = 0; k < K; ++k) {
                T const* from = k + 1 == K ? in : ring + tap_slot(next, k) * In * C;
                for (std::size_t c = 0; c < In; ++c)
                    store_as(taps + (k * In + c) * C, at, load_as<V>(from + c * C, at));
            }
            for (std::size_t c = 0; c < In; ++c)
                store_as(ring + (next * In + c) * C, at, load_as<V>(in + c * C, at));
            store_as(slot, at, V(static_cast<T>(next)));
            store_as(slots(), at, V(static_cast<T>(next + 1 == past ? 0 : next + 1)));
        });
    }

    /// Back through gather, this ring being δ of the ring after the step (left holding δ of
    /// the ring before it): δ of the taps (d_taps, as gather's taps) spread over the slots
    /// they read, δ of the input (unless delta_in is null) from the last tap and the slot the
    /// input went into, the next slots' δ zero.
    void scatter(T const* d_taps, T const* slot, T* delta_in, std::size_t nv) const {
        constexpr std::size_t C = chunk_samples;
        detail::by_slot(slot, nv, [&]<class V>(std::size_t next, std::size_t at) {
            using hardwired::detail::load_as, hardwired::detail::store_as;
            // x_t went into the slot of the oldest input, which tap 0 read.
            for (std::size_t c = 0; c < In; ++c) {
                T* d_next = ring + (next * In + c) * C;
                if (delta_in)
                    store_as(delta_in + c * C, at,
                             load_as<V>(d_taps + ((K - 1) * In + c) * C, at) +
                                 load_as<V>(d_next, at));
                store_as(d_next, at, V(T(0)));
            }
            for (std::size_t k = 0; k + 1 < K; ++k) {
                T* d = ring + tap_slot(next, k) * In * C;
                for (std::size_t c = 0; c < In; ++c)
                    store_as(d + c * C, at,
                             load_as<V>(d + c * C, at) + load_as<V>(d_taps + (k * In + c) * C, at));
            }
            store_as(slots(), at, V(T(0)));
        });
    }
};

} // namespace hardwired::kernels
