// Three interleaved spiral arms, one class each: multi-class classification with softmax
// cross-entropy. The network's last layer emits three logits (no activation); the loss applies
// the softmax itself, stably, and takes the labels as class indices, as PyTorch's cross_entropy
// does. Every fifth point is held out; the program trains on the rest with Adam and prints the
// accuracy on both (the held-out accuracy must be at least 95%), then the probabilities the
// network gives one point.

#include <array>
#include <cmath>
#include <cstdio>
#include <hardwired/hardwired.hpp>
#include <numbers>
#include <vector>

namespace hw = hardwired;

constexpr std::size_t classes = 3;
using spiral_net =
    hw::network<hw::input<2>, hw::dense<32, hw::tanh>, hw::dense<32, hw::tanh>, hw::dense<classes>>;
using point = std::array<float, 2>;

struct data_set {
    std::vector<point> xs;
    std::vector<int> labels; // class indices 0, 1, 2
};

// Arm c turns 1.25 times outwards from near the centre, rotated by c·2π/3, with a little noise.
// splitmix64 (the library's seeded generator) makes the data identical on every platform.
void make_spirals(data_set& train, data_set& held_out) {
    constexpr std::size_t per_class = 300;
    constexpr double radius = 4;
    hw::splitmix64 rng{/*seed=*/11};
    auto noise = [&] { return 0.12 * (rng.uniform() - 0.5); };
    for (std::size_t c = 0; c < classes; ++c)
        for (std::size_t i = 0; i < per_class; ++i) {
            const double t = 0.1 + 0.9 * static_cast<double>(i) / (per_class - 1);
            const double angle = 1.25 * 2 * std::numbers::pi * t +
                                 static_cast<double>(c) * 2 * std::numbers::pi / classes;
            const point x{static_cast<float>(radius * (t * std::cos(angle) + noise())),
                          static_cast<float>(radius * (t * std::sin(angle) + noise()))};
            data_set& to = i % 5 == 0 ? held_out : train;
            to.xs.push_back(x);
            to.labels.push_back(static_cast<int>(c));
        }
}

double accuracy(hw::params<spiral_net> const& p, data_set const& d) {
    std::vector<int> predicted(d.xs.size());
    hw::predict_class_batch(p, d.xs, predicted);
    std::size_t right = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i)
        right += predicted[i] == d.labels[i];
    return static_cast<double>(right) / static_cast<double>(predicted.size());
}

int main() {
    data_set train, held_out;
    make_spirals(train, held_out);

    hw::params<spiral_net> p;
    hw::init::xavier(p, /*seed=*/3);
    hw::adam<spiral_net> opt{.lr = 0.01f};
    const auto result = hw::fit<hw::softmax_cross_entropy>(
        p, opt, train.xs, train.labels,
        {.epochs = 200, .batch_size = 32, .seed = 5, .on_epoch = [](hw::fit_progress const& pr) {
             if (pr.epoch % 50 == 0)
                 std::printf("epoch %3zu/%zu  cross-entropy %.4f\n", pr.epoch, pr.epochs, pr.loss);
         }});

    const double train_accuracy = accuracy(p, train), test_accuracy = accuracy(p, held_out);
    std::printf("%zu training points, %zu held out, %.2f s\n", train.xs.size(), held_out.xs.size(),
                result.seconds);
    std::printf("accuracy: %.1f%% on the training points, %.1f%% held out\n", 100 * train_accuracy,
                100 * test_accuracy);

    const point x = held_out.xs[7];
    const auto probs = hw::predict_proba(p, x);
    std::printf("point (%.2f, %.2f), class %d: probabilities %.3f %.3f %.3f, predicted %zu\n",
                double(x[0]), double(x[1]), held_out.labels[7], double(probs[0]), double(probs[1]),
                double(probs[2]), hw::predict_class(p, x));
    return test_accuracy >= 0.95 ? 0 : 1;
}
