// hw::dropout against its definition (PyTorch's nn.Dropout): identity in inference; in training
// each element zeroed with probability p, the others scaled by 1/(1 − p), the gradient through
// the same mask; masks new on every pass, independent between layers, and reproducible for a
// seed. The conformance suite checks its gradients and kernels with the other layer kinds.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;

namespace {

template <class T, std::size_t N>
std::array<T, N> random_inputs(hw::splitmix64& rng) {
    std::array<T, N> x{};
    for (T& v : x)
        v = static_cast<T>(0.5 + rng.uniform()); // in [0.5, 1.5): never 0, so zeros are drops
    return x;
}

} // namespace

TEST_CASE("dropout: the identity in inference, one sample and batches", "[dropout]") {
    using with =
        hw::network<hw::input<5>, hw::dense<16, hw::tanh>, hw::dropout<1, 2>, hw::dense<3>>;
    using without = hw::network<hw::input<5>, hw::dense<16, hw::tanh>, hw::dense<3>>;
    STATIC_REQUIRE(with::parameter_count == without::parameter_count);
    hw::params<with> p;
    hw::init::xavier(p, 3);
    hw::params<without> q;
    q.values = p.values;
    hw::splitmix64 rng{4};
    std::vector<std::array<float, 5>> xs(40);
    for (auto& x : xs)
        x = random_inputs<float, 5>(rng);
    std::vector<std::array<float, 3>> out_p(40), out_q(40);
    hw::forward_batch(p, xs, out_p);
    hw::forward_batch(q, xs, out_q);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        CHECK(hw::forward(p, xs[i]) == hw::forward(q, xs[i]));
        CHECK(out_p[i] == out_q[i]);
    }
}

TEST_CASE("dropout: training zeroes a p share and scales the rest by 1/(1 - p)", "[dropout]") {
    // input → dropout(p = 1/4) → one output; the dropout layer's outputs are activations<1>.
    using net = hw::network<hw::input<64>, hw::dropout<1, 4>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::xavier(p, 1);
    hw::gradients<net, double> g;
    hw::workspace<net, double> ws;
    hw::splitmix64 rng{2};
    std::size_t dropped = 0, kept = 0, wrong = 0;
    std::array<std::size_t, 64> dropped_at{};
    constexpr std::size_t passes = 2000;
    for (std::size_t pass = 0; pass < passes; ++pass) {
        const auto x = random_inputs<double, 64>(rng);
        hw::gradient<hw::squared_error>(p, x, std::array{0.0}, g, ws);
        const auto a = ws.activations<1>();
        for (std::size_t i = 0; i < 64; ++i) {
            if (a[i] == 0) {
                ++dropped;
                ++dropped_at[i];
            } else {
                ++kept;
                wrong += std::abs(a[i] - x[i] / 0.75) > 1e-15 * x[i];
            }
        }
    }
    CHECK(wrong == 0);
    CHECK(ws.random.position == passes); // one stream position per training pass
    // Binomial(128000, 1/4): mean 32000, σ ≈ 155; five σ either way.
    const double n = 64.0 * passes, sigma = std::sqrt(n * 0.25 * 0.75);
    INFO("dropped " << dropped << " of " << n);
    CHECK(std::abs(double(dropped) - 0.25 * n) < 5 * sigma);
    CHECK(dropped + kept == 64 * passes);
    // every element position drops at its own rate p too (σ ≈ 19.4 per position)
    for (std::size_t i = 0; i < 64; ++i)
        CHECK(std::abs(double(dropped_at[i]) - 0.25 * passes) < 5 * std::sqrt(passes * 0.1875));
}

TEST_CASE("dropout: gradients pass through the same mask (hand calculation)", "[dropout]") {
    // ŷ = Σᵢ wᵢ·mᵢ·xᵢ/(1 − p) + b, L = ½(ŷ − y)²: ∂L/∂wᵢ = (ŷ − y)·mᵢ·xᵢ/(1 − p),
    // ∂L/∂xᵢ = (ŷ − y)·wᵢ·mᵢ/(1 − p), with the mask mᵢ read from the dropout layer's outputs.
    using net = hw::network<hw::input<8>, hw::dropout<1, 2>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::uniform(p, -1.0, 1.0, 8);
    hw::gradients<net, double> g;
    hw::workspace<net, double> ws;
    hw::splitmix64 rng{6};
    for (int pass = 0; pass < 20; ++pass) {
        const auto x = random_inputs<double, 8>(rng);
        const double y = 0.3;
        std::array<double, 8> gx{};
        const double loss = hw::gradient<hw::squared_error>(p, x, std::array{y}, g, ws, &gx);
        const auto a = ws.activations<1>();
        double yhat = p.values[8]; // weights [1, 8] then the bias
        for (std::size_t i = 0; i < 8; ++i)
            yhat += p.values[i] * (a[i] == 0 ? 0.0 : x[i] * 2.0);
        CHECK(loss == Approx(0.5 * (yhat - y) * (yhat - y)).epsilon(1e-14));
        for (std::size_t i = 0; i < 8; ++i) {
            const double m = a[i] == 0 ? 0.0 : 2.0;
            CHECK(g.values[i] == Approx((yhat - y) * m * x[i]).margin(1e-14));
            CHECK(gx[i] == Approx((yhat - y) * p.values[i] * m).margin(1e-14));
        }
        CHECK(g.values[8] == Approx(yhat - y).margin(1e-14));
    }
}

TEST_CASE("dropout: new masks each pass, independent between layers", "[dropout]") {
    using net = hw::network<hw::input<64>, hw::dropout<1, 2>, hw::dropout<1, 2>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::xavier(p, 1);
    hw::gradients<net, double> g;
    hw::workspace<net, double> ws;
    std::array<double, 64> ones;
    ones.fill(1.0);
    std::size_t first_kept = 0, second_dropped_of_kept = 0, same_as_last_pass = 0;
    std::array<double, 64> last{};
    for (int pass = 0; pass < 200; ++pass) {
        hw::gradient<hw::squared_error>(p, ones, std::array{0.0}, g, ws);
        const auto a1 = ws.activations<1>();
        const auto a2 = ws.activations<2>();
        for (std::size_t i = 0; i < 64; ++i) {
            CHECK((a1[i] == 0 || a1[i] == 2.0));
            CHECK((a2[i] == 0 || a2[i] == 4.0));
            if (a1[i] != 0) {
                ++first_kept;
                second_dropped_of_kept += a2[i] == 0;
            }
        }
        same_as_last_pass += std::equal(a1.begin(), a1.end(), last.begin());
        std::copy(a1.begin(), a1.end(), last.begin());
    }
    // the second layer drops half of what the first kept (the same masks would drop none)
    const double sigma = std::sqrt(double(first_kept) * 0.25);
    CHECK(std::abs(double(second_dropped_of_kept) - 0.5 * double(first_kept)) < 5 * sigma);
    CHECK(same_as_last_pass == 0);
}

TEST_CASE("dropout: p = 0 keeps everything, in training too", "[dropout]") {
    using net = hw::network<hw::input<16>, hw::dropout<0, 1>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::xavier(p, 1);
    hw::gradients<net, double> g;
    hw::workspace<net, double> ws;
    hw::splitmix64 rng{3};
    const auto x = random_inputs<double, 16>(rng);
    hw::gradient<hw::squared_error>(p, x, std::array{0.0}, g, ws);
    const auto a = ws.activations<1>();
    CHECK(std::equal(a.begin(), a.end(), x.begin()));
}

TEST_CASE("dropout: fit is bit-reproducible for a seed, and the seed matters", "[dropout]") {
    using net = hw::network<hw::input<4>, hw::dense<32, hw::relu>, hw::dropout<1, 5>,
                            hw::dense<32, hw::relu>, hw::dropout<1, 10>, hw::dense<2>>;
    std::vector<std::array<float, 4>> xs(100);
    std::vector<std::array<float, 2>> ys(100);
    hw::splitmix64 rng{12};
    for (std::size_t i = 0; i < xs.size(); ++i) {
        xs[i] = random_inputs<float, 4>(rng);
        ys[i] = {xs[i][0] - xs[i][1], xs[i][2] * xs[i][3]};
    }
    auto train = [&](std::uint64_t seed) {
        hw::params<net> p;
        hw::init::defaults(p, 1);
        hw::adam<net> opt{1e-2f};
        const auto r = hw::fit<hw::mse_loss>(
            p, opt, xs, ys,
            {.epochs = 30, .batch_size = 16, .seed = seed, .print_progress = false});
        return std::pair{p, r.loss_history.back()};
    };
    const auto [a, la] = train(7);
    const auto [b, lb] = train(7);
    const auto [c, lc] = train(8);
    CHECK(std::memcmp(a.values.data(), b.values.data(), sizeof(a.values)) == 0);
    CHECK(la == lb);
    CHECK(std::memcmp(a.values.data(), c.values.data(), sizeof(a.values)) != 0);
    // and it learns: the inference loss is well below the targets' variance
    double loss = 0, var = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const auto y = hw::forward(a, xs[i]);
        for (std::size_t o = 0; o < 2; ++o) {
            loss += 0.5 * double(y[o] - ys[i][o]) * double(y[o] - ys[i][o]);
            var += 0.5 * double(ys[i][o]) * double(ys[i][o]);
        }
    }
    CHECK(loss < 0.2 * var);
}
