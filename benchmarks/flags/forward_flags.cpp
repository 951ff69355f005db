// What the compiler flags do to hardwired's speed (the README's "Build flags" table): times
// hw::forward_batch and a loop of hw::forward over the same 1024 samples, for the quick start's
// 2-3-1 network and a 16-32-32-1 tanh network, and prints the instruction set xsimd chose and
// ns per sample, each the median of 15 blocks of about 20 ms. benchmarks/flags/run.sh builds it
// with each set of flags and runs the builds in turn.
#include <algorithm>
#include <array>
#include <cstdio>
#include <hardwired/hardwired.hpp>
#include <time.h>
#include <vector>

namespace hw = hardwired;

namespace {

using xor_net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
using tanh_net = hw::network<hw::input<16>, hw::dense<32, hw::tanh>, hw::dense<32, hw::tanh>,
                             hw::dense<1, hw::tanh>>;

constexpr std::size_t samples = 1024;
volatile float sink;

double seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

template <class F>
double ns_per_sample(F const& f) {
    std::size_t reps = 1; // repetitions per block of about 20 ms
    for (;;) {
        const double t0 = seconds();
        for (std::size_t r = 0; r < reps; ++r)
            f();
        if (seconds() - t0 > 0.02)
            break;
        reps *= 2;
    }
    std::array<double, 15> blocks{};
    for (double& b : blocks) {
        const double t0 = seconds();
        for (std::size_t r = 0; r < reps; ++r)
            f();
        b = (seconds() - t0) * 1e9 / static_cast<double>(reps * samples);
    }
    std::nth_element(blocks.begin(), blocks.begin() + 7, blocks.end());
    return blocks[7];
}

template <class Net>
void run(char const* name) {
    std::vector<std::array<float, Net::inputs>> xs(samples);
    hw::splitmix64 rng{42};
    for (auto& x : xs)
        for (float& v : x)
            v = static_cast<float>(2 * rng.uniform() - 1);
    std::vector<std::array<float, 1>> ys(samples);
    static hw::params<Net> p;
    hw::init::xavier(p, 7);
    static hw::batch_workspace<Net> ws;
    const double batch = ns_per_sample([&] {
        hw::forward_batch(p, xs, ys, ws);
        sink = ys[samples / 2][0];
    });
    const double loop = ns_per_sample([&] {
        float acc = 0;
        for (std::size_t i = 0; i < samples; ++i)
            acc += hw::forward(p, xs[i])[0];
        sink = acc;
    });
    std::printf(" %s_batch %.3f %s_loop %.3f", name, batch, name, loop);
}

} // namespace

int main() {
    std::printf("arch %s", xsimd::default_arch::name());
    run<xor_net>("xor");
    run<tanh_net>("tanh");
    std::printf("\n");
}
