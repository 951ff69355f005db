#pragma once
// Products z += W·a with W stored column by column (input k's weights to every output together)
// and the outputs in SIMD lanes, for one sample: a recurrent or convolution step's product
// (`column_product`: blocks of rows in independent FMA chains, rows past whole batches in
// narrower ones, weights beyond L1 read in parts whose order alternates step by step), and the
// backward pass of any such product, the dense layer's included (`column_product_backward`).
// The blocks of FMAs and the element-wise cascade of widths are one_sample_simd.hpp's.

#include "../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "../config.hpp"
#include "../layers/layer.hpp"
#include "chunk_simd.hpp"
#include "one_sample_simd.hpp"

namespace hardwired::kernels {

namespace detail {

/// Independent FMA chains for a recurrent or convolution layer's product of In × Rows weights
/// (column_rows; config.hpp).
template <class T, std::size_t In, std::size_t Rows>
inline constexpr std::size_t step_chains =
    fits_l1<T, In, Rows> ? HARDWIRED_FMA_CHAINS_STEP : HARDWIRED_FMA_CHAINS_STREAMED;

/// The most batches of outputs column_product keeps in registers as one block: with the
/// broadcast input and a loaded weight, 12 accumulators fit the 16 vector registers of SSE and
/// AVX2, and 24 leave AVX-512's 32 room for the partial sums of a block of fewer batches.
#if defined(__AVX512F__)
inline constexpr std::size_t max_block_batches = 24;
#else
inline constexpr std::size_t max_block_batches = 12;
#endif

/// Σ_k W(r, k)·a[k] for the rows r in [First, Rows), W(r, k) = w[k·Stride + r], in batches of B,
/// each batch V of rows at r starting from init.template operator()<V>(r) and its sum handed to
/// fin.template operator()<V>(r, sum): whole batches of outputs in blocks of up to `step_chains`
/// batches (accumulate, with step_chains independent chains), or all of them as one block when
/// there are at most max_block_batches and the weights fit in L1. (A block mostly waits for the one
/// before it, whose loop is longer than an out-of-order core looks ahead, so a short last block
/// adds its whole latency.) The rows past the last whole batch go to the batch of half as many
/// lanes, down to two lanes, and what is left by scalar sums (V = T): every load stays inside the
/// rows. (With 16 float lanes, a GRU of 8 or 40 units has 8 gate rows past its whole batches, which
/// as scalar sums took longer than all the others.) Stride is Rows but where the rows are one
/// group's share of longer columns (a grouped convolution).
template <std::size_t In, std::size_t Rows, std::size_t First, class B, std::size_t Stride = Rows,
          class T, class Init, class Fin>
HARDWIRED_ALWAYS_INLINE void column_rows(T const* w, T const* a, Init const& init, Fin const& fin) {
    constexpr std::size_t L = B::size, full = First + (Rows - First) / L * L,
                          batches = (full - First) / L, C = step_chains<T, In, Rows>;
    constexpr bool one_block = fits_l1<T, In, Rows> && batches > 0 && batches <= max_block_batches;
    constexpr std::size_t V = one_block ? batches : std::min(C, max_block_batches), block = V * L;
    // Rows [j, j + N·L), N batches in registers.
    const auto rows = [&](std::size_t j, auto count) HARDWIRED_INLINE_LAMBDA {
        constexpr std::size_t N = decltype(count)::value;
        std::array<B, N> acc;
#pragma GCC unroll 64
        for (std::size_t v = 0; v < N; ++v)
            acc[v] = init.template operator()<B>(j + v * L);
        accumulate<In, Stride, C>(acc, w + j, a);
#pragma GCC unroll 64
        for (std::size_t v = 0; v < N; ++v)
            fin.template operator()<B>(j + v * L, acc[v]);
    };
    std::size_t j = First;
    for (; j + block <= full; j += block)
        rows(j, std::integral_constant<std::size_t, V>{});
    if constexpr ((full - First) % block != 0)
        rows(j, std::integral_constant<std::size_t, (full - First) % block / L>{});
    if constexpr (full < Rows) {
        if constexpr (!std::is_void_v<half_batch<T, B>>) {
            column_rows<In, Rows, full, half_batch<T, B>, Stride>(w, a, init, fin);
        } else {
            for (std::size_t r = full; r < Rows; ++r) {
                T sum = init.template operator()<T>(r);
                for (std::size_t k = 0; k < In; ++k)
                    sum += w[k * Stride + r] * a[k];
                fin.template operator()<T>(r, sum);
            }
        }
    }
}

#if defined(__AVX512F__)
/// The upper half of b's lanes, then the lower half of c's.
template <class B>
HARDWIRED_ALWAYS_INLINE B upper_then_lower(B b, B c) {
    if constexpr (std::is_same_v<typename B::value_type, float>)
        return B(_mm512_shuffle_f32x4(b, c, 0x4E));
    else
        return B(_mm512_shuffle_f64x2(b, c, 0x4E));
}

/// The half batch h, then the lower half of c's lanes.
template <class B, class H>
HARDWIRED_ALWAYS_INLINE B half_then_lower(H h, B c) {
    if constexpr (std::is_same_v<typename B::value_type, float>)
        return B(_mm512_shuffle_f32x4(_mm512_castps256_ps512(h), c, 0x44));
    else
        return B(_mm512_shuffle_f64x2(_mm512_castpd256_pd512(h), c, 0x44));
}

/// The lower half of b's lanes, as a half batch H.
template <class H, class B>
HARDWIRED_ALWAYS_INLINE H lower_half(B b) {
    if constexpr (std::is_same_v<typename B::value_type, float>)
        return H(_mm512_castps512_ps256(b));
    else
        return H(_mm512_castpd512_pd256(b));
}

/// The upper half of b's lanes, as a half batch H.
template <class H, class B>
HARDWIRED_ALWAYS_INLINE H upper_half(B b) {
    if constexpr (std::is_same_v<typename B::value_type, float>)
        return H(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(b), 1)));
    else
        return H(_mm512_extractf64x4_pd(b, 1));
}

/// True where column_rows_halves serves a product of In columns of Rows rows of T: 64-byte
/// batches, Rows an odd multiple of half a batch and at least two and a half batches, its two
/// sets of accumulators together within max_block_batches, and more than one column. (With one
/// column, or one and a half batches, adding up the two sets took longer than the loads it saves.)
template <class T, std::size_t In, std::size_t Rows>
inline constexpr bool halves_product = [] {
    constexpr std::size_t L = batch<T>::size;
    return sizeof(batch<T>) == 64 && Rows % L == L / 2 && Rows > 2 * L &&
           2 * (Rows / L + 1) <= max_block_batches && In > 1;
}();

/// column_rows for halves_product: with Rows an odd multiple of half a batch, consecutive
/// columns start alternately on a batch boundary and half a batch past one, and a whole batch
/// loaded from the second kind spans two cache lines. So each kind keeps its own accumulators:
/// e[j] the rows [jL, jL + L) of the columns that start on a boundary, and the half batch eh the
/// last L/2 rows; oh the first L/2 rows of the others, o[m] their rows [mL + L/2, mL + L + L/2).
/// Every load stays within one line, and the two sets are added up by lanes at the end. (Which
/// columns go to which set changes the speed only: the sums are right either way.)
/// FirstAligned: whether column 0 starts on a batch boundary. (A GRU of 40 units has 120 gate
/// rows, 7½ batches of 16 floats.)
template <std::size_t In, std::size_t Rows, bool FirstAligned, class B, class T, class Init,
          class Fin>
HARDWIRED_ALWAYS_INLINE void column_rows_halves(T const* w, T const* a, Init const& init,
                                                Fin const& fin) {
    using H = half_batch<T, B>;
    constexpr std::size_t L = B::size, n = Rows / L, h = L / 2;
    std::array<B, n> e, o;
#pragma GCC unroll 64
    for (std::size_t j = 0; j < n; ++j) {
        e[j] = init.template operator()<B>(j * L);
        o[j] = B(T(0));
    }
    H eh = init.template operator()<H>(n * L), oh(T(0));
    const auto aligned = [&](std::size_t k) HARDWIRED_INLINE_LAMBDA {
        const B x(a[k]);
        T const* c = w + k * Rows;
#pragma GCC unroll 64
        for (std::size_t j = 0; j < n; ++j)
            e[j] = hardwired::detail::madd(B::load_unaligned(c + j * L), x, e[j]);
        eh = hardwired::detail::madd(H::load_unaligned(c + n * L), lower_half<H>(x), eh);
    };
    const auto shifted = [&](std::size_t k) HARDWIRED_INLINE_LAMBDA {
        const B x(a[k]);
        T const* c = w + k * Rows;
        oh = hardwired::detail::madd(H::load_unaligned(c), lower_half<H>(x), oh);
#pragma GCC unroll 64
        for (std::size_t m = 0; m < n; ++m)
            o[m] = hardwired::detail::madd(B::load_unaligned(c + h + m * L), x, o[m]);
    };
    std::size_t k = 0;
    for (; k + 2 <= In; k += 2) {
        if constexpr (FirstAligned) {
            aligned(k);
            shifted(k + 1);
        } else {
            shifted(k);
            aligned(k + 1);
        }
    }
    if constexpr (In % 2 != 0) {
        if constexpr (FirstAligned)
            aligned(k);
        else
            shifted(k);
    }
    fin.template operator()<B>(0, e[0] + half_then_lower(oh, o[0]));
#pragma GCC unroll 64
    for (std::size_t j = 1; j < n; ++j)
        fin.template operator()<B>(j * L, e[j] + upper_then_lower(o[j - 1], o[j]));
    fin.template operator()<H>(n * L, eh + upper_half<H>(o[n - 1]));
}
#else
/// Without 64-byte batches column_rows_halves serves no product.
template <class T, std::size_t In, std::size_t Rows>
inline constexpr bool halves_product = false;
#endif

/// column_rows<In, Rows, 0, batch<T>, Stride>, or column_rows_halves where it serves (columns
/// of Rows values one after the other) and w starts on a batch boundary or half a batch past one.
template <std::size_t In, std::size_t Rows, std::size_t Stride = Rows, class T, class Init,
          class Fin>
HARDWIRED_ALWAYS_INLINE void column_rows_all(T const* w, T const* a, Init const& init,
                                             Fin const& fin) {
#if defined(__AVX512F__)
    if constexpr (Stride == Rows && halves_product<T, In, Rows>) {
        constexpr std::size_t L = batch<T>::size;
        const std::size_t phase = reinterpret_cast<std::uintptr_t>(w) / sizeof(T) % L;
        if (phase == 0)
            return column_rows_halves<In, Rows, true, batch<T>>(w, a, init, fin);
        if (phase == L / 2)
            return column_rows_halves<In, Rows, false, batch<T>>(w, a, init, fin);
    }
#endif
    column_rows<In, Rows, 0, batch<T>, Stride>(w, a, init, fin);
}

/// The parts column_product splits a product of In columns of Rows values of T into: one where
/// its weights fit in HARDWIRED_L1D_BYTES; up to three times that, three (columns
/// [i·In/3, (i + 1)·In/3) form part i), so that with the order reversed step by step the part
/// read last, and some of the one before it, are still in L1 when the next step begins (where
/// two parts of more than half of L1 each left less of them there; four or five parts spent
/// more on their sums than they saved); beyond, one again: only a small share of the weights
/// could stay cached, and a second layer of that size, stacked on the first, evicts them
/// anyway, where the parts then cost time and gain none.
template <class T, std::size_t In, std::size_t Rows>
inline constexpr std::size_t product_parts = [] {
    constexpr std::size_t bytes = In * Rows * sizeof(T), l1 = HARDWIRED_L1D_BYTES;
    return !fits_l1<T, In, Rows> && bytes <= 3 * l1 ? std::min<std::size_t>(In, 3) : std::size_t{1};
}();

/// p, with what the compiler knows of where it points forgotten, so that what is read through
/// it is loaded from memory. A product broadcasts its inputs one by one; where the compiler sees
/// them stored from a register just before, it broadcasts each by a lane permutation of the
/// register instead: two or three instructions, most of them on the ports of the FMAs, in place
/// of one load. Which is faster depends on what a step waits for. A recurrent layer's step is
/// bound by those ports (its gate product has several batches of rows per column), and its h was
/// stored by the step before (in a block of steps, one loop, the compiler sees that store): the
/// recurrent layers pass x and h through here. A convolution step of few channels waits on a
/// chain of layers, each reading what the one before it has just computed (a WaveNet: its taps'
/// newest input and the 1×1 layers' input), and there the permutations skip a store and a load
/// on that chain: column_product itself broadcasts what it is given as the compiler sees fit.
template <class T>
HARDWIRED_ALWAYS_INLINE T const* from_memory(T const* p) {
#if defined(__GNUC__) || defined(__clang__)
    asm("" : "+r"(p));
#endif
    return p;
}

/// z[r] += Σ_k W(r, k)·a[k] for the Rows outputs r, W(r, k) = w[k·Stride + r] (column_rows, or
/// column_rows_halves where it serves), each a[k] broadcast (from memory where a is from_memory's).
///
/// A product whose weights exceed the L1 data cache is split into parts of columns
/// (product_parts), read in order, or in reverse order when `reversed`: the consecutive steps of
/// a recurrent layer alternate the two, so that the part one step reads last is still in L1 when
/// the next step begins, where reading the weights in the same order every step evicts each
/// weight before it is read again. Either way z ends as (((z + S_0) + S_1) + …) + S_{n−1}, S_i
/// part i's sum: S_0 is added to z, every other part sums from zero into a buffer of its own,
/// and the part read last adds up all of them as it stores its sums, so the results do not
/// depend on `reversed`, bit for bit.
template <std::size_t In, std::size_t Rows, std::size_t Stride = Rows, class T>
HARDWIRED_ALWAYS_INLINE void column_product(T const* w, T const* a, T* z, bool reversed) {
    constexpr std::size_t n = product_parts<T, In, Rows>;
    const auto from_z = [z]<class V>(std::size_t r)
                            HARDWIRED_INLINE_LAMBDA { return load_as<V>(z, r); };
    const auto to_z = [z]<class V>(std::size_t r, V sum)
                          HARDWIRED_INLINE_LAMBDA { store_as(z, r, sum); };
    if constexpr (n == 1) {
        column_rows_all<In, Rows, Stride>(w, a, from_z, to_z);
    } else {
        alignas(64) std::array<std::array<T, Rows>, n - 1> sums;
        const auto part = [&](auto index, auto last) HARDWIRED_INLINE_LAMBDA {
            constexpr std::size_t I = decltype(index)::value;
            constexpr bool Last = decltype(last)::value;
            constexpr std::size_t first = I * In / n, cols = (I + 1) * In / n - first;
            T const* wp = w + first * Stride;
            const auto from_zero = []<class V>(std::size_t)
                                       HARDWIRED_INLINE_LAMBDA { return V(T(0)); };
            // z's value and the sums of parts 1, 2, … at r, this part's `sum` in its place.
            const auto add_up = [&]<class V>(std::size_t r, V sum) HARDWIRED_INLINE_LAMBDA {
                V total = I == 0 ? sum : load_as<V>(z, r);
                [&]<std::size_t... i>(std::index_sequence<i...>) HARDWIRED_INLINE_LAMBDA {
                    ((total = total + (i + 1 == I ? sum : load_as<V>(sums[i].data(), r))), ...);
                }
                (std::make_index_sequence<n - 1>{});
                store_as(z, r, total);
            };
            const auto to_sums = [&]<class V>(std::size_t r, V sum) HARDWIRED_INLINE_LAMBDA {
                store_as(sums[I - 1].data(), r, sum);
            };
            if constexpr (I == 0 && Last)
                column_rows_all<cols, Rows, Stride>(wp, a + first, from_z, add_up);
            else if constexpr (I == 0)
                column_rows_all<cols, Rows, Stride>(wp, a + first, from_z, to_z);
            else if constexpr (Last)
                column_rows_all<cols, Rows, Stride>(wp, a + first, from_zero, add_up);
            else
                column_rows_all<cols, Rows, Stride>(wp, a + first, from_zero, to_sums);
        };
        [&]<std::size_t... I>(std::index_sequence<I...>) HARDWIRED_INLINE_LAMBDA {
            if (reversed)
                (part(std::integral_constant<std::size_t, n - 1 - I>{},
                      std::bool_constant<I + 1 == n>{}),
                 ...);
            else
                (part(std::integral_constant<std::size_t, I>{}, std::bool_constant<I + 1 == n>{}),
                 ...);
        }
        (std::make_index_sequence<n>{});
    }
}

/// Column `col` of dW (dcol) gains δ·x over rows [First, Full), whole batches of B, and the
/// sums col[r]·δ[r] over them are returned in B's lanes.
template <std::size_t Full, class B, std::size_t First = 0, class T>
HARDWIRED_ALWAYS_INLINE B column_lanes(T const* col, T* dcol, T x, T const* delta) {
    B back(T(0));
#pragma GCC unroll 16
    for (std::size_t j = First; j < Full; j += B::size) {
        const B d = B::load_unaligned(delta + j);
        hardwired::detail::madd(d, B(x), B::load_unaligned(dcol + j)).store_unaligned(dcol + j);
        back = hardwired::detail::madd(B::load_unaligned(col + j), d, back);
    }
    return back;
}

/// Column `col` of dW (dcol) gains δ·x over rows [First, Rows), and returns Σ col[r]·δ[r] over
/// them: whole batches of B with the sum in lanes, added across them, and what they leave by the
/// batch of half as many lanes, down to two lanes, then row by row, each summed on its own.
template <std::size_t Rows, class T, class B = batch<T>, std::size_t First = 0>
HARDWIRED_ALWAYS_INLINE T column_backward(T const* col, T* dcol, T x, T const* delta) {
    constexpr std::size_t L = B::size, full = First + (Rows - First) / L * L;
    T rest = T(0);
    if constexpr (full < Rows) {
        if constexpr (!std::is_void_v<half_batch<T, B>>) {
            rest = column_backward<Rows, T, half_batch<T, B>, full>(col, dcol, x, delta);
        } else {
            for (std::size_t t = full; t < Rows; ++t) {
                dcol[t] += delta[t] * x;
                rest += col[t] * delta[t];
            }
        }
    }
    if constexpr (full == First)
        return rest;
    else
        return xsimd::hadd(column_lanes<full, B, First>(col, dcol, x, delta)) + rest;
}

/// The widest batch of T in column_backward's cascade (batch<T>, then half as many lanes each
/// time, down to two) with at most Rows lanes; void where even two are more.
template <class T, std::size_t Rows, class B = batch<T>>
struct widest_within {
    using type = typename std::conditional_t<(B::size <= Rows), std::type_identity<B>,
                                             widest_within<T, Rows, half_batch<T, B>>>::type;
};
template <class T, std::size_t Rows>
struct widest_within<T, Rows, void> {
    using type = void;
};
/// The lanes of a batch B, and 1 for void.
template <class B>
inline constexpr std::size_t lanes_or_one = B::size;
template <>
inline constexpr std::size_t lanes_or_one<void> = 1;

/// Back through a product z = W·a of In columns of Rows values, W(r, k) = w[k·Stride + r], given
/// δ = ∂L/∂z: column k of dW gains δ·a[k], and g[k] = Σ_r W(r, k)·δ[r] (added to g[k] when Add;
/// not computed where g is null). Each column's sum is taken in the lanes of the widest batch B
/// that its rows fill (column_backward); the sums of L = B::size columns are then reduced across
/// their lanes together (row_sums: about one shuffle and one add per column, where one column's
/// own reduction takes a shuffle and an add per halving of the lanes). Columns past the last
/// whole group are reduced one by one.
template <std::size_t In, std::size_t Rows, bool Add = false, std::size_t Stride = Rows, class T>
void column_product_backward(T const* w, T* dw, T const* a, T const* delta, T* g) {
    using B = typename widest_within<T, Rows>::type;
    constexpr std::size_t L = lanes_or_one<B>, grouped = std::is_void_v<B> ? 0 : In / L * L;
    if constexpr (!std::is_void_v<B> && grouped > 0) {
        constexpr std::size_t full = Rows / L * L;
        for (std::size_t k0 = 0; k0 < grouped; k0 += L) {
            std::array<B, L> back;
            alignas(64) std::array<T, L> rest{};
#pragma GCC unroll 16
            for (std::size_t i = 0; i < L; ++i) {
                const std::size_t k = k0 + i;
                if constexpr (full < Rows)
                    rest[i] = column_backward<Rows, T, B, full>(w + k * Stride, dw + k * Stride,
                                                                a[k], delta);
                back[i] = column_lanes<full, B>(w + k * Stride, dw + k * Stride, a[k], delta);
            }
            if (g) {
                const B sums = row_sums(back) + B::load_aligned(rest.data());
                (Add ? B::load_unaligned(g + k0) + sums : sums).store_unaligned(g + k0);
            }
        }
    }
    for (std::size_t k = grouped; k < In; ++k) {
        const T back = column_backward<Rows>(w + k * Stride, dw + k * Stride, a[k], delta);
        if (g)
            g[k] = Add ? g[k] + back : back;
    }
}

} // namespace detail

} // namespace hardwired::kernels
