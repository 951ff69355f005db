// Peak float32 FMA throughput of one core: the yardstick the comparison suite divides by
// (benchmarks/run_bench.py prints every library's time next to the ideal time at this peak).
//
// Each kernel keeps `accumulators` independent vectors and updates each with acc = acc·a + b
// in a long loop. With 12 accumulators there are 12 FMAs in flight per iteration, more than the
// latency × throughput product of current cores (4 cycles × 2 pipes = 8), so the loop is bound by
// FMA throughput, not by a dependence chain. a and b come from run-time values and the
// accumulators are summed and printed at the end, so nothing can be folded or dropped.
//
// Every vector width the build's instruction set has is measured (AVX-512, AVX2+FMA, or
// xsimd's default architecture elsewhere); the best width and the best of the repetitions is the
// peak. Built with -O3 -march=native (benchmarks/CMakeLists.txt).
//
//   peak_fma [--seconds S] [--repetitions N] [--verbose]
//   prints: peak_gflops <value>      (2 flops per FMA lane)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <xsimd/xsimd.hpp>

namespace {

constexpr int accumulators = 12;

// One register-blocked kernel: `iterations` × `accumulators` FMAs of width `lanes`. Returns the
// sum of all lanes of all accumulators (so the work is observable).
template <class Ops>
double run_kernel(long iterations, float a_value, float b_value) {
    using V = typename Ops::vec;
    const V a = Ops::set1(a_value), b = Ops::set1(b_value);
    V acc[accumulators];
    for (int i = 0; i < accumulators; ++i) acc[i] = Ops::set1(static_cast<float>(i) * 1e-3f);
    for (long n = 0; n < iterations; ++n) {
        // Fully unrolled by the compiler: 12 independent FMAs per iteration.
        for (int i = 0; i < accumulators; ++i) acc[i] = Ops::fma(acc[i], a, b);
    }
    double sum = 0;
    for (int i = 0; i < accumulators; ++i) sum += Ops::hsum(acc[i]);
    return sum;
}

#if defined(__AVX512F__)
struct avx512 {
    static constexpr const char* name = "avx512 (16 lanes)";
    static constexpr int lanes = 16;
    using vec = __m512;
    static vec set1(float v) { return _mm512_set1_ps(v); }
    static vec fma(vec acc, vec a, vec b) { return _mm512_fmadd_ps(acc, a, b); }
    static double hsum(vec v) { // not _mm512_reduce_add_ps: GCC 12's warns -Wuninitialized
        alignas(64) float f[16];
        _mm512_store_ps(f, v);
        double s = 0;
        for (float x : f) s += x;
        return s;
    }
};
#endif

#if defined(__AVX__) && defined(__FMA__)
struct avx2_fma {
    static constexpr const char* name = "avx+fma (8 lanes)";
    static constexpr int lanes = 8;
    using vec = __m256;
    static vec set1(float v) { return _mm256_set1_ps(v); }
    static vec fma(vec acc, vec a, vec b) { return _mm256_fmadd_ps(acc, a, b); }
    static double hsum(vec v) {
        alignas(32) float f[8];
        _mm256_store_ps(f, v);
        double s = 0;
        for (float x : f) s += x;
        return s;
    }
};
#endif

// xsimd's default architecture for the build (NEON, SSE, ...), used when none of the above is.
struct xsimd_default {
    static constexpr const char* name = "xsimd default arch";
    using vec = xsimd::batch<float>;
    static constexpr int lanes = static_cast<int>(vec::size);
    static vec set1(float v) { return vec(v); }
    static vec fma(vec acc, vec a, vec b) { return xsimd::fma(acc, a, b); }
    static double hsum(vec v) { return xsimd::hadd(v); }
};

volatile float sink_a = 0.999999f; // run-time values the compiler cannot see through
volatile float sink_b = 1e-7f;
volatile double sink_out = 0;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Best GFLOP/s of `repetitions` runs of about `seconds` each.
template <class Ops>
double measure(double seconds, int repetitions, bool verbose) {
    const float a = sink_a, b = sink_b;
    // Calibrate: grow the iteration count until one run takes ≥ 10 ms.
    long iterations = 1 << 14;
    double t = 0;
    for (;;) {
        const auto t0 = std::chrono::steady_clock::now();
        sink_out = sink_out + run_kernel<Ops>(iterations, a, b);
        t = seconds_since(t0);
        if (t >= 0.01) break;
        iterations *= 4;
    }
    iterations = static_cast<long>(static_cast<double>(iterations) * seconds / t) + 1;
    double best = 0;
    for (int r = 0; r < repetitions; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        sink_out = sink_out + run_kernel<Ops>(iterations, a, b);
        const double s = seconds_since(t0);
        const double gflops =
            2.0 * Ops::lanes * accumulators * static_cast<double>(iterations) / s * 1e-9;
        if (verbose) std::printf("  %-20s rep %d: %8.2f GFLOP/s (%.3f s)\n", Ops::name, r, gflops, s);
        if (gflops > best) best = gflops;
    }
    return best;
}

} // namespace

int main(int argc, char** argv) {
    double seconds = 0.2;
    int repetitions = 5;
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = std::atof(argv[++i]);
        else if (std::strcmp(argv[i], "--repetitions") == 0 && i + 1 < argc)
            repetitions = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--verbose") == 0)
            verbose = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--seconds S] [--repetitions N] [--verbose]\n"
                         "prints 'peak_gflops <value>': best float32 FMA throughput of one core\n",
                         argv[0]);
            return 2;
        }
    }
    if (seconds <= 0 || repetitions < 1) {
        std::fprintf(stderr, "peak_fma: --seconds and --repetitions must be positive\n");
        return 2;
    }

    double best = 0;
    const char* best_name = "";
    auto consider = [&](double gflops, const char* name) {
        std::printf("width %-20s %8.2f GFLOP/s\n", name, gflops);
        if (gflops > best) {
            best = gflops;
            best_name = name;
        }
    };
    bool any = false;
#if defined(__AVX512F__)
    consider(measure<avx512>(seconds, repetitions, verbose), avx512::name);
    any = true;
#endif
#if defined(__AVX__) && defined(__FMA__)
    consider(measure<avx2_fma>(seconds, repetitions, verbose), avx2_fma::name);
    any = true;
#endif
    if (!any) consider(measure<xsimd_default>(seconds, repetitions, verbose), xsimd_default::name);
    std::printf("best width: %s, %d accumulators\n", best_name, accumulators);
    std::printf("peak_gflops %.3f\n", best);
    return 0;
}
