// Trains the step cells' models (common.hpp: 1 → LSTM(H) or GRU(H) → dense 1, H = 8, 16, 32, 40,
// 64) on the suite's own task and writes their weights, for the suite to run with weights a model
// has learned (run.py --trained; the environment variable HARDWIRED_RNN_WEIGHTS):
//
//   train_rnn_weights DIR [--epochs N]
//
// Each model starts from the suite's drawn weights (rnn::drawn_weights) and learns the soft
// clipper y = tanh(2.5·x) on the suite's signal (rnn::input(), rnn::target()) with
// hw::fit_sequence: Adam (lr 0.01), a warm-up of 200 samples, chunks of 1000, N epochs over the
// 4096 samples (default 200). It prints each model's final training loss and writes
// DIR/<kind><H>.txt (rnn::weights_file). Drawn weights keep the gates' pre-activations within the
// ranges where hardwired's σ and tanh take their polynomials; learned ones reach beyond, as a
// trained amplifier model's do. The training is hardwired's, bit-reproducible for a build; every
// library then steps the same weights.

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "hardwired_model.hpp"

namespace {

namespace hw = hardwired;
using frame = std::array<float, 1>;

/// Trains the model of K and H for `epochs` epochs and writes it to dir, then reads the file back
/// (rnn::read_weights, as the suite does) and compares it with the trained weights; false where
/// the file cannot be written or does not hold them bit for bit.
template <rnn::cell K, std::size_t H>
bool train_and_write(std::string const& dir, std::size_t epochs) {
    using net = rnn::hardwired_net<K, H>;
    auto p = std::make_unique<hw::params<net>>();
    auto opt = std::make_unique<hw::adam<net>>(); // heap: LSTM 64's weights and moments are 200 KB
    opt->lr = 0.01f;
    rnn::load(*p, rnn::drawn_weights(K, H));
    std::vector<frame> xs, ys;
    for (std::size_t t = 0; t < rnn::stream; ++t) {
        xs.push_back({rnn::input()[t]});
        ys.push_back({rnn::target()[t]});
    }
    const auto result = hw::fit_sequence<hw::mse_loss>(
        *p, *opt, xs, ys, {.epochs = epochs, .warmup = 200, .chunk = 1000});
    const std::string path = rnn::weights_file(dir, K, H);
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
        std::fprintf(stderr, "error: cannot write %s\n", path.c_str());
        return false;
    }
    const rnn::weights w = rnn::save(*p, K, H);
    for (const char* n : rnn::weights::names) {
        for (float v : *w.tensor(n))
            std::fprintf(f, "%.9g ", double(v));
        std::fputc('\n', f);
    }
    if (std::fclose(f) != 0) {
        std::fprintf(stderr, "error: cannot write %s\n", path.c_str());
        return false;
    }
    const rnn::weights back = rnn::read_weights(path, K, H);
    for (const char* n : rnn::weights::names)
        if (*back.tensor(n) != *w.tensor(n)) {
            std::fprintf(stderr, "error: %s does not read back as written (tensor %s)\n",
                         path.c_str(), n);
            return false;
        }
    std::printf("%s: final training loss %.3g\n", path.c_str(), double(result.loss_history.back()));
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--epochs")) {
        std::fprintf(stderr, "usage: train_rnn_weights DIR [--epochs N]\n");
        return 2;
    }
    const std::string dir = argv[1];
    const long epochs = argc == 4 ? std::strtol(argv[3], nullptr, 10) : 200;
    if (epochs < 1) {
        std::fprintf(stderr, "error: --epochs needs a positive number\n");
        return 2;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    bool ok = true;
    rnn::for_each_cell([&]<rnn::cell K, std::size_t H>() {
        ok = ok && train_and_write<K, H>(dir, static_cast<std::size_t>(epochs));
    });
    return ok ? 0 : 1;
}
