// A WaveNet of the Neural Amp Modeler's kind (two layer arrays of dilated causal convolutions,
// residual and skip paths, a head), trained in C++ on the system examples/amp_lstm.cpp models,
// then streamed one sample at a time as an audio callback would run it.
//
// The system (amp_system.hpp): a one-pole low-pass filter (cutoff 1 kHz at 48 kHz), then an
// asymmetric soft clipper, tanh(4·v + 0.3) − tanh(0.3). The model is hw::wavenet::model, the type
// NAM's "A1" models are written in (hw::wavenet::a1_standard is the standard one, 13,801 weights;
// this one has 8 channels and dilations up to 32, 3,505 weights). It trains on 32 excerpts at once,
// the excerpts in SIMD lanes (hw::fit_sequences): each epoch from silence, a warm-up of the
// receptive field that fills the convolutions' rings without gradients, then chunks of
// back-propagation through time with an update after each. The program reports the
// error-to-signal ratio on held-out audio (Σ(y − ŷ)² / Σy²), fails unless it is below 0.01,
// then streams one second of audio through the model with hw::step_block and prints the
// real-time factor.

#include <chrono>
#include <cstdio>
#include <hardwired/hardwired.hpp>
#include <span>
#include <vector>

#include "amp_system.hpp"

namespace hw = hardwired;
namespace wn = hw::wavenet;
using namespace amp_system;

// Two layer arrays of kernel 3 and dilations 1 … 32, tanh, not gated: 8 channels and a head of
// 8, then 8 channels and the one output, with a head bias; the output scaled by 1.
using dilations = wn::dilations<1, 2, 4, 8, 16, 32>;
using model = wn::model<hw::c<1, 1>, wn::layer_array<8, 8, 3, dilations, hw::tanh>,
                        wn::layer_array<8, 1, 3, dilations, hw::tanh, false, true>>;
using amp = hw::network<hw::input<1>, model>;

int main() {
    // 32 excerpts of 1500 samples (1 s of audio in all) to train on, 0.5 s held out.
    std::vector<std::vector<frame>> xs(32), ys(32);
    for (unsigned q = 0; q < xs.size(); ++q) {
        xs[q] = guitar_like(1500, 10 + q);
        ys[q] = the_system(xs[q]);
    }
    const std::vector<frame> x_test = guitar_like(24000, 2), y_test = the_system(x_test);

    hw::params<amp> p;
    hw::init::defaults(p, 7); // PyTorch's initialisation of each Conv1d
    hw::adam<amp> opt{.lr = 0.01f};
    const auto started = std::chrono::steady_clock::now();
    const auto result = hw::fit_sequences<hw::mse_loss>(
        p, opt, xs, ys, {.epochs = 25, .warmup = model::receptive_field - 1, .chunk = 512});
    const double train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double test_esr = esr(p, x_test, y_test);
    std::printf("trained a WaveNet of %zu weights (receptive field %zu samples) on 32 excerpts "
                "in SIMD lanes: %zu epochs in %.1f s, final training loss %.2e\n",
                amp::parameter_count, model::receptive_field, result.loss_history.size(),
                train_seconds, double(result.loss_history.back()));
    std::printf("error-to-signal ratio on 0.5 s of held-out audio: %.4f (goal < 0.01)\n", test_esr);

    // One second of audio, one sample per step, in blocks of 64 as an audio callback sees it.
    const std::vector<frame> second = guitar_like(48000, 3);
    std::vector<frame> out(second.size());
    hw::state<amp> s; // every convolution's past inputs: silence
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
