// Read bandwidth of one core from a buffer of a given size: the yardstick for the one-sample
// forward pass of the larger networks, which reads every weight once per call and does little
// else with it (network F's 34 960 float weights are 137 KiB: more than the L1 data cache of
// current cores, so every call streams them from L2).
//
// The kernel sums the buffer with eight independent vector accumulators (xsimd's widest batch
// for the build), so the loop is bound by loads, not by the additions' latency. The buffer is
// read once to warm the caches, then `passes` times per repetition; the best repetition counts.
// Built with -O3 -march=native (benchmarks/CMakeLists.txt).
//
//   peak_read [--kib K] [--repetitions N]
//   prints: read_gb_per_s <value>  ns_per_pass <value>  (for a buffer of K KiB, default 137)
//   peak_read --check    checks that a pass reads every value of the buffer: its sum against a
//                        float64 sum of the same values (the CTest bench.peak_read.check)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace {

using batch = xsimd::batch<float>;
constexpr std::size_t accumulators = 8;

float sum_once(float const* data, std::size_t n) {
    batch acc[accumulators];
    for (auto& a : acc)
        a = batch(0.f);
    constexpr std::size_t step = accumulators * batch::size;
    for (std::size_t i = 0; i + step <= n; i += step)
        for (std::size_t k = 0; k < accumulators; ++k)
            acc[k] += batch::load_aligned(data + i + k * batch::size);
    batch total(0.f);
    for (auto const& a : acc)
        total += a;
    return xsimd::hadd(total);
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 2 && !std::strcmp(argv[1], "--check")) {
        // whole groups of accumulators, as the timed buffer is (main rounds its size down);
        // values k/64 with k ≤ 100, whose float sums here are exact
        constexpr std::size_t group = accumulators * batch::size;
        for (std::size_t n : {group, 5 * group, 137 * 1024 / sizeof(float) / group * group}) {
            std::vector<float, xsimd::aligned_allocator<float, 64>> data(n);
            double expected = 0;
            for (std::size_t i = 0; i < n; ++i) {
                data[i] = static_cast<float>((i * 37) % 101) / 64.f; // exact in float sums
                expected += static_cast<double>(data[i]);
            }
            const double got = sum_once(data.data(), n);
            std::printf("%zu values: sum %.1f, float64 %.1f\n", n, got, expected);
            if (got != expected)
                return 1;
        }
        return 0;
    }
    std::size_t kib = 137;
    int repetitions = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--kib"))
            kib = std::strtoul(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions"))
            repetitions = std::atoi(argv[i + 1]);
    }
    constexpr std::size_t step = accumulators * batch::size;
    const std::size_t n = std::max<std::size_t>(kib * 1024 / sizeof(float) / step, 1) * step;
    std::vector<float, xsimd::aligned_allocator<float, 64>> data(n);
    for (std::size_t i = 0; i < n; ++i)
        data[i] = static_cast<float>(i % 7) * 1e-3f;
    // about 50 MB per repetition
    const long passes = std::max<long>(1, static_cast<long>(50'000'000 / (n * sizeof(float))));
    volatile float sink = sum_once(data.data(), n);
    double best = 1e30;
    for (int r = 0; r < repetitions; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        float s = 0;
        for (long p = 0; p < passes; ++p) {
            s += sum_once(data.data(), n);
            data[p % n] += 0.f * s; // keeps every pass
        }
        const auto t1 = std::chrono::steady_clock::now();
        sink = s;
        best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() /
                                  static_cast<double>(passes));
    }
    (void)sink;
    std::printf("read_gb_per_s %.1f  ns_per_pass %.1f  (%zu KiB, %zu-float batches)\n",
                static_cast<double>(n * sizeof(float)) / best, best, n * sizeof(float) / 1024,
                batch::size);
    return 0;
}
