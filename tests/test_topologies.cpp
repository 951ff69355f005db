// Topologies beyond a chain: random nested blocks (chains, residual blocks, concatenated, summed
// and multiplied branches; depth up to 5, widths up to 64) generated as types from a seed, each
// checked by uᵀJv against float64 central differences: for random directions v in parameter and
// input space and output weights u, the library's gradient of L = (1/O)·Σ uₒ·ŷₒ, dotted with v,
// equals the derivative of L along v, for the one-sample and the batched gradient. Also the
// compile-time facts of nested blocks, separate parameters for equal layer types, and the views.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <hardwired/hardwired.hpp>
#include <type_traits>
#include <vector>

#include "support/gradcheck.hpp"

namespace hw = hardwired;

namespace {

constexpr std::uint64_t mix(std::uint64_t s) {
    return hw::splitmix64{s}.next();
}

// Smooth activations only: central differences across a kink would not be a derivative.
template <std::uint64_t S>
constexpr auto pick_activation() {
    if constexpr (S % 5 == 0)
        return hw::tanh;
    else if constexpr (S % 5 == 1)
        return hw::sigmoid;
    else if constexpr (S % 5 == 2)
        return hw::identity;
    else if constexpr (S % 5 == 3)
        return hw::gelu;
    else
        return hw::softplus;
}

constexpr std::size_t width(std::uint64_t s) {
    return 1 + mix(s) % 64;
}

/// A random layer kind from In to Out values, nested at most Depth blocks deep.
template <std::uint64_t Seed, std::size_t Depth, std::size_t In, std::size_t Out>
struct gen;
template <std::uint64_t Seed, std::size_t Depth, std::size_t In, std::size_t Out>
using gen_t = typename gen<Seed, Depth, In, Out>::type;

template <std::uint64_t Seed, std::size_t Depth, std::size_t In, std::size_t Out>
struct gen {
    static constexpr std::uint64_t s = mix(Seed), s1 = mix(s + 1), s2 = mix(s + 2);
    static constexpr std::size_t choice = Depth == 0 ? 0 : s % 6;
    static constexpr std::size_t mid = width(s + 3);
    static constexpr auto pick() {
        if constexpr (choice == 0)
            return std::type_identity<hw::dense<Out, pick_activation<s1>()>>{};
        else if constexpr (choice == 1)
            return std::type_identity<
                hw::chain<gen_t<s1, Depth - 1, In, mid>, gen_t<s2, Depth - 1, mid, Out>>>{};
        else if constexpr (choice == 2) { // a residual block on In, then to Out
            using block =
                hw::residual<gen_t<s1, Depth - 1, In, mid>, gen_t<s2, Depth - 1, mid, In>>;
            if constexpr (In == Out)
                return std::type_identity<block>{};
            else
                return std::type_identity<hw::chain<block, hw::dense<Out>>>{};
        } else if constexpr (choice == 3 && Out >= 2) {
            constexpr std::size_t a = 1 + s1 % (Out - 1);
            return std::type_identity<
                hw::concat<gen_t<s1, Depth - 1, In, a>, gen_t<s2, Depth - 1, In, Out - a>>>{};
        } else if constexpr (choice == 4)
            return std::type_identity<
                hw::sum<gen_t<s1, Depth - 1, In, Out>, gen_t<s2, Depth - 1, In, Out>>>{};
        else
            return std::type_identity<
                hw::product<gen_t<s1, Depth - 1, In, Out>, gen_t<s2, Depth - 1, In, Out>>>{};
    }
    using type = typename decltype(pick())::type;
};

template <std::uint64_t Seed>
using random_net = hw::network<hw::input<width(Seed)>, gen_t<Seed, 5, width(Seed), width(Seed + 9)>,
                               hw::dense<1 + mix(Seed + 4) % 8>>;

// L = (1/O)·Σ ŷₒ·yₒ with y = u: its gradient is uᵀJ/O.
constexpr auto weighted_sum = hw::yhat * hw::y;

template <class Net>
struct ujv_report {
    double param_one = 0, param_batch = 0, numeric_param = 0;
    double input_one = 0, numeric_input = 0;
};

template <class Net>
ujv_report<Net> ujv(std::uint64_t seed) {
    using T = double;
    hw::splitmix64 rng{seed};
    auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * rng.uniform(); };
    hw::params<Net, T> p;
    hw::init::fan_in(p, seed);
    std::array<T, Net::inputs> x;
    std::array<T, Net::outputs> u;
    std::vector<T> v(Net::parameter_count);
    std::array<T, Net::inputs> vx;
    for (auto& e : x)
        e = uniform(-1, 1);
    for (auto& e : u)
        e = uniform(-1, 1);
    for (auto& e : v)
        e = uniform(-1, 1);
    for (auto& e : vx)
        e = uniform(-1, 1);

    auto loss = [&](hw::params<Net, T> const& q, std::array<T, Net::inputs> const& xx) {
        const auto y = hw::forward(q, xx);
        double s = 0;
        for (std::size_t o = 0; o < Net::outputs; ++o)
            s += y[o] * u[o];
        return s / Net::outputs;
    };
    ujv_report<Net> r;
    hw::gradients<Net, T> g;
    std::array<T, Net::inputs> gx;
    hw::gradient<weighted_sum>(p, x, u, g, &gx);
    for (std::size_t i = 0; i < Net::parameter_count; ++i)
        r.param_one += g.values[i] * v[i];
    for (std::size_t i = 0; i < Net::inputs; ++i)
        r.input_one += gx[i] * vx[i];
    hw::batch_gradient<weighted_sum>(p, std::vector{x}, std::vector{u}, g);
    for (std::size_t i = 0; i < Net::parameter_count; ++i)
        r.param_batch += g.values[i] * v[i];

    r.numeric_param = test::central_difference(
        [&](double t) {
            auto q = p;
            for (std::size_t i = 0; i < Net::parameter_count; ++i)
                q.values[i] += t * v[i];
            return loss(q, x);
        },
        0.0);
    r.numeric_input = test::central_difference(
        [&](double t) {
            auto xx = x;
            for (std::size_t i = 0; i < Net::inputs; ++i)
                xx[i] += t * vx[i];
            return loss(p, xx);
        },
        0.0);
    return r;
}

} // namespace

TEMPLATE_TEST_CASE("random nested topologies pass uᵀJv against central differences", "[topology]",
                   random_net<1>, random_net<2>, random_net<3>, random_net<4>, random_net<5>,
                   random_net<6>, random_net<7>, random_net<8>) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const auto r = ujv<TestType>(seed);
        INFO("parameters " << TestType::parameter_count << ", seed " << seed);
        INFO("params: one sample " << r.param_one << ", batch " << r.param_batch << ", numeric "
                                   << r.numeric_param);
        INFO("input: " << r.input_one << ", numeric " << r.numeric_input);
        CHECK(test::gradcheck_close(r.param_one, r.numeric_param));
        CHECK(test::gradcheck_close(r.param_batch, r.numeric_param));
        CHECK(test::gradcheck_close(r.input_one, r.numeric_input));
    }
}

namespace {
using residual_mlp =
    hw::network<hw::input<16>, hw::dense<64, hw::tanh>,
                hw::residual<hw::dense<64, hw::tanh>, hw::dense<64, hw::tanh>>,
                hw::residual<hw::dense<64, hw::tanh>, hw::dense<64, hw::tanh>>, hw::dense<8>>;
using nested = hw::network<
    hw::input<3>,
    hw::concat<hw::chain<hw::residual<hw::dense<3, hw::tanh>>, hw::dense<2>>, hw::dense<4>>>;
} // namespace

TEST_CASE("compile-time facts of nested blocks", "[topology]") {
    // 16·64 + 64, four 64·64 + 64 layers, 64·8 + 8
    STATIC_REQUIRE(residual_mlp::parameter_count == 1088 + 4 * 4160 + 520);
    STATIC_REQUIRE(residual_mlp::depth == 4);
    STATIC_REQUIRE(residual_mlp::sizes == std::array<std::size_t, 5>{16, 64, 64, 64, 8});
    STATIC_REQUIRE(residual_mlp::parameter_bytes<float> == sizeof(hw::params<residual_mlp>));
    STATIC_REQUIRE(residual_mlp::workspace_bytes<double> ==
                   sizeof(hw::workspace<residual_mlp, double>));
    STATIC_REQUIRE(residual_mlp::batch_workspace_bytes<float> ==
                   sizeof(hw::batch_workspace<residual_mlp, float>));
    STATIC_REQUIRE(residual_mlp::state_count == 0);
    // residual on 3 (3·3 + 3), then 3 → 2 (6 + 2); the branch 3 → 4 (12 + 4)
    STATIC_REQUIRE(nested::parameter_count == 12 + 8 + 16);
    STATIC_REQUIRE(nested::outputs == 6);
    STATIC_REQUIRE(std::is_same_v<decltype(hw::dense<3>{} >> hw::dense<2>{}),
                                  hw::chain<hw::dense<3>, hw::dense<2>>>);
    STATIC_REQUIRE(std::is_same_v<
                   std::remove_cv_t<decltype(
                       hw::input<16>{} >> hw::dense<64, hw::tanh>{} >>
                       hw::residual<hw::dense<64, hw::tanh>, hw::dense<64, hw::tanh>>{})>,
                   hw::network<hw::input<16>, hw::dense<64, hw::tanh>,
                               hw::residual<hw::dense<64, hw::tanh>, hw::dense<64, hw::tanh>>>>);
}

TEST_CASE("equal layer types in different places are different layers", "[topology]") {
    hw::params<residual_mlp, double> p;
    hw::init::fan_in(p, 3);
    auto first = p.layer<1>().layer<0>();  // the first residual block's first layer
    auto second = p.layer<2>().layer<0>(); // the second block's, of the same type
    STATIC_REQUIRE(std::is_same_v<decltype(first), decltype(second)>);
    CHECK(first.data != second.data);
    CHECK(first.data == p.values.data() + 1088);
    CHECK(second.data == p.values.data() + 1088 + 2 * 4160);
    CHECK(first.w(0, 0) != second.w(0, 0));
    // a gradient reaches each separately
    hw::gradients<residual_mlp, double> g;
    std::array<double, 16> x{};
    x[0] = 1;
    std::array<double, 8> y{};
    hw::gradient<hw::squared_error>(p, x, y, g);
    CHECK(g.layer<1>().layer<0>().w(0, 0) != g.layer<2>().layer<0>().w(0, 0));
}

TEST_CASE("a slice is a view of its input: nothing copied or kept, its values in place",
          "[topology]") {
    // The chain keeps the dense layers' outputs and nothing for the slices, which point into
    // them; a sum of two slices reads its input directly.
    using net = hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::slice<1, 6>, hw::slice<2, 3>,
                            hw::sum<hw::slice<0, 2>, hw::slice<1, 2>>, hw::dense<2>>;
    using root = net::root;
    STATIC_REQUIRE(root::saved_offset[0] == 8 + 2);
    STATIC_REQUIRE(!root::out_place[0].in_input && root::out_place[0].offset == 0);
    STATIC_REQUIRE(!root::out_place[1].in_input && root::out_place[1].offset == 1);
    STATIC_REQUIRE(!root::out_place[2].in_input && root::out_place[2].offset == 1 + 2);
    STATIC_REQUIRE(!root::out_place[3].in_input && root::out_place[3].offset == 8);
    STATIC_REQUIRE(hw::detail::saved_count<typename root::template child<3>> == 0);
    hw::params<net, double> p;
    hw::init::fan_in(p, 5);
    hw::workspace<net, double> ws;
    ws.a[0] = 0.3;
    ws.a[1] = -0.7;
    ws.a[2] = 0.9;
    hw::detail::forward_into(p, ws, true);
    const auto h = ws.activations<1>();
    const auto s1 = ws.activations<2>();
    const auto s2 = ws.activations<3>();
    const auto sum = ws.activations<4>();
    for (std::size_t i = 0; i < 6; ++i)
        CHECK(s1[i] == h[1 + i]);
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(s2[i] == h[3 + i]);
    CHECK(sum[0] == h[3] + h[4]);
    CHECK(sum[1] == h[4] + h[5]);
    // Each view of the tanh layer's outputs points at them.
    CHECK(s2.data() == h.data() + 3);
}
