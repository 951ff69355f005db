#pragma once
// Numeric kernels behind the operations, written once for every value type: float, double,
// xsimd::batch<float/double> and user number types (the tests use a dual number). Primitive
// functions are called unqualified after `using std::f;`, so ADL finds xsimd's (or a user type's)
// overloads. Conditions are `bool` for scalars and `batch_bool` for batches.

#include "intrinsics.hpp" // first: see there

#include <cmath>
#include <cstddef>
#include <type_traits>

namespace hardwired::detail {

/// The scalar type underlying a value type: T itself for arithmetic types, T::value_type for
/// xsimd batches and number-like classes.
template <class T>
struct scalar_of {
    using type = typename T::value_type;
};
template <class T>
requires std::is_arithmetic_v<T>
struct scalar_of<T> {
    using type = T;
};
template <class T>
using scalar_of_t = typename scalar_of<T>::type;

/// `cond ? a : b` lane-wise; both branches are already evaluated (no 0·inf is ever formed).
/// For `xsimd::batch_bool` the unqualified call below finds the more specialised `xsimd::select`.
template <class C, class T>
constexpr T select(C const& cond, T const& a, T const& b) {
    if constexpr (std::is_same_v<C, bool>)
        return cond ? a : b;
    else
        return select(cond, a, b);
}

/// True for xsimd batches of float, the type hardwired's own float kernels below serve.
template <class T>
inline constexpr bool is_float_batch = requires {
    typename T::arch_type;
}
&&std::is_same_v<scalar_of_t<T>, float>;

/// σ(x) = 1/(1+e^{-x}) computed from e = e^{-|x|}, which never overflows: 1/(1+e) for x ≥ 0 and
/// e/(1+e) for x < 0. One exp, no branch.
template <class T>
constexpr T sigmoid_exp_form(T const& x) {
    using std::abs;
    using std::exp;
    const T e = exp(-abs(x));
    const T r = T(1) / (T(1) + e);
    return detail::select(x >= T(0), r, e * r);
}

/// Bytes of an xsimd batch's register (64: AVX-512), 0 for any other type.
template <class T>
inline constexpr std::size_t register_bytes = [] {
    if constexpr (requires { typename T::register_type; })
        return sizeof(typename T::register_type);
    else
        return std::size_t(0);
}();

/// a·b + c: one fused multiply-add where the target has the instruction; without it, a·b + c
/// rounded twice, as xsimd computes fma on such targets. Every multiply-add of hardwired's
/// kernels and polynomials goes through here. AVX-512 batches call the instruction directly:
/// xsimd 8.1 has no AVX-512 fma and computes x·y + z from a multiply and an add, which GCC
/// contracts into an FMA (also with -std=c++20) but Clang 14 does not: its AVX-512 builds were
/// slower and rounded every polynomial twice.
template <class T>
constexpr T madd(T const& a, T const& b, T const& c) {
    if constexpr (std::is_arithmetic_v<T>) {
#ifdef __FMA__
        return std::fma(a, b, c);
#else
        return a * b + c;
#endif
    }
#if defined(__AVX512F__)
    else if constexpr (register_bytes<T> == 64 && std::is_same_v<scalar_of_t<T>, float>) {
        return T(_mm512_fmadd_ps(a, b, c));
    } else if constexpr (register_bytes<T> == 64 && std::is_same_v<scalar_of_t<T>, double>) {
        return T(_mm512_fmadd_pd(a, b, c));
    }
#endif
    else {
        using std::fma;
        return fma(a, b, c);
    }
}

/// σ(x) for |x| < 1.5, float: (½ + ¼·x) + x·s·q(s), s = x², q of degree 5 (a Chebyshev fit of
/// ((σ(x) − ½)/x − ¼)/s on [0, 2.25]; 2.5·10⁻⁹ off in σ), by Estrin's scheme, ½ + ¼·x one FMA
/// beside it. No exp and no division. With FMA ≤ 1.29 ULP against float64 for every float of the
/// range (tests/test_sym_simd.cpp checks every 64th), where the exp form measures 2.8; adding ½
/// last, to ¼·x + x·s·q, measured 1.75 ULP and was one operation longer on a recurrent step's path.
/// A wider range does not pay: on [−2, 2] the sum cancels to 4 ULP even with q of degree 8.
template <class T>
constexpr T sigmoid_polynomial(T const& x, T const& s) {
    const T s2 = s * s;
    const T q01 = madd(T(0.0020833093180089061f), s, T(-0.020833332585223176f));
    const T q23 = madd(T(2.110870986146345e-5f), s, T(-0.00021068692793199123f));
    const T q45 = madd(T(1.1654678052164644e-7f), s, T(-1.9369647517697151e-6f));
    const T q = madd(madd(q45, s2, q23), s2, q01);
    return madd(x * s, q, madd(T(0.25f), x, T(0.5f)));
}

/// σ(x). Float, scalar or SIMD batch: the polynomial for |x| < 1.5 (a sigmoid layer of one
/// sample would otherwise wait for an exp and a division, layer after layer), the exp form
/// beyond; a batch computes the exp form only when some lane needs it. Both take the same path,
/// so the batch and scalar results agree to the rounding of FMA. Everything else: the exp form.
/// The range test is x² < 2.25, the polynomial's own x², exactly |x| < 1.5 for every float (1.5²
/// is exact, and x² of the float below 1.5 rounds below it).
template <class T>
constexpr T sigmoid(T const& x) {
    if constexpr (std::is_same_v<T, float> || is_float_batch<T>) {
        const T s = x * x;
        if constexpr (std::is_same_v<T, float>) {
            return s < 2.25f ? sigmoid_polynomial(x, s) : sigmoid_exp_form(x);
        } else {
            const T small = sigmoid_polynomial(x, s);
            const auto in_range = s < T(2.25f);
            if (all(in_range))
                return small;
            return detail::select(in_range, small, sigmoid_exp_form(x));
        }
    } else {
        return sigmoid_exp_form(x);
    }
}

/// a·b + c, and c itself where x is ±0 (where a·b, a multiple of x, is ±0, and adding it could
/// turn c = −0 into +0), for float batches. With AVX-512 one FMA masked by x ≠ 0, whose result
/// is ready as soon as an FMA's; elsewhere a select after the FMA.
template <class T>
constexpr T madd_keeping_zeros(T const& a, T const& b, T const& c, T const& x) {
    static_assert(std::is_same_v<scalar_of_t<T>, float>);
#if defined(__AVX512F__)
    if constexpr (register_bytes<T> == 64)
        return T(_mm512_mask3_fmadd_ps(a, b, c,
                                       _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NEQ_UQ)));
#if defined(__AVX512VL__)
    else if constexpr (register_bytes<T> == 32)
        return T(_mm256_mask3_fmadd_ps(a, b, c,
                                       _mm256_cmp_ps_mask(x, _mm256_setzero_ps(), _CMP_NEQ_UQ)));
    else if constexpr (register_bytes<T> == 16)
        return T(_mm_mask3_fmadd_ps(a, b, c, _mm_cmp_ps_mask(x, _mm_setzero_ps(), _CMP_NEQ_UQ)));
#endif
    else
#endif
        return detail::select(x == T(0), c, madd(a, b, c));
}

/// tanh(x) = 1 − 2/(e^{2|x|} + 1) with the sign of x: the form of the float batches' tanh for
/// |x| ≥ 1, where it cannot overflow.
template <class T>
constexpr T tanh_exp_form(T const& x) {
    using std::abs;
    using std::copysign;
    using std::exp;
    const T ax = abs(x);
    return copysign(T(1) - T(2) / (exp(ax + ax) + T(1)), x);
}

/// An absent scale or addend of times_plus, tanh_float_batch and scaled_tanh_low_latency.
struct absent {};

/// v·o + b rounded once (one FMA where the target has it), or v·o, v + b or v where o or b is
/// `absent`.
template <class T, class Scale, class Addend>
constexpr T times_plus(T const& v, Scale const& o, Addend const& b) {
    constexpr bool scaled = !std::is_same_v<Scale, absent>,
                   shifted = !std::is_same_v<Addend, absent>;
    if constexpr (scaled && shifted)
        return madd(v, T(o), T(b));
    else if constexpr (scaled)
        return v * o;
    else if constexpr (shifted)
        return v + b;
    else
        return v;
}

/// o·tanh x + b of a float batch: y·s·r(s) + (x·o + b), y = x·o, s = x², where |x| < 1, with
/// x·o + b one FMA beside the polynomial; o times 1 − 2/(e^{2|x|} + 1) with the sign of x, plus
/// b, above, computed only when some lane needs it (a lane's result does not depend on the
/// others). xsimd's own float tanh switches at |x| = 0.625, so a 16-lane batch of typical
/// hidden-layer pre-activations took the slow path, and a mispredicted branch, often.
/// x + x·s·r(s) is odd, and since rounding to nearest is symmetric, its value at −x is minus its
/// value at x bit for bit, except that it maps −0 to +0, which madd_keeping_zeros keeps (where
/// y is ±0 the result is x·o + b itself, as o·tanh(x) + b). (Computing it from |x| and copying
/// the sign of x afterwards put the copy on a recurrent step's path.) r: the even factor, r(s);
/// o and b: batches, or `absent` for tanh x itself.
template <class T, class Even, class Scale, class Addend>
constexpr T tanh_float_batch(T const& x, Even const& r, Scale const& o, Addend const& b) {
    const T s = x * x, y = times_plus(x, o, absent{});
    const T small = madd_keeping_zeros(y * s, r(s), times_plus(x, o, b), y);
    const auto in_range = s < T(1); // |x| < 1 exactly: x² rounds below 1 for every such float
    if (all(in_range))
        return small;
    return detail::select(in_range, small, times_plus(tanh_exp_form(x), o, b));
}

/// tanh(x). Float SIMD batches (tanh_float_batch): x + x·s·n(s)/d(s), s = x², for |x| < 1, n of
/// degree 1 and d of degree 2 (a minimax fit of (tanh x − x)/(x·s) on [0, 1], within 0.003 ULP
/// of tanh; every float of [0, 1) within 1.22 ULP of float64 with FMA, 1.43 without). Six
/// multiplications or multiply-adds and a division: what a batch of many samples waits for is
/// the multiply pipe, and on Zen 4 the division occupies it for two cycles, where the degree-6
/// polynomial this replaced took ten.
/// The recurrent layers' steps, which wait on each value, take tanh_low_latency instead.
/// Everything else: std::tanh, or the type's own overload.
template <class T>
constexpr T tanh(T const& x) {
    using std::tanh;
    if constexpr (is_float_batch<T>) {
        return detail::tanh_float_batch(
            x,
            [](T const& s) {
                const T n = madd(T(-0.014686569693273034f), s, T(-0.33333332752488877f));
                const T d =
                    madd(madd(T(0.015719700369576241f), s, T(0.44405952105723598f)), s, T(1));
                return n / d;
            },
            absent{}, absent{});
    } else {
        return tanh(x);
    }
}

/// The even factor q(s) of tanh_low_latency, tanh x = x + x·s·q(s) with s = x², |x| < 1.
template <class T>
constexpr T tanh_low_latency_even(T const& s) {
    const T s2 = s * s, s4 = s2 * s2;
    const T p01 = madd(T(0.13333191254509735f), s, T(-0.33333328908623483f));
    const T p23 = madd(T(0.021781847655690176f), s, T(-0.05395236061269681f));
    const T p45 = madd(T(0.003071458718163081f), s, T(-0.00858901911466528f));
    const T p67 = madd(T(0.00012039187314762398f), s, T(-0.0008367857552864259f));
    return madd(madd(p67, s2, p45), s4, madd(p23, s2, p01));
}

/// tanh(x) for kernels that wait on each value, as a recurrent step does (an LSTM's for its
/// cell's tanh, then for tanh(c′), and the next step for both). Float SIMD batches
/// (tanh_float_batch): x + x·s·q(s), s = x², for |x| < 1, q of degree 7
/// (tanh_low_latency_even: a least-squares fit of (tanh x − x)/(x·s) at Chebyshev nodes of s in
/// [0, 1], within 0.04 ULP of tanh; every float of [0, 1) within 1.00 ULP of float64 with FMA,
/// 1.10 without) by Estrin's scheme: five multiplications or multiply-adds deep where the
/// rational form waits for a division, but twelve in all. Everything else: tanh.
template <class T>
constexpr T tanh_low_latency(T const& x) {
    if constexpr (is_float_batch<T>)
        return detail::tanh_float_batch(
            x, [](T const& s) { return tanh_low_latency_even(s); }, absent{}, absent{});
    else
        return detail::tanh(x);
}

/// o·tanh(x) + b for kernels that wait on the result, as a recurrent step does for its output
/// (an LSTM's h′ = o ⊙ tanh(c′), a GRU's h′ = (1 − z) ⊙ tanh(a) + z ⊙ h). Float SIMD batches:
/// tanh_float_batch with tanh_low_latency's q, the scale o and the addend b, so the result is
/// ready when tanh x alone would be, where o times tanh_low_latency(x), plus b, waits for one or
/// two operations more. Accuracy against float64 (tests/test_sym_simd.cpp, the gate values and
/// states it tries): o·tanh(x) within 2 ULP (o times tanh_low_latency(x) is closer, by a fraction
/// of an ULP); with b, in ULPs at |o·tanh x| + |b|, within 2 with FMA and 2.5 without, where
/// o times tanh_low_latency(x), plus b, is within 1.6 and 1.9. ±0 for x = ±0, as o·tanh(±0) + b.
/// b may be `absent`. Everything else: o·tanh_low_latency(x) + b.
template <class T, class Addend = absent>
constexpr T scaled_tanh_low_latency(T const& x, T const& o, Addend const& b = {}) {
    if constexpr (is_float_batch<T>)
        return detail::tanh_float_batch(
            x, [](T const& s) { return tanh_low_latency_even(s); }, o, b);
    else
        return times_plus(tanh_low_latency(x), o, b);
}

/// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): exact for large |x|, never overflows.
template <class T>
constexpr T softplus(T const& x) {
    using std::abs;
    using std::exp;
    using std::log1p;
    return detail::select(x < T(0), T(0), x) + log1p(exp(-abs(x)));
}

/// relu(x) = max(x, 0); NaN propagates (as in PyTorch).
template <class T>
constexpr T relu(T const& x) {
    return detail::select(x < T(0), T(0), x);
}

/// x^K for an integer K by repeated squaring (exact for K = 2, the common case).
template <int K, class T>
constexpr T ipow(T const& x) {
    if constexpr (K < 0)
        return T(1) / ipow<-K>(x);
    else if constexpr (K == 0)
        return T(1);
    else if constexpr (K == 1)
        return x;
    else if constexpr (K % 2 == 0) {
        const T h = ipow<K / 2>(x);
        return h * h;
    } else
        return x * ipow<K - 1>(x);
}

} // namespace hardwired::detail
