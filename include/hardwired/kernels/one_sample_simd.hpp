#pragma once
// The xsimd machinery of one-sample kernels whose outputs lie in SIMD lanes: the dense layer's
// block of broadcast-FMAs (`accumulate`, layers/dense/simd.hpp), and the element-wise passes of
// every one-sample kernel in a cascade of batch widths (`for_each_batch`, `apply`, `copy`). The
// product of a recurrent or convolution step, and the backward pass of every product stored by
// columns, are in column_product.hpp.

#include "../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <algorithm>
#include <array>
#include <cstddef>
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

/// o·F(x) + b for a one-sample kernel that waits on the result (an LSTM's h′ = o ⊙ C(c′), a
/// GRU's h′ = (1 − z) ⊙ C(a) + z ⊙ h): where F is the low-latency tanh alone
/// (low_latency<hw::tanh>), detail::scaled_tanh_low_latency, whose result is ready when the tanh
/// alone would be; for any other formula, o times F(x), plus b. b may be detail::absent.
template <auto F, class V, class Addend = hardwired::detail::absent>
HARDWIRED_ALWAYS_INLINE V scaled(V const& x, V const& o, Addend const& b = {}) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(F)>,
                                 expr<ops::tanh_low_latency, var<vars::x>>>)
        return hardwired::detail::scaled_tanh_low_latency(x, o, b);
    else
        return hardwired::detail::times_plus(V(F(x)), o, b);
}

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

/// to[i] = 0 for i < N, in batches (for_each_batch).
template <std::size_t N, class T>
HARDWIRED_ALWAYS_INLINE void zero(T* to) {
    for_each_batch<N, T>([&]<class V>(std::size_t i)
                             HARDWIRED_INLINE_LAMBDA { store_as(to, i, V(T(0))); });
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
