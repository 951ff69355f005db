#pragma once
// What the LibTorch reference tests share: the include order LibTorch and Catch2 need, one
// LibTorch thread, float-rounded values, tensor contents as doubles, and the one comparison
// (the worst element against max(rel·|expected|, abs)) with its tolerances in float and double.

// LibTorch first: glog (through c10/util/Logging.h) defines its own CHECK(condition), which
// would silently replace Catch's (both are system headers, so no redefinition warning) and turn
// every CHECK into an uncounted glog assertion that aborts. Drop it before Catch defines CHECK.
#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iomanip>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace test::torch_reference {

// One intra-op and one inter-op thread (the machine is shared; also keeps the reductions'
// order fixed). Before main, so before any parallel work (set_num_interop_threads throws after).
[[maybe_unused]] inline const bool single_threaded = [] {
    torch::set_num_threads(1);
    at::set_num_interop_threads(1);
    return true;
}();

/// v rounded to float and back: data the float and the double networks hold alike.
inline double f32(double v) {
    return static_cast<double>(static_cast<float>(v));
}

/// A tensor's elements, row-major, as doubles.
inline std::vector<double> values(torch::Tensor const& t) {
    const torch::Tensor c = t.detach().to(torch::kFloat64).contiguous();
    const double* d = c.data_ptr<double>();
    return {d, d + c.numel()};
}

struct tolerance {
    double rel, abs;
};
inline constexpr tolerance in_double{1e-12, 1e-14};
inline constexpr tolerance in_float{1e-5, 1e-6};
template <class T>
inline constexpr tolerance tolerance_for = std::is_same_v<T, float> ? in_float : in_double;

// One assertion per quantity: the worst element's |actual − expected| against
// max(rel·|expected|, abs) must be ≤ 1 (non-finite actual values always fail). The message also
// gives the largest |actual − expected| / max(1, |expected|).
inline void check_close(std::string const& what, std::vector<double> const& actual,
                        std::vector<double> const& expected, tolerance tol) {
    INFO(what);
    REQUIRE(actual.size() == expected.size());
    REQUIRE(!actual.empty());
    double worst = 0, worst_rel = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < actual.size(); ++i) {
        const double diff = std::abs(actual[i] - expected[i]);
        const double allowed = std::max(tol.rel * std::abs(expected[i]), tol.abs);
        const double ratio =
            std::isfinite(actual[i]) ? diff / allowed : std::numeric_limits<double>::infinity();
        if (ratio > worst) {
            worst = ratio;
            at = i;
        }
        worst_rel = std::max(worst_rel, std::isfinite(actual[i])
                                            ? diff / std::max(1.0, std::abs(expected[i]))
                                            : std::numeric_limits<double>::infinity());
    }
    INFO(std::setprecision(17) << "worst of " << actual.size() << " at [" << at << "]: hardwired "
                               << actual[at] << ", torch " << expected[at] << ", |diff| "
                               << std::abs(actual[at] - expected[at]) << std::setprecision(3)
                               << " = " << worst << " x allowed (rel " << tol.rel << ", abs "
                               << tol.abs << "); largest |diff|/max(1, |torch|) " << worst_rel);
    CHECK(worst <= 1.0);
}

} // namespace test::torch_reference
