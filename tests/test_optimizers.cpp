// Optimizer updates against the PyTorch update rules written out by hand, per parameter.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

namespace {
using net = hw::network<hw::input<2>, hw::dense<2, hw::tanh>, hw::dense<1>>;
constexpr std::size_t n = net::parameter_count;

struct fixture {
    hw::params<net, double> p;
    std::array<hw::gradients<net, double>, 3> grads; // the gradients of three successive steps
    fixture() {
        hw::init::uniform(p, -1.0, 1.0, 1);
        for (std::size_t s = 0; s < grads.size(); ++s)
            hw::init::uniform(grads[s], -2.0, 2.0, 10 + s);
    }
};
} // namespace

TEST_CASE("sgd: plain, momentum, Nesterov, weight decay", "[optimizer]") {
    fixture f;
    for (double momentum : {0.0, 0.9})
        for (bool nesterov : {false, true})
            for (double wd : {0.0, 0.01}) {
                if (nesterov && momentum == 0)
                    continue;
                auto p = f.p;
                hw::sgd<net, double> opt{
                    .lr = 0.1, .momentum = momentum, .nesterov = nesterov, .weight_decay = wd};
                std::array<double, n> expected{}, buf{};
                for (std::size_t i = 0; i < n; ++i)
                    expected[i] = f.p.values[i];
                for (auto const& g : f.grads) {
                    opt.step(p, g);
                    for (std::size_t i = 0; i < n; ++i) {
                        double d = g.values[i] + wd * expected[i];
                        if (momentum != 0) {
                            buf[i] = momentum * buf[i] + d; // torch: buf = d on the first step
                            d = nesterov ? d + momentum * buf[i] : buf[i];
                        }
                        expected[i] -= 0.1 * d;
                    }
                }
                INFO("momentum " << momentum << ", nesterov " << nesterov << ", decay " << wd);
                for (std::size_t i = 0; i < n; ++i)
                    CHECK(p.values[i] == Approx(expected[i]).epsilon(1e-14));
            }
}

TEST_CASE("adam and adamw follow torch.optim's rules", "[optimizer]") {
    fixture f;
    for (bool decoupled : {false, true}) {
        auto p = f.p;
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.05;
        hw::adam<net, double> adam{.lr = lr, .weight_decay = wd};
        hw::adamw<net, double> adamw{.lr = lr, .weight_decay = wd};
        std::array<double, n> expected{}, m{}, v{};
        for (std::size_t i = 0; i < n; ++i)
            expected[i] = f.p.values[i];
        int t = 0;
        for (auto const& g : f.grads) {
            ++t;
            if (decoupled)
                adamw.step(p, g);
            else
                adam.step(p, g);
            for (std::size_t i = 0; i < n; ++i) {
                double d = g.values[i];
                if (decoupled)
                    expected[i] *= 1 - lr * wd;
                else
                    d += wd * expected[i];
                m[i] = b1 * m[i] + (1 - b1) * d;
                v[i] = b2 * v[i] + (1 - b2) * d * d;
                const double mhat = m[i] / (1 - std::pow(b1, t));
                const double vhat = v[i] / (1 - std::pow(b2, t));
                expected[i] -= lr * mhat / (std::sqrt(vhat) + eps);
            }
        }
        INFO((decoupled ? "adamw" : "adam"));
        for (std::size_t i = 0; i < n; ++i)
            CHECK(p.values[i] == Approx(expected[i]).epsilon(1e-13));
    }
}

TEST_CASE("optimizers reduce a loss", "[optimizer]") {
    const std::array<std::array<double, 2>, 4> xs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
    const std::array<std::array<double, 1>, 4> ys{{{0}, {1}, {1}, {0}}};
    auto run = [&](auto opt) {
        hw::params<net, double> p;
        hw::init::xavier(p, 3);
        hw::gradients<net, double> g;
        auto loss = [&] {
            return hw::batch_gradient<hw::squared_error>(
                p, std::span<const std::array<double, 2>>(xs),
                std::span<const std::array<double, 1>>(ys), g);
        };
        const double before = loss();
        for (int i = 0; i < 200; ++i) {
            loss();
            opt.step(p, g);
        }
        return std::pair{before, loss()};
    };
    for (auto [before, after] :
         {run(hw::sgd<net, double>{.lr = 0.2}),
          run(hw::sgd<net, double>{.lr = 0.1, .momentum = 0.9, .nesterov = true}),
          run(hw::adam<net, double>{.lr = 0.01}), run(hw::adamw<net, double>{.lr = 0.01})})
        CHECK(after < 0.5 * before);
}

TEST_CASE("optimizers leave tensors that are not trainable as they are", "[optimizer]") {
    // A frozen batch norm's running statistics between trainable layers: every optimizer, with
    // weight decay and momentum, updates the rest exactly as a network without frozen tensors
    // would (the same rule per element) and leaves the statistics bit for bit.
    using frozen = hw::network<hw::input<3>, hw::dense<4, hw::tanh>, hw::frozen_batch_norm<>,
                               hw::dense<2>, hw::frozen_batch_norm<1, 10, false>>;
    constexpr std::size_t m = frozen::parameter_count;
    STATIC_REQUIRE(m == 46);
    STATIC_REQUIRE(frozen::trainable_range_count == 2);
    STATIC_REQUIRE(frozen::trainable_ranges[0] == std::array<std::size_t, 2>{0, 24});
    STATIC_REQUIRE(frozen::trainable_ranges[1] == std::array<std::size_t, 2>{32, 42});
    STATIC_REQUIRE(net::trainable_range_count == 1);
    auto trainable = [](std::size_t i) { return i < 24 || (i >= 32 && i < 42); };
    // The same updates on a network of the same size without frozen tensors.
    using all = hw::network<hw::input<m>, hw::dense<1, hw::x, hw::no_bias>>;
    STATIC_REQUIRE(all::parameter_count == m);
    hw::params<frozen, double> p;
    hw::params<all, double> q;
    hw::init::uniform(p, 0.5, 1.5, 4);
    q.values = p.values;
    hw::gradients<frozen, double> g;
    hw::gradients<all, double> h;
    auto check = [&](auto opt_frozen, auto opt_all) {
        auto p1 = p;
        auto q1 = q;
        for (int s = 0; s < 3; ++s) {
            hw::init::uniform(g, -1.0, 1.0, 20 + s);
            h.values = g.values;
            opt_frozen.step(p1, g);
            opt_all.step(q1, h);
        }
        for (std::size_t i = 0; i < m; ++i) {
            INFO("parameter " << i);
            CHECK(p1.values[i] == (trainable(i) ? q1.values[i] : p.values[i]));
            CHECK((p1.values[i] != p.values[i]) == trainable(i));
        }
    };
    check(hw::sgd<frozen, double>{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1},
          hw::sgd<all, double>{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1});
    check(hw::adam<frozen, double>{.lr = 0.01, .weight_decay = 0.1},
          hw::adam<all, double>{.lr = 0.01, .weight_decay = 0.1});
    check(hw::adamw<frozen, double>{.lr = 0.01, .weight_decay = 0.1},
          hw::adamw<all, double>{.lr = 0.01, .weight_decay = 0.1});
}
