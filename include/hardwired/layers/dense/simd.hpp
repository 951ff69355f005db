#pragma once
// The xsimd dense-layer kernel for one sample, for float and double: a layer's outputs lie in
// SIMD lanes (its weights are stored column by column, each column the weights from one input
// to every output), so z = W·a + b is a sum of broadcast-FMAs over the inputs, kept in
// HARDWIRED_FMA_CHAINS independent partial sums (HARDWIRED_FMA_CHAINS_STREAMED in a layer
// larger than the L1 data cache; config.hpp), and the activation and its
// derivative are evaluated on whole batches by the symbolic algebra. Outputs that do not fill
// a batch form one narrower batch where its loads stay inside the parameters, else they are
// done by the scalar formulas. The results equal the scalar reference kernel's up to the
// rounding of FMA, the order of the sums and the SIMD exp/tanh (tests/test_kernels.cpp states
// the bound).

#include "../../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "../../config.hpp"
#include "../layer.hpp"
#include "scalar.hpp"

namespace hardwired::kernels {

namespace detail {

/// The narrowest batch of T with at least R lanes, or void.
template <class T, std::size_t R, std::size_t N = 1>
struct narrow_batch {
    using type =
        std::conditional_t<N >= R && !std::is_void_v<xsimd::make_sized_batch_t<T, N>>,
                           xsimd::make_sized_batch_t<T, N>,
                           typename std::conditional_t<(N < lanes<T>), narrow_batch<T, R, 2 * N>,
                                                       std::type_identity<void>>::type>;
};

/// The sum of `p[First, First + Count)`, as a balanced tree of additions.
template <std::size_t First, std::size_t Count, class B, std::size_t N>
HARDWIRED_ALWAYS_INLINE B tree_sum(std::array<B, N> const& p) {
    if constexpr (Count == 1)
        return p[First];
    else
        return tree_sum<First, Count / 2>(p) + tree_sum<First + Count / 2, Count - Count / 2>(p);
}

/// One FMA into each partial sum I = v·P + p: batch v of the column of input a[p], the column
/// of input 0 at `w` and column p at w + p·Stride.
template <std::size_t P, std::size_t Stride, class B, class T, std::size_t N, std::size_t... I>
HARDWIRED_ALWAYS_INLINE void fma_step(std::array<B, N>& part, T const* w, T const* a,
                                      std::index_sequence<I...>) {
    ((part[I] = hardwired::detail::madd(B::load_unaligned(w + I % P * Stride + I / P * B::size),
                                        B(a[I % P]), part[I])),
     ...);
}

/// Steps G = 0, 1, ... of P inputs each, unrolled.
template <std::size_t P, std::size_t Stride, class B, class T, std::size_t N, std::size_t... G>
HARDWIRED_ALWAYS_INLINE void fma_steps(std::array<B, N>& part, T const* w, T const* a,
                                       std::index_sequence<G...>) {
    (fma_step<P, Stride>(part, w + G * P * Stride, a + G * P, std::make_index_sequence<N>{}), ...);
}

/// One FMA into partial sum 0 of each batch v, part[v·P]: batch v of the column at w, times x.
template <std::size_t P, class B, class T, std::size_t N, std::size_t... v>
HARDWIRED_ALWAYS_INLINE void fma_first(std::array<B, N>& part, T const* w, T x,
                                       std::index_sequence<v...>) {
    ((part[v * P] = hardwired::detail::madd(B::load_unaligned(w + v * B::size), B(x), part[v * P])),
     ...);
}

/// acc[v] = the tree sum of part[v·P, v·P + P).
template <std::size_t P, class B, std::size_t V, std::size_t N, std::size_t... v>
HARDWIRED_ALWAYS_INLINE void reduce(std::array<B, V>& acc, std::array<B, N> const& part,
                                    std::index_sequence<v...>) {
    ((acc[v] = tree_sum<v * P, P>(part)), ...);
}

/// acc[v] += Σ_k W[k][v·n, v·n + n) · a_in[k] for V batches of n = B::size outputs, where input
/// k's column starts at w + k·Stride. Each batch's sum is split into P partial sums over
/// interleaved inputs, so that V·P reaches Chains independent FMA chains and the
/// FMA latency is hidden even in a narrow layer; each partial sum gets at least four inputs
/// (fewer would spend more on the final additions than the chains save). The partial sums are
/// added as a tree. A block of at most HARDWIRED_UNROLL_LIMIT FMAs is fully unrolled; a larger
/// one loops over groups of P inputs. The inputs left after whole groups go into partial sum 0.
template <std::size_t In, std::size_t Stride, std::size_t Chains, class B, std::size_t V, class T>
HARDWIRED_ALWAYS_INLINE void accumulate(std::array<B, V>& acc, T const* w, T const* a_in) {
    constexpr std::size_t P = std::clamp<std::size_t>(std::min(Chains / V, In / 4), 1, In);
    constexpr std::size_t groups = In / P;
    std::array<B, V * P> part;
    for (std::size_t i = 0; i < V * P; ++i)
        part[i] = i % P == 0 ? acc[i / P] : B(T(0));
    if constexpr (In * V <= HARDWIRED_UNROLL_LIMIT) {
        fma_steps<P, Stride>(part, w, a_in, std::make_index_sequence<groups>{});
    } else {
        for (std::size_t g = 0; g < groups; ++g)
            fma_step<P, Stride>(part, w + g * P * Stride, a_in + g * P,
                                std::make_index_sequence<V * P>{});
    }
    for (std::size_t k = groups * P; k < In; ++k)
        fma_first<P>(part, w + k * Stride, a_in[k], std::make_index_sequence<V>{});
    reduce<P>(acc, part, std::make_index_sequence<V>{});
}

/// Independent FMA chains for a layer of In × Out weights (config.hpp).
template <class T, std::size_t In, std::size_t Out>
inline constexpr std::size_t chains = In* Out * sizeof(T) > HARDWIRED_L1D_BYTES
                                          ? HARDWIRED_FMA_CHAINS_STREAMED
                                          : HARDWIRED_FMA_CHAINS;

/// Pre-activations z[j, j + V·L) of whole batches, from the biases.
template <std::size_t V, class T, std::size_t In, std::size_t Out, bool Bias>
HARDWIRED_ALWAYS_INLINE void forward_block(layer_view<const T, In, Out, Bias> w, T const* a_in,
                                           std::size_t j, T* z) {
    using B = batch<T>;
    std::array<B, V> acc;
    for (std::size_t v = 0; v < V; ++v)
        if constexpr (Bias)
            acc[v] = B::load_unaligned(w.biases() + j + v * B::size);
        else
            acc[v] = B(T(0));
    accumulate<In, Out, chains<T, In, Out>>(acc, w.column(0) + j, a_in);
    for (std::size_t v = 0; v < V; ++v)
        acc[v].store_unaligned(z + j + v * B::size);
}

/// A batch of p[0, R) and zeros in the lanes past R.
template <class N, std::size_t R, class T, std::size_t... I>
HARDWIRED_ALWAYS_INLINE N first_lanes(T const* p, std::index_sequence<I...>) {
    return N{(I < R ? p[I < R ? I : 0] : T(0))...};
}

/// Outputs [Full, Out) of a layer whose width is not a multiple of the batch: one narrower batch
/// (say 4 lanes for a 3-neuron layer), so the activation is evaluated once, in SIMD, rather than
/// once per neuron by the C library. Its columns are read N lanes at a time from Full; the
/// lanes past Out read the next column or the biases and are never stored. The reads stay
/// inside the layer's parameters when N ≤ Out + (Out − Full); otherwise (a single output, say)
/// the pre-activations are scalar sums, and the activation still takes them as one batch; only
/// without such a batch is the tail done by scalar formulas.
template <auto Act, std::size_t In, std::size_t Out, std::size_t Full, class T, bool Bias>
HARDWIRED_ALWAYS_INLINE void forward_tail(layer_view<const T, In, Out, Bias> w, T const* a_in, T* z,
                                          T* a_out) {
    constexpr std::size_t R = Out - Full;
    using N = typename narrow_batch<T, R>::type;
    auto scalar_sums = [&](T* zt) {
        for (std::size_t i = 0; i < R; ++i) {
            T acc = w.bias(Full + i);
            for (std::size_t k = 0; k < In; ++k)
                acc += w.column(k)[Full + i] * a_in[k];
            zt[i] = acc;
        }
    };
    if constexpr (std::is_void_v<N>) {
        scalar_sums(z + Full);
        for (std::size_t t = Full; t < Out; ++t)
            a_out[t] = Act(z[t]);
    } else {
        std::array<N, 1> acc;
        if constexpr (N::size <= Out + R) {
            // The biases, built in registers (a vector load of scalar stores would stall).
            if constexpr (Bias)
                acc[0] = first_lanes<N, R>(w.biases() + Full, std::make_index_sequence<N::size>{});
            else
                acc[0] = N(T(0));
            accumulate<In, Out, chains<T, In, Out>>(acc, w.column(0) + Full, a_in);
        } else {
            std::array<T, R> sums;
            scalar_sums(sums.data());
            acc[0] = first_lanes<N, R>(sums.data(), std::make_index_sequence<N::size>{});
        }
        alignas(64) std::array<T, N::size> zt, at;
        acc[0].store_aligned(zt.data());
        Act(acc[0]).store_aligned(at.data());
        for (std::size_t i = 0; i < R; ++i) {
            z[Full + i] = zt[i];
            a_out[Full + i] = at[i];
        }
    }
}

} // namespace detail

template <auto Act, class T, std::size_t In, std::size_t Out, bool Bias>
void dense_forward(simd, layer_view<const T, In, Out, Bias> w, T const* a_in, T* z, T* a_out) {
    using B = detail::batch<T>;
    constexpr std::size_t L = detail::lanes<T>;
    constexpr std::size_t full = Out / L * L;
    // Blocks of up to `chains` batches of outputs, then one block of the rest.
    constexpr std::size_t block = detail::chains<T, In, Out> * L;
    std::size_t j = 0;
    for (; j + block <= full; j += block)
        detail::forward_block<detail::chains<T, In, Out>>(w, a_in, j, z);
    if constexpr (full % block != 0)
        detail::forward_block<full % block / L>(w, a_in, j, z);
    // The activation as a pass of its own: evaluating it in forward_block, straight from the
    // registers, measured slower (D 88 → 96 ns) since each block then waits for its activation.
    for (j = 0; j < full; j += L)
        Act(B::load_unaligned(z + j)).store_unaligned(a_out + j);
    if constexpr (full < Out)
        detail::forward_tail<Act, In, Out, full>(w, a_in, z, a_out);
}

/// Given δ = ∂L/∂z: db += δ, dW column k += δ·a_k, g_in[k] = column k · δ.
template <class T, std::size_t In, std::size_t Out, bool Bias>
void dense_backward(simd, layer_view<const T, In, Out, Bias> w, layer_view<T, In, Out, Bias> dw,
                    T const* a_in, T const* delta, T* g_in) {
    using B = detail::batch<T>;
    constexpr std::size_t L = detail::lanes<T>;
    constexpr std::size_t full = Out / L * L;
    if constexpr (Bias) {
        for (std::size_t j = 0; j < full; j += L)
            (B::load_unaligned(dw.biases() + j) + B::load_unaligned(delta + j))
                .store_unaligned(dw.biases() + j);
        for (std::size_t t = full; t < Out; ++t)
            dw.b(t) += delta[t];
    }
    for (std::size_t k = 0; k < In; ++k) {
        const T x = a_in[k];
        T const* col = w.column(k);
        T* dcol = dw.column(k);
        B back(T(0));
        for (std::size_t j = 0; j < full; j += L) {
            const B d = B::load_unaligned(delta + j);
            hardwired::detail::madd(d, B(x), B::load_unaligned(dcol + j)).store_unaligned(dcol + j);
            back = hardwired::detail::madd(B::load_unaligned(col + j), d, back);
        }
        T tail = 0;
        for (std::size_t t = full; t < Out; ++t) {
            dcol[t] += delta[t] * x;
            tail += col[t] * delta[t];
        }
        if (g_in)
            g_in[k] = xsimd::hadd(back) + tail;
    }
}

} // namespace hardwired::kernels
