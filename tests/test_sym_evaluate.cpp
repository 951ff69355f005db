// Evaluation (by position, by name, composition), type-level common-subexpression elimination,
// printing, output-expressible derivatives and expressions as template arguments.

#include <catch2/catch.hpp>

#include <cmath>
#include <hardwired/hardwired.hpp>
#include <type_traits>

#include "support/dual.hpp"

namespace hw = hardwired;

namespace {
template <auto F>
struct uses_activation {
    static constexpr auto f = F;
};
} // namespace

TEST_CASE("an expression evaluates for float and double", "[sym][evaluate]") {
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    STATIC_REQUIRE(std::is_same_v<decltype(swish(0.5f)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(swish(0.5)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(swish(2)), double>); // integers evaluate in double
    CHECK(swish(0.5) == Approx(0.5 / (1 + std::exp(-0.5))).epsilon(1e-15));
    CHECK(hw::derivative(swish)(0.5f) ==
          Approx(1 / (1 + std::exp(-0.5)) * (1 + 0.5 * (1 - 1 / (1 + std::exp(-0.5)))))
              .epsilon(1e-6));
}

TEST_CASE("multi-variable expressions take their variables by position or by name", "[sym]") {
    constexpr auto l = hw::squared_error;
    CHECK(l(3.0, 1.0) == 2.0);                    // (yhat, y)
    CHECK(l(hw::y = 1.0, hw::yhat = 3.0) == 2.0); // by name, any order
    CHECK(l(hw::yhat = 3.0f, hw::y = 1.0f) == 2.0f);
    CHECK(hw::loss_gradient(l)(hw::yhat = 0.25, hw::y = 1.0) == -0.75);
}

TEST_CASE("calling an expression with expressions composes", "[sym]") {
    constexpr auto f = hw::tanh(hw::c<2> * hw::x);
    CHECK(hw::to_string(f) == "tanh(2*x)");
    CHECK(f(0.3) == std::tanh(0.6));
    constexpr auto swish2 = hw::swish(hw::swish);
    CHECK(hw::to_string(swish2) == "x*sigmoid(x)*sigmoid(x*sigmoid(x))");
    // substitute one variable of several
    constexpr auto l = hw::substitute(hw::squared_error, hw::yhat, hw::sigmoid(hw::yhat));
    CHECK(hw::to_string(l) == "1/2*(sigmoid(yhat) - y)^2");
}

TEST_CASE("identical sub-expressions are evaluated once per call", "[sym][cse]") {
    // d/dx x·σ(x) = σ(x) + x·σ(x)·(1 − σ(x)) mentions σ(x) three times; one exp is computed.
    const auto d = hw::derivative(hw::x * hw::sigmoid(hw::x));
    test::exp_calls = 0;
    const test::dual r = d(test::dual{0.7});
    CHECK(test::exp_calls == 1);
    CHECK(r.v == Approx(d(0.7)).epsilon(1e-15));

    // nested swish of depth 6: the derivative tree has thousands of σ nodes but 6 distinct ones
    constexpr auto s6 = hw::swish(hw::swish(hw::swish(hw::swish(hw::swish(hw::swish)))));
    test::exp_calls = 0;
    (void)hw::derivative(s6)(test::dual{0.7});
    CHECK(test::exp_calls == 6);
}

TEST_CASE("to_string prints readable infix with minimal parentheses", "[sym][print]") {
    CHECK(hw::to_string(hw::x * hw::sigmoid(hw::x)) == "x*sigmoid(x)");
    CHECK(hw::to_string(hw::derivative(hw::x * hw::sigmoid(hw::x))) ==
          "sigmoid(x) + x*sigmoid(x)*(1 - sigmoid(x))");
    CHECK(hw::to_string(hw::x - (hw::y - hw::x)) == "x - (y - x)");
    CHECK(hw::to_string(hw::x + (hw::y - hw::x)) == "x + y - x");
    CHECK(hw::to_string(hw::x / (hw::y * hw::x)) == "x/(y*x)");
    CHECK(hw::to_string((hw::x + hw::y) * hw::x) == "(x + y)*x");
    CHECK(hw::to_string(hw::pow<2>(hw::x + hw::c<1>)) == "(x + 1)^2");
    CHECK(hw::to_string(-(hw::x + hw::y)) == "-(x + y)");
    CHECK(hw::to_string(hw::c<1, 3> * hw::x) == "1/3*x");
    CHECK(hw::to_string(hw::x * hw::c<1, 3>) == "1/3*x");
    CHECK(hw::to_string(hw::leaky_relu<1, 5>) == "select(x > 0, x, 1/5*x)");
    CHECK(hw::to_string(hw::derivative(hw::tanh)) == "1 - tanh(x)^2");
    CHECK(hw::to_string(hw::derivative(hw::log)) == "1/x");
}

TEST_CASE("output-expressible derivatives", "[sym][output]") {
    STATIC_REQUIRE(hw::is_output_expressible(hw::sigmoid));
    STATIC_REQUIRE(hw::is_output_expressible(hw::tanh));
    STATIC_REQUIRE(hw::is_output_expressible(hw::relu));
    STATIC_REQUIRE(hw::is_output_expressible(hw::identity));
    STATIC_REQUIRE(hw::is_output_expressible(hw::exp));
    STATIC_REQUIRE(!hw::is_output_expressible(hw::swish));
    STATIC_REQUIRE(!hw::is_output_expressible(hw::softplus));
    STATIC_REQUIRE(!hw::is_output_expressible(hw::gelu));
    CHECK(hw::to_string(hw::output_derivative(hw::sigmoid)) == "a*(1 - a)");
    CHECK(hw::to_string(hw::output_derivative(hw::tanh)) == "1 - a^2");
    CHECK(hw::to_string(hw::output_derivative(hw::relu)) == "select(a > 0, 1, 0)");
    CHECK(hw::to_string(hw::output_derivative(hw::identity)) == "1");
    // the output form evaluated at f(x) equals f'(x)
    for (double v : {-3.0, -0.5, 0.2, 1.5, 4.0}) {
        CHECK(hw::output_derivative(hw::sigmoid)(hw::sigmoid(v)) ==
              Approx(hw::derivative(hw::sigmoid)(v)).epsilon(1e-15));
        CHECK(hw::output_derivative(hw::tanh)(hw::tanh(v)) ==
              Approx(hw::derivative(hw::tanh)(v)).epsilon(1e-15));
        CHECK(hw::output_derivative(hw::relu)(hw::relu(v)) == hw::derivative(hw::relu)(v));
    }
}

TEST_CASE("expressions are structural template arguments", "[sym]") {
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    using a = uses_activation<swish>;
    using b = uses_activation<hw::x * hw::sigmoid>;
    STATIC_REQUIRE(std::is_same_v<a, b>);
    STATIC_REQUIRE(std::is_same_v<a, uses_activation<hw::swish>>);
    STATIC_REQUIRE(std::is_empty_v<std::remove_cv_t<decltype(swish)>>);
    STATIC_REQUIRE(hw::activation<decltype(swish)>);
    STATIC_REQUIRE(!hw::activation<decltype(hw::squared_error)>);
    STATIC_REQUIRE(hw::loss<decltype(hw::squared_error)>);
    CHECK(a::f(1.0) == swish(1.0));
}
