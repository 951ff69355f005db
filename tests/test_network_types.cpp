// Topology as a type: the two spellings, compile-time facts, parameter layout and views,
// initializers.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <hardwired/hardwired.hpp>
#include <type_traits>

namespace hw = hardwired;

using xor_net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
constexpr auto xor_expr = hw::input<2>{} >> hw::dense<3, hw::tanh>{} >> hw::dense<1, hw::sigmoid>{};
constexpr auto swish = hw::x * hw::sigmoid(hw::x);
using swish_net = hw::network<hw::input<4>, hw::dense<8, swish>, hw::dense<1>>;

TEST_CASE("the type and the >> expression are the same network", "[network]") {
    STATIC_REQUIRE(std::is_same_v<std::remove_cv_t<decltype(xor_expr)>, xor_net>);
    STATIC_REQUIRE(
        std::is_same_v<
            std::remove_cv_t<decltype(hw::input<4>{} >> hw::dense<8, swish>{} >> hw::dense<1>{})>,
            swish_net>);
    // the default activation is identity, and a user formula is the same type as the named one
    STATIC_REQUIRE(std::is_same_v<hw::dense<1>, hw::dense<1, hw::identity>>);
    STATIC_REQUIRE(std::is_same_v<hw::dense<8, swish>, hw::dense<8, hw::swish>>);
}

TEST_CASE("compile-time facts", "[network]") {
    STATIC_REQUIRE(xor_net::inputs == 2);
    STATIC_REQUIRE(xor_net::outputs == 1);
    STATIC_REQUIRE(xor_net::depth == 2);
    STATIC_REQUIRE(xor_net::parameter_count == 2 * 3 + 3 + 3 * 1 + 1);
    // bytes as the library lays them out: each array on 64-byte lines (13 floats: 52 bytes,
    // one line; 13 doubles: 104, two lines; a workspace's 10 values and 9 signals: a line each,
    // and one for its random stream)
    STATIC_REQUIRE(xor_net::parameter_bytes<float> == 64);
    STATIC_REQUIRE(xor_net::parameter_bytes<double> == 128);
    STATIC_REQUIRE(xor_net::gradient_bytes<float> == 64);
    STATIC_REQUIRE(xor_net::workspace_bytes<float> == 3 * 64);
    STATIC_REQUIRE(swish_net::parameter_count == 4 * 8 + 8 + 8 + 1);
    // a RAM budget check as a user would write it
    STATIC_REQUIRE(swish_net::parameter_bytes<> + swish_net::gradient_bytes<> +
                       swish_net::workspace_bytes<> <=
                   1024);
    STATIC_REQUIRE(sizeof(hw::params<swish_net>) == swish_net::parameter_bytes<>);
    STATIC_REQUIRE(std::is_aggregate_v<hw::params<swish_net>>);
    STATIC_REQUIRE(std::is_trivially_copyable_v<hw::params<swish_net>>);
}

TEST_CASE("per-layer views address w(j, k) and b(j) in the flat array", "[network][params]") {
    hw::params<xor_net> p;
    for (std::size_t i = 0; i < p.size; ++i)
        p.values[i] = static_cast<float>(i);
    // layer 0: 3×2 weights stored column by column (input k's weights contiguous), then biases
    CHECK(p.layer<0>().w(0, 0) == 0);
    CHECK(p.layer<0>().w(2, 0) == 2);
    CHECK(p.layer<0>().w(0, 1) == 3);
    CHECK(p.layer<0>().b(0) == 6);
    CHECK(p.layer<0>().b(2) == 8);
    CHECK(p.layer<1>().w(0, 2) == 11);
    CHECK(p.layer<1>().b(0) == 12);
    p.layer<1>().w(0, 1) = -1;
    CHECK(p.flat()[10] == -1);
    hw::params<xor_net> const& cp = p;
    CHECK(cp.layer<1>().w(0, 1) == -1);
    // the forward pass uses w(j, k) as the documents do: z_j = Σ_k w_jk x_k + b_j
    hw::params<xor_net, double> q{};
    q.layer<0>().w(1, 0) = 2.0; // neuron 1 sees 2·x₀
    q.layer<1>().w(0, 1) = 1.0; // the output sees hidden neuron 1 only
    const double out = hw::forward(q, std::array{0.25, 7.0})[0];
    CHECK(out == Approx(1 / (1 + std::exp(-std::tanh(0.5)))).epsilon(1e-15));
}

TEST_CASE("initializers are deterministic, seeded and within their bounds", "[network][params]") {
    using net = hw::network<hw::input<16>, hw::dense<32, hw::relu>, hw::dense<4>>;
    hw::params<net> a, b, c;
    hw::init::xavier(a, 7);
    hw::init::xavier(b, 7);
    hw::init::xavier(c, 8);
    CHECK(a == b);
    CHECK(!(a == c));
    auto within = [](auto const& p, auto layer_index, double bound, bool zero_bias) {
        auto v = p.template layer<decltype(layer_index)::value>();
        double largest = 0;
        for (std::size_t j = 0; j < v.outputs; ++j) {
            for (std::size_t k = 0; k < v.inputs; ++k)
                largest = std::max(largest, double(std::abs(v.w(j, k))));
            if (zero_bias && v.b(j) != 0)
                return false;
        }
        return largest <= bound && largest > 0.8 * bound; // uses the range, not just a corner
    };
    CHECK(within(a, std::integral_constant<std::size_t, 0>{}, std::sqrt(6.0 / 48), true));
    CHECK(within(a, std::integral_constant<std::size_t, 1>{}, std::sqrt(6.0 / 36), true));
    hw::init::he(a, 1);
    CHECK(within(a, std::integral_constant<std::size_t, 0>{}, std::sqrt(6.0 / 16), true));
    hw::init::fan_in(a, 1);
    CHECK(within(a, std::integral_constant<std::size_t, 1>{}, 1 / std::sqrt(32.0), false));
    hw::init::uniform(a, -0.5f, 0.25f, 3);
    for (float v : a.values)
        CHECK((v >= -0.5f && v < 0.25f));
    hw::init::constant(a, 1.0f);
    for (float v : a.values)
        CHECK(v == 1.0f);
    // fixed values from a fixed seed: the generator is our own, so these hold on every platform
    hw::splitmix64 rng{0};
    CHECK(rng.next() == 0xE220A8397B1DCDAFull);
}

TEST_CASE("forward with a workspace exposes every layer's values", "[network]") {
    using net = hw::network<hw::input<2>, hw::dense<3>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::constant(p, 1); // literals of another type are accepted
    hw::workspace<net, double> ws;
    CHECK(hw::forward(p, std::array{0.0, 0.0}, ws)[0] == 4.0);
    for (double h : ws.activations<1>())
        CHECK(h == 1.0);
    for (double z : ws.pre_activations<1>())
        CHECK(z == 1.0);
    CHECK(ws.activations<0>()[0] == 0.0);
    CHECK(ws.activations<2>()[0] == 4.0);
}

TEST_CASE("fit stops when stop_when returns true", "[network][fit]") {
    using net = hw::network<hw::input<1>, hw::dense<1>>;
    hw::params<net> p;
    hw::sgd<net> opt{.lr = 0.1f};
    const std::array<std::array<float, 1>, 2> xs{{{0}, {1}}};
    const std::array<std::array<float, 1>, 2> ys{{{1}, {2}}};
    std::size_t calls = 0;
    const auto r = hw::fit<hw::squared_error>(
        p, opt, xs, ys,
        {.epochs = 100,
         .batch_size = 2,
         .on_epoch = [&](hw::fit_progress const&) { ++calls; },
         .stop_when = [](hw::fit_progress const& s) { return s.epoch == 7; },
         .print_progress = false});
    CHECK(calls == 7);
    CHECK(r.loss_history.size() == 7);
}
