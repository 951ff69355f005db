// The source documents' examples as exact tests (shared/seeds, see its README).

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <hardwired/hardwired.hpp>

#include "support/gradcheck.hpp"

namespace hw = hardwired;

TEST_CASE("002: the worked example, forward, gradient and one SGD step", "[network][seeds]") {
    // 2 inputs plus a bias unit, 3 hidden plus a bias unit, 1 output; identity activations;
    // every weight 1 (a bias unit's weights are our biases); input (0, 0), target 0.
    using net = hw::network<hw::input<2>, hw::dense<3>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::constant(p, 1.0);
    const std::array x{0.0, 0.0};
    const std::array target{0.0};

    hw::workspace<net, double> ws;
    ws.a[0] = x[0];
    ws.a[1] = x[1];
    hw::detail::forward_into(p, ws, false);
    for (std::size_t j = 0; j < 3; ++j)
        CHECK(ws.activations<1>()[j] == 1.0); // hidden 1, 1, 1
    CHECK(hw::forward(p, x)[0] == 4.0);       // output 4

    // ½(ŷ − y)² = 8, ∂/∂ŷ = 4; every parameter fed by a 1 gets gradient 4, those fed by the
    // zero inputs 0.
    hw::gradients<net, double> g;
    CHECK(hw::gradient<hw::squared_error>(p, x, target, g) == 8.0);
    for (std::size_t j = 0; j < 3; ++j) {
        CHECK(g.layer<0>().w(j, 0) == 0.0);
        CHECK(g.layer<0>().w(j, 1) == 0.0);
        CHECK(g.layer<0>().b(j) == 4.0);
        CHECK(g.layer<1>().w(0, j) == 4.0);
    }
    CHECK(g.layer<1>().b(0) == 4.0);

    // one step, learning rate 0.1: 1 − 0.1·4 = 0.6 for every weight from a bias unit and for
    // the output layer's weights from the hidden units (which are 1); the weights from the zero
    // inputs stay 1. (The document's 1.4 comes from moving the wrong way.)
    hw::sgd<net, double> opt{.lr = 0.1};
    opt.step(p, g);
    for (std::size_t j = 0; j < 3; ++j) {
        CHECK(p.layer<0>().w(j, 0) == 1.0);
        CHECK(p.layer<0>().w(j, 1) == 1.0);
        CHECK(p.layer<0>().b(j) == Approx(0.6).epsilon(1e-15));
        CHECK(p.layer<1>().w(0, j) == Approx(0.6).epsilon(1e-15));
    }
    CHECK(p.layer<1>().b(0) == Approx(0.6).epsilon(1e-15));
    // and the loss went down
    CHECK(hw::forward(p, x)[0] < 4.0);
}

TEST_CASE("001: 4-2-2-1 sigmoid network, one weight's gradient by the chain rule", "[seeds]") {
    // The document numbers layers from the input: a¹ = x (4), a² and a³ hidden (2 each),
    // a⁴ the output; its example weight w²₂₂ joins a²₂ to z³₂. In our 0-based layers that is
    // layer 1's w(1, 1). Cost: ½(a⁴ − y)².
    using net = hw::network<hw::input<4>, hw::dense<2, hw::sigmoid>, hw::dense<2, hw::sigmoid>,
                            hw::dense<1, hw::sigmoid>>;
    hw::params<net, double> p;
    hw::init::uniform(p, -1.0, 1.0, 2024);
    const std::array x{0.5, -1.0, 0.25, 2.0};
    const std::array y{1.0};

    hw::workspace<net, double> ws;
    for (std::size_t i = 0; i < 4; ++i)
        ws.a[i] = x[i];
    hw::detail::forward_into(p, ws, false);
    auto sig_prime = [](double a) { return a * (1 - a); };
    const auto a2 = ws.activations<1>();
    const auto a3 = ws.activations<2>();
    const double a4 = ws.activations<3>()[0];

    hw::gradients<net, double> g;
    hw::gradient<hw::squared_error>(p, x, y, g);

    // ∂C/∂w²₂₂ = ∂C/∂a⁴ · σ'(z⁴) · w³₁₂ · σ'(z³₂) · a²₂, written out by hand
    const double by_hand =
        (a4 - y[0]) * sig_prime(a4) * p.layer<2>().w(0, 1) * sig_prime(a3[1]) * a2[1];
    CHECK(g.layer<1>().w(1, 1) == Approx(by_hand).epsilon(1e-14));

    // a weight of the first hidden layer, w(1, 3) of layer 0 (input 4 → a²₂): one more link
    const double d_a2_1 = (a4 - y[0]) * sig_prime(a4) *
                          (p.layer<2>().w(0, 0) * sig_prime(a3[0]) * p.layer<1>().w(0, 1) +
                           p.layer<2>().w(0, 1) * sig_prime(a3[1]) * p.layer<1>().w(1, 1));
    CHECK(g.layer<0>().w(1, 3) == Approx(d_a2_1 * sig_prime(a2[1]) * x[3]).epsilon(1e-14));

    // and both against central differences
    auto loss_with = [&](auto set, double v) {
        auto q = p;
        set(q, v);
        const double out = hw::forward(q, x)[0];
        return 0.5 * (out - y[0]) * (out - y[0]);
    };
    auto fd = [&](auto set, double at) {
        return test::central_difference([&](double v) { return loss_with(set, v); }, at);
    };
    CHECK(test::gradcheck_close(
        g.layer<1>().w(1, 1),
        fd([](auto& q, double v) { q.template layer<1>().w(1, 1) = v; }, p.layer<1>().w(1, 1))));
    CHECK(test::gradcheck_close(
        g.layer<0>().w(1, 3),
        fd([](auto& q, double v) { q.template layer<0>().w(1, 3) = v; }, p.layer<0>().w(1, 3))));
}

TEST_CASE("000: the 1-1-1 identity chain, dC/dw = (o - y)·1·h", "[seeds]") {
    using net = hw::network<hw::input<1>, hw::dense<1>, hw::dense<1>>;
    hw::params<net, double> p;
    p.layer<0>().w(0, 0) = 0.8;
    p.layer<0>().b(0) = 0.1;
    p.layer<1>().w(0, 0) = -1.5;
    p.layer<1>().b(0) = 0.3;
    const std::array x{2.0};
    const std::array y{1.0};
    const double h = 0.8 * 2.0 + 0.1;
    const double o = -1.5 * h + 0.3;
    CHECK(hw::forward(p, x)[0] == Approx(o).epsilon(1e-15));
    hw::gradients<net, double> g;
    CHECK(hw::gradient<hw::squared_error>(p, x, y, g) == Approx(0.5 * (o - 1) * (o - 1)));
    CHECK(g.layer<1>().w(0, 0) == Approx((o - y[0]) * 1 * h).epsilon(1e-15));
    // and one level further down the chain: (o − y)·w₂·x
    CHECK(g.layer<0>().w(0, 0) == Approx((o - y[0]) * -1.5 * x[0]).epsilon(1e-15));
}
