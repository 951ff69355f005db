// The cat/dog classifier of the first source document (seeds/000): an "image" of two grey-scale
// pixels goes in, and two output neurons come out, the first meaning "cat", the second "dog"; a
// cat's target is (1, 0), a dog's (0, 1), and the cost is the squared distance between output
// and target, averaged over the data set. The document has no data, so we make some up: a cat
// has a bright first pixel and a dark second one, a dog the reverse, and noise makes a few
// images ambiguous. The network is trained by mini-batch SGD and then tested on images it has
// never seen; it must classify at least 95% of them correctly.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

// 2 pixels in, a small hidden layer, 2 outputs. Sigmoid outputs lie in (0, 1), so each can be
// read as the document reads them: how much the network believes "cat", and "dog".
using cat_dog_net = hw::network<hw::input<2>, hw::dense<4, hw::sigmoid>, hw::dense<2, hw::sigmoid>>;

using image = std::array<float, 2>;  // two pixel brightnesses in [0, 1]
using answer = std::array<float, 2>; // (cat, dog)

constexpr answer cat{1, 0}, dog{0, 1};

// N labelled images from `seed`. A bright pixel is in [0.55, 1], a dark one in [0, 0.45]; then
// each pixel gets noise in (−0.3, 0.3) (the sum of two uniforms: small noise is likelier than
// large) and is clipped to [0, 1]. Training and test sets come from different seeds, so the test
// images are new ones drawn by the same rule.
template <std::size_t N>
void make_images(std::array<image, N>& xs, std::array<answer, N>& ys, std::uint64_t seed) {
    hw::splitmix64 rng{seed};
    auto noise = [&] { return 0.3 * (rng.uniform() + rng.uniform() - 1); };
    for (std::size_t i = 0; i < N; ++i) {
        const bool is_cat = rng.below(2) == 0;
        const double bright = 0.55 + 0.45 * rng.uniform(), dark = 0.45 * rng.uniform();
        const double first = (is_cat ? bright : dark) + noise();
        const double second = (is_cat ? dark : bright) + noise();
        xs[i] = {static_cast<float>(std::clamp(first, 0.0, 1.0)),
                 static_cast<float>(std::clamp(second, 0.0, 1.0))};
        ys[i] = is_cat ? cat : dog;
    }
}

// The network's verdict is the output neuron that is more active.
bool says_cat(std::array<float, 2> const& out) {
    return out[0] > out[1];
}

int main() {
    std::array<image, 400> train_x;
    std::array<answer, 400> train_y;
    make_images(train_x, train_y, /*seed=*/1);
    std::array<image, 200> test_x;
    std::array<answer, 200> test_y;
    make_images(test_x, test_y, /*seed=*/2);

    hw::params<cat_dog_net> p;
    hw::init::xavier(p, /*seed=*/1);

    // Mini-batch SGD (document section 3.5): each step uses the average gradient of 16 images,
    // a cheap, slightly noisy estimate of the gradient over all 400. Momentum smooths the noise.
    hw::sgd<cat_dog_net> opt{.lr = 1.0f, .momentum = 0.9f};

    // hw::squared_error is ½(ŷ − y)² per output, and the library averages it over the two
    // outputs and over the batch. That is a quarter of the document's cost (4)-(5), which sums
    // the squares over the outputs; a constant factor only rescales the learning rate.
    const std::size_t epochs = 50;
    auto progress = [](hw::fit_progress const& pr) {
        if (pr.epoch % 10 == 0)
            std::printf("epoch %2zu/%zu  cost %.4f\n", pr.epoch, pr.epochs, pr.loss);
    };
    const auto result = hw::fit<hw::squared_error>(
        p, opt, train_x, train_y,
        {.epochs = epochs, .batch_size = 16, .seed = 1, .on_epoch = progress});

    // A few test images with the two output neurons' values.
    std::printf("\n pixel 1  pixel 2 | truth | cat out  dog out | verdict\n");
    for (std::size_t i = 0; i < 6; ++i) {
        const auto out = hw::forward(p, test_x[i]);
        std::printf("   %.2f     %.2f   |  %s  |  %.3f    %.3f  |  %s\n", double(test_x[i][0]),
                    double(test_x[i][1]), test_y[i] == cat ? "cat" : "dog", double(out[0]),
                    double(out[1]), says_cat(out) ? "cat" : "dog");
    }

    // Held-out accuracy. For comparison, the rule "cat if the first pixel is the brighter one",
    // which by the symmetry of the data is about the best any classifier can do: noise makes a
    // few images look like the other animal, and no classifier gets those right.
    std::size_t correct = 0, rule_correct = 0;
    for (std::size_t i = 0; i < test_x.size(); ++i) {
        const bool truth = test_y[i] == cat;
        correct += says_cat(hw::forward(p, test_x[i])) == truth ? 1 : 0;
        rule_correct += (test_x[i][0] > test_x[i][1]) == truth ? 1 : 0;
    }
    const double accuracy = static_cast<double>(correct) / test_x.size();

    std::printf("\n%zu epochs in %.2f ms\n", epochs, result.seconds * 1e3);
    std::printf("held-out accuracy %zu/%zu = %.1f%% (rule \"pixel 1 > pixel 2\": %.1f%%): %s\n",
                correct, test_x.size(), 100 * accuracy,
                100.0 * static_cast<double>(rule_correct) / test_x.size(),
                accuracy >= 0.95 ? "cats and dogs told apart" : "FAILED (must be >= 95%)");
    return accuracy >= 0.95 ? 0 : 1;
}
