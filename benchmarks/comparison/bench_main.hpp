#pragma once
// Turns an adapter (see common.hpp) into a benchmark executable for networks A–G:
//
//   bench_<library>            Google Benchmark: fwd1/<net> (ns per call), batch64/<net> (ns per
//                              64 samples), train32/<net> (ns per step of 32 samples); all flags
//                              of Google Benchmark (--benchmark_format=json, ...) apply
//   bench_<library> --check    checks outputs and weights after one training step against the
//                              float64 reference (1e-4), prints one line per network, exits 1 on
//                              a mismatch. ./dev test runs this mode.
//
// Timing runs under hw::flush_denormals (FTZ/DAZ) for every library alike.
//
// Which networks: those for which bench::runs<Adapter, S> is true. By default that is every
// network without residual spans (A–F); an adapter that implements them opts in after its
// definition, for all networks or for some:
//
//     template <class S> inline constexpr bool bench::runs<my_adapter, S> = true;
//     template <> inline constexpr bool bench::runs<my_adapter, bench::net_G> = true;
//
// Networks an adapter does not run get no benchmarks and a "skipped" line in --check.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include <hardwired/flush_denormals.hpp>

namespace bench {

using all_nets = std::tuple<net_A, net_B, net_C, net_D, net_E, net_F, net_G>;

/// Whether the suite runs network S with Adapter (see the top of this file); adapters specialise.
template <template <class> class Adapter, class S>
inline constexpr bool runs = S::residuals.empty();

template <template <class> class Adapter, class... S>
auto nets_run_by(std::tuple<S...>) -> decltype(std::tuple_cat(
    std::conditional_t<runs<Adapter, S>, std::tuple<S>, std::tuple<>>{}...));
/// The networks of all_nets that Adapter runs, in order.
template <template <class> class Adapter>
using nets_of = decltype(nets_run_by<Adapter>(all_nets{}));

constexpr std::size_t stream = 1024; // distinct inputs cycled through, so nothing is folded

template <template <class> class Adapter, class S>
void bm_fwd1(benchmark::State& state) {
    Adapter<S> m(make_weights<S>());
    const auto xs = make_data(stream, S::inputs, 1);
    std::vector<float> y(S::outputs);
    std::size_t i = 0;
    for (auto _ : state) {
        m.forward1(&xs[(i++ % stream) * S::inputs], y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
}

template <template <class> class Adapter, class S>
void bm_batch64(benchmark::State& state) {
    Adapter<S> m(make_weights<S>());
    const auto xs = make_data(stream, S::inputs, 1);
    std::vector<float> y(64 * S::outputs);
    std::size_t i = 0;
    for (auto _ : state) {
        m.forward_batch(&xs[(i++ % (stream / 64)) * 64 * S::inputs], 64, y.data());
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
}

template <template <class> class Adapter, class S>
void bm_train32(benchmark::State& state) {
    Adapter<S> m(make_weights<S>());
    const auto xs = make_data(stream, S::inputs, 1);
    const auto ys = make_data(stream, S::outputs, 2);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t b = i++ % (stream / 32);
        m.train_step(&xs[b * 32 * S::inputs], &ys[b * 32 * S::outputs], 32, 1e-4f);
        benchmark::ClobberMemory();
    }
}

inline bool close(double a, double ref) {
    return std::abs(a - ref) <= 1e-4 * std::max(1.0, std::abs(ref));
}

template <template <class> class Adapter, class S>
bool check() {
    const auto w = make_weights<S>();
    const auto xs = make_data(64, S::inputs, 3);
    const auto ys = make_data(64, S::outputs, 4);
    double worst = 0;
    bool ok = true;
    auto compare = [&](double a, double ref) {
        worst = std::max(worst, std::abs(a - ref));
        ok = ok && close(a, ref);
    };
    Adapter<S> m(w);
    std::vector<float> y(64 * S::outputs);
    for (std::size_t s = 0; s < 16; ++s) {
        m.forward1(&xs[s * S::inputs], y.data());
        const auto ref = reference_forward<S>(w, &xs[s * S::inputs]);
        for (std::size_t o = 0; o < S::outputs; ++o)
            compare(y[o], ref[o]);
    }
    m.forward_batch(xs.data(), 64, y.data());
    for (std::size_t s = 0; s < 64; ++s) {
        const auto ref = reference_forward<S>(w, &xs[s * S::inputs]);
        for (std::size_t o = 0; o < S::outputs; ++o)
            compare(y[s * S::outputs + o], ref[o]);
    }
    m.train_step(xs.data(), ys.data(), 32, 0.1f);
    const auto got = m.get_weights();
    const auto ref = reference_train_step<S>(w, xs.data(), ys.data(), 32, 0.1);
    for (std::size_t l = 0; l < S::layers; ++l) {
        for (std::size_t i = 0; i < ref.w[l].size(); ++i)
            compare(got.w[l][i], ref.w[l][i]);
        for (std::size_t i = 0; i < ref.b[l].size(); ++i)
            compare(got.b[l][i], ref.b[l][i]);
    }
    std::printf("%-12s %s  largest difference from float64 %.2e  %s\n", Adapter<S>::library,
                S::name, worst, ok ? "ok" : "MISMATCH");
    return ok;
}

template <template <class> class Adapter, class S>
bool check_if_run() {
    if constexpr (runs<Adapter, S>) {
        return check<Adapter, S>();
    } else {
        // the library's name from a network it runs: Adapter<S> itself is never instantiated
        using first = std::tuple_element_t<0, nets_of<Adapter>>;
        std::printf("%-12s %s  skipped (this adapter does not run it)\n", Adapter<first>::library,
                    S::name);
        return true;
    }
}

template <template <class> class Adapter>
int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--check") == 0) {
        const bool ok = std::apply(
            [](auto... s) { return (int(check_if_run<Adapter, decltype(s)>()) & ...) != 0; },
            all_nets{});
        return ok ? 0 : 1;
    }
    std::apply(
        [](auto... s) {
            (benchmark::RegisterBenchmark((std::string("fwd1/") + decltype(s)::name).c_str(),
                                          bm_fwd1<Adapter, decltype(s)>),
             ...);
            (benchmark::RegisterBenchmark((std::string("batch64/") + decltype(s)::name).c_str(),
                                          bm_batch64<Adapter, decltype(s)>),
             ...);
            (benchmark::RegisterBenchmark((std::string("train32/") + decltype(s)::name).c_str(),
                                          bm_train32<Adapter, decltype(s)>),
             ...);
        },
        nets_of<Adapter>{});
    benchmark::Initialize(&argc, argv);
    // Every library is timed with denormals flushed to zero (the check above runs without).
    const hardwired::flush_denormals ftz;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // namespace bench

#define BENCH_MAIN(ADAPTER)                                                                        \
    int main(int argc, char** argv) {                                                              \
        return bench::main<ADAPTER>(argc, argv);                                                   \
    }
