#pragma once
// The xsimd dense-layer kernel, for float and double: a layer's outputs lie in SIMD lanes (its
// weights are stored column by column, each column the weights from one input to every
// output), so z = W·a + b is a sum of broadcast-FMAs over the inputs into ceil(out/L)
// accumulators, and the activation and its derivative are evaluated on whole batches by the
// symbolic algebra. Outputs that do not fill a batch are done by the scalar formulas. The
// results equal the scalar reference kernel's up to the rounding of FMA and of xsimd's
// exp/tanh (tests/test_kernels.cpp states the bound).

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "dense_scalar.hpp"

namespace hardwired::kernels {

/// Kernel tags: `scalar` is the reference path; `simd` the xsimd path (float and double).
struct scalar {};
struct simd {};

template <class T>
using default_kernel =
    std::conditional_t<std::is_same_v<T, float> || std::is_same_v<T, double>, simd, scalar>;

namespace detail {
template <class T>
using batch = xsimd::batch<T>;
template <class T>
inline constexpr std::size_t lanes = batch<T>::size;

/// The narrowest batch of T with at least R lanes, or void.
template <class T, std::size_t R, std::size_t N = 1>
struct narrow_batch {
    using type =
        std::conditional_t<N >= R && !std::is_void_v<xsimd::make_sized_batch_t<T, N>>,
                           xsimd::make_sized_batch_t<T, N>,
                           typename std::conditional_t<(N < lanes<T>), narrow_batch<T, R, 2 * N>,
                                                       std::type_identity<void>>::type>;
};

/// Outputs [Full, Out) of a layer whose width is not a multiple of the batch: one narrower batch
/// (say 4 lanes for a 3-neuron layer), so the activation is evaluated once, in SIMD, rather than
/// once per neuron by the C library. Its columns are read N lanes at a time from Full; the
/// lanes past Out read the next column or the biases and are never stored. The reads stay
/// inside the layer's parameters when N ≤ Out + (Out − Full); otherwise, or without such a
/// batch, the tail is done by scalar formulas.
template <auto Act, std::size_t In, std::size_t Out, std::size_t Full, class T>
void forward_tail(layer_view<const T, In, Out> w, T const* a_in, T* z, T* a_out) {
    constexpr std::size_t R = Out - Full;
    using N = typename narrow_batch<T, R>::type;
    constexpr bool fits = [] {
        if constexpr (std::is_void_v<N>)
            return false;
        else
            return N::size <= Out + R;
    }();
    if constexpr (!fits) {
        for (std::size_t t = Full; t < Out; ++t) {
            T acc = w.b(t);
            for (std::size_t k = 0; k < In; ++k)
                acc += w.column(k)[t] * a_in[k];
            z[t] = acc;
            a_out[t] = Act(acc);
        }
    } else {
        N acc = [&]<std::size_t... I>(std::index_sequence<I...>) {
            return N{(I < R ? w.b(Full + (I < R ? I : 0)) : T(0))...};
        }
        (std::make_index_sequence<N::size>{});
        for (std::size_t k = 0; k < In; ++k)
            acc = xsimd::fma(N::load_unaligned(w.column(k) + Full), N(a_in[k]), acc);
        alignas(64) std::array<T, N::size> zt, at;
        acc.store_aligned(zt.data());
        Act(acc).store_aligned(at.data());
        for (std::size_t i = 0; i < R; ++i) {
            z[Full + i] = zt[i];
            a_out[Full + i] = at[i];
        }
    }
}

} // namespace detail

template <auto Act, class T, std::size_t In, std::size_t Out>
void dense_forward(simd, layer_view<const T, In, Out> w, T const* a_in, T* z, T* a_out) {
    using B = detail::batch<T>;
    constexpr std::size_t L = detail::lanes<T>;
    constexpr std::size_t full = Out / L * L;
    // Blocks of up to four batches of outputs at a time: independent FMA chains hide latency.
    constexpr std::size_t group = 4 * L;
    std::size_t j = 0;
    for (; j + group <= full; j += group) {
        B acc0 = B::load_unaligned(w.biases() + j), acc1 = B::load_unaligned(w.biases() + j + L),
          acc2 = B::load_unaligned(w.biases() + j + 2 * L),
          acc3 = B::load_unaligned(w.biases() + j + 3 * L);
        for (std::size_t k = 0; k < In; ++k) {
            const B x(a_in[k]);
            T const* col = w.column(k) + j;
            acc0 = xsimd::fma(B::load_unaligned(col), x, acc0);
            acc1 = xsimd::fma(B::load_unaligned(col + L), x, acc1);
            acc2 = xsimd::fma(B::load_unaligned(col + 2 * L), x, acc2);
            acc3 = xsimd::fma(B::load_unaligned(col + 3 * L), x, acc3);
        }
        acc0.store_unaligned(z + j);
        acc1.store_unaligned(z + j + L);
        acc2.store_unaligned(z + j + 2 * L);
        acc3.store_unaligned(z + j + 3 * L);
    }
    for (; j < full; j += L) {
        B acc = B::load_unaligned(w.biases() + j);
        for (std::size_t k = 0; k < In; ++k)
            acc = xsimd::fma(B::load_unaligned(w.column(k) + j), B(a_in[k]), acc);
        acc.store_unaligned(z + j);
    }
    for (j = 0; j < full; j += L)
        Act(B::load_unaligned(z + j)).store_unaligned(a_out + j);
    if constexpr (full < Out)
        detail::forward_tail<Act, In, Out, full>(w, a_in, z, a_out);
}

template <auto Act, class T, std::size_t In, std::size_t Out>
void dense_backward(simd, layer_view<const T, In, Out> w, layer_view<T, In, Out> dw, T const* a_in,
                    T const* z, T const* a_out, T* g_out, T* g_in) {
    using B = detail::batch<T>;
    constexpr std::size_t L = detail::lanes<T>;
    constexpr std::size_t full = Out / L * L;
    // δ = g ⊙ f'(·), then db += δ
    for (std::size_t j = 0; j < full; j += L) {
        const B d =
            B::load_unaligned(g_out + j) *
            activation_derivative<Act>(B::load_unaligned(z + j), B::load_unaligned(a_out + j));
        d.store_unaligned(g_out + j);
        (B::load_unaligned(dw.biases() + j) + d).store_unaligned(dw.biases() + j);
    }
    for (std::size_t t = full; t < Out; ++t) {
        g_out[t] *= activation_derivative<Act>(z[t], a_out[t]);
        dw.b(t) += g_out[t];
    }
    // dW column k += δ·a_k; g_in[k] = column k · δ
    for (std::size_t k = 0; k < In; ++k) {
        const T x = a_in[k];
        T const* col = w.column(k);
        T* dcol = dw.column(k);
        B back(T(0));
        for (std::size_t j = 0; j < full; j += L) {
            const B d = B::load_unaligned(g_out + j);
            xsimd::fma(d, B(x), B::load_unaligned(dcol + j)).store_unaligned(dcol + j);
            back = xsimd::fma(B::load_unaligned(col + j), d, back);
        }
        T tail = 0;
        for (std::size_t t = full; t < Out; ++t) {
            dcol[t] += g_out[t] * x;
            tail += col[t] * g_out[t];
        }
        if (g_in)
            g_in[k] = xsimd::hadd(back) + tail;
    }
}

// The scalar reference kernel under its tag.
template <auto Act, class T, std::size_t In, std::size_t Out>
constexpr void dense_forward(scalar, layer_view<const T, In, Out> w, T const* a_in, T* z,
                             T* a_out) {
    dense_forward<Act>(w, a_in, z, a_out);
}
template <auto Act, class T, std::size_t In, std::size_t Out>
constexpr void dense_backward(scalar, layer_view<const T, In, Out> w, layer_view<T, In, Out> dw,
                              T const* a_in, T const* z, T const* a_out, T* g_out, T* g_in) {
    dense_backward<Act>(w, dw, a_in, z, a_out, g_out, g_in);
}

} // namespace hardwired::kernels
