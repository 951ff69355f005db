#pragma once
// What examples/amp_lstm.cpp and examples/amp_wavenet.cpp share: the nonlinear audio system with
// memory they learn, the guitar-like signal they learn it from, and the error-to-signal ratio
// they are judged by.
//
// The system: a one-pole low-pass filter (cutoff 1 kHz at 48 kHz), then an asymmetric soft
// clipper, tanh(4·v + 0.3) − tanh(0.3): its output depends on past input through the filter, so
// a memoryless network cannot model it.

#include <array>
#include <cmath>
#include <cstddef>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace amp_system {

namespace hw = hardwired;

using frame = std::array<float, 1>;

inline constexpr double rate = 48000;

/// A test signal: notes of changing pitch and loudness, each with a decaying envelope, plus a
/// little noise; `seed` picks the notes.
inline std::vector<frame> guitar_like(std::size_t n, unsigned seed) {
    std::vector<frame> x(n);
    hw::splitmix64 rng{seed};
    double phase = 0, freq = 110, amp_now = 0.5;
    const double pi = 3.14159265358979323846;
    for (std::size_t t = 0; t < n; ++t) {
        if (t % 4800 == 0) { // a new note every 0.1 s
            freq = 80 + 600 * rng.uniform();
            amp_now = 0.2 + 0.8 * rng.uniform();
        }
        const double envelope = amp_now * std::exp(-static_cast<double>(t % 4800) / 2400);
        phase += 2 * pi * freq / rate;
        x[t][0] = static_cast<float>(envelope * (std::sin(phase) + 0.3 * std::sin(3 * phase)) +
                                     0.01 * (2 * rng.uniform() - 1));
    }
    return x;
}

/// The system to model: one-pole low-pass, then an asymmetric soft clipper.
inline std::vector<frame> the_system(std::vector<frame> const& x) {
    const double pi = 3.14159265358979323846;
    const double a = 1 - std::exp(-2 * pi * 1000 / rate);
    std::vector<frame> y(x.size());
    double v = 0;
    for (std::size_t t = 0; t < x.size(); ++t) {
        v += a * (x[t][0] - v);
        y[t][0] = static_cast<float>(std::tanh(4 * v + 0.3) - std::tanh(0.3));
    }
    return y;
}

/// Error-to-signal ratio Σ(y − ŷ)² / Σy² of a model of one input and one output on (x, y),
/// run from its zero state (silence), the audio modelling community's metric.
template <class Net>
double esr(hw::params<Net> const& p, std::vector<frame> const& x, std::vector<frame> const& y) {
    hw::state<Net> s;
    std::vector<frame> out(x.size());
    hw::step_block(p, x, out, s);
    double err = 0, sig = 0;
    for (std::size_t t = 0; t < x.size(); ++t) {
        err += (y[t][0] - out[t][0]) * (y[t][0] - out[t][0]);
        sig += y[t][0] * y[t][0];
    }
    return err / sig;
}

} // namespace amp_system
