#pragma once
// A test-only forward-mode dual number: evaluating an expression type on dual(x, 1) gives f(x)
// and f'(x) through the very code that evaluates f, independently of hw::derivative. It also
// counts exp calls, to observe common-subexpression elimination.

#include <cmath>

namespace test {

inline int exp_calls = 0;

struct dual {
    using value_type = double;
    double v = 0, d = 0;
    dual() = default;
    constexpr dual(double value) : v(value) {} // NOLINT: constants are duals with d = 0
    constexpr dual(double value, double dv) : v(value), d(dv) {}
};

inline dual operator+(dual a, dual b) {
    return {a.v + b.v, a.d + b.d};
}
inline dual operator-(dual a, dual b) {
    return {a.v - b.v, a.d - b.d};
}
inline dual operator*(dual a, dual b) {
    return {a.v * b.v, a.d * b.v + a.v * b.d};
}
inline dual operator/(dual a, dual b) {
    return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)};
}
inline dual operator-(dual a) {
    return {-a.v, -a.d};
}
inline bool operator<(dual a, dual b) {
    return a.v < b.v;
}
inline bool operator<=(dual a, dual b) {
    return a.v <= b.v;
}
inline bool operator>(dual a, dual b) {
    return a.v > b.v;
}
inline bool operator>=(dual a, dual b) {
    return a.v >= b.v;
}

inline dual exp(dual a) {
    ++exp_calls;
    const double e = std::exp(a.v);
    return {e, e * a.d};
}
inline dual expm1(dual a) {
    ++exp_calls;
    return {std::expm1(a.v), std::exp(a.v) * a.d};
}
inline dual log(dual a) {
    return {std::log(a.v), a.d / a.v};
}
inline dual log1p(dual a) {
    return {std::log1p(a.v), a.d / (1 + a.v)};
}
inline dual tanh(dual a) {
    const double t = std::tanh(a.v);
    return {t, (1 - t * t) * a.d};
}
inline dual sqrt(dual a) {
    const double s = std::sqrt(a.v);
    return {s, a.d / (2 * s)};
}
inline dual abs(dual a) {
    return a.v < 0 ? -a : a;
}

} // namespace test
