#pragma once
// Turns a model template (one time step per call) into the recurrent suite's benchmark
// executable:
//
//   bench_rnn_<library>          Google Benchmark: step/lstm/H and step/gru/H for H = 8, 16, 32,
//                                40, 64: ns per call of one time step of 1 → LSTM(H) or GRU(H) →
//                                dense 1, cycling through the 4096 samples of rnn::input(); plus
//                                what the executable adds (wavenet/a1/16 with bm_wavenet below,
//                                lanes32/<kind>/16 with register_lanes, chunk/…,
//                                train256/lstm/32). All flags of Google Benchmark
//                                (--benchmark_format=json, ...) apply.
//   bench_rnn_<library> --check  runs 1000 steps of every cell from the zero state and compares
//                                the outputs with the float64 reference (1e-4 absolute), plus
//                                what the executable adds; one line per cell, exits 1 on a
//                                mismatch. CTest runs this mode (bench.rnn.<library>.check).
//
// A model is a class template over the kind and the hidden size:
//
//     template <rnn::cell K, std::size_t H> struct model {
//         static constexpr const char* library = "eigen";
//         explicit model(rnn::weights const& w);   // these weights, the zero state
//         float step(float x);                     // one time step: the output, the state moved
//     };
//
// A WaveNet model (the cell wavenet/a1/16, common.hpp), for bm_wavenet and check_wavenet, is a
// class with the same members, its constructor taking the tensors of make_wavenet_weights().
//
// A lanes model (the cells lanes32/<kind>/16, common.hpp), for register_lanes and
// check_lanes_cells, is a class template like a model whose step takes one time step of all
// rnn::lanes sequences, each with its own state, the zero state at first:
//
//         void step(lane_values const& xs, lane_values& ys);   // ys[q]: sequence q's output
//
// Timing runs under hw::flush_denormals (FTZ/DAZ) for every library alike; --check runs without.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common.hpp"
#include <hardwired/flush_denormals.hpp>

namespace rnn {

/// One sample per call of the model `make()` returns, over the signal, cycled.
template <class Make>
void run_samples(benchmark::State& state, Make const& make) {
    auto m = make();
    const std::vector<float>& xs = input();
    std::size_t i = 0;
    for (auto _ : state) {
        float y = m->step(xs[i++ % stream]);
        benchmark::DoNotOptimize(y);
    }
    state.SetItemsProcessed(state.iterations());
}

/// step/<kind>/H: one time step per call.
template <template <cell, std::size_t> class Model, cell K, std::size_t H>
void bm_step(benchmark::State& state) {
    run_samples(state, [] { return std::make_unique<Model<K, H>>(make_weights(K, H)); });
}

/// check_steps steps from the zero state, each output against the float64 reference.
template <template <cell, std::size_t> class Model, cell K, std::size_t H>
bool check_step() {
    const weights w = make_weights(K, H);
    auto m = std::make_unique<Model<K, H>>(w);
    reference ref(w);
    comparison cmp;
    for (std::size_t t = 0; t < check_steps; ++t) {
        const float x = input()[t];
        const double expected = ref.step(x);
        cmp(m->step(x), expected);
    }
    return cmp.print(Model<K, H>::library, cell_name("step", K, H),
                     "1000 steps, largest difference from float64");
}

/// wavenet/a1/16: one sample per call.
template <class Model>
void bm_wavenet(benchmark::State& state) {
    run_samples(state, [] { return std::make_unique<Model>(make_wavenet_weights()); });
}

/// check_steps samples from zero histories, each output against the float64 reference.
template <class Model>
bool check_wavenet() {
    auto m = std::make_unique<Model>(make_wavenet_weights());
    std::vector<float> ys(check_steps);
    for (std::size_t t = 0; t < check_steps; ++t)
        ys[t] = m->step(input()[t]);
    return check_wavenet_outputs(Model::library, wavenet::cell, ys);
}

/// The name of a lanes cell: lanes32/<kind>/16.
inline std::string lanes_name(cell k) {
    return cell_name(("lanes" + std::to_string(lanes)).c_str(), k, lanes_hidden);
}

/// lanes32/<kind>/16: one time step of every sequence per call, each over the signal from its
/// offset (lane_sample), cycled. Items are sequence-steps, `lanes` per call.
template <template <cell, std::size_t> class Model, cell K>
void bm_lanes(benchmark::State& state) {
    auto m = std::make_unique<Model<K, lanes_hidden>>(make_weights(K, lanes_hidden));
    const std::vector<float>& signal = input();
    lane_values xs, ys;
    std::size_t t = 0;
    for (auto _ : state) {
        for (std::size_t q = 0; q < lanes; ++q)
            xs[q] = signal[lane_sample(q, t)];
        ++t;
        m->step(xs, ys);
        benchmark::DoNotOptimize(ys.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * std::int64_t(lanes));
}

/// check_steps steps of every sequence from the zero state, each output against the float64
/// reference run on that sequence alone.
template <template <cell, std::size_t> class Model, cell K>
bool check_lanes() {
    const weights w = make_weights(K, lanes_hidden);
    auto m = std::make_unique<Model<K, lanes_hidden>>(w);
    std::vector<reference> refs(lanes, reference(w));
    comparison cmp;
    lane_values xs, ys;
    for (std::size_t t = 0; t < check_steps; ++t) {
        for (std::size_t q = 0; q < lanes; ++q)
            xs[q] = input()[lane_sample(q, t)];
        m->step(xs, ys);
        for (std::size_t q = 0; q < lanes; ++q)
            cmp(ys[q], refs[q].step(xs[q]));
    }
    const std::string what = std::to_string(lanes) + " sequences × " + std::to_string(check_steps) +
                             " steps, largest difference from float64";
    return cmp.print(Model<K, lanes_hidden>::library, lanes_name(K), what.c_str());
}

/// Registers the lanes cells of a lanes model, LSTM first.
template <template <cell, std::size_t> class Model>
void register_lanes() {
    benchmark::RegisterBenchmark(lanes_name(cell::lstm).c_str(), bm_lanes<Model, cell::lstm>);
    benchmark::RegisterBenchmark(lanes_name(cell::gru).c_str(), bm_lanes<Model, cell::gru>);
}

/// check_lanes for both lanes cells.
template <template <cell, std::size_t> class Model>
bool check_lanes_cells() {
    const bool ok = check_lanes<Model, cell::lstm>();
    return check_lanes<Model, cell::gru>() && ok;
}

/// The executable: --check runs check_step for every cell, then `extra_check`; otherwise the
/// step benchmarks and those `extra_benchmarks` registers run.
template <template <cell, std::size_t> class Model>
int main(int argc, char** argv, std::function<bool()> extra_check = {},
         std::function<void()> extra_benchmarks = {}) {
    if (argc > 1 && std::strcmp(argv[1], "--check") == 0) {
        bool ok = true;
        for_each_cell([&]<cell K, std::size_t H>() { ok = check_step<Model, K, H>() && ok; });
        if (extra_check)
            ok = extra_check() && ok;
        return ok ? 0 : 1;
    }
    for_each_cell([]<cell K, std::size_t H>() {
        benchmark::RegisterBenchmark(cell_name("step", K, H).c_str(), bm_step<Model, K, H>);
    });
    if (extra_benchmarks)
        extra_benchmarks();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    // Every library is timed with denormals flushed to zero (the check above runs without).
    const hardwired::flush_denormals ftz;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // namespace rnn
