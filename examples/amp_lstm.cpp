// A guitar-amp style model: an LSTM of 16 units and a dense head, trained in C++ to mimic a
// nonlinear audio system with memory, then run one sample at a time as an audio callback would.
//
// The system (amp_system.hpp): a one-pole low-pass filter (cutoff 1 kHz at 48 kHz), then an
// asymmetric soft clipper, tanh(4·v + 0.3) − tanh(0.3): its output depends on past input through
// the filter, so a memoryless network cannot model it. Training follows the recipe recurrent audio
// models are trained with (hw::fit_sequence): each epoch from the zero state, a warm-up without
// gradients, then chunks of truncated back-propagation through time with an update after each. The
// program reports the error-to-signal ratio on held-out audio (Σ(y − ŷ)² / Σy², the audio
// modelling community's metric), fails unless it is below 0.01, then streams one second of
// audio through the model with hw::step_block and prints the real-time factor.

#include <chrono>
#include <cstdio>
#include <hardwired/hardwired.hpp>
#include <span>
#include <vector>

#include "amp_system.hpp"

namespace hw = hardwired;
using namespace amp_system;

using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;

int main() {
    const std::vector<frame> x_train = guitar_like(24000, 1), y_train = the_system(x_train);
    const std::vector<frame> x_test = guitar_like(24000, 2), y_test = the_system(x_test);

    hw::params<amp> p;
    hw::init::defaults(p, 7); // PyTorch's initialisation: U(±1/√16) for the LSTM
    hw::adam<amp> opt{.lr = 0.01f};
    const auto started = std::chrono::steady_clock::now();
    const auto result = hw::fit_sequence<hw::mse_loss>(
        p, opt, x_train, y_train, {.epochs = 40, .warmup = 200, .chunk = 1000});
    const double train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double test_esr = esr(p, x_test, y_test);
    std::printf("trained 1 -> LSTM(16) -> 1 on 0.5 s of audio: %zu epochs in %.1f s, "
                "final training loss %.2e\n",
                result.loss_history.size(), train_seconds, double(result.loss_history.back()));
    std::printf("error-to-signal ratio on 0.5 s of held-out audio: %.4f (goal < 0.01)\n", test_esr);

    // One second of audio, one sample per step, in blocks of 64 as an audio callback sees it.
    const std::vector<frame> second = guitar_like(48000, 3);
    std::vector<frame> out(second.size());
    hw::state<amp> s;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t b = 0; b < second.size(); b += 64)
        hw::step_block(p, std::span(second).subspan(b, 64), std::span(out).subspan(b, 64), s);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("streamed 1 s of 48 kHz audio in %.2f ms: %.0f ns per sample, real-time factor "
                "%.4f (%.0fx faster than real time)\n",
                seconds * 1e3, seconds * 1e9 / 48000, seconds, 1 / seconds);
    return test_esr < 0.01 ? 0 : 1;
}
