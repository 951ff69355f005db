// No heap allocation in the hot paths: the global operator new and new[] (every overload that
// allocates: plain, nothrow, aligned, aligned nothrow) are replaced by counting versions, and the
// count must not move during forward, gradient, batch_gradient, an optimizer step, or one epoch
// of fit (measured between two consecutive on_epoch callbacks).
//
// Catch2's macros may allocate, so every count is read into a local before any REQUIRE.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <hardwired/hardwired.hpp>
#include <new>
#include <span>
#include <vector>

#include "support/counting_new.hpp"

namespace hw = hardwired;

namespace {

using test::allocations;
using test::allocations_during;

using net = hw::network<hw::input<4>, hw::dense<8, hw::tanh>, hw::dense<8, hw::gelu>,
                        hw::dense<2, hw::sigmoid>>;

constexpr std::size_t samples = 10;

template <class T>
struct data_set {
    std::array<std::array<T, 4>, samples> x{};
    std::array<std::array<T, 2>, samples> y{};
    std::array<int, samples> labels{}; // class indices of the two outputs as logits
    data_set() {
        for (std::size_t i = 0; i < samples; ++i) {
            for (std::size_t k = 0; k < 4; ++k)
                x[i][k] = static_cast<T>(std::sin(0.7 * static_cast<double>(i * 4 + k)));
            y[i] = {static_cast<T>(i % 2), static_cast<T>((i / 2) % 2)};
            labels[i] = static_cast<int>(i % 2);
        }
    }
    std::span<const std::array<T, 4>> inputs() const { return x; }
    std::span<const std::array<T, 2>> targets() const { return y; }
};

template <class T>
hw::params<net, T> initialised() {
    hw::params<net, T> p;
    hw::init::xavier(p, 7);
    return p;
}

template <class T>
bool all_finite(hw::params<net, T> const& p) {
    for (T v : p.values)
        if (!std::isfinite(v))
            return false;
    return true;
}

// Allocations during each epoch of fit after the first, measured from one on_epoch call to the
// next. The callback writes into a preallocated array and does not allocate.
template <class T, class Optimizer, auto Loss = hw::squared_error>
std::array<std::size_t, 5> allocations_per_epoch(Optimizer& opt, std::size_t batch_size) {
    const data_set<T> data;
    auto p = initialised<T>();
    std::array<std::size_t, 6> at_callback{};
    std::size_t calls = 0;
    hw::fit_options options{.epochs = at_callback.size(),
                            .batch_size = batch_size,
                            .seed = 3,
                            .on_epoch =
                                [&](hw::fit_progress const&) {
                                    if (calls < at_callback.size())
                                        at_callback[calls] = allocations();
                                    ++calls;
                                },
                            .print_progress = false};
    if constexpr (hw::takes_class_index<decltype(Loss)>)
        hw::fit<Loss>(p, opt, data.inputs(), data.labels, options);
    else
        hw::fit<Loss>(p, opt, data.inputs(), data.targets(), options);
    REQUIRE(calls == at_callback.size());
    REQUIRE(all_finite(p));
    std::array<std::size_t, 5> per_epoch{};
    for (std::size_t e = 0; e < per_epoch.size(); ++e)
        per_epoch[e] = at_callback[e + 1] - at_callback[e];
    return per_epoch;
}

} // namespace

TEST_CASE("the allocation counter counts new, new[], aligned and nothrow new", "[no_heap]") {
    struct alignas(64) over_aligned {
        double v[8];
    };
    static int* volatile sink_int;
    static double* volatile sink_array;
    static over_aligned* volatile sink_aligned;
    static int* volatile sink_nothrow;

    const std::size_t single = allocations_during([] {
        sink_int = new int(42);
        delete sink_int;
    });
    const std::size_t array = allocations_during([] {
        sink_array = new double[16];
        delete[] sink_array;
    });
    const std::size_t aligned = allocations_during([] {
        sink_aligned = new over_aligned{};
        delete sink_aligned;
    });
    const std::size_t nothrow = allocations_during([] {
        sink_nothrow = new (std::nothrow) int(1);
        delete sink_nothrow;
    });
    const std::size_t vector = allocations_during([] {
        std::vector<int> v(100, 1);
        sink_int = v.data();
    });
    REQUIRE(single == 1);
    REQUIRE(array == 1);
    REQUIRE(aligned == 1);
    REQUIRE(nothrow == 1);
    REQUIRE(vector == 1);
}

TEMPLATE_TEST_CASE("hw::forward does not allocate", "[no_heap]", float, double) {
    const auto p = initialised<TestType>();
    const data_set<TestType> data;
    std::array<TestType, 2> out{};
    const std::size_t n = allocations_during([&] {
        for (auto const& x : data.x) {
            const auto y = hw::forward(p, x);
            out[0] += y[0];
            out[1] += y[1];
        }
    });
    REQUIRE(n == 0);
    REQUIRE(std::isfinite(out[0]));
    REQUIRE(out[0] != TestType(0));
}

TEMPLATE_TEST_CASE("hw::gradient and hw::batch_gradient do not allocate", "[no_heap]", float,
                   double) {
    const auto p = initialised<TestType>();
    const data_set<TestType> data;
    hw::gradients<net, TestType> g;
    std::array<TestType, 4> input_grad{};
    TestType loss = 0;

    const std::size_t n_single = allocations_during(
        [&] { loss = hw::gradient<hw::squared_error>(p, data.x[3], data.y[3], g, &input_grad); });
    REQUIRE(n_single == 0);
    REQUIRE(loss > TestType(0));
    REQUIRE(input_grad != std::array<TestType, 4>{});

    TestType batch_loss = 0;
    const std::size_t n_batch = allocations_during([&] {
        batch_loss = hw::batch_gradient<hw::bce_with_logits>(p, data.inputs(), data.targets(), g);
    });
    REQUIRE(n_batch == 0);
    REQUIRE(batch_loss > TestType(0));
    REQUIRE(g != hw::gradients<net, TestType>{});
}

TEST_CASE("optimizer steps do not allocate", "[no_heap]") {
    const data_set<float> data;
    hw::gradients<net> g;
    hw::batch_gradient<hw::squared_error>(initialised<float>(), data.inputs(), data.targets(), g);

    auto p_sgd = initialised<float>();
    hw::sgd<net> sgd{.lr = 0.1f, .momentum = 0.9f, .nesterov = true, .weight_decay = 1e-4f};
    auto p_adam = initialised<float>();
    hw::adam<net> adam{.lr = 1e-2f, .weight_decay = 1e-4f};
    auto p_adamw = initialised<float>();
    hw::adamw<net> adamw{.lr = 1e-2f};

    const std::size_t n_sgd = allocations_during([&] {
        for (int i = 0; i < 3; ++i)
            sgd.step(p_sgd, g);
    });
    const std::size_t n_adam = allocations_during([&] {
        for (int i = 0; i < 3; ++i)
            adam.step(p_adam, g);
    });
    const std::size_t n_adamw = allocations_during([&] {
        for (int i = 0; i < 3; ++i)
            adamw.step(p_adamw, g);
    });
    REQUIRE(n_sgd == 0);
    REQUIRE(n_adam == 0);
    REQUIRE(n_adamw == 0);
    // the steps did something
    REQUIRE(p_sgd != initialised<float>());
    REQUIRE(p_adam != initialised<float>());
    REQUIRE(p_adamw != initialised<float>());
    REQUIRE(adam.t == 3);
}

TEST_CASE("an epoch of hw::fit does not allocate", "[no_heap]") {
    constexpr std::array<std::size_t, 5> none{};
    SECTION("sgd with momentum, stochastic") {
        hw::sgd<net> opt{.lr = 0.05f, .momentum = 0.9f};
        const auto per_epoch = allocations_per_epoch<float>(opt, 1);
        REQUIRE(per_epoch == none);
    }
    SECTION("adam, mini-batches of 3 (the last one smaller)") {
        hw::adam<net> opt{.lr = 1e-2f};
        const auto per_epoch = allocations_per_epoch<float>(opt, 3);
        REQUIRE(per_epoch == none);
    }
    SECTION("adamw, full batch, double") {
        hw::adamw<net, double> opt{.lr = 1e-2};
        const auto per_epoch = allocations_per_epoch<double>(opt, hw::full_batch);
        REQUIRE(per_epoch == none);
    }
}

TEMPLATE_TEST_CASE("softmax cross-entropy: gradients and an epoch of fit do not allocate",
                   "[no_heap]", float, double) {
    const auto p = initialised<TestType>();
    const data_set<TestType> data;
    hw::gradients<net, TestType> g;
    TestType single = 0, on_labels = 0, on_arrays = 0;
    const std::size_t n = allocations_during([&] {
        single = hw::gradient<hw::softmax_cross_entropy>(p, data.x[3], data.labels[3], g);
        on_labels = hw::batch_gradient<hw::softmax_cross_entropy>(p, data.inputs(), data.labels, g);
        on_arrays =
            hw::batch_gradient<hw::softmax_cross_entropy>(p, data.inputs(), data.targets(), g);
    });
    REQUIRE(n == 0);
    REQUIRE(single > TestType(0));
    REQUIRE(on_labels > TestType(0));
    REQUIRE(on_arrays > TestType(0));
    constexpr std::array<std::size_t, 5> none{};
    hw::adam<net, TestType> opt{.lr = TestType(1e-2)};
    const auto per_epoch =
        allocations_per_epoch<TestType, decltype(opt), hw::softmax_cross_entropy>(opt, 3);
    REQUIRE(per_epoch == none);
}

TEST_CASE("the fit measurement can see an allocation", "[no_heap]") {
    // The same measurement as above, with a callback that allocates on every call after the
    // first: each epoch must then count exactly one allocation, so the check above is not blind.
    const data_set<float> data;
    auto p = initialised<float>();
    hw::sgd<net> opt{.lr = 0.05f};
    std::array<std::size_t, 4> at_callback{};
    std::size_t calls = 0;
    static int* volatile sink;
    hw::fit_options options{.epochs = at_callback.size(),
                            .batch_size = 2,
                            .on_epoch =
                                [&](hw::fit_progress const&) {
                                    at_callback[calls] = allocations();
                                    ++calls;
                                    sink = new int(1);
                                    delete sink;
                                },
                            .print_progress = false};
    hw::fit<hw::squared_error>(p, opt, data.inputs(), data.targets(), options);
    std::array<std::size_t, 3> per_epoch{};
    for (std::size_t e = 0; e < per_epoch.size(); ++e)
        per_epoch[e] = at_callback[e + 1] - at_callback[e];
    REQUIRE(per_epoch == std::array<std::size_t, 3>{1, 1, 1});
}
