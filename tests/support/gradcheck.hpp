#pragma once
// Gradient-check helpers shared by the tests (GUIDE §4, PyTorch gradcheck numbers).

#include <algorithm>
#include <cmath>

namespace test {

/// Central difference of f at x in double, step 1e-6·max(1, |x|).
template <class F>
double central_difference(F f, double x) {
    const double h = 1e-6 * std::max(1.0, std::abs(x));
    return (f(x + h) - f(x - h)) / (2 * h);
}

/// PyTorch gradcheck's acceptance: |analytic − numeric| ≤ 1e-5 + 1e-3·|numeric|.
inline bool gradcheck_close(double analytic, double numeric) {
    return std::abs(analytic - numeric) <= 1e-5 + 1e-3 * std::abs(numeric);
}

/// Agreement of two exact evaluations of the same derivative by different formulas: a few
/// rounding errors relative to the magnitude, 1e-13·max(1, |b|).
inline bool nearly_exact(double a, double b) {
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    if (std::isinf(a) || std::isinf(b))
        return a == b;
    return std::abs(a - b) <= 1e-13 * std::max(1.0, std::abs(b));
}

} // namespace test
