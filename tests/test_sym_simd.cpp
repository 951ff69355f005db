// Evaluation on xsimd batches against scalar evaluation, lane by lane, within stated ULP bounds.
// The scalar path uses the C library's exp/log/tanh, the batch path xsimd's own (tanh of float
// batches: hardwired's, sym/math.hpp, tested against float64 at the end), so the two differ by
// the accuracy of those (xsimd documents ≤ 2–4 ULP for its float functions). The float sigmoid
// is hardwired's on both paths (a polynomial near 0, also tested against float64 at the end).
//
// Bounds: values within 4 ULP (measured ≤ 3); derivatives within 16 ULP in float and double:
// 1 − tanh² and 1 − σ cancel and amplify the primitives' own ≤ 2-ULP difference by the same
// factor in either precision (measured in double: 4 with GCC's SSE2 build, 7 with Clang's FMA
// contraction, 16 for gelu' in GCC's AVX2 sanitizer build, where xsimd's kernels use FMA; in
// float: 16 for tanh', 7 for gelu', 4 for swish'). Results smaller than 2^-20 (float) / 2^-40
// (double) are measured in ULPs of that floor, so the relative error of a value that has cancelled
// to nearly 0 does not count.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <hardwired/hardwired.hpp>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace hw = hardwired;

namespace {

template <class T>
double ulps(T a, T b) {
    if (std::isnan(a) || std::isnan(b))
        return (std::isnan(a) && std::isnan(b)) ? 0 : INFINITY;
    if (std::isinf(a) || std::isinf(b))
        return a == b ? 0 : INFINITY;
    const T floor = std::ldexp(T(1), sizeof(T) == 4 ? -20 : -40);
    const T scale = std::max({std::abs(a), std::abs(b), floor});
    const T ulp = std::nextafter(scale, std::numeric_limits<T>::infinity()) - scale;
    return static_cast<double>(std::abs(a - b) / ulp);
}

template <class T>
std::vector<T> test_points() {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> wide(-30, 30), narrow(-3, 3);
    std::vector<T> pts;
    for (int i = 0; i < 512; ++i)
        pts.push_back(static_cast<T>(i % 2 ? wide(rng) : narrow(rng)));
    for (double v : {0.0, 1e-8, -1e-8, 88.7, -88.7, 89.0, -89.0, 700.0, -700.0})
        pts.push_back(static_cast<T>(v));
    const auto n = xsimd::batch<T>::size;
    while (pts.size() % n)
        pts.push_back(T(0.5));
    return pts;
}

// Largest ULP difference of e between batch and scalar evaluation, over (x, y) point pairs.
template <class T, class E>
double max_ulps(E e) {
    using batch = xsimd::batch<T>;
    const auto xs = test_points<T>();
    auto ys = xs;
    std::reverse(ys.begin(), ys.end());
    double worst = 0;
    for (std::size_t i = 0; i < xs.size(); i += batch::size) {
        const batch bx = batch::load_unaligned(&xs[i]);
        const batch by = batch::load_unaligned(&ys[i]);
        alignas(64) T out[batch::size];
        e(bx, by).store_unaligned(out);
        for (std::size_t l = 0; l < batch::size; ++l) {
            const T scalar = e(xs[i + l], ys[i + l]);
            worst = std::max(worst, ulps(out[l], scalar));
        }
    }
    return worst;
}

constexpr double derivative_bound = 16;

template <class T, class E>
void check_activation(E e) {
    // activations ignore the second argument (position 1)
    const double f = max_ulps<T>(e + hw::c<0> * hw::y);
    const double d = max_ulps<T>(hw::derivative(e) + hw::c<0> * hw::y);
    INFO(hw::to_string(e) << ": value " << f << " ULP, derivative " << d << " ULP");
    CHECK(f <= 4);
    CHECK(d <= derivative_bound);
}

template <class T, class L>
void check_loss(L l) {
    const double f = max_ulps<T>(l);
    const double d = max_ulps<T>(hw::loss_gradient(l));
    INFO(hw::to_string(l) << ": value " << f << " ULP, gradient " << d << " ULP");
    CHECK(f <= 4);
    CHECK(d <= derivative_bound);
}

template <class T>
void check_all() {
    check_activation<T>(hw::identity);
    // xsimd's float exp saturates to inf above 88.376 where libm is finite up to 88.72: the
    // primitive is compared on its common range.
    check_activation<T>(hw::exp(hw::min(hw::x, hw::c<88>)));
    check_activation<T>(hw::expm1(hw::min(hw::x, hw::c<88>)));
    check_activation<T>(hw::sigmoid);
    check_activation<T>(hw::tanh);
    check_activation<T>(hw::softplus);
    check_activation<T>(hw::relu);
    check_activation<T>(hw::leaky_relu<>);
    check_activation<T>(hw::swish);
    check_activation<T>(hw::gelu);
    check_activation<T>(hw::elu<>);
    check_activation<T>(hw::log_sigmoid);
    check_loss<T>(hw::squared_error);
    check_loss<T>(hw::bce_with_logits);
    check_loss<T>(hw::huber<>);
    check_loss<T>(hw::sigmoid(hw::yhat) * hw::log1p(hw::abs(hw::y))); // log1p, abs
}

} // namespace

#ifdef HARDWIRED_EXPECT_ARCH
TEST_CASE("built for the expected instruction set", "[sym][simd][isa]") {
    CHECK(std::string(xsimd::default_arch::name()) == HARDWIRED_EXPECT_ARCH);
}
#endif

TEST_CASE("xsimd::batch<float> evaluation matches scalar: values 4 ULP, derivatives 16",
          "[sym][simd]") {
    INFO("arch " << xsimd::default_arch::name() << ", " << xsimd::batch<float>::size << " lanes");
    check_all<float>();
}

TEST_CASE("xsimd::batch<double> evaluation matches scalar: values 4 ULP, derivatives 16",
          "[sym][simd]") {
    INFO("arch " << xsimd::default_arch::name() << ", " << xsimd::batch<double>::size << " lanes");
    check_all<double>();
}

namespace {

// |a − r| in units of the float ULP at m (r exact enough: float64; m: r, or the magnitude of
// the terms a sum r is made of); below the normal floats that unit is the spacing of the
// subnormals, std::numeric_limits<float>::denorm_min().
double ulps_from(float a, double r, double m) {
    if (m == 0)
        return a == r ? 0 : INFINITY;
    const double ulp = std::max(std::ldexp(1.0, std::ilogb(static_cast<float>(m)) - 23),
                                double(std::numeric_limits<float>::denorm_min()));
    return std::abs(static_cast<double>(a) - r) / ulp;
}

// Largest error, in float ULPs at magnitude(x) against float64, of f on float batches over the
// points xs (shuffled, every other one negated, so batches mix ranges and signs), and where it
// occurs.
template <class F, class R, class M>
std::pair<double, float> worst_against_float64(F f, R reference, std::vector<float> xs,
                                               M magnitude) {
    using batch = xsimd::batch<float>;
    constexpr std::size_t L = batch::size;
    std::mt19937 rng(11);
    std::shuffle(xs.begin(), xs.end(), rng);
    for (std::size_t i = 0; i < xs.size(); i += 2)
        xs[i] = -xs[i];
    while (xs.size() % L)
        xs.push_back(0.5f);
    double worst = 0;
    float worst_at = 0;
    alignas(64) float out[L];
    for (std::size_t i = 0; i < xs.size(); i += L) {
        f(batch::load_unaligned(&xs[i])).store_aligned(out);
        for (std::size_t l = 0; l < L; ++l) {
            const double x = xs[i + l];
            const double e = ulps_from(out[l], reference(x), magnitude(x));
            if (e > worst) {
                worst = e;
                worst_at = xs[i + l];
            }
        }
    }
    return {worst, worst_at};
}

// The same in float ULPs at the reference value itself.
template <class F, class R>
std::pair<double, float> worst_against_float64(F f, R reference, std::vector<float> xs) {
    return worst_against_float64(f, reference, std::move(xs), reference);
}

// Every 64th float of [0, limit), and 2^20 evenly spaced points of [limit, top] if top > limit.
std::vector<float> near_and_beyond(float limit, float top) {
    std::vector<float> xs;
    std::uint32_t end;
    std::memcpy(&end, &limit, sizeof end);
    for (std::uint32_t u = 0; u < end; u += 64) {
        float x;
        std::memcpy(&x, &u, sizeof x);
        xs.push_back(x);
    }
    for (int i = 0; top > limit && i < (1 << 20); ++i)
        xs.push_back(limit + (top - limit) * static_cast<float>(i) / float(1 << 20));
    return xs;
}

// f on the special values, in batches of N lanes (SSE2's 4 lanes hold half of them): NaN gives
// NaN, everything else expected(x) exactly, with its sign. Then the same in batches of half as
// many lanes, down to 4: a recurrent step takes those for the rows past its whole batches, and
// AVX-512 builds have their own instructions for them.
template <std::size_t N = xsimd::batch<float>::size, class F, class E>
void check_special_values(F f, E expected) {
    using batch = xsimd::make_sized_batch_t<float, N>;
    constexpr std::size_t L = batch::size;
    INFO(L << " lanes");
    const float inf = std::numeric_limits<float>::infinity();
    const float values[] = {0.0f, -0.0f, inf, -inf, std::nanf(""), 100.0f, -100.0f, 1e-30f};
    constexpr std::size_t count = std::size(values);
    for (std::size_t first = 0; first < count; first += L) {
        alignas(64) float special[L], out[L];
        for (std::size_t l = 0; l < L; ++l)
            special[l] = values[(first + l) % count];
        f(batch::load_aligned(special)).store_aligned(out);
        for (std::size_t l = 0; l < L; ++l) {
            INFO("x = " << special[l] << " gives " << out[l]);
            if (std::isnan(special[l]))
                CHECK(std::isnan(out[l]));
            else {
                CHECK(out[l] == expected(special[l]));
                CHECK(std::signbit(out[l]) == std::signbit(expected(special[l])));
            }
        }
    }
    if constexpr (N > 4 && !std::is_void_v<xsimd::make_sized_batch_t<float, N / 2>>)
        check_special_values<N / 2>(f, expected);
}

} // namespace

// hardwired's own float tanh and sigmoid on batches (sym/math.hpp): near 0 a rational function
// (tanh, |x| < 1: every float measured 1.22 ULP at most with FMA), a polynomial (the tanh of
// recurrent steps, tanh_low_latency: 1.00 ULP) or a polynomial (sigmoid, |x| < 1.5: 1.08 ULP
// with FMA, 1.26 without), the exp form beyond, chosen lane by lane. Against float64 on every 64th
// float of the near range and 2^20 points beyond, in batches that mix both ranges and both signs;
// ±0, ±inf, NaN and ±100 exactly.
template <class F>
void check_float_tanh(F tanh) {
    const auto [worst, at] = worst_against_float64(
        tanh, [](double x) { return std::tanh(x); }, near_and_beyond(1.0f, 20.0f));
    INFO("arch " << xsimd::default_arch::name() << ": worst " << worst << " ULP at x = " << at);
    CHECK(worst <= 2);
    check_special_values(tanh, [](float x) { return std::tanh(x); });
}

TEST_CASE("float tanh on batches: within 2 ULP of float64", "[sym][simd]") {
    check_float_tanh([](auto x) { return hw::tanh(x); });
}

TEST_CASE("float tanh of recurrent steps: within 2 ULP of float64", "[sym][simd]") {
    check_float_tanh([](auto x) { return hw::detail::tanh_low_latency(x); });
}

// o·tanh(x) with o multiplied in before the polynomial's last step (an LSTM's h′ = o ⊙ tanh(c′),
// kernels::detail::scaled): within 2 ULP of float64 for gate values o across (0, 1], on every
// fourth point of the tanh tests' (batches that mix both ranges, so each lane's result is its
// own); the special values give o times the C library's tanh exactly, with its sign.
TEST_CASE("float o·tanh of recurrent steps: within 2 ULP of float64", "[sym][simd]") {
    std::vector<float> xs;
    const std::vector<float> all = near_and_beyond(1.0f, 20.0f);
    for (std::size_t i = 0; i < all.size(); i += 4)
        xs.push_back(all[i]);
    for (const float o : {1.0f, 0.7310586f, 0.0179862f}) {
        const auto scaled = [o](auto x) {
            return hw::detail::scaled_tanh_low_latency(x, decltype(x)(o));
        };
        const auto [worst, at] = worst_against_float64(
            scaled, [o](double x) { return o * std::tanh(x); }, xs);
        INFO("arch " << xsimd::default_arch::name() << ", o = " << o << ": worst " << worst
                     << " ULP at x = " << at);
        CHECK(worst <= 2);
        check_special_values(scaled, [o](float x) { return o * std::tanh(x); });
    }
    // A gate of exactly 0 (σ underflows below −103) gives o·tanh(x) = ±0 with the sign of x·o.
    using batch = xsimd::batch<float>;
    for (const float x : {-0.5f, 0.5f, -3.0f}) {
        const float y = hw::detail::scaled_tanh_low_latency(batch(x), batch(0.0f)).get(0);
        INFO("x = " << x);
        CHECK(y == 0);
        CHECK(std::signbit(y) == std::signbit(x));
    }
}

// o·tanh(x) + b with x·o + b formed beside the polynomial (a GRU's h′ = (1 − z) ⊙ tanh(a) +
// z ⊙ h, kernels::detail::scaled), for gates z across (0, 1) and states h of both signs, against
// float64 in ULPs at |o·tanh x| + |b| (where o·tanh x and b cancel, no float sum of the two is
// closer than that), on every sixteenth point of the tanh tests': within 2 ULP where the target
// has FMA (measured 1.79; o times tanh_low_latency(x), plus b: 1.52), 2.5 without (2.41, where
// every multiply-add rounds twice; unfused 1.81). The special values give o·tanh(x) + b of the
// C library's tanh exactly, with its sign.
TEST_CASE("float o·tanh + b of recurrent steps: within 2 ULP of float64 with FMA", "[sym][simd]") {
#if defined(__FMA__)
    constexpr double bound = 2;
#else
    constexpr double bound = 2.5;
#endif
    std::vector<float> xs;
    const std::vector<float> all = near_and_beyond(1.0f, 20.0f);
    for (std::size_t i = 0; i < all.size(); i += 16)
        xs.push_back(all[i]);
    for (const float z : {0.2689414f, 0.7310586f, 0.9820138f})
        for (const float h : {0.5f, -0.9f, 0.03f}) {
            const float o = 1 - z, b = z * h;
            const auto fused = [o, b](auto x) {
                using V = decltype(x);
                return hw::detail::scaled_tanh_low_latency(x, V(o), V(b));
            };
            const auto [worst, at] = worst_against_float64(
                fused, [o, b](double x) { return o * std::tanh(x) + b; }, xs,
                [o, b](double x) { return std::abs(o * std::tanh(x)) + std::abs(b); });
            INFO("arch " << xsimd::default_arch::name() << ", o = " << o << ", b = " << b
                         << ": worst " << worst << " ULP at x = " << at);
            CHECK(worst <= bound);
            check_special_values(fused, [o, b](float x) { return o * std::tanh(x) + b; });
        }
}

// Recurrent steps evaluate their gate and cell formulas with every tanh replaced by the
// low-latency form, and nothing else changed; scalars of both forms are the C library's tanh.
TEST_CASE("low_latency replaces every tanh and nothing else", "[sym][simd]") {
    using hw::kernels::detail::low_latency;
    using hw::ops::tanh_low_latency;
    using X = hw::var<hw::vars::x>;
    STATIC_REQUIRE(std::is_same_v<std::remove_const_t<decltype(low_latency<hw::tanh>)>,
                                  hw::expr<tanh_low_latency, X>>);
    constexpr auto mish = hw::x * hw::tanh(hw::softplus(hw::x));
    STATIC_REQUIRE(
        std::is_same_v<
            std::remove_const_t<decltype(low_latency<mish>)>,
            hw::expr<hw::ops::mul, X, hw::expr<tanh_low_latency, hw::expr<hw::ops::softplus, X>>>>);
    STATIC_REQUIRE(std::is_same_v<std::remove_const_t<decltype(low_latency<hw::sigmoid>)>,
                                  std::remove_const_t<decltype(hw::sigmoid)>>);
    STATIC_REQUIRE(std::is_same_v<std::remove_const_t<decltype(low_latency<hw::x>)>, X>);
    for (float x : {-3.0f, -0.7f, 0.0f, 0.2f, 0.99f, 5.0f}) {
        CHECK(low_latency<hw::tanh>(x) == std::tanh(x));
        CHECK(low_latency<mish>(x) == mish(x));
    }
}

// The exp form, beyond 1.5, is xsimd's exp and a division: 2.8 ULP at most on [−87, 87].
TEST_CASE("float sigmoid on batches: within 3 ULP of float64", "[sym][simd]") {
    const auto sigmoid = [](auto x) { return hw::sigmoid(x); };
    const auto reference = [](double x) { return 1 / (1 + std::exp(-x)); };
    const auto [poly, poly_at] =
        worst_against_float64(sigmoid, reference, near_and_beyond(1.5f, 1.5f));
    INFO("arch " << xsimd::default_arch::name() << ": polynomial's worst " << poly
                 << " ULP at x = " << poly_at);
    CHECK(poly <= 1.5); // adding ½ last, to ¼·x + x·s·q, measured 1.54 with FMA, 1.68 without
    const auto [worst, at] =
        worst_against_float64(sigmoid, reference, near_and_beyond(1.5f, 87.0f));
    INFO("worst " << worst << " ULP at x = " << at);
    CHECK(worst <= 3);
    // Below −88, xsimd's exp underflows to 0, and so does σ (σ(−100) is the subnormal 3.7·10⁻⁴⁴).
    check_special_values(sigmoid, [](float x) {
        return x < -88.0f ? 0.0f : static_cast<float>(1 / (1 + std::exp(-double(x))));
    });

    // Scalar floats take the same polynomial (and the C library's exp beyond).
    const auto lane_by_lane = [](xsimd::batch<float> x) {
        alignas(64) float v[xsimd::batch<float>::size];
        x.store_aligned(v);
        for (float& e : v)
            e = hw::sigmoid(e);
        return xsimd::batch<float>::load_aligned(v);
    };
    const auto [scalar, scalar_at] =
        worst_against_float64(lane_by_lane, reference, near_and_beyond(1.5f, 87.0f));
    INFO("scalar: worst " << scalar << " ULP at x = " << scalar_at);
    CHECK(scalar <= 3);
}

// hw::detail::madd is the multiply-add of every kernel and polynomial: one rounding wherever the
// target has FMA. xsimd 8.1 has no AVX-512 fma (it multiplies and adds, which only GCC contracts),
// so this also guards the direct AVX-512 path. a·b = 1 − 2^-46 exactly; rounded to float first it
// is 1, and a·b − 1 would be 0.
TEST_CASE("multiply-add rounds once where the target has FMA", "[sym][simd]") {
    auto check = [](auto a, auto b, auto c, [[maybe_unused]] double fused) {
        using B = decltype(a);
        alignas(64) std::array<hw::detail::scalar_of_t<B>, B::size> out;
        hw::detail::madd(a, b, c).store_aligned(out.data());
#if defined(__FMA__)
        const double expected = fused;
#else
        const double expected = 0;
#endif
        for (auto v : out)
            CHECK(double(v) == expected);
    };
    const float ef = std::ldexp(1.f, -23);
    check(xsimd::batch<float>(1 + ef), xsimd::batch<float>(1 - ef), xsimd::batch<float>(-1.f),
          -std::ldexp(1.0, -46));
    const double ed = std::ldexp(1.0, -52);
    check(xsimd::batch<double>(1 + ed), xsimd::batch<double>(1 - ed), xsimd::batch<double>(-1.0),
          -std::ldexp(1.0, -104));
}
