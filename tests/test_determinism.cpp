// Training is deterministic: the same network, data, initialisation seed and shuffling seed give
// bit-identical parameters (and optimizer state), run after run. A different seed gives different
// parameters, so the comparison is not vacuous.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <hardwired/hardwired.hpp>
#include <string>
#include <vector>

namespace hw = hardwired;

namespace {

using net = hw::network<hw::input<3>, hw::dense<6, hw::tanh>, hw::dense<5, hw::gelu>,
                        hw::dense<2, hw::sigmoid>>;

constexpr std::size_t samples = 11; // not a multiple of 3: the last mini-batch is smaller

struct data_set {
    std::array<std::array<float, 3>, samples> x{};
    std::array<std::array<float, 2>, samples> y{};
    std::array<int, samples> labels{};
    data_set() {
        for (std::size_t i = 0; i < samples; ++i) {
            const double t = static_cast<double>(i);
            x[i] = {static_cast<float>(std::sin(1.3 * t)), static_cast<float>(std::cos(0.7 * t)),
                    static_cast<float>(0.1 * t - 0.5)};
            y[i] = {x[i][0] * x[i][1] > 0 ? 1.f : 0.f, x[i][2] > 0 ? 1.f : 0.f};
            labels[i] = x[i][0] * x[i][1] > 0 ? 1 : 0;
        }
    }
};

struct run {
    hw::params<net> p;
    std::vector<float> loss_history;
};

template <auto Loss, class Optimizer>
run train(Optimizer opt, std::size_t batch_size, std::uint64_t init_seed,
          std::uint64_t shuffle_seed) {
    const data_set data;
    run r;
    hw::init::xavier(r.p, init_seed);
    const hw::fit_options options{
        .epochs = 20, .batch_size = batch_size, .seed = shuffle_seed, .print_progress = false};
    if constexpr (hw::takes_class_index<decltype(Loss)>)
        r.loss_history = hw::fit<Loss>(r.p, opt, data.x, data.labels, options).loss_history;
    else
        r.loss_history = hw::fit<Loss>(r.p, opt, data.x, data.y, options).loss_history;
    return r;
}

bool bit_identical(hw::params<net> const& a, hw::params<net> const& b) {
    return std::memcmp(a.values.data(), b.values.data(), sizeof(a.values)) == 0;
}

bool all_finite(hw::params<net> const& p) {
    for (float v : p.values)
        if (!std::isfinite(v))
            return false;
    return true;
}

template <class Optimizer, auto Loss = hw::bce_with_logits>
void check_determinism(Optimizer const& fresh, std::size_t batch_size) {
    const run first = train<Loss>(fresh, batch_size, 42, 7);
    const run second = train<Loss>(fresh, batch_size, 42, 7);

    hw::params<net> initial;
    hw::init::xavier(initial, 42);
    REQUIRE(all_finite(first.p));
    REQUIRE(first.p != initial); // training moved the parameters
    REQUIRE(first.loss_history.size() == 20);
    REQUIRE(first.loss_history.back() < first.loss_history.front());

    // same seeds: bit for bit the same parameters and losses
    REQUIRE(first.p == second.p);
    REQUIRE(bit_identical(first.p, second.p));
    REQUIRE(first.loss_history == second.loss_history);

    // a different initialisation seed: different parameters
    const run other_init = train<Loss>(fresh, batch_size, 43, 7);
    REQUIRE(other_init.p != first.p);

    // a different shuffling seed: different parameters, except with one full batch per epoch,
    // where the order only changes how the gradient sum is rounded
    if (batch_size != hw::full_batch) {
        const run other_shuffle = train<Loss>(fresh, batch_size, 42, 8);
        REQUIRE(other_shuffle.p != first.p);
        REQUIRE_FALSE(bit_identical(other_shuffle.p, first.p));
    }
}

} // namespace

TEST_CASE("fit is deterministic with sgd with momentum", "[determinism]") {
    const hw::sgd<net> fresh{.lr = 0.2f, .momentum = 0.9f};
    SECTION("batch size 1") {
        check_determinism(fresh, 1);
    }
    SECTION("batch size 3") {
        check_determinism(fresh, 3);
    }
    SECTION("full batch") {
        check_determinism(fresh, hw::full_batch);
    }
}

TEST_CASE("fit is deterministic with adam", "[determinism]") {
    const hw::adam<net> fresh{.lr = 1e-2f};
    SECTION("batch size 1") {
        check_determinism(fresh, 1);
    }
    SECTION("batch size 3") {
        check_determinism(fresh, 3);
    }
    SECTION("full batch") {
        check_determinism(fresh, hw::full_batch);
    }
}

TEST_CASE("fit is deterministic with softmax cross-entropy on class indices", "[determinism]") {
    const hw::adam<net> fresh{.lr = 1e-2f};
    SECTION("batch size 3") {
        check_determinism<hw::adam<net>, hw::softmax_cross_entropy>(fresh, 3);
    }
    SECTION("full batch") {
        check_determinism<hw::adam<net>, hw::softmax_cross_entropy>(fresh, hw::full_batch);
    }
}

TEST_CASE("the optimizer state is deterministic too", "[determinism]") {
    const data_set data;
    auto once = [&] {
        hw::params<net> p;
        hw::init::he(p, 5);
        hw::adam<net> opt{.lr = 1e-2f};
        hw::fit<hw::squared_error>(
            p, opt, data.x, data.y,
            {.epochs = 5, .batch_size = 4, .seed = 9, .print_progress = false});
        return opt;
    };
    const auto a = once();
    const auto b = once();
    REQUIRE(a.t == 5 * 3); // 11 samples in batches of 4: 3 steps per epoch
    REQUIRE(a.t == b.t);
    REQUIRE(std::memcmp(a.m.data(), b.m.data(), sizeof(a.m)) == 0);
    REQUIRE(std::memcmp(a.v.data(), b.v.data(), sizeof(a.v)) == 0);
}

TEST_CASE("full batch is the same as a batch of the whole data set", "[determinism]") {
    // hw::full_batch and batch_size = n take the same path: identical results for any seed
    for (std::uint64_t seed : {0u, 1u, 2u}) {
        const data_set data;
        hw::params<net> a, b;
        hw::init::xavier(a, 3);
        hw::init::xavier(b, 3);
        hw::sgd<net> oa{.lr = 0.1f, .momentum = 0.5f}, ob = oa;
        hw::fit<hw::bce_with_logits>(
            a, oa, data.x, data.y,
            {.epochs = 10, .batch_size = hw::full_batch, .seed = seed, .print_progress = false});
        hw::fit<hw::bce_with_logits>(
            b, ob, data.x, data.y,
            {.epochs = 10, .batch_size = samples, .seed = seed, .print_progress = false});
        INFO("seed " << seed);
        REQUIRE(bit_identical(a, b));
    }
}
