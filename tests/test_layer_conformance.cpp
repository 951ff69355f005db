// Every layer kind and block passes the conformance suite (support/conformance.hpp), each inside a
// small network: one line in `subjects` per kind. It includes a layer kind defined here, in the
// test and nowhere in include/, to show that the layer concept is the library's extension point.
#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <hardwired/hardwired.hpp>
#include <vector>

#include "support/conformance.hpp"
#include "support/counting_new.hpp"

namespace hw = hardwired;

namespace {

/// y = a ⊙ x + b, element-wise, a and b learned: a layer kind written against the concept alone
/// (layers/layer.hpp), with only the mandatory reference kernels.
struct scale_shift {
    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = In;
        static constexpr std::array<hw::tensor, 2> tensors{{
            {"weight", 1, {In, 1, 1}, {1, 1, 1}, 0, hw::init_role::ones, In, In},
            {"bias", 1, {In, 1, 1}, {1, 1, 1}, In, hw::init_role::zeros, In, In},
        }};
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T*) {
            for (std::size_t i = 0; i < In; ++i)
                out[i] = p[i] * in[i] + p[In + i];
        }
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const*, T const*,
                                       T const* delta, T* delta_in) {
            for (std::size_t i = 0; i < In; ++i) {
                dp[i] += delta[i] * in[i];
                dp[In + i] += delta[i];
                if (delta_in)
                    delta_in[i] = delta[i] * p[i];
            }
        }
    };
};

template <class... Layers>
using around =
    hw::network<hw::input<5>, hw::dense<6, hw::tanh>, Layers..., hw::dense<3, hw::sigmoid>>;

} // namespace

// One line per layer kind or block. The batch norms' ε of 1 and 1.5 keep running_var + ε positive
// for the parameters in [−0.8, 0.8) that the suite draws.
#define HARDWIRED_CONFORMANCE_SUBJECTS                                                             \
    (around<hw::dense<7, hw::tanh>>), (around<hw::dense<4, hw::gelu>>),                            \
        (around<hw::dense<9, hw::swish, hw::no_bias>>), (around<hw::dense<16, hw::relu>>),         \
        (around<scale_shift>), (around<scale_shift, hw::dense<2>>),                                \
        (around<hw::residual<hw::dense<4, hw::tanh>, hw::dense<6, hw::tanh>>>),                    \
        (around<hw::residual<hw::dense<6>>>),                                                      \
        (around<hw::concat<hw::dense<3, hw::tanh>, hw::dense<5, hw::sigmoid>, scale_shift>>),      \
        (around<                                                                                   \
            hw::sum<hw::dense<4, hw::tanh>, hw::chain<hw::dense<8, hw::relu>, hw::dense<4>>>>),    \
        (around<hw::product<hw::dense<8, hw::tanh>, hw::dense<8, hw::sigmoid>>>),                  \
        (around<hw::residual<hw::product<hw::dense<6, hw::tanh>, hw::dense<6, hw::sigmoid>>>>),    \
        (around<hw::activation_layer<hw::gelu>>),                                                  \
        (around<hw::dense<5>, hw::activation_layer<hw::tanh>>), (around<hw::softmax_layer>),       \
        (around<hw::layer_norm<>>), (around<hw::dense<8>, hw::layer_norm<1, 1000>, hw::dense<4>>), \
        (around<hw::dropout<1, 5>>), (around<hw::prelu<>>), (around<hw::dense<4>, hw::prelu<4>>),  \
        (around<hw::frozen_batch_norm<1, 1>>), (around<hw::frozen_batch_norm<3, 2, false>>),       \
        (around<hw::dropout<1, 2>, hw::residual<hw::dense<6, hw::tanh>, hw::dropout<1, 3>>>),      \
        (around<hw::concat<hw::slice<4, 2>, hw::chain<hw::slice<1, 3>, hw::dense<2, hw::tanh>>>>), \
        (around<hw::sum<hw::slice<0, 3>, hw::slice<3, 3>>, hw::dense<4, hw::tanh>>),               \
        (around<                                                                                   \
            hw::product<hw::slice<1, 4>, hw::chain<hw::slice<0, 4>, hw::dense<4, hw::tanh>>>>),    \
        (around<hw::product<hw::chain<hw::slice<2, 3>, hw::activation_layer<hw::tanh>>,            \
                            hw::slice<0, 3>, hw::slice<3, 3>>>),                                   \
        (around<hw::dense<8, hw::tanh>, hw::slice<1, 6>, hw::slice<2, 3>, hw::dense<2>>),          \
        (around<hw::sum<hw::chain<hw::dense<8, hw::tanh>, hw::slice<2, 4>>, hw::slice<1, 4>>>),    \
        (around<hw::conv1d<20, 1, 1, 1, hw::tanh>>), (around<hw::conv1d<6, 1, 1, 1, hw::swish>>),  \
        (around<hw::conv1d<4, 1, 1, 2, hw::x, false>>)

TEMPLATE_TEST_CASE("conformance: float64 gradients against central differences", "[conformance]",
                   HARDWIRED_CONFORMANCE_SUBJECTS) {
    const auto r = test::conformance::gradcheck<TestType>();
    INFO("worst |analytic - numeric| / (1e-5 + 1e-3 |numeric|) = " << r.worst);
    CHECK(r.checked == 3 * (TestType::parameter_count + TestType::inputs));
    CHECK(r.failed == 0);
}

TEMPLATE_TEST_CASE("conformance: fast kernels against the reference kernels", "[conformance]",
                   HARDWIRED_CONFORMANCE_SUBJECTS) {
    // float: SIMD exp and tanh, FMA and the order of sums; double: rounding only. The batch's
    // gradient is the mean of the samples' in both.
    const auto f = test::conformance::fast_vs_reference<TestType, float>();
    const auto d = test::conformance::fast_vs_reference<TestType, double>();
    INFO("float: one sample " << f.one_sample << ", chunk " << f.chunk << ", forward_batch "
                              << f.forward_batch);
    INFO("double: one sample " << d.one_sample << ", chunk " << d.chunk << ", forward_batch "
                               << d.forward_batch);
    CHECK(f.one_sample <= 1e-5);
    CHECK(f.chunk <= 1e-5);
    CHECK(f.forward_batch <= 1e-5);
    CHECK(d.one_sample <= 1e-13);
    CHECK(d.chunk <= 1e-13);
    CHECK(d.forward_batch <= 1e-13);
}

TEMPLATE_TEST_CASE("conformance: no heap in forward, backward and the optimizer step",
                   "[conformance]", HARDWIRED_CONFORMANCE_SUBJECTS) {
    const std::size_t n = test::conformance::heap_allocations<TestType>(
        [](auto f) { return test::allocations_during(f); });
    CHECK(n == 0);
}

TEMPLATE_TEST_CASE("conformance: training is bit-reproducible", "[conformance]",
                   HARDWIRED_CONFORMANCE_SUBJECTS) {
    CHECK(test::conformance::reproducible<TestType>());
}

TEST_CASE("a layer kind defined outside the library: init, sizes, fit", "[conformance]") {
    using net = hw::network<hw::input<3>, scale_shift, hw::dense<2>, scale_shift>;
    STATIC_REQUIRE(net::parameter_count == 6 + 8 + 4);
    STATIC_REQUIRE(net::tensor_count == 6);
    STATIC_REQUIRE(net::parameter_bytes<float> == sizeof(hw::params<net>));
    STATIC_REQUIRE(net::workspace_bytes<double> == sizeof(hw::workspace<net, double>));
    STATIC_REQUIRE(net::batch_workspace_bytes<float> == sizeof(hw::batch_workspace<net>));
    hw::params<net> p;
    hw::init::xavier(p, 5);
    // the roles of the layer's tensor table: weight 1, bias 0, whatever the initialiser
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(p.values[i] == 1.0f);
        CHECK(p.values[3 + i] == 0.0f);
    }
    CHECK(p.values[14] == 1.0f);
    CHECK(p.values[16] == 0.0f);
    // y = 2x₀ − x₁ + 0.5, learned through both scale_shift layers by fit
    std::vector<std::array<float, 3>> xs;
    std::vector<std::array<float, 2>> ys;
    hw::splitmix64 rng{9};
    for (int i = 0; i < 64; ++i) {
        const float a = float(2 * rng.uniform() - 1), b = float(2 * rng.uniform() - 1),
                    c = float(2 * rng.uniform() - 1);
        xs.push_back({a, b, c});
        ys.push_back({2 * a - b + 0.5f, -a + 0.25f * c});
    }
    hw::adam<net> opt{0.05f};
    const auto r = hw::fit<hw::mse_loss>(p, opt, xs, ys, {.epochs = 300, .batch_size = 16});
    double loss = 0;
    for (std::size_t i = 0; i < xs.size(); ++i)
        loss += test::conformance::mean_squared(hw::forward(p, xs[i]), ys[i]) / double(xs.size());
    CHECK(loss < 1e-4);
    CHECK(r.loss_history.back() < 1e-3);
}
