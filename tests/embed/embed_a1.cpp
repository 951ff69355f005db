// A minimal program on a model baked into it: NAM's A1 WaveNet (tests/fixtures/nam) streams N
// samples of a sine (N from the command line) and prints the last output. Its size, with the
// model's 13,801 floats in read-only memory, is the README's figure for an embedded model.

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <a1_weights.hpp>

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::atol(argv[1]) : 48000;
    static hw::state<amp::a1> s; // 196 kB of convolution history: not on the stack
    float y = 0;
    for (long t = 0; t < n; ++t)
        y = hw::step(a1_weights,
                     std::array<float, 1>{0.5f * std::sin(0.05f * static_cast<float>(t))}, s)[0];
    std::printf("%ld samples, last output %.6f\n", n, static_cast<double>(y));
    return std::isfinite(y) ? 0 : 1;
}
