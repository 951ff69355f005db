// The loss hw::fit reports (the progress callbacks' fit_progress::loss, stop_when's, and
// fit_result::loss_history) is the true mean loss over the epoch's samples. With lr = 0 the
// parameters never move, so every epoch's loss must equal the mean loss computed here from
// hw::forward alone, for every batch size, including ones whose last batch is short. The same
// holds for the loss hw::batch_gradient returns.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;

namespace {

using net = hw::network<hw::input<3>, hw::dense<5, hw::tanh>, hw::dense<2>>;
constexpr std::size_t samples = 100; // batches of 3, 7 and 32 leave a short last batch

struct data_set {
    std::vector<std::array<float, 3>> xs;
    std::vector<std::array<float, 2>> ys;
    std::vector<int> labels;
    data_set() {
        hw::splitmix64 rng{17};
        for (std::size_t i = 0; i < samples; ++i) {
            xs.push_back({float(2 * rng.uniform() - 1), float(2 * rng.uniform() - 1),
                          float(2 * rng.uniform() - 1)});
            ys.push_back({float(rng.uniform()), float(rng.uniform())});
            labels.push_back(int(rng.below(2)));
        }
    }
};

hw::params<net> initialised() {
    hw::params<net> p;
    hw::init::xavier(p, 8);
    for (auto& v : p.values)
        v += 0.1f; // away from zero, so that no two batch sizes happen to agree
    return p;
}

// Mean over the data set of ½(ŷ − y)² averaged over the two outputs, from forward, in double.
double mean_squared_error(hw::params<net> const& p, data_set const& d) {
    double total = 0;
    for (std::size_t i = 0; i < samples; ++i) {
        const auto yhat = hw::forward(p, d.xs[i]);
        double sample = 0;
        for (std::size_t o = 0; o < 2; ++o)
            sample += 0.5 * std::pow(double(yhat[o]) - double(d.ys[i][o]), 2);
        total += sample / 2;
    }
    return total / samples;
}

// Mean over the data set of −log softmax(ŷ)[label], from forward, in double.
double mean_cross_entropy(hw::params<net> const& p, data_set const& d) {
    double total = 0;
    for (std::size_t i = 0; i < samples; ++i) {
        const auto z = hw::forward(p, d.xs[i]);
        const double lse = std::log(std::exp(double(z[0])) + std::exp(double(z[1])));
        total += lse - double(z[std::size_t(d.labels[i])]);
    }
    return total / samples;
}

template <auto Loss, class Targets>
void check_reported_losses(Targets const& targets, double expected) {
    const data_set d;
    for (std::size_t batch :
         {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{32}, hw::full_batch}) {
        INFO("batch size " << (batch == hw::full_batch ? samples : batch));
        auto p = initialised();
        hw::sgd<net> opt{.lr = 0.f};
        std::vector<double> seen, seen_by_stop;
        const auto r =
            hw::fit<Loss>(p, opt, d.xs, targets,
                          {.epochs = 3,
                           .batch_size = batch,
                           .seed = 1,
                           .on_epoch = [&](hw::fit_progress const& pr) { seen.push_back(pr.loss); },
                           .stop_when =
                               [&](hw::fit_progress const& pr) {
                                   seen_by_stop.push_back(pr.loss);
                                   return false;
                               },
                           .print_progress = false});
        REQUIRE(r.loss_history.size() == 3);
        REQUIRE(seen.size() == 3);
        REQUIRE(seen_by_stop.size() == 3);
        for (std::size_t e = 0; e < 3; ++e) {
            CHECK(double(r.loss_history[e]) == Approx(expected).epsilon(1e-5));
            CHECK(seen[e] == Approx(expected).epsilon(1e-5));
            CHECK(seen_by_stop[e] == seen[e]);
        }
        CHECK(p == initialised()); // lr = 0: nothing moved
    }
}

} // namespace

TEST_CASE("fit reports the mean loss over the epoch's samples, whatever the batch size",
          "[fit][loss]") {
    const data_set d;
    const auto p = initialised();
    SECTION("element-wise loss") {
        check_reported_losses<hw::squared_error>(d.ys, mean_squared_error(p, d));
    }
    SECTION("softmax cross-entropy on class indices") {
        check_reported_losses<hw::softmax_cross_entropy>(d.labels, mean_cross_entropy(p, d));
    }
}

TEST_CASE("batch_gradient returns the mean loss over its samples", "[fit][loss]") {
    const data_set d;
    const auto p = initialised();
    hw::gradients<net> g;
    CHECK(double(hw::batch_gradient<hw::squared_error>(p, d.xs, d.ys, g)) ==
          Approx(mean_squared_error(p, d)).epsilon(1e-5));
    CHECK(double(hw::batch_gradient<hw::softmax_cross_entropy>(p, d.xs, d.labels, g)) ==
          Approx(mean_cross_entropy(p, d)).epsilon(1e-5));
}
