// hw::fit on bad input. Size and option errors throw std::invalid_argument before any update
// (parameters and optimizer state bit-identical to before); a non-finite loss or gradient throws
// hw::training_error naming the epoch and batch, with the parameters exactly as after the last
// finite step (checked against a copy trained for exactly the steps before the failure).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <hardwired/hardwired.hpp>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

namespace hw = hardwired;

namespace {

using net = hw::network<hw::input<2>, hw::dense<4, hw::tanh>, hw::dense<1>>;
using input = std::array<float, 2>;
using target = std::array<float, 1>;

constexpr std::size_t samples = 8;

struct data_set {
    std::array<input, samples> x{};
    std::array<target, samples> y{};
    data_set() {
        for (std::size_t i = 0; i < samples; ++i) {
            const float t = static_cast<float>(i);
            x[i] = {0.25f * t - 1.f, t * t / 64.f};
            y[i] = {x[i][0] - 2.f * x[i][1] + 0.5f};
        }
    }
};

hw::params<net> initial() {
    hw::params<net> p;
    hw::init::xavier(p, 11);
    return p;
}

bool bit_identical(hw::params<net> const& a, hw::params<net> const& b) {
    return std::memcmp(a.values.data(), b.values.data(), sizeof(a.values)) == 0;
}

template <std::size_t N>
bool bit_identical(std::array<float, N> const& a, std::array<float, N> const& b) {
    return std::memcmp(a.data(), b.data(), sizeof(a)) == 0;
}

bool contains(std::string const& text, std::string const& part) {
    return text.find(part) != std::string::npos;
}

// Runs f, which must throw std::invalid_argument whose what() contains `part`.
template <class F>
void require_invalid_argument(F&& f, std::string const& part) {
    std::string what;
    bool thrown = false;
    try {
        f();
    } catch (std::invalid_argument const& e) {
        thrown = true;
        what = e.what();
    }
    INFO("what(): " << what);
    REQUIRE(thrown);
    REQUIRE(contains(what, part));
}

hw::fit_options quiet(std::size_t batch_size, bool shuffle = true) {
    return {.epochs = 3,
            .batch_size = batch_size,
            .seed = 1,
            .shuffle = shuffle,
            .print_progress = false};
}

} // namespace

TEST_CASE("fit rejects bad sizes and options before any update", "[fit][errors]") {
    const data_set data;
    const auto before = initial();
    auto p = before;
    hw::sgd<net> sgd{.lr = 0.1f, .momentum = 0.9f};
    hw::adam<net> adam{.lr = 1e-2f};
    std::size_t callbacks = 0;
    auto options = quiet(2);
    options.on_epoch = [&](hw::fit_progress const&) { ++callbacks; };

    SECTION("more inputs than targets") {
        const auto ys = std::span(data.y).first(samples - 1);
        require_invalid_argument([&] { hw::fit<hw::squared_error>(p, sgd, data.x, ys, options); },
                                 "8 inputs but 7 targets");
        require_invalid_argument([&] { hw::fit<hw::squared_error>(p, adam, data.x, ys, options); },
                                 "8 inputs but 7 targets");
    }
    SECTION("fewer inputs than targets") {
        const auto xs = std::span(data.x).first(3);
        require_invalid_argument([&] { hw::fit<hw::squared_error>(p, sgd, xs, data.y, options); },
                                 "3 inputs but 8 targets");
    }
    SECTION("an empty data set") {
        const std::span<const input> none_x;
        const std::span<const target> none_y;
        require_invalid_argument(
            [&] { hw::fit<hw::squared_error>(p, sgd, none_x, none_y, options); }, "empty");
        require_invalid_argument(
            [&] { hw::fit<hw::squared_error>(p, adam, none_x, none_y, quiet(hw::full_batch)); },
            "empty");
    }
    SECTION("batch_size 0") {
        require_invalid_argument(
            [&] { hw::fit<hw::squared_error>(p, sgd, data.x, data.y, quiet(0)); },
            "batch_size is 0");
    }
    SECTION("batch_size larger than the data set") {
        require_invalid_argument(
            [&] { hw::fit<hw::squared_error>(p, adam, data.x, data.y, quiet(samples + 1)); },
            "batch_size 9 exceeds the 8 samples");
    }
    SECTION("first_epoch 0") {
        options.first_epoch = 0;
        require_invalid_argument(
            [&] { hw::fit<hw::squared_error>(p, adam, data.x, data.y, options); },
            "first_epoch is 0");
    }

    // nothing moved: parameters bit-identical, optimizer state untouched, no epoch ran
    REQUIRE(bit_identical(p, before));
    REQUIRE(p == before);
    REQUIRE(sgd.velocity == decltype(sgd.velocity){});
    REQUIRE(adam.t == 0);
    REQUIRE(adam.m == decltype(adam.m){});
    REQUIRE(adam.v == decltype(adam.v){});
    REQUIRE(callbacks == 0);
}

TEST_CASE("batch sizes up to the data set and hw::full_batch work", "[fit][errors]") {
    const data_set data;
    for (std::size_t batch_size : {std::size_t{1}, std::size_t{3}, samples, hw::full_batch}) {
        INFO("batch_size " << batch_size);
        auto p = initial();
        hw::adam<net> adam{.lr = 1e-2f};
        const auto r = hw::fit<hw::squared_error>(
            p, adam, data.x, data.y,
            {.epochs = 50, .batch_size = batch_size, .seed = 4, .print_progress = false});
        const std::size_t steps_per_epoch =
            batch_size == hw::full_batch ? 1 : (samples + batch_size - 1) / batch_size;
        REQUIRE(adam.t == static_cast<long long>(50 * steps_per_epoch));
        REQUIRE(r.loss_history.size() == 50);
        REQUIRE(r.loss_history.back() < 0.5f * r.loss_history.front());
    }
}

TEST_CASE("hw::full_batch on a one-sample data set", "[fit][errors]") {
    const data_set data;
    {
        auto p = initial();
        hw::sgd<net> sgd{.lr = 0.1f};
        const auto r = hw::fit<hw::squared_error>(
            p, sgd, std::span(data.x).first(1), std::span(data.y).first(1), quiet(hw::full_batch));
        REQUIRE(r.loss_history.size() == 3);
        REQUIRE(r.loss_history.back() < r.loss_history.front());
    }
}

namespace {

// Re-trains a copy from the same start for exactly the steps fit took before failing in
// (epoch, batch), without shuffling: the full epochs before, then the batches before `batch`.
template <class Optimizer>
void replay(hw::params<net>& p, Optimizer& opt, data_set const& data, std::size_t batch_size,
            std::size_t epoch, std::size_t batch) {
    if (epoch > 1)
        hw::fit<hw::squared_error>(p, opt, data.x, data.y,
                                   {.epochs = epoch - 1,
                                    .batch_size = batch_size,
                                    .shuffle = false,
                                    .print_progress = false});
    if (batch > 1)
        hw::fit<hw::squared_error>(
            p, opt, std::span(data.x).first((batch - 1) * batch_size),
            std::span(data.y).first((batch - 1) * batch_size),
            {.epochs = 1, .batch_size = batch_size, .shuffle = false, .print_progress = false});
}

struct failure {
    bool thrown = false;
    std::size_t epoch = 0, batch = 0;
    std::string what;
};

template <class F>
failure training_failure(F&& f) {
    failure result;
    try {
        f();
    } catch (hw::training_error const& e) {
        result = {true, e.epoch, e.batch, e.what()};
    }
    return result;
}

void require_names(failure const& f, std::size_t epoch, std::size_t batch) {
    INFO("what(): " << f.what);
    REQUIRE(f.thrown);
    REQUIRE(f.epoch == epoch);
    REQUIRE(f.batch == batch);
    REQUIRE(contains(f.what, "epoch " + std::to_string(epoch) + ","));
    REQUIRE(contains(f.what, "batch " + std::to_string(batch) + ";"));
}

} // namespace

TEST_CASE("a NaN input stops fit with the parameters of the last finite step", "[fit][errors]") {
    constexpr std::size_t batch_size = 2;
    data_set data;
    data.x[5][1] = std::numeric_limits<float>::quiet_NaN(); // sample 5: batch 3 of every epoch

    SECTION("sgd with momentum: fails in epoch 1, batch 3") {
        auto p = initial();
        hw::sgd<net> opt{.lr = 0.05f, .momentum = 0.9f};
        const failure f = training_failure(
            [&] { hw::fit<hw::squared_error>(p, opt, data.x, data.y, quiet(batch_size, false)); });
        require_names(f, 1, 3);

        auto expected = initial();
        hw::sgd<net> expected_opt{.lr = 0.05f, .momentum = 0.9f};
        replay(expected, expected_opt, data, batch_size, 1, 3);
        REQUIRE(expected != initial()); // the two steps before the failure moved it
        REQUIRE(bit_identical(p, expected));
        REQUIRE(bit_identical(opt.velocity, expected_opt.velocity));
    }
    SECTION("adam, shuffled: fails in epoch 1, in the batch that holds sample 5") {
        auto p = initial();
        hw::adam<net> opt{.lr = 1e-2f};
        const failure f = training_failure(
            [&] { hw::fit<hw::squared_error>(p, opt, data.x, data.y, quiet(batch_size, true)); });
        INFO("what(): " << f.what);
        REQUIRE(f.thrown);
        REQUIRE(f.epoch == 1);
        REQUIRE(f.batch >= 1);
        REQUIRE(f.batch <= samples / batch_size);
        REQUIRE(opt.t == static_cast<long long>(f.batch - 1)); // one step per finite batch
    }
}

TEST_CASE("a NaN appearing later names the later epoch", "[fit][errors]") {
    // The data set turns bad after epoch 2 (the callback writes a NaN into a target): the
    // failure is in epoch 3, batch 3, after 2 full epochs and 2 more steps.
    constexpr std::size_t batch_size = 2;
    data_set data;
    auto p = initial();
    hw::adam<net> opt{.lr = 1e-2f};
    hw::fit_options options{.epochs = 10,
                            .batch_size = batch_size,
                            .shuffle = false,
                            .on_epoch =
                                [&](hw::fit_progress const& progress) {
                                    if (progress.epoch == 2)
                                        data.y[4][0] = std::numeric_limits<float>::quiet_NaN();
                                },
                            .print_progress = false};
    const failure f =
        training_failure([&] { hw::fit<hw::squared_error>(p, opt, data.x, data.y, options); });
    require_names(f, 3, 3);

    const data_set clean;
    auto expected = initial();
    hw::adam<net> expected_opt{.lr = 1e-2f};
    replay(expected, expected_opt, clean, batch_size, 3, 3);
    REQUIRE(expected_opt.t == 2 * 4 + 2);
    REQUIRE(opt.t == expected_opt.t);
    REQUIRE(bit_identical(p, expected));
    REQUIRE(bit_identical(opt.m, expected_opt.m));
    REQUIRE(bit_identical(opt.v, expected_opt.v));
}

TEST_CASE("a diverging loss stops fit with the parameters of the last finite step",
          "[fit][errors]") {
    // A learning rate so large that the loss grows until it overflows float.
    constexpr std::size_t batch_size = 2;
    const data_set data;
    auto p = initial();
    hw::sgd<net> opt{.lr = 20.f};
    const failure f = training_failure([&] {
        hw::fit<hw::squared_error>(
            p, opt, data.x, data.y,
            {.epochs = 10000, .batch_size = batch_size, .shuffle = false, .print_progress = false});
    });
    INFO("failed in epoch " << f.epoch << ", batch " << f.batch);
    require_names(f, f.epoch, f.batch);
    REQUIRE((f.epoch > 1 || f.batch > 1)); // some finite steps came first

    auto expected = initial();
    hw::sgd<net> expected_opt{.lr = 20.f};
    replay(expected, expected_opt, data, batch_size, f.epoch, f.batch);
    REQUIRE(bit_identical(p, expected));
    // and the failing step would indeed have been non-finite
    hw::gradients<net> g;
    const std::size_t first = (f.batch - 1) * batch_size;
    const float loss = hw::batch_gradient<hw::squared_error>(
        expected, std::span(data.x).subspan(first, batch_size),
        std::span(data.y).subspan(first, batch_size), g);
    bool finite = std::isfinite(loss);
    for (float v : g.values)
        finite = finite && std::isfinite(v);
    REQUIRE_FALSE(finite);
}
