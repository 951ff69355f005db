// Every primitive, activation and loss: the symbolic derivative against float64 central
// differences (gradcheck tolerances) and against a forward-mode dual number evaluating the same
// expression type (agreement to rounding).

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <hardwired/hardwired.hpp>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>

#include "support/dual.hpp"
#include "support/gradcheck.hpp"

namespace hw = hardwired;

namespace {

template <class E>
void check_derivative(E e, std::initializer_list<double> points) {
    const auto d = hw::derivative(e, hw::x);
    for (double x : points) {
        INFO(hw::to_string(e) << "  derivative " << hw::to_string(d) << "  at x = " << x);
        const double analytic = d(x);
        const double numeric = test::central_difference([&](double v) { return e(v); }, x);
        CHECK(test::gradcheck_close(analytic, numeric));
        const test::dual forward = e(test::dual{x, 1.0});
        CHECK(forward.v == e(x));
        CHECK(test::nearly_exact(analytic, forward.d));
    }
}

// ∂loss/∂v for v = ŷ (position 0) or y (position 1), at (ŷ, y) pairs.
template <class L, class V>
void check_loss(L l, V v, std::initializer_list<std::pair<double, double>> points) {
    const auto d = hw::derivative(l, v);
    constexpr bool wrt_yhat = V::position == 0;
    for (auto const& point : points) {
        const double yh = point.first, t = point.second;
        INFO(hw::to_string(l) << "  derivative " << hw::to_string(d) << "  at yhat = " << yh
                              << ", y = " << t);
        const double analytic = d(yh, t);
        const double numeric = test::central_difference(
            [&](double s) { return wrt_yhat ? l(s, t) : l(yh, s); }, wrt_yhat ? yh : t);
        CHECK(test::gradcheck_close(analytic, numeric));
        const test::dual forward = wrt_yhat ? l(test::dual{yh, 1.0}, test::dual{t})
                                            : l(test::dual{yh}, test::dual{t, 1.0});
        CHECK(test::nearly_exact(analytic, forward.d));
    }
}

constexpr std::initializer_list<double> everywhere = {-7.5, -3, -1.2, -0.4, 0.3, 0.9, 2.2, 6};
constexpr std::initializer_list<double> positive = {0.05, 0.3, 0.9, 2.2, 6, 40};

} // namespace

TEST_CASE("primitives differentiate correctly", "[sym][derivative]") {
    check_derivative(hw::exp, everywhere);
    check_derivative(hw::expm1, everywhere);
    check_derivative(hw::log, positive);
    check_derivative(hw::log1p, {-0.7, -0.2, 0.3, 2.2, 40});
    check_derivative(hw::tanh, everywhere);
    check_derivative(hw::sqrt, positive);
    check_derivative(hw::abs, everywhere); // away from the kink at 0
    check_derivative(hw::sigmoid, everywhere);
    check_derivative(hw::softplus, everywhere);
    check_derivative(hw::relu, everywhere);
    check_derivative(hw::pow<2>, everywhere);
    check_derivative(hw::pow<3>, everywhere);
    check_derivative(hw::pow<-2>, {-3, -0.4, 0.3, 2.2});
    check_derivative(hw::x + hw::sigmoid, everywhere);
    check_derivative(hw::x - hw::tanh, everywhere);
    check_derivative(hw::x * hw::exp, everywhere);
    check_derivative(hw::tanh / (hw::c<2> + hw::x * hw::x), everywhere);
    check_derivative(-hw::softplus(hw::c<3, 2> * hw::x), everywhere);
    check_derivative(hw::select(hw::x > hw::c<1>, hw::pow<2>, hw::exp), everywhere);
    check_derivative(hw::max(hw::tanh, hw::c<1, 2> * hw::x), everywhere);
    check_derivative(hw::min(hw::exp, hw::c<2>), everywhere);
    check_derivative(hw::sigmoid(hw::tanh(hw::x)) * hw::log1p(hw::pow<2>), everywhere);
}

TEST_CASE("activations differentiate correctly", "[sym][derivative][activation]") {
    check_derivative(hw::identity, everywhere);
    check_derivative(hw::relu, everywhere);
    check_derivative(hw::leaky_relu<>, everywhere);
    check_derivative(hw::leaky_relu<1, 5>, everywhere);
    check_derivative(hw::sigmoid, everywhere);
    check_derivative(hw::tanh, everywhere);
    check_derivative(hw::softplus, everywhere);
    check_derivative(hw::swish, everywhere);
    check_derivative(hw::silu, everywhere);
    check_derivative(hw::gelu, everywhere);
    check_derivative(hw::elu<>, everywhere);
    check_derivative(hw::elu<1, 2>, everywhere);
    check_derivative(hw::log_sigmoid, everywhere);
    // a user formula is an activation like any other: nested swish
    check_derivative(hw::swish(hw::swish), everywhere);
}

TEST_CASE("losses differentiate correctly in the prediction and the target", "[sym][loss]") {
    const auto pairs = {std::pair{0.3, 1.0}, {-2.0, 0.0}, {1.7, 0.25}, {0.0, 1.0}, {4.0, -1.0}};
    const auto probabilities = {std::pair{0.3, 1.0}, {0.9, 0.0}, {0.5, 0.25}, {0.02, 1.0}};
    for (auto v : {0, 1}) {
        auto check_all = [&](auto var) {
            check_loss(hw::squared_error, var, pairs);
            check_loss(hw::mse_loss, var, pairs);
            check_loss(hw::bce_with_logits, var, pairs);
            check_loss(hw::binary_cross_entropy, var, probabilities);
            check_loss(hw::huber<>, var, pairs);
            check_loss(hw::huber<3, 2>, var, pairs);
            check_loss(hw::smooth_l1<1, 2>, var, pairs);
        };
        if (v == 0)
            check_all(hw::yhat);
        else
            check_all(hw::y);
    }
}

TEST_CASE("loss gradients have their textbook forms", "[sym][loss]") {
    STATIC_REQUIRE(std::is_same_v<decltype(hw::loss_gradient(hw::squared_error)),
                                  std::remove_cv_t<decltype(hw::yhat - hw::y)>>);
    STATIC_REQUIRE(std::is_same_v<decltype(hw::loss_gradient(hw::bce_with_logits)),
                                  std::remove_cv_t<decltype(hw::sigmoid(hw::yhat) - hw::y)>>);
    CHECK(hw::to_string(hw::loss_gradient(hw::mse_loss)) == "2*(yhat - y)");
    // mean reduction: mse_loss is PyTorch's mse_loss, squared_error half of it
    CHECK(hw::mse_loss(3.0, 1.0) == 4.0);
    CHECK(hw::squared_error(3.0, 1.0) == 2.0);
}

TEST_CASE("softmax cross-entropy: value and fused gradient", "[sym][loss]") {
    const std::array<double, 4> z{1.5, -0.5, 3.0, 0.25};
    const std::array<double, 4> t{0.0, 0.0, 1.0, 0.0};
    auto loss_at = [&](std::array<double, 4> const& logits) {
        return hw::softmax_cross_entropy.value(logits, t);
    };
    const std::array<double, 4> g = hw::softmax_cross_entropy.gradient(z, t);
    CHECK(hw::softmax_cross_entropy.gradient(z, 2) == g); // the class index of the one-hot t
    double sum = 0, denom = 0;
    for (double v : z)
        denom += std::exp(v);
    for (std::size_t i = 0; i < z.size(); ++i) {
        auto plus = z, minus = z;
        const double h = 1e-6;
        plus[i] += h;
        minus[i] -= h;
        CHECK(test::gradcheck_close(g[i], (loss_at(plus) - loss_at(minus)) / (2 * h)));
        CHECK(g[i] == Approx(std::exp(z[i]) / denom - t[i]).epsilon(1e-12));
        sum += g[i];
    }
    CHECK(std::abs(sum) < 1e-12); // softmax − one-hot sums to 0
    CHECK(loss_at(z) == Approx(-std::log(std::exp(z[2]) / denom)).epsilon(1e-12));
    // huge logits neither overflow nor produce NaN
    const std::array<double, 4> big{1000.0, -1000.0, 999.0, 0.0};
    CHECK(std::isfinite(loss_at(big)));
    CHECK(loss_at(big) == Approx(1.0 + std::log1p(std::exp(-1.0))).epsilon(1e-12));
}
