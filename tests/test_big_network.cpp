// A realistic size: the 784-512-512-10 network of a first MNIST experiment (669,706 parameters,
// 2.7 MB in float; Adam's state twice that). The parameters and the optimizer live on the heap,
// as the README recommends, and one epoch of fit runs on a thread whose stack (2 MiB) is smaller
// than the parameters: no library function may keep memory proportional to the parameter count
// on its stack.

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <hardwired/hardwired.hpp>
#include <memory>
#include <pthread.h>
#include <vector>

namespace hw = hardwired;

namespace {

using mnist_net =
    hw::network<hw::input<784>, hw::dense<512, hw::relu>, hw::dense<512, hw::relu>, hw::dense<10>>;
static_assert(mnist_net::parameter_count == 669'706);
static_assert(sizeof(hw::params<mnist_net>) > 2 * 1024 * 1024);

constexpr std::size_t samples = 256;

struct outcome {
    bool ran = false;
    float loss_before = 0, loss_after = 0, first_epoch_loss = 0;
};

void train(outcome& out) {
    // Synthetic data: the class is the quarter of the pixels' range where the mean of one
    // stripe of pixels falls, so it can be learned.
    std::vector<std::array<float, 784>> xs(samples);
    std::vector<int> labels(samples);
    hw::splitmix64 rng{1};
    for (std::size_t i = 0; i < samples; ++i) {
        const int c = int(rng.below(10));
        for (std::size_t k = 0; k < 784; ++k)
            xs[i][k] = float(rng.uniform()) * (k % 10 == std::size_t(c) ? 1.f : 0.2f);
        labels[i] = c;
    }

    auto p = std::make_unique<hw::params<mnist_net>>();
    auto opt = std::make_unique<hw::adam<mnist_net>>();
    opt->lr = 1e-3f;
    hw::init::fan_in(*p, 2);
    auto g = std::make_unique<hw::gradients<mnist_net>>();
    auto ws = std::make_unique<hw::batch_workspace<mnist_net>>();
    out.loss_before = hw::batch_gradient<hw::softmax_cross_entropy>(*p, xs, labels, *g, *ws);
    const auto r = hw::fit<hw::softmax_cross_entropy>(
        *p, *opt, xs, labels, {.epochs = 1, .batch_size = 32, .print_progress = false});
    out.first_epoch_loss = r.loss_history.at(0);
    out.loss_after = hw::batch_gradient<hw::softmax_cross_entropy>(*p, xs, labels, *g, *ws);
    out.ran = true;
}

} // namespace

TEST_CASE("a 784-512-512-10 network trains for an epoch on a 2 MiB stack", "[fit][big]") {
    outcome out;
    pthread_attr_t attr;
    REQUIRE(pthread_attr_init(&attr) == 0);
    REQUIRE(pthread_attr_setstacksize(&attr, 2 * 1024 * 1024) == 0);
    pthread_t thread;
    REQUIRE(pthread_create(
                &thread, &attr,
                [](void* arg) -> void* {
                    train(*static_cast<outcome*>(arg));
                    return nullptr;
                },
                &out) == 0);
    REQUIRE(pthread_join(thread, nullptr) == 0);
    pthread_attr_destroy(&attr);
    REQUIRE(out.ran);
    INFO("loss before " << out.loss_before << ", during the epoch " << out.first_epoch_loss
                        << ", after " << out.loss_after);
    CHECK(std::isfinite(out.loss_after));
    CHECK(out.loss_after < out.loss_before);
}
