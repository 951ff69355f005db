#pragma once
// Exact rational arithmetic for constant folding. Every fold checks for int64 overflow; a fold
// that would overflow is not done (the node is kept), so folding never changes a value.

#include <cstdint>
#include <numeric>

#include "expr.hpp"

namespace hardwired {
namespace detail {

struct rat {
    std::int64_t n = 0, d = 1;
    bool ok = true;
};

constexpr rat rat_normalize(std::int64_t n, std::int64_t d, bool ok) {
    if (!ok || d == 0 || n == INT64_MIN || d == INT64_MIN)
        return {0, 1, false};
    if (d < 0)
        n = -n, d = -d;
    const std::int64_t g = std::gcd(n, d);
    return {n / g, d / g, true};
}

constexpr rat rat_mul(rat a, rat b) {
    // cross-reduce first so that products of reduced fractions overflow as late as possible
    const std::int64_t g1 = std::gcd(a.n, b.d) ? std::gcd(a.n, b.d) : 1;
    const std::int64_t g2 = std::gcd(b.n, a.d) ? std::gcd(b.n, a.d) : 1;
    std::int64_t n = 0, d = 0;
    const bool overflow = __builtin_mul_overflow(a.n / g1, b.n / g2, &n) ||
                          __builtin_mul_overflow(a.d / g2, b.d / g1, &d);
    return rat_normalize(n, d, a.ok && b.ok && !overflow);
}

constexpr rat rat_add(rat a, rat b) {
    std::int64_t l = 0, r = 0, n = 0, d = 0;
    const bool overflow = __builtin_mul_overflow(a.n, b.d, &l) ||
                          __builtin_mul_overflow(b.n, a.d, &r) ||
                          __builtin_add_overflow(l, r, &n) || __builtin_mul_overflow(a.d, b.d, &d);
    return rat_normalize(n, d, a.ok && b.ok && !overflow);
}

constexpr rat rat_neg(rat a) {
    return rat_normalize(-a.n, a.d, a.ok);
}
constexpr rat rat_inv(rat a) {
    return rat_normalize(a.d, a.n, a.ok && a.n != 0);
}

constexpr rat rat_pow(rat a, int k) {
    if (k < 0)
        return rat_pow(rat_inv(a), -k);
    rat r{1, 1, a.ok};
    for (int i = 0; i < k; ++i)
        r = rat_mul(r, a);
    return r;
}

template <std::int64_t N, std::int64_t D>
constexpr rat rat_of(rational<N, D>) {
    return {N, D, true};
}

} // namespace detail

/// The exact constant N/D as an expression, reduced: `hw::c<2, 4>` is the same type as `hw::c<1,
/// 2>`.
template <std::int64_t N, std::int64_t D = 1>
requires(D != 0 && N != INT64_MIN &&
         D != INT64_MIN) inline constexpr rational<detail::rat_normalize(N, D, true).n,
                                                   detail::rat_normalize(N, D, true).d> c{};

} // namespace hardwired
