#pragma once
// The batched xsimd kernels: samples in SIMD lanes. A chunk of up to `chunk_samples` samples is
// held transposed, one row of `chunk_samples` values per neuron (row i, sample s at
// i·chunk_samples + s), so every vector holds one neuron of several samples and a layer of 3
// neurons still fills every lane. On a chunk:
//
//   forward      Z[j] = b_j + Σ_k W(j, k)·A[k], a register-blocked product (rows × sample
//                vectors of accumulators, each weight broadcast), then A'[j] = f(Z[j]) on whole
//                vectors;
//   backward     given δ[j] = ∂L/∂Z[j]: when the outputs fill whole vectors and the ISA has
//                transpose_block (float on SSE2, AVX, AVX-512), δ is transposed in registers and
//                dW(·, k) += Σ_s A[k][s]·δᵀ[s], db += Σ_s δᵀ[s] take outputs in lanes (no
//                reductions); otherwise dW(j, k) += Σ_s δ[j][s]·A[k][s], L weights at a time: L
//                products reduced by one parallel horizontal add (xsimd::haddp) into a vector of
//                L consecutive entries of the flat dW, and db_j += Σ_s δ[j][s]; then the layer
//                below's δ_prev[k] = f_prev'(A[k])·Σ_j W(j, k)·δ[j], the same blocked product as
//                forward, each vector multiplied by the derivative before it is stored.
//
// A chunk is processed two sample vectors at a time; samples past the chunk's count, up to a
// whole pair of vectors, are padding: their inputs are zero and the loss gradient is zero there,
// so they add nothing to the gradients.
//
// The loops over registers (rows and vectors of a block, lanes) have constant trip counts of at
// most 16 and carry `#pragma GCC unroll 16`, which GCC and Clang both honour: fully unrolled,
// their arrays live in registers. They were expansions over index sequences before; plain
// loops instantiate far fewer functions, compile faster, and let the blocks inline into the
// chunk's pass. The backward product's blocks inline too since they multiply by the layer
// below's derivative before storing: called out of line, a small network's training step was
// much slower.
// chunk_block and chunk_product are always inlined: behind the layer drivers (graph/chain.hpp)
// GCC left them out of line, and every block then reloaded its lambdas' captures and the
// layer's bias pointer from memory.

#include "../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "../config.hpp"
#include "../sym/math.hpp"

namespace hardwired::kernels {

namespace detail {

/// Adds `v` to the values at `at`, or, when `overwrite`, writes it there (the first chunk of a
/// batch: its gradients need no zero-filled array to add to).
template <class V, class T>
inline void add_to(V const& v, T* at, bool overwrite) {
    if constexpr (std::is_arithmetic_v<V>)
        *at = overwrite ? v : *at + v;
    else
        (overwrite ? v : V::load_unaligned(at) + v).store_unaligned(at);
}

/// Rows of a register block of the chunk product, and sample vectors per block: with the two
/// loaded input vectors and a broadcast, 6 × 2 accumulators fit 16 registers (SSE2, AVX2) and
/// 8 × 2 fit 32 (AVX-512, the ISA of 64-byte registers), where they were faster than 6 × 2 for
/// batched forward passes and no slower for training steps; 12 × 2 spills.
template <class B>
inline constexpr std::size_t block_rows = hardwired::detail::register_bytes<B> == 64 ? 8 : 6;
inline constexpr std::size_t block_vectors = 2;

/// One block: out[r0 + i][v0 + u] for i < R, u < V, from Red input rows.
/// W(r, q) = w[r·RS + q·QS]; `init(r)` is the accumulator's start (bias or 0); `store(r, v, acc)`
/// takes each result.
template <std::size_t R, std::size_t V, std::size_t Red, std::size_t RS, std::size_t QS, class T,
          class Init, class Store>
HARDWIRED_ALWAYS_INLINE void chunk_block(T const* w, T const* src, std::size_t r0, std::size_t v0,
                                         Init& init, Store& store) {
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size;
    B acc[R][V];
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i) {
        const B start(init(r0 + i));
#pragma GCC unroll 16
        for (std::size_t u = 0; u < V; ++u)
            acc[i][u] = start;
    }
    T const* wr = w + r0 * RS;
    // Clang 14 unrolls a short reduction (8 inputs, net C's first layer) completely, loads every
    // broadcast weight ahead and spills them, which a loop avoids. GCC keeps the loop as it is.
#ifdef __clang__
#pragma clang loop unroll(disable)
#endif
    for (std::size_t q = 0; q < Red; ++q) {
        B in[V];
#pragma GCC unroll 16
        for (std::size_t u = 0; u < V; ++u)
            in[u] = B::load_aligned(src + q * chunk_samples + (v0 + u) * L);
#pragma GCC unroll 16
        for (std::size_t i = 0; i < R; ++i) {
            const B weight(wr[i * RS + q * QS]);
#pragma GCC unroll 16
            for (std::size_t u = 0; u < V; ++u)
                acc[i][u] = hardwired::detail::madd(weight, in[u], acc[i][u]);
        }
    }
#pragma GCC unroll 16
    for (std::size_t i = 0; i < R; ++i)
#pragma GCC unroll 16
        for (std::size_t u = 0; u < V; ++u)
            store(r0 + i, v0 + u, acc[i][u]);
}

/// out[r][v] for every row r < Rows and sample vector v < nv, nv a multiple of block_vectors
/// (see chunk_block).
template <std::size_t Rows, std::size_t Red, std::size_t RS, std::size_t QS, class T, class Init,
          class Store>
HARDWIRED_ALWAYS_INLINE void chunk_product(T const* w, T const* src, std::size_t nv, Init init,
                                           Store store) {
    constexpr std::size_t rows = block_rows<xsimd::batch<T>>;
    constexpr std::size_t full = Rows / rows * rows;
    constexpr std::size_t tail = Rows - full;
    HARDWIRED_SAMPLE_VECTOR_LOOP
    for (std::size_t v = 0; v < nv; v += block_vectors) {
        for (std::size_t r = 0; r < full; r += rows)
            chunk_block<rows, block_vectors, Red, RS, QS>(w, src, r, v, init, store);
        if constexpr (tail > 0)
            chunk_block<tail, block_vectors, Red, RS, QS>(w, src, full, v, init, store);
    }
}

/// r[i] = the sum of the lanes of rows[i]: xsimd::haddp, whose AVX-512 float version in xsimd
/// 8.1 returns the sums in the order 0 1 4 5 2 3 6 7 8 9 12 13 10 11 14 15. That order is its own
/// inverse, so giving it the rows in that order puts every sum in place.
template <class B>
inline B row_sums(std::array<B, B::size> const& rows) {
    using T = typename B::value_type;
    if constexpr (std::is_same_v<T, float> &&
                  std::is_base_of_v<xsimd::avx512f, typename B::arch_type>) {
        constexpr std::size_t order[16] = {0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15};
        std::array<B, B::size> permuted;
#pragma GCC unroll 16
        for (std::size_t i = 0; i < B::size; ++i)
            permuted[i] = rows[order[i]];
        return xsimd::haddp(permuted.data());
    } else {
        return xsimd::haddp(rows.data());
    }
}

/// True when transpose_block has an in-register version for batches B (float on SSE2, AVX and
/// AVX-512); the backward pass then computes weight gradients with outputs in lanes.
template <class B>
inline constexpr bool has_transpose = std::is_same_v<typename B::value_type, float> &&
                                      (false
#if XSIMD_WITH_AVX512F
                                       || std::is_base_of_v<xsimd::avx512f, typename B::arch_type>
#endif
#if XSIMD_WITH_AVX
                                       || std::is_base_of_v<xsimd::avx, typename B::arch_type>
#endif
#if XSIMD_WITH_SSE2
                                       || std::is_base_of_v<xsimd::sse2, typename B::arch_type>
#endif
                                      );

/// The L×L block src[i·src_stride + s] (i, s < L, rows aligned) written transposed to
/// dst[s·dst_stride + i] (rows aligned), in registers: 4 × 16 shuffles for AVX-512's 16 × 16,
/// 3 × 8 for AVX's 8 × 8, 8 for SSE's 4 × 4 (each level interleaves pairs of rows at a wider
/// grain: single floats, pairs, 128-bit lanes, 256-bit halves).
template <class B>
inline void transpose_block(float const* src, std::size_t src_stride, float* dst,
                            std::size_t dst_stride) {
    static_assert(has_transpose<B>);
#if XSIMD_WITH_AVX512F
    if constexpr (std::is_base_of_v<xsimd::avx512f, typename B::arch_type>) {
        __m512 r[16], t[16];
#pragma GCC unroll 16
        for (std::size_t i = 0; i < 16; ++i)
            r[i] = _mm512_load_ps(src + i * src_stride);
#pragma GCC unroll 4
        for (std::size_t q = 0; q < 16; q += 4) {
            t[q] = _mm512_unpacklo_ps(r[q], r[q + 1]);
            t[q + 1] = _mm512_unpackhi_ps(r[q], r[q + 1]);
            t[q + 2] = _mm512_unpacklo_ps(r[q + 2], r[q + 3]);
            t[q + 3] = _mm512_unpackhi_ps(r[q + 2], r[q + 3]);
            r[q] = _mm512_shuffle_ps(t[q], t[q + 2], 0x44);
            r[q + 1] = _mm512_shuffle_ps(t[q], t[q + 2], 0xee);
            r[q + 2] = _mm512_shuffle_ps(t[q + 1], t[q + 3], 0x44);
            r[q + 3] = _mm512_shuffle_ps(t[q + 1], t[q + 3], 0xee);
        }
        // r[4q + c]: in 128-bit lane l, column 4l + c of rows 4q … 4q + 3.
#pragma GCC unroll 8
        for (std::size_t i = 0; i < 8; ++i) {
            const std::size_t h = i / 4 * 8, c = i % 4;
            t[h + c] = _mm512_shuffle_f32x4(r[h + c], r[h + 4 + c], 0x88);
            t[h + 4 + c] = _mm512_shuffle_f32x4(r[h + c], r[h + 4 + c], 0xdd);
        }
#pragma GCC unroll 8
        for (std::size_t i = 0; i < 8; ++i) {
            _mm512_store_ps(dst + i * dst_stride, _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88));
            _mm512_store_ps(dst + (i + 8) * dst_stride, _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd));
        }
    } else
#endif
#if XSIMD_WITH_AVX
        if constexpr (std::is_base_of_v<xsimd::avx, typename B::arch_type>) {
        __m256 r[8], t[8];
#pragma GCC unroll 8
        for (std::size_t i = 0; i < 8; ++i)
            r[i] = _mm256_load_ps(src + i * src_stride);
#pragma GCC unroll 2
        for (std::size_t q = 0; q < 8; q += 4) {
            t[q] = _mm256_unpacklo_ps(r[q], r[q + 1]);
            t[q + 1] = _mm256_unpackhi_ps(r[q], r[q + 1]);
            t[q + 2] = _mm256_unpacklo_ps(r[q + 2], r[q + 3]);
            t[q + 3] = _mm256_unpackhi_ps(r[q + 2], r[q + 3]);
            r[q] = _mm256_shuffle_ps(t[q], t[q + 2], 0x44);
            r[q + 1] = _mm256_shuffle_ps(t[q], t[q + 2], 0xee);
            r[q + 2] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0x44);
            r[q + 3] = _mm256_shuffle_ps(t[q + 1], t[q + 3], 0xee);
        }
#pragma GCC unroll 4
        for (std::size_t c = 0; c < 4; ++c) {
            _mm256_store_ps(dst + c * dst_stride, _mm256_permute2f128_ps(r[c], r[c + 4], 0x20));
            _mm256_store_ps(dst + (c + 4) * dst_stride,
                            _mm256_permute2f128_ps(r[c], r[c + 4], 0x31));
        }
    } else
#endif
#if XSIMD_WITH_SSE2
        if constexpr (std::is_base_of_v<xsimd::sse2, typename B::arch_type>) {
        __m128 r0 = _mm_load_ps(src), r1 = _mm_load_ps(src + src_stride),
               r2 = _mm_load_ps(src + 2 * src_stride), r3 = _mm_load_ps(src + 3 * src_stride);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        _mm_store_ps(dst, r0);
        _mm_store_ps(dst + dst_stride, r1);
        _mm_store_ps(dst + 2 * dst_stride, r2);
        _mm_store_ps(dst + 3 * dst_stride, r3);
    } else
#endif
    {
        // Not reached: has_transpose<B> holds.
    }
}

/// Weight gradients with outputs in lanes, one block: for the K inputs k0 … and the U output
/// vectors u0 …, dW(u·L …, k) = flat[k·Out + u·L …] += Σ_{s < ns} a_in[k][s]·Δᵀ[s][u·L …],
/// Δᵀ = dt (row s at s·Out), each a_in value broadcast from memory.
template <std::size_t K, std::size_t U, std::size_t Out, class T>
inline void gradient_block(T const* a_in, T const* dt, std::size_t ns, std::size_t k0,
                           std::size_t u0, T* flat, bool overwrite) {
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size;
    B acc[K][U];
#pragma GCC unroll 16
    for (std::size_t i = 0; i < K; ++i)
#pragma GCC unroll 16
        for (std::size_t u = 0; u < U; ++u)
            acc[i][u] = B(T(0));
    for (std::size_t s = 0; s < ns; ++s) {
        B d[U];
#pragma GCC unroll 16
        for (std::size_t u = 0; u < U; ++u)
            d[u] = B::load_aligned(dt + s * Out + (u0 + u) * L);
#pragma GCC unroll 16
        for (std::size_t i = 0; i < K; ++i) {
            const B x(a_in[(k0 + i) * chunk_samples + s]);
#pragma GCC unroll 16
            for (std::size_t u = 0; u < U; ++u)
                acc[i][u] = hardwired::detail::madd(x, d[u], acc[i][u]);
        }
    }
#pragma GCC unroll 16
    for (std::size_t i = 0; i < K; ++i)
#pragma GCC unroll 16
        for (std::size_t u = 0; u < U; ++u) {
            add_to(acc[i][u], flat + (k0 + i) * Out + (u0 + u) * L, overwrite);
        }
}

/// Weight and bias gradients (none when db is null) from Δᵀ (dt, ns sample rows of Out values,
/// Out a multiple of L), in blocks of up to 4 output vectors × as many inputs as keep 16
/// accumulators.
template <std::size_t In, std::size_t Out, class T>
inline void transposed_gradients(T const* a_in, T const* dt, std::size_t ns, T* flat, T* db,
                                 bool overwrite) {
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size, V = Out / L, U = std::min<std::size_t>(V, 4);
    constexpr std::size_t K = std::min<std::size_t>(In, 16 / U);
    auto rows = [&]<std::size_t Ur>(std::size_t u0) {
        std::size_t k0 = 0;
        for (; k0 + K <= In; k0 += K)
            gradient_block<K, Ur, Out>(a_in, dt, ns, k0, u0, flat, overwrite);
        if constexpr (In % K != 0)
            gradient_block<In % K, Ur, Out>(a_in, dt, ns, k0, u0, flat, overwrite);
    };
    std::size_t u0 = 0;
    for (; u0 + U <= V; u0 += U)
        rows.template operator()<U>(u0);
    if constexpr (V % U != 0)
        rows.template operator()<V % U>(u0);
    for (std::size_t u = 0; db && u < V; ++u) {
        B sum(T(0));
        for (std::size_t s = 0; s < ns; ++s)
            sum += B::load_aligned(dt + s * Out + u * L);
        add_to(sum, db + u * L, overwrite);
    }
}

/// db[j] += Σ_s δ[j][s] for the Rows rows of a chunk (written when `overwrite`): L rows at a
/// time reduced together by row_sums, the rest one by one.
template <std::size_t Rows, class T>
inline void add_row_sums(T const* delta, std::size_t nv, T* db, bool overwrite) {
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size, whole = Rows / L * L;
    for (std::size_t j0 = 0; j0 < whole; j0 += L) {
        alignas(64) std::array<B, L> sums;
#pragma GCC unroll 16
        for (std::size_t i = 0; i < L; ++i) {
            sums[i] = B::load_aligned(delta + (j0 + i) * chunk_samples);
            HARDWIRED_SAMPLE_VECTOR_LOOP
            for (std::size_t v = 1; v < nv; ++v)
                sums[i] += B::load_aligned(delta + (j0 + i) * chunk_samples + v * L);
        }
        add_to(row_sums(sums), db + j0, overwrite);
    }
    for (std::size_t j = whole; j < Rows; ++j) {
        B sum(T(0));
        HARDWIRED_SAMPLE_VECTOR_LOOP
        for (std::size_t v = 0; v < nv; ++v)
            sum += B::load_aligned(delta + j * chunk_samples + v * L);
        add_to(xsimd::hadd(sum), db + j, overwrite);
    }
}

/// The gradients of the chunk product Z = W·A (+ b) given δ = ∂L/∂Z (Out rows, zero on
/// padding) and A (a_in, In rows), W stored by columns (W(j, k) at flat[k·Out + j], as
/// chunk_product<Out, In, 1, Out> reads it): flat += Σ_s δ_s·A_sᵀ and, unless db is null,
/// db += Σ_s δ_s; written instead of added when `overwrite`. `scratch` holds nv·L·Out values.
/// With Out a multiple of the width and an in-register transpose, the gradients take outputs in
/// lanes from δ transposed into scratch (transposed_gradients); otherwise samples in lanes, L
/// weights at a time reduced by one haddp.
template <std::size_t In, std::size_t Out, class T>
inline void chunk_weight_gradients(T const* a_in, T const* delta, T* scratch, std::size_t nv,
                                   T* flat, std::type_identity_t<T>* db, bool overwrite) {
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size;
    constexpr bool transposed = Out % L == 0 && has_transpose<B>;
    if constexpr (transposed) {
        // Δᵀ into scratch (sample s's δ at s·Out), then the gradients from it.
        for (std::size_t j = 0; j < Out; j += L) {
            HARDWIRED_SAMPLE_VECTOR_LOOP
            for (std::size_t v = 0; v < nv; ++v)
                transpose_block<B>(delta + j * chunk_samples + v * L, chunk_samples,
                                   scratch + v * L * Out + j, Out);
        }
        transposed_gradients<In, Out>(a_in, scratch, nv * L, flat, db, overwrite);
    } else {
        if (db)
            add_row_sums<Out>(delta, nv, db, overwrite);
        // dW in the flat order f = k·Out + j, L entries at a time: L sums of products over the
        // samples, reduced together by haddp. When Out is a multiple of L a group shares its
        // input row k, loaded once per sample vector.
        constexpr std::size_t count = In * Out;
        auto products = [&]<std::size_t N>(std::size_t f0, std::integral_constant<std::size_t, N>) {
            alignas(64) std::array<B, L> acc;
            acc.fill(B(T(0)));
            if constexpr (Out % L == 0) {
                T const* in = a_in + f0 / Out * chunk_samples;
                T const* d = delta + f0 % Out * chunk_samples;
                HARDWIRED_SAMPLE_VECTOR_LOOP
                for (std::size_t v = 0; v < nv; ++v) {
                    const B x = B::load_aligned(in + v * L);
#pragma GCC unroll 16
                    for (std::size_t i = 0; i < L; ++i)
                        acc[i] = hardwired::detail::madd(
                            B::load_aligned(d + i * chunk_samples + v * L), x, acc[i]);
                }
            } else {
#pragma GCC unroll 16
                for (std::size_t i = 0; i < N; ++i) {
                    const std::size_t f = f0 + i;
                    T const* in = a_in + f / Out * chunk_samples;
                    T const* d = delta + f % Out * chunk_samples;
                    HARDWIRED_SAMPLE_VECTOR_LOOP
                    for (std::size_t v = 0; v < nv; ++v)
                        acc[i] = hardwired::detail::madd(B::load_aligned(d + v * L),
                                                         B::load_aligned(in + v * L), acc[i]);
                }
            }
            return row_sums(acc);
        };
        constexpr std::size_t full = count / L * L;
        for (std::size_t f0 = 0; f0 < full; f0 += L)
            add_to(products(f0, std::integral_constant<std::size_t, L>{}), flat + f0, overwrite);
        if constexpr (full < count) {
            alignas(64) std::array<T, L> rest;
            products(full, std::integral_constant<std::size_t, count - full>{})
                .store_aligned(rest.data());
            if (overwrite) // a loop each, so that both vectorize (add_to here was slower)
                std::copy_n(rest.data(), count - full, flat + full);
            else
                for (std::size_t i = 0; i < count - full; ++i)
                    flat[full + i] += rest[i];
        }
    }
}

} // namespace detail

} // namespace hardwired::kernels
