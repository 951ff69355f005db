#pragma once
// The xsimd machinery of one-sample kernels whose outputs lie in SIMD lanes (the dense layer's,
// layers/dense/simd.hpp; the recurrent layers' gate products, layers/recurrent.hpp): a product
// z += W·a with W stored column by column (input k's weights to every output together), as a
// sum of broadcast-FMAs over the inputs kept in several independent partial sums.

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
#include "../sym/substitute.hpp"

namespace hardwired::kernels {

namespace detail {

using hardwired::detail::load_as;
using hardwired::detail::store_as;

/// F with every tanh in its form of shortest latency (sym/math.hpp), for the one-sample kernels
/// of a recurrent step, whose next call waits for every value this one computes. Elsewhere
/// hw::tanh's form of fewer operations stays: independent one-sample calls overlap, and there
/// the count of operations decides.
template <auto F>
inline constexpr auto
    low_latency = hardwired::detail::replace_op<ops::tanh, ops::tanh_low_latency>(F);

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
#pragma GCC unroll 64
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

/// Whether In × Out weights of T fit in HARDWIRED_L1D_BYTES, where a one-sample call finds them
/// still cached from the one before.
template <class T, std::size_t In, std::size_t Out>
inline constexpr bool fits_l1 = In* Out * sizeof(T) <= HARDWIRED_L1D_BYTES;

/// Independent FMA chains for a layer of In × Out weights (config.hpp).
template <class T, std::size_t In, std::size_t Out>
inline constexpr std::size_t chains =
    fits_l1<T, In, Out> ? HARDWIRED_FMA_CHAINS : HARDWIRED_FMA_CHAINS_STREAMED;

/// The batch of T with half of B's lanes, or void where there is none of at least two lanes: the
/// next width of the cascade by which column_rows and for_each_batch take what whole batches of B
/// leave.
template <class T, class B>
using half_batch =
    std::conditional_t<(B::size / 2 >= 2), xsimd::make_sized_batch_t<T, B::size / 2>, void>;

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

/// Σ_k W(r, k)·a[k] for the rows r in [First, Rows), W(r, k) = w[k·Rows + r], in batches of B,
/// each batch V of rows at r starting from init.template operator()<V>(r) and its sum handed to
/// fin.template operator()<V>(r, sum): whole batches of outputs in blocks of up to `step_chains`
/// batches (accumulate, with step_chains independent chains), or all of them as one block when
/// there are at most max_block_batches and the weights fit in L1. (A block mostly waits for the one
/// before it, whose loop is longer than an out-of-order core looks ahead, so a short last block
/// adds its whole latency.) The rows past the last whole batch go to the batch of half as many
/// lanes, down to two lanes, and what is left by scalar sums (V = T): every load stays inside the
/// rows. (With 16 float lanes, a GRU of 8 or 40 units has 8 gate rows past its whole batches, which
/// as scalar sums took longer than all the others.)
template <std::size_t In, std::size_t Rows, std::size_t First, class B, class T, class Init,
          class Fin>
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
        accumulate<In, Rows, C>(acc, w + j, a);
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
            column_rows<In, Rows, full, half_batch<T, B>>(w, a, init, fin);
        } else {
            for (std::size_t r = full; r < Rows; ++r) {
                T sum = init.template operator()<T>(r);
                for (std::size_t k = 0; k < In; ++k)
                    sum += w[k * Rows + r] * a[k];
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

/// column_rows<In, Rows, 0, batch<T>>, or column_rows_halves where it serves and w starts on a
/// batch boundary or half a batch past one.
template <std::size_t In, std::size_t Rows, class T, class Init, class Fin>
HARDWIRED_ALWAYS_INLINE void column_rows_all(T const* w, T const* a, Init const& init,
                                             Fin const& fin) {
#if defined(__AVX512F__)
    if constexpr (halves_product<T, In, Rows>) {
        constexpr std::size_t L = batch<T>::size;
        const std::size_t phase = reinterpret_cast<std::uintptr_t>(w) / sizeof(T) % L;
        if (phase == 0)
            return column_rows_halves<In, Rows, true, batch<T>>(w, a, init, fin);
        if (phase == L / 2)
            return column_rows_halves<In, Rows, false, batch<T>>(w, a, init, fin);
    }
#endif
    column_rows<In, Rows, 0, batch<T>>(w, a, init, fin);
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
/// it is loaded from memory. A step's product broadcasts its inputs one by one, and they were
/// often just stored from a register (h by the step before, where a block of steps is one
/// loop); where GCC sees that, it turns each broadcast from memory into a lane permutation of
/// the register: three instructions, two of them on the port of the FMAs.
template <class T>
HARDWIRED_ALWAYS_INLINE T const* from_memory(T const* p) {
#if defined(__GNUC__) || defined(__clang__)
    asm("" : "+r"(p));
#endif
    return p;
}

/// z[r] += Σ_k W(r, k)·a[k] for the Rows outputs r, W(r, k) = w[k·Rows + r] (column_rows, or
/// column_rows_halves where it serves), each a[k] broadcast from memory (from_memory).
///
/// A product whose weights exceed the L1 data cache is split into parts of columns
/// (product_parts), read in order, or in reverse order when `reversed`: the consecutive steps of
/// a recurrent layer alternate the two, so that the part one step reads last is still in L1 when
/// the next step begins, where reading the weights in the same order every step evicts each
/// weight before it is read again. Either way z ends as (((z + S_0) + S_1) + …) + S_{n−1}, S_i
/// part i's sum: S_0 is added to z, every other part sums from zero into a buffer of its own,
/// and the part read last adds up all of them as it stores its sums, so the results do not
/// depend on `reversed`, bit for bit.
template <std::size_t In, std::size_t Rows, class T>
HARDWIRED_ALWAYS_INLINE void column_product(T const* w, T const* a, T* z, bool reversed) {
    a = from_memory(a);
    constexpr std::size_t n = product_parts<T, In, Rows>;
    const auto from_z = [z]<class V>(std::size_t r)
                            HARDWIRED_INLINE_LAMBDA { return load_as<V>(z, r); };
    const auto to_z = [z]<class V>(std::size_t r, V sum)
                          HARDWIRED_INLINE_LAMBDA { store_as(z, r, sum); };
    if constexpr (n == 1) {
        column_rows_all<In, Rows>(w, a, from_z, to_z);
    } else {
        alignas(64) std::array<std::array<T, Rows>, n - 1> sums;
        const auto part = [&](auto index, auto last) HARDWIRED_INLINE_LAMBDA {
            constexpr std::size_t I = decltype(index)::value;
            constexpr bool Last = decltype(last)::value;
            constexpr std::size_t first = I * In / n, cols = (I + 1) * In / n - first;
            T const* wp = w + first * Rows;
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
                column_rows_all<cols, Rows>(wp, a + first, from_z, add_up);
            else if constexpr (I == 0)
                column_rows_all<cols, Rows>(wp, a + first, from_z, to_z);
            else if constexpr (Last)
                column_rows_all<cols, Rows>(wp, a + first, from_zero, add_up);
            else
                column_rows_all<cols, Rows>(wp, a + first, from_zero, to_sums);
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

/// init + Σ_{i < N} a[i]·b[i]: whole batches into up to four independent partial sums (a chain
/// of N scalar FMAs waits four cycles on each), added as a tree and across the lanes; the rest by
/// scalar FMAs from `init`, a chain beside the batches' (a bias added after the sum would wait
/// for all of it).
template <std::size_t N, class T>
HARDWIRED_ALWAYS_INLINE T dot(T const* a, T const* b, T init = T(0)) {
    using B = batch<T>;
    constexpr std::size_t L = lanes<T>, full = N / L * L;
    T rest = init;
    for (std::size_t i = full; i < N; ++i)
        rest = hardwired::detail::madd(a[i], b[i], rest);
    if constexpr (full == 0) {
        return rest;
    } else {
        constexpr std::size_t P = std::min<std::size_t>(4, N / L);
        std::array<B, P> part;
        part.fill(B(T(0)));
#pragma GCC unroll 64
        for (std::size_t i = 0; i < full; i += L)
            part[i / L % P] = hardwired::detail::madd(B::load_unaligned(a + i),
                                                      B::load_unaligned(b + i), part[i / L % P]);
        return xsimd::hadd(tree_sum<0, P>(part)) + rest;
    }
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
    if constexpr (full == First) {
        return rest;
    } else {
        B back(T(0));
#pragma GCC unroll 16
        for (std::size_t j = First; j < full; j += L) {
            const B d = B::load_unaligned(delta + j);
            hardwired::detail::madd(d, B(x), B::load_unaligned(dcol + j)).store_unaligned(dcol + j);
            back = hardwired::detail::madd(B::load_unaligned(col + j), d, back);
        }
        return xsimd::hadd(back) + rest;
    }
}

/// Back through a product z = W·a of In columns of Rows values, W(r, k) = w[k·Rows + r], given
/// δ = ∂L/∂z: column k of dW gains δ·a[k], and g[k] = Σ_r W(r, k)·δ[r] (added to g[k] when Add;
/// not computed where g is null), one column at a time (column_backward).
template <std::size_t In, std::size_t Rows, bool Add = false, class T>
void column_product_backward(T const* w, T* dw, T const* a, T const* delta, T* g) {
    for (std::size_t k = 0; k < In; ++k) {
        const T back = column_backward<Rows>(w + k * Rows, dw + k * Rows, a[k], delta);
        if (g)
            g[k] = Add ? g[k] + back : back;
    }
}

/// f.template operator()<V>(i) over [First, N): for i = First, First + L, … over the whole
/// batches of V = B (L lanes), then over what is left with the batch of half as many lanes, down
/// to two lanes, then with V = T for each element left. Every access stays inside [First, N), and
/// an element-wise pass is written and read back in batches of the same widths. (Loops left to
/// the compiler's vectorizer store 8 floats at a time where it prefers 256-bit vectors, as GCC
/// does for AVX-512 cores, and a 16-float load of those stores waits until they reach the cache,
/// a wait on every recurrent step's path.)
template <std::size_t N, class T, class B = batch<T>, std::size_t First = 0, class F>
HARDWIRED_ALWAYS_INLINE void for_each_batch(F const& f) {
    constexpr std::size_t L = B::size, full = First + (N - First) / L * L;
#pragma GCC unroll 64
    for (std::size_t i = First; i < full; i += L)
        f.template operator()<B>(i);
    if constexpr (full < N) {
        if constexpr (!std::is_void_v<half_batch<T, B>>) {
            for_each_batch<N, T, half_batch<T, B>, full>(f);
        } else {
            for (std::size_t i = full; i < N; ++i)
                f.template operator()<T>(i);
        }
    }
}

/// The elements for_each_batch<N, T> leaves to scalars: N modulo the fewest lanes of a batch.
template <std::size_t N, class T, class B = batch<T>>
constexpr std::size_t scalar_rest() {
    if constexpr (!std::is_void_v<half_batch<T, B>>)
        return scalar_rest<N, T, half_batch<T, B>>();
    else
        return N % B::size;
}

/// to[i] = from[i] for i < N, in batches (for_each_batch): a short copy inline (GCC makes a loop
/// of copies a call of memcpy, scalar or batch copies alike, unless the loop is unrolled).
template <std::size_t N, class T>
HARDWIRED_ALWAYS_INLINE void copy(T const* from, T* to) {
    for_each_batch<N, T>([&]<class V>(std::size_t i)
                             HARDWIRED_INLINE_LAMBDA { store_as(to, i, load_as<V>(from, i)); });
}

/// to[i] += from[i] for i < N, in batches (for_each_batch).
template <std::size_t N, class T>
HARDWIRED_ALWAYS_INLINE void add_into(T const* from, T* to) {
    for_each_batch<N, T>([&]<class V>(std::size_t i) HARDWIRED_INLINE_LAMBDA {
        store_as(to, i, load_as<V>(to, i) + load_as<V>(from, i));
    });
}

/// A batch of p[0, R) and zeros in the lanes past R, built in registers.
template <class N, std::size_t R, class T, std::size_t... I>
HARDWIRED_ALWAYS_INLINE N first_lanes(T const* p, std::index_sequence<I...>) {
    return N{(I < R ? p[I < R ? I : 0] : T(0))...};
}

/// to[i] = f(from[i]) for i < N: in batches (for_each_batch), and the few elements that leaves as
/// one narrower batch padded with zeros (the scalar formula, for tanh the C library's, took
/// several times as long per value), or one by one where no batch is narrow enough.
template <auto F, std::size_t N, class T>
HARDWIRED_ALWAYS_INLINE void apply(T const* from, T* to) {
    constexpr std::size_t R = scalar_rest<N, T>(), full = N - R;
    for_each_batch<full, T>([&]<class V>(std::size_t i) HARDWIRED_INLINE_LAMBDA {
        store_as(to, i, F(load_as<V>(from, i)));
    });
    if constexpr (R > 0) {
        using Narrow = typename narrow_batch<T, R>::type;
        if constexpr (std::is_void_v<Narrow>) {
            for (std::size_t i = full; i < N; ++i)
                to[i] = F(from[i]);
        } else {
            alignas(64) std::array<T, Narrow::size> y;
            F(first_lanes<Narrow, R>(from + full, std::make_index_sequence<Narrow::size>{}))
                .store_aligned(y.data());
            for (std::size_t i = 0; i < R; ++i)
                to[full + i] = y[i];
        }
    }
}

} // namespace detail

} // namespace hardwired::kernels
