// Multi-class classification: softmax cross-entropy through every path an element-wise loss
// takes (one-sample gradient, batch gradient, fit), with probability, one-hot and class-index
// targets, against float64 central differences and an independent long-double computation of
// PyTorch's cross_entropy convention (tests/torch has the check against LibTorch itself); and
// the probabilities and predicted classes of a network that emits logits.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <hardwired/hardwired.hpp>
#include <stdexcept>
#include <vector>

#include "support/gradcheck.hpp"

namespace hw = hardwired;

namespace {

constexpr std::size_t classes = 4;
using net = hw::network<hw::input<3>, hw::dense<6, hw::tanh>, hw::dense<classes>>;

template <class T>
hw::params<net, T> initialised() {
    hw::params<net, T> p;
    hw::init::xavier(p, 21);
    for (std::size_t i = 0; i < p.values.size(); ++i)
        p.values[i] += T(0.05 * std::sin(1.7 * double(i))); // nonzero biases
    return p;
}

template <class T>
struct data_set {
    std::vector<std::array<T, 3>> xs;
    std::vector<int> labels;
    std::vector<std::array<T, classes>> one_hot, soft; // soft: probability targets
    explicit data_set(std::size_t n) {
        hw::splitmix64 rng{99};
        for (std::size_t i = 0; i < n; ++i) {
            xs.push_back(
                {T(4 * rng.uniform() - 2), T(4 * rng.uniform() - 2), T(4 * rng.uniform() - 2)});
            labels.push_back(int(rng.below(classes)));
            std::array<T, classes> h{}, s{};
            h[std::size_t(labels.back())] = T(1);
            T sum = 0;
            for (auto& v : s)
                sum += v = T(rng.uniform() + 0.1);
            for (auto& v : s)
                v /= sum;
            one_hot.push_back(h);
            soft.push_back(s);
        }
    }
};

// −Σ tᵢ log softmax(z)ᵢ in long double, written out: the sample loss of PyTorch's cross_entropy.
template <class T>
long double reference_loss(std::array<T, classes> const& z, std::array<T, classes> const& t) {
    long double m = z[0], s = 0, loss = 0;
    for (T v : z)
        m = std::max<long double>(m, v);
    for (T v : z)
        s += std::exp(static_cast<long double>(v) - m);
    for (std::size_t i = 0; i < classes; ++i)
        loss -= t[i] * (static_cast<long double>(z[i]) - m - std::log(s));
    return loss;
}

template <class T>
long double reference_mean(hw::params<net, T> const& p, std::vector<std::array<T, 3>> const& xs,
                           std::vector<std::array<T, classes>> const& ts) {
    long double total = 0;
    for (std::size_t i = 0; i < xs.size(); ++i)
        total += reference_loss(hw::forward(p, xs[i]), ts[i]);
    return total / static_cast<long double>(xs.size());
}

} // namespace

TEST_CASE("softmax cross-entropy: one-sample gradients pass float64 central differences",
          "[classification][gradcheck]") {
    const auto p0 = initialised<double>();
    const data_set<double> data(6);
    for (std::size_t i = 0; i < data.xs.size(); ++i) {
        for (int target_kind = 0; target_kind < 3; ++target_kind) {
            INFO("sample " << i << ", target kind " << target_kind);
            auto loss_at = [&](hw::params<net, double> const& p, std::array<double, 3> const& x) {
                hw::gradients<net, double> unused;
                if (target_kind == 0)
                    return hw::gradient<hw::softmax_cross_entropy>(p, x, data.labels[i], unused);
                return hw::gradient<hw::softmax_cross_entropy>(
                    p, x, target_kind == 1 ? data.one_hot[i] : data.soft[i], unused);
            };
            hw::gradients<net, double> g;
            std::array<double, 3> dx{};
            const double l = target_kind == 0
                                 ? hw::gradient<hw::softmax_cross_entropy>(p0, data.xs[i],
                                                                           data.labels[i], g, &dx)
                                 : hw::gradient<hw::softmax_cross_entropy>(
                                       p0, data.xs[i],
                                       target_kind == 1 ? data.one_hot[i] : data.soft[i], g, &dx);
            CHECK(l ==
                  Approx(double(reference_loss(hw::forward(p0, data.xs[i]),
                                               target_kind == 2 ? data.soft[i] : data.one_hot[i])))
                      .epsilon(1e-13));
            for (std::size_t k = 0; k < p0.values.size(); ++k) {
                const double numeric = test::central_difference(
                    [&](double v) {
                        auto p = p0;
                        p.values[k] = v;
                        return loss_at(p, data.xs[i]);
                    },
                    p0.values[k]);
                INFO("parameter " << k);
                CHECK(test::gradcheck_close(g.values[k], numeric));
            }
            for (std::size_t k = 0; k < 3; ++k) {
                const double numeric = test::central_difference(
                    [&](double v) {
                        auto x = data.xs[i];
                        x[k] = v;
                        return loss_at(p0, x);
                    },
                    data.xs[i][k]);
                INFO("input " << k);
                CHECK(test::gradcheck_close(dx[k], numeric));
            }
        }
    }
}

TEMPLATE_TEST_CASE("softmax cross-entropy: a batch's loss and gradient are the means of the "
                   "samples', and class indices equal one-hot targets",
                   "[classification][batch]", float, double) {
    using T = TestType;
    const double tol = sizeof(T) == 4 ? 1e-5 : 1e-13;
    const auto p = initialised<T>();
    for (std::size_t n : {1u, 5u, 32u, 45u, 70u}) {
        INFO("batch of " << n);
        const data_set<T> data(n);
        for (int soft = 0; soft < 2; ++soft) {
            auto const& ts = soft ? data.soft : data.one_hot;
            hw::gradients<net, T> g, g_one, g_mean{};
            long double mean_loss = 0;
            for (std::size_t i = 0; i < n; ++i) {
                mean_loss += hw::gradient<hw::softmax_cross_entropy>(p, data.xs[i], ts[i], g_one);
                for (std::size_t k = 0; k < g_one.values.size(); ++k)
                    g_mean.values[k] += g_one.values[k] / T(n);
            }
            mean_loss /= n;
            const T l = hw::batch_gradient<hw::softmax_cross_entropy>(p, data.xs, ts, g);
            CHECK(double(l) == Approx(double(mean_loss)).epsilon(tol));
            CHECK(double(l) == Approx(double(reference_mean(p, data.xs, ts))).epsilon(tol));
            double scale = 1e-30;
            for (T v : g_mean.values)
                scale = std::max(scale, double(std::abs(v)));
            for (std::size_t k = 0; k < g.values.size(); ++k) {
                INFO("parameter " << k);
                CHECK(std::abs(double(g.values[k] - g_mean.values[k])) <= tol * scale);
            }
        }
        // Class indices are the one-hot targets, bit for bit, on every path.
        hw::gradients<net, T> g_index, g_hot;
        const T l_index =
            hw::batch_gradient<hw::softmax_cross_entropy>(p, data.xs, data.labels, g_index);
        const T l_hot =
            hw::batch_gradient<hw::softmax_cross_entropy>(p, data.xs, data.one_hot, g_hot);
        CHECK(l_index == l_hot);
        CHECK(g_index == g_hot);
        const T one_index = hw::gradient<hw::softmax_cross_entropy>(
            p, data.xs[0], std::size_t(data.labels[0]), g_index);
        const T one_hot =
            hw::gradient<hw::softmax_cross_entropy>(p, data.xs[0], data.one_hot[0], g_hot);
        CHECK(one_index == one_hot);
        CHECK(g_index == g_hot);
    }
}

TEST_CASE("softmax cross-entropy: the batched kernel equals the scalar reference kernel",
          "[classification][batch]") {
    // long double takes the scalar reference path one sample at a time; double the chunked one.
    const auto p = initialised<double>();
    hw::params<net, long double> pl;
    for (std::size_t k = 0; k < p.values.size(); ++k)
        pl.values[k] = p.values[k];
    const data_set<double> data(45);
    std::vector<std::array<long double, 3>> xl;
    for (auto const& x : data.xs)
        xl.push_back({x[0], x[1], x[2]});
    hw::gradients<net, double> g;
    hw::gradients<net, long double> gl;
    const double l = hw::batch_gradient<hw::softmax_cross_entropy>(p, data.xs, data.labels, g);
    const long double ll = hw::batch_gradient<hw::softmax_cross_entropy>(pl, xl, data.labels, gl);
    CHECK(l == Approx(double(ll)).epsilon(1e-14));
    for (std::size_t k = 0; k < g.values.size(); ++k) {
        INFO("parameter " << k);
        CHECK(std::abs(g.values[k] - double(gl.values[k])) <= 1e-14);
    }
}

TEST_CASE("softmax cross-entropy: huge logits give finite losses and gradients",
          "[classification][extremes]") {
    hw::params<net, float> p = initialised<float>();
    for (auto& v : p.values)
        v *= 400.f; // logits of several thousand
    const data_set<float> data(40);
    hw::gradients<net, float> g;
    const float l = hw::batch_gradient<hw::softmax_cross_entropy>(p, data.xs, data.labels, g);
    CHECK(std::isfinite(l));
    for (float v : g.values)
        CHECK(std::isfinite(v));
    CHECK(double(l) == Approx(double(reference_mean(p, data.xs, data.one_hot))).epsilon(1e-5));
    // The loss object itself, on std::array: a class index or a distribution.
    const std::array<double, 4> z{1000.0, -1000.0, 999.0, 0.0};
    CHECK(hw::softmax_cross_entropy.value(z, 0) == Approx(std::log1p(std::exp(-1.0))));
    CHECK(hw::softmax_cross_entropy.value(z, std::array{0.0, 0.0, 1.0, 0.0}) ==
          Approx(1.0 + std::log1p(std::exp(-1.0))));
    const auto grad = hw::softmax_cross_entropy.gradient(z, 2);
    CHECK(grad[2] == Approx(1.0 / (1.0 + std::exp(1.0)) - 1.0));
}

TEST_CASE("class indices out of range are errors that change nothing", "[classification][errors]") {
    auto p = initialised<float>();
    const auto p_before = p;
    data_set<float> data(10);
    hw::gradients<net, float> g;
    g.values.fill(3.f);
    const auto g_before = g;
    CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, data.xs[0], 4, g),
                    std::invalid_argument);
    CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, data.xs[0], -1, g),
                    std::invalid_argument);
    data.labels[7] = int(classes);
    CHECK_THROWS_WITH(hw::batch_gradient<hw::softmax_cross_entropy>(p, data.xs, data.labels, g),
                      Catch::Contains("class index 4 is outside [0, 4)") &&
                          Catch::Contains("sample 7"));
    CHECK(g == g_before);
    hw::sgd<net> opt{.lr = 0.1f};
    CHECK_THROWS_AS(hw::fit<hw::softmax_cross_entropy>(p, opt, data.xs, data.labels,
                                                       {.epochs = 2, .print_progress = false}),
                    std::invalid_argument);
    CHECK(p == p_before);
}

TEMPLATE_TEST_CASE("probabilities and predicted classes, one sample and a batch",
                   "[classification]", float, double) {
    using T = TestType;
    const auto p = initialised<T>();
    const data_set<T> data(45);
    std::vector<std::array<T, classes>> probs(data.xs.size());
    std::vector<std::size_t> predicted(data.xs.size());
    hw::predict_proba_batch(p, data.xs, probs);
    hw::predict_class_batch(p, data.xs, predicted);
    for (std::size_t i = 0; i < data.xs.size(); ++i) {
        INFO("sample " << i);
        const auto z = hw::forward(p, data.xs[i]);
        const auto one = hw::predict_proba(p, data.xs[i]);
        long double denom = 0;
        for (T v : z)
            denom += std::exp(static_cast<long double>(v));
        T sum = 0;
        std::size_t best = 0;
        for (std::size_t k = 0; k < classes; ++k) {
            CHECK(double(one[k]) == Approx(double(std::exp(static_cast<long double>(z[k])) / denom))
                                        .epsilon(sizeof(T) == 4 ? 1e-6 : 1e-14));
            CHECK(double(probs[i][k]) == Approx(double(one[k])).epsilon(1e-5));
            sum += one[k];
            if (z[k] > z[best])
                best = k;
        }
        CHECK(double(sum) == Approx(1.0));
        CHECK(hw::predict_class(p, data.xs[i]) == best);
        CHECK(predicted[i] == best);
    }
    std::vector<int> too_few(3);
    CHECK_THROWS_AS(hw::predict_class_batch(p, data.xs, too_few), std::invalid_argument);
}

TEST_CASE("fit trains a classifier on class indices: the same run as on one-hot targets",
          "[classification][fit]") {
    const data_set<float> data(200);
    auto p_index = initialised<float>();
    auto p_hot = p_index;
    hw::adam<net> opt_index{.lr = 0.02f}, opt_hot{.lr = 0.02f};
    const hw::fit_options options{
        .epochs = 15, .batch_size = 16, .seed = 4, .print_progress = false};
    const auto r_index =
        hw::fit<hw::softmax_cross_entropy>(p_index, opt_index, data.xs, data.labels, options);
    const auto r_hot =
        hw::fit<hw::softmax_cross_entropy>(p_hot, opt_hot, data.xs, data.one_hot, options);
    CHECK(p_index == p_hot);
    CHECK(r_index.loss_history == r_hot.loss_history);
    // The data's labels are random: what is checked is the optimisation, to its true value.
    CHECK(r_index.loss_history.back() < r_index.loss_history.front());
}
