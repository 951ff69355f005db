// Each simplification rule: the raw node rewrites to the expected type, the two evaluate to the
// same value at random and special points, and simplifying again changes nothing.

#include <catch2/catch.hpp>

#include <cmath>
#include <hardwired/hardwired.hpp>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

namespace hw = hardwired;
using hw::expr;
using hw::rational;
using hw::zero_t;
namespace ops = hw::ops;

namespace {

using X = std::remove_cv_t<decltype(hw::x)>;
using Y = std::remove_cv_t<decltype(hw::y)>;
using T = std::remove_cv_t<decltype(hw::tanh)>;           // tanh(x)
using S = std::remove_cv_t<decltype(hw::sigmoid(hw::y))>; // σ(y)
template <class A>
using neg = expr<ops::neg, A>;

template <class E>
constexpr bool idempotent =
    std::is_same_v<decltype(hw::simplify(hw::simplify(E{}))), decltype(hw::simplify(E{}))>;

bool same_value(double a, double b) {
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

std::vector<std::pair<double, double>> sample_points(bool specials) {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(-5, 5);
    std::vector<std::pair<double, double>> pts;
    for (int i = 0; i < 50; ++i)
        pts.emplace_back(u(rng), u(rng));
    if (specials) {
        const double inf = std::numeric_limits<double>::infinity();
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (double a : {0.0, -0.0, inf, -inf, nan, 1e308, -1e-310})
            for (double b : {0.0, -0.0, 1.0, inf, nan})
                pts.emplace_back(a, b);
    }
    return pts;
}

// `Raw` simplifies to `Expected`, and both give the same value. `exact` rules must agree bit for
// bit at ±0, ±inf and NaN too; rules about the structural zero agree (==) at finite points, since
// the structural zero means "no dependence" rather than an IEEE product with 0.
template <class Raw, class Expected>
void check_rule(bool exact) {
    STATIC_REQUIRE(std::is_same_v<decltype(hw::simplify(Raw{})), Expected>);
    STATIC_REQUIRE(idempotent<Raw>);
    for (auto [a, b] : sample_points(exact)) {
        const double raw = Raw{}(a, b), simplified = Expected{}(a, b);
        INFO(hw::to_string(Raw{}) << " -> " << hw::to_string(Expected{}) << " at x = " << a
                                  << ", y = " << b << ": " << raw << " vs " << simplified);
        CHECK((exact ? same_value(raw, simplified) : raw == simplified));
    }
}

} // namespace

TEST_CASE("structural-zero rules", "[sym][simplify]") {
    check_rule<expr<ops::add, zero_t, T>, T>(false);
    check_rule<expr<ops::add, T, zero_t>, T>(false);
    check_rule<expr<ops::sub, T, zero_t>, T>(false);
    check_rule<expr<ops::sub, zero_t, T>, neg<T>>(false);
    check_rule<expr<ops::mul, zero_t, T>, zero_t>(false);
    check_rule<expr<ops::mul, T, zero_t>, zero_t>(false);
    check_rule<expr<ops::div, zero_t, T>, zero_t>(false);
    check_rule<neg<zero_t>, zero_t>(false);
    check_rule<expr<ops::pow<3>, zero_t>, zero_t>(false);
}

TEST_CASE("one and sign rules are exact in IEEE arithmetic", "[sym][simplify]") {
    check_rule<expr<ops::mul, rational<1>, T>, T>(true);
    check_rule<expr<ops::mul, T, rational<1>>, T>(true);
    check_rule<expr<ops::div, T, rational<1>>, T>(true);
    check_rule<expr<ops::add, X, neg<Y>>, expr<ops::sub, X, Y>>(true);
    check_rule<expr<ops::sub, X, neg<Y>>, expr<ops::add, X, Y>>(true);
    check_rule<expr<ops::add, X, rational<-3, 2>>, expr<ops::sub, X, rational<3, 2>>>(true);
    check_rule<expr<ops::sub, X, rational<-3, 2>>, expr<ops::add, X, rational<3, 2>>>(true);
    check_rule<neg<neg<X>>, X>(true);
    check_rule<expr<ops::mul, rational<-1>, S>, neg<S>>(true);
    check_rule<expr<ops::mul, S, rational<-1>>, neg<S>>(true);
    check_rule<expr<ops::mul, neg<X>, Y>, neg<expr<ops::mul, X, Y>>>(true);
    check_rule<expr<ops::mul, X, neg<Y>>, neg<expr<ops::mul, X, Y>>>(true);
    check_rule<expr<ops::mul, X, rational<3>>, expr<ops::mul, rational<3>, X>>(true);
    check_rule<expr<ops::pow<1>, S>, S>(true);
    check_rule<expr<ops::pow<0>, S>, rational<1>>(true);
    check_rule<expr<ops::select, expr<ops::greater, X, Y>, S, S>, S>(true);
}

TEST_CASE("rational constants fold exactly", "[sym][simplify]") {
    check_rule<expr<ops::add, rational<1, 2>, rational<3, 4>>, rational<5, 4>>(true);
    check_rule<expr<ops::sub, rational<1, 2>, rational<3, 4>>, rational<-1, 4>>(true);
    check_rule<expr<ops::mul, rational<-1, 2>, rational<3, 4>>, rational<-3, 8>>(true);
    check_rule<expr<ops::div, rational<1, 2>, rational<3, 4>>, rational<2, 3>>(false);
    check_rule<neg<rational<3, 4>>, rational<-3, 4>>(true);
    check_rule<expr<ops::pow<3>, rational<-1, 2>>, rational<-1, 8>>(true);
    check_rule<expr<ops::pow<-2>, rational<1, 2>>, rational<4>>(true);
    check_rule<expr<ops::mul, rational<1, 2>, expr<ops::mul, rational<4>, X>>,
               expr<ops::mul, rational<2>, X>>(true);
    // the constant written as c<N, D> is reduced
    STATIC_REQUIRE(std::is_same_v<std::remove_cv_t<decltype(hw::c<6, -4>)>, rational<-3, 2>>);
}

TEST_CASE("folds that would overflow int64 are not done", "[sym][simplify]") {
    using big = rational<(std::int64_t{1} << 62), 3>;
    using product = decltype(hw::simplify(expr<ops::mul, big, big>{}));
    STATIC_REQUIRE(std::is_same_v<product, expr<ops::mul, big, big>>);
    CHECK(product{}(0.0) == Approx(std::ldexp(1.0, 124) / 9));
}

TEST_CASE("IEEE-unsafe rewrites are not applied", "[sym][simplify]") {
    // user-written zeros stay: x·0 is NaN at x = inf, x + 0 is +0 at x = −0
    constexpr auto times_zero = hw::x * hw::c<0>;
    constexpr auto plus_zero = hw::x + hw::c<0>;
    constexpr auto x_minus_x = hw::x - hw::x;
    constexpr auto exp_log = hw::exp(hw::log);
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(std::isnan(times_zero(inf)));
    CHECK(!std::signbit(plus_zero(-0.0)));
    CHECK(std::isnan(x_minus_x(inf)));
    CHECK(std::isnan(exp_log(-1.0)));
    CHECK(hw::to_string(exp_log) == "exp(log(x))");
}

TEST_CASE("simplification is idempotent on derivatives and named formulas", "[sym][simplify]") {
    constexpr auto swish3 = hw::swish(hw::swish(hw::swish));
    STATIC_REQUIRE(idempotent<decltype(hw::derivative(swish3))>);
    STATIC_REQUIRE(idempotent<decltype(hw::derivative(hw::gelu))>);
    STATIC_REQUIRE(idempotent<decltype(hw::derivative(hw::elu<>))>);
    STATIC_REQUIRE(idempotent<decltype(hw::loss_gradient(hw::binary_cross_entropy))>);
    STATIC_REQUIRE(idempotent<decltype(hw::loss_gradient(hw::huber<>))>);
    STATIC_REQUIRE(idempotent<decltype(hw::derivative(hw::derivative(hw::tanh)))>);
    // built expressions are already in simplified form
    STATIC_REQUIRE(std::is_same_v<decltype(hw::simplify(hw::derivative(swish3))),
                                  decltype(hw::derivative(swish3))>);
}
