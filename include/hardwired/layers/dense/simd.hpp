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
#include "../../kernels/column_product.hpp"
#include "../../kernels/one_sample_simd.hpp"
#include "../layer.hpp"
#include "scalar.hpp"

namespace hardwired::kernels {

namespace detail {

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
        if constexpr (Out == 1) { // the weights are contiguous: one dot product in batches
            zt[0] = dot<In>(w.column(0), a_in, w.bias(0));
            return;
        }
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
    // registers, was slower, since each block then waits for its activation.
    for (j = 0; j < full; j += L)
        Act(B::load_unaligned(z + j)).store_unaligned(a_out + j);
    if constexpr (full < Out)
        detail::forward_tail<Act, In, Out, full>(w, a_in, z, a_out);
}

/// Given δ = ∂L/∂z: db += δ, dW column k += δ·a_k, g_in[k] = column k · δ.
template <class T, std::size_t In, std::size_t Out, bool Bias>
void dense_backward(simd, layer_view<const T, In, Out, Bias> w, layer_view<T, In, Out, Bias> dw,
                    T const* a_in, T const* delta, T* g_in) {
    if constexpr (Bias)
        detail::add_into<Out>(delta, dw.biases());
    detail::column_product_backward<In, Out>(w.data, dw.data, a_in, delta, g_in);
}

} // namespace hardwired::kernels
