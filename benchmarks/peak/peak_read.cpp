// Read bandwidth of one core from a buffer of a given size: the yardstick for the one-sample
// forward pass of the larger networks, which reads every weight once per call and does little
// else with it (network F's 34 960 float weights are 137 KiB: more than the L1 data cache of
// current cores, so every call streams them from L2), and for the recurrent steps whose gate
// weights exceed L1 (LSTM 64: 64 KiB of hidden-side weights per step).
//
// The kernel sums the buffer with A independent vector accumulators (xsimd's widest batch for
// the build; A = 8 by default), one batch each per loop iteration, so the loop is bound by loads,
// not by the additions' latency. With A = 16, one iteration reads 16 batches in a row, as a
// recurrent step's gate product reads one column of 256 float rows with 16-float batches. With
// --parts N the buffer is N parts of whole iterations, read in order on even passes and in
// reverse order on odd ones, as the recurrent products split a product of more than L1
// (kernels::detail::column_product): the part one pass reads last is still cached when the next
// begins. The buffer is read once to warm the caches, then `passes` times per repetition; the
// best repetition counts. Built with -O3 -march=native (benchmarks/CMakeLists.txt).
//
//   peak_read [--kib K] [--accumulators A] [--parts N] [--repetitions R]
//   prints: read_gb_per_s <value>  ns_per_pass <value>  (for a buffer of K KiB, default 137;
//           A one of 8, 12, 16; N at least 1, default 1)
//   peak_read --check    checks that a pass reads every value of the buffer, whole or in parts:
//                        its sum against a float64 sum of the same values, for every A
//                        (the CTest bench.peak_read.check)

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace {

using batch = xsimd::batch<float>;

/// The sum of data[0, n), n a multiple of A batches, with A accumulators.
template <std::size_t A>
float sum_once(float const* data, std::size_t n) {
    std::array<batch, A> acc;
    acc.fill(batch(0.f));
    constexpr std::size_t step = A * batch::size;
    for (std::size_t i = 0; i + step <= n; i += step)
#pragma GCC unroll 16
        for (std::size_t k = 0; k < A; ++k)
            acc[k] += batch::load_aligned(data + i + k * batch::size);
    batch total(0.f);
    for (auto const& a : acc)
        total += a;
    return xsimd::hadd(total);
}

/// One pass over `parts` parts of data[0, n) (n a multiple of A batches, each part whole
/// iterations of A batches), in order, or in reverse order when `reversed`: the sum of the
/// parts' sums.
template <std::size_t A>
float sum_parts(float const* data, std::size_t n, std::size_t parts, bool reversed) {
    constexpr std::size_t step = A * batch::size;
    const std::size_t steps = n / step;
    float s = 0.f;
    for (std::size_t q = 0; q < parts; ++q) {
        const std::size_t i = reversed ? parts - 1 - q : q;
        const std::size_t first = i * steps / parts * step, last = (i + 1) * steps / parts * step;
        s += sum_once<A>(data + first, last - first);
    }
    return s;
}

/// Values k/64 with k ≤ 100, whose float sums here are exact, in n floats: checks that a pass
/// of A accumulators in `parts` parts, in either order, equals the float64 sum.
template <std::size_t A>
bool check(std::size_t n, std::size_t parts) {
    std::vector<float, xsimd::aligned_allocator<float, 64>> data(n);
    double expected = 0;
    for (std::size_t i = 0; i < n; ++i) {
        data[i] = static_cast<float>((i * 37) % 101) / 64.f;
        expected += static_cast<double>(data[i]);
    }
    bool ok = true;
    for (bool reversed : {false, true}) {
        const double got = sum_parts<A>(data.data(), n, parts, reversed);
        std::printf("%zu accumulators, %zu values in %zu part(s)%s: sum %.1f, float64 %.1f\n", A, n,
                    parts, reversed ? " reversed" : "", got, expected);
        ok = ok && got == expected;
    }
    return ok;
}

/// ns per pass over `kib` KiB (rounded down to whole iterations of A batches, at least one) in
/// `parts` parts, alternating their order pass by pass; prints the result.
template <std::size_t A>
void measure(std::size_t kib, std::size_t parts, int repetitions) {
    constexpr std::size_t step = A * batch::size;
    const std::size_t n = std::max<std::size_t>(kib * 1024 / sizeof(float) / step, 1) * step;
    parts = std::clamp<std::size_t>(parts, 1, n / step);
    std::vector<float, xsimd::aligned_allocator<float, 64>> data(n);
    for (std::size_t i = 0; i < n; ++i)
        data[i] = static_cast<float>(i % 7) * 1e-3f;
    // about 50 MB per repetition, an even count so that both orders take half
    const long passes =
        std::max<long>(2, static_cast<long>(50'000'000 / (n * sizeof(float))) / 2 * 2);
    volatile float sink = sum_parts<A>(data.data(), n, parts, true);
    double best = 1e30;
    for (int r = 0; r < repetitions; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        float s = 0;
        for (long p = 0; p < passes; ++p) {
            s += sum_parts<A>(data.data(), n, parts, p % 2 != 0);
            data[static_cast<std::size_t>(p) % n] += 0.f * s; // keeps every pass
        }
        const auto t1 = std::chrono::steady_clock::now();
        sink = s;
        best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() /
                                  static_cast<double>(passes));
    }
    (void)sink;
    std::printf("read_gb_per_s %.1f  ns_per_pass %.1f  (%zu KiB, %zu-float batches, %zu "
                "accumulators, %zu part(s))\n",
                static_cast<double>(n * sizeof(float)) / best, best, n * sizeof(float) / 1024,
                batch::size, A, parts);
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 2 && !std::strcmp(argv[1], "--check")) {
        // whole iterations, as the timed buffer is (measure rounds its size down)
        bool ok = true;
        const auto sizes = [](std::size_t group) {
            return std::array<std::size_t, 3>{group, 5 * group,
                                              137 * 1024 / sizeof(float) / group * group};
        };
        for (std::size_t n : sizes(8 * batch::size))
            ok = check<8>(n, 1) && ok;
        for (std::size_t n : sizes(12 * batch::size))
            ok = check<12>(n, 3) && ok;
        for (std::size_t n : sizes(16 * batch::size))
            ok = check<16>(n, 2) && ok;
        return ok ? 0 : 1;
    }
    std::size_t kib = 137, accumulators = 8, parts = 1;
    int repetitions = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--kib"))
            kib = std::strtoul(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--accumulators"))
            accumulators = std::strtoul(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--parts"))
            parts = std::strtoul(argv[i + 1], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions"))
            repetitions = std::atoi(argv[i + 1]);
    }
    if (accumulators == 8)
        measure<8>(kib, parts, repetitions);
    else if (accumulators == 12)
        measure<12>(kib, parts, repetitions);
    else if (accumulators == 16)
        measure<16>(kib, parts, repetitions);
    else {
        std::fprintf(stderr, "peak_read: --accumulators must be 8, 12 or 16\n");
        return 2;
    }
    return 0;
}
