// Whole-network gradients: against the plain double reference MLP (tests/support), against
// float64 central differences with gradcheck tolerances, and by random-direction checks
// (uᵀJv, as PyTorch's fast gradcheck and JAX's check_grads) on networks of 2 to 5 layers with
// pseudo-random sizes up to 64.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <hardwired/hardwired.hpp>
#include <utility>
#include <vector>

#include "support/gradcheck.hpp"
#include "support/reference_mlp.hpp"

namespace hw = hardwired;

namespace {

// The reference MLP with the same parameters as `p`.
template <class Net>
test::reference_mlp reference_of(hw::params<Net, double> const& p) {
    test::reference_mlp r;
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        (
            [&] {
                using act = std::remove_cv_t<decltype(Net::template layer<L>::activation)>;
                auto v = p.template layer<L>();
                test::reference_layer l{v.inputs,
                                        v.outputs,
                                        {},
                                        {},
                                        [](double z) { return act{}(z); },
                                        [](double z) { return hw::derivative(act{})(z); }};
                for (std::size_t j = 0; j < v.outputs; ++j) {
                    for (std::size_t k = 0; k < v.inputs; ++k)
                        l.w.push_back(v.w(j, k));
                    l.b.push_back(v.b(j));
                }
                r.layers.push_back(l);
            }(),
            ...);
    }
    (std::make_index_sequence<Net::depth>{});
    return r;
}

template <class T, std::size_t N>
std::array<T, N> random_array(hw::splitmix64& rng, double lo, double hi) {
    std::array<T, N> a{};
    for (auto& v : a)
        v = static_cast<T>(lo + (hi - lo) * rng.uniform());
    return a;
}

// Gradient of `Loss` for `Net` at random parameters and data: equal to the reference (to
// rounding) and to central differences in every parameter and input (gradcheck tolerances).
template <class Net, auto Loss>
void check_against_reference_and_fd(double target_lo, double target_hi) {
    hw::splitmix64 rng{99};
    hw::params<Net, double> p;
    hw::init::uniform(p, -1.0, 1.0, 5);
    const auto x = random_array<double, Net::inputs>(rng, -2, 2);
    const auto y = random_array<double, Net::outputs>(rng, target_lo, target_hi);

    hw::gradients<Net, double> g;
    std::array<double, Net::inputs> dx{};
    const double loss = hw::gradient<Loss>(p, x, y, g, &dx);

    std::vector<std::vector<double>> rw, rb;
    std::vector<double> rdx;
    const double rloss = reference_of(p).loss_and_gradient(
        {x.begin(), x.end()}, {y.begin(), y.end()}, [](double a, double b) { return Loss(a, b); },
        [](double a, double b) { return hw::loss_gradient(Loss)(a, b); }, rw, rb, &rdx);
    INFO("loss " << hw::to_string(Loss));
    CHECK(test::nearly_exact(loss, rloss));
    [&]<std::size_t... L>(std::index_sequence<L...>) {
        (
            [&] {
                auto v = g.template layer<L>();
                for (std::size_t j = 0; j < v.outputs; ++j) {
                    for (std::size_t k = 0; k < v.inputs; ++k)
                        CHECK(test::nearly_exact(v.w(j, k), rw[L][j * v.inputs + k]));
                    CHECK(test::nearly_exact(v.b(j), rb[L][j]));
                }
            }(),
            ...);
    }
    (std::make_index_sequence<Net::depth>{});
    for (std::size_t i = 0; i < Net::inputs; ++i)
        CHECK(test::nearly_exact(dx[i], rdx[i]));

    // central differences in every parameter and every input
    auto loss_at = [&](hw::params<Net, double> const& q,
                       std::array<double, Net::inputs> const& xi) {
        hw::gradients<Net, double> unused;
        return hw::gradient<Loss>(q, xi, y, unused);
    };
    for (std::size_t i = 0; i < Net::parameter_count; ++i) {
        auto q = p;
        const double n = test::central_difference(
            [&](double v) {
                q.values[i] = v;
                return loss_at(q, x);
            },
            p.values[i]);
        INFO("parameter " << i);
        CHECK(test::gradcheck_close(g.values[i], n));
    }
    for (std::size_t i = 0; i < Net::inputs; ++i) {
        auto xi = x;
        const double n = test::central_difference(
            [&](double v) {
                xi[i] = v;
                return loss_at(p, xi);
            },
            x[i]);
        INFO("input " << i);
        CHECK(test::gradcheck_close(dx[i], n));
    }
}

template <auto Act>
using small_net = hw::network<hw::input<3>, hw::dense<4, Act>, hw::dense<3, Act>, hw::dense<2>>;

} // namespace

TEST_CASE("every activation: network gradients equal the reference and finite differences",
          "[network][gradcheck]") {
    check_against_reference_and_fd<small_net<hw::identity>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::relu>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::leaky_relu<>>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::sigmoid>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::tanh>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::softplus>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::swish>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::gelu>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::elu<>>, hw::squared_error>(-1, 1);
    check_against_reference_and_fd<small_net<hw::log_sigmoid>, hw::squared_error>(-1, 1);
}

TEST_CASE("every loss: network gradients equal the reference and finite differences",
          "[network][gradcheck][loss]") {
    using logits = small_net<hw::tanh>;
    using probabilities =
        hw::network<hw::input<3>, hw::dense<4, hw::tanh>, hw::dense<2, hw::sigmoid>>;
    check_against_reference_and_fd<logits, hw::mse_loss>(-1, 1);
    check_against_reference_and_fd<logits, hw::huber<>>(-3, 3);
    check_against_reference_and_fd<logits, hw::smooth_l1<1, 2>>(-3, 3);
    check_against_reference_and_fd<logits, hw::bce_with_logits>(0, 1);
    check_against_reference_and_fd<probabilities, hw::binary_cross_entropy>(0, 1);
}

namespace {

// Pseudo-random layer sizes in [1, 64] and activations, fixed at compile time.
constexpr std::uint64_t mix(std::uint64_t s) {
    return hw::splitmix64{s}.next();
}
constexpr std::size_t size_at(std::uint64_t seed, std::size_t i) {
    return 1 + mix(seed * 131 + i) % 64;
}
template <std::size_t I>
constexpr auto activation_at() {
    constexpr std::size_t k = I % 6;
    if constexpr (k == 0)
        return hw::tanh;
    else if constexpr (k == 1)
        return hw::sigmoid;
    else if constexpr (k == 2)
        return hw::swish;
    else if constexpr (k == 3)
        return hw::gelu;
    else if constexpr (k == 4)
        return hw::softplus;
    else
        return hw::elu<>;
}
template <std::uint64_t Seed, std::size_t... I>
auto make_random_net(std::index_sequence<I...>)
    -> hw::network<hw::input<size_at(Seed, 0)>,
                   hw::dense<size_at(Seed, I + 1), activation_at<Seed + I>()>...>;
template <std::uint64_t Seed, std::size_t Depth>
using random_net = decltype(make_random_net<Seed>(std::make_index_sequence<Depth>{}));

// uᵀJv: the gradient's projection on random directions v (in parameters, and in the input)
// equals the central difference of the loss along v; plus the batch gradient is the mean of
// the samples' gradients.
template <class Net>
void random_direction_check() {
    INFO("network sizes " << [] {
        std::string s;
        for (std::size_t n : Net::sizes)
            s += std::to_string(n) + " ";
        return s;
    }());
    hw::splitmix64 rng{Net::parameter_count};
    hw::params<Net, double> p;
    hw::init::xavier(p, 3);
    for (auto& b : p.values)
        b += 0.05 * (2 * rng.uniform() - 1); // non-zero biases too
    const auto x = random_array<double, Net::inputs>(rng, -1, 1);
    const auto y = random_array<double, Net::outputs>(rng, -1, 1);
    hw::gradients<Net, double> g, unused;
    std::array<double, Net::inputs> dx{};
    hw::gradient<hw::squared_error>(p, x, y, g, &dx);

    for (int trial = 0; trial < 3; ++trial) {
        hw::params<Net, double> v;
        for (auto& e : v.values)
            e = 2 * rng.uniform() - 1;
        double analytic = 0;
        for (std::size_t i = 0; i < Net::parameter_count; ++i)
            analytic += g.values[i] * v.values[i];
        const double numeric = test::central_difference(
            [&](double t) {
                auto q = p;
                for (std::size_t i = 0; i < Net::parameter_count; ++i)
                    q.values[i] += t * v.values[i];
                return hw::gradient<hw::squared_error>(q, x, y, unused);
            },
            0.0);
        CHECK(test::gradcheck_close(analytic, numeric));

        const auto u = random_array<double, Net::inputs>(rng, -1, 1);
        double analytic_x = 0;
        for (std::size_t i = 0; i < Net::inputs; ++i)
            analytic_x += dx[i] * u[i];
        const double numeric_x = test::central_difference(
            [&](double t) {
                auto xi = x;
                for (std::size_t i = 0; i < Net::inputs; ++i)
                    xi[i] += t * u[i];
                return hw::gradient<hw::squared_error>(p, xi, y, unused);
            },
            0.0);
        CHECK(test::gradcheck_close(analytic_x, numeric_x));
    }

    // batch gradient = mean of per-sample gradients; batch loss = mean of losses
    std::array<std::array<double, Net::inputs>, 3> xs{
        x, random_array<double, Net::inputs>(rng, -1, 1),
        random_array<double, Net::inputs>(rng, -1, 1)};
    std::array<std::array<double, Net::outputs>, 3> ys{
        y, y, random_array<double, Net::outputs>(rng, -1, 1)};
    hw::gradients<Net, double> gb, gi;
    const double lb = hw::batch_gradient<hw::squared_error>(
        p, std::span<const std::array<double, Net::inputs>>(xs),
        std::span<const std::array<double, Net::outputs>>(ys), gb);
    std::vector<double> mean(Net::parameter_count, 0.0);
    double lmean = 0;
    for (std::size_t s = 0; s < 3; ++s) {
        lmean += hw::gradient<hw::squared_error>(p, xs[s], ys[s], gi) / 3;
        for (std::size_t i = 0; i < Net::parameter_count; ++i)
            mean[i] += gi.values[i] / 3;
    }
    CHECK(test::nearly_exact(lb, lmean));
    for (std::size_t i = 0; i < Net::parameter_count; i += 7)
        CHECK(test::nearly_exact(gb.values[i], mean[i]));
}

} // namespace

TEST_CASE("random-direction checks on networks of 2 to 5 layers, sizes up to 64",
          "[network][gradcheck]") {
    random_direction_check<random_net<1, 2>>();
    random_direction_check<random_net<2, 2>>();
    random_direction_check<random_net<3, 3>>();
    random_direction_check<random_net<4, 3>>();
    random_direction_check<random_net<5, 4>>();
    random_direction_check<random_net<6, 4>>();
    random_direction_check<random_net<7, 5>>();
    random_direction_check<random_net<8, 5>>();
}

TEST_CASE("float gradients agree with double ones", "[network][gradcheck]") {
    using net = random_net<3, 3>;
    hw::params<net, double> pd;
    hw::init::xavier(pd, 11);
    hw::params<net, float> pf;
    for (std::size_t i = 0; i < net::parameter_count; ++i)
        pf.values[i] = static_cast<float>(pd.values[i]);
    hw::splitmix64 rng{4};
    const auto x = random_array<double, net::inputs>(rng, -1, 1);
    const auto y = random_array<double, net::outputs>(rng, -1, 1);
    std::array<float, net::inputs> xf{};
    std::array<float, net::outputs> yf{};
    for (std::size_t i = 0; i < x.size(); ++i)
        xf[i] = static_cast<float>(x[i]);
    for (std::size_t i = 0; i < y.size(); ++i)
        yf[i] = static_cast<float>(y[i]);
    hw::gradients<net, double> gd;
    hw::gradients<net, float> gf;
    hw::gradient<hw::squared_error>(pd, x, y, gd);
    hw::gradient<hw::squared_error>(pf, xf, yf, gf);
    double scale = 0;
    for (double v : gd.values)
        scale = std::max(scale, std::abs(v));
    for (std::size_t i = 0; i < net::parameter_count; ++i)
        CHECK(std::abs(gf.values[i] - gd.values[i]) <= 1e-5 * scale + 1e-6);
}
