// Training through time, one sequence at a time against 32 sequences in SIMD lanes: the gradient
// of 32 sequences of 256 samples of 1 → LSTM(H) or GRU(H) → dense 1, or of NAM's A1 WaveNet
// (MSE, a target per step), by hw::sequence_gradient on each sequence with its hw::state
// ("one/…") and by one call with a hw::state_lanes ("lanes32/…"). For the WaveNet also streaming:
// one time step of 32 sequences, by hw::step on each ("one/stream/…") and by one hw::step_lanes
// ("lanes32/stream/…"). The counter `ns_per_sample` is the time per sample of one sequence. Run
// interleaved and pinned to one core, for example with the options
// --benchmark_repetitions=7 --benchmark_enable_random_interleaving=true
// --benchmark_report_aggregates_only=true under `taskset -c 1`.

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

namespace {

constexpr std::size_t steps = 256, sequences = 32;

template <class Net>
struct problem {
    std::unique_ptr<hw::params<Net>> p = std::make_unique<hw::params<Net>>();
    std::unique_ptr<hw::params<Net>> grads = std::make_unique<hw::params<Net>>();
    std::vector<std::vector<std::array<float, 1>>> xs{sequences}, ys{sequences};
    problem() {
        hw::init::defaults(*p, 3);
        for (std::size_t q = 0; q < sequences; ++q)
            for (std::size_t t = 0; t < steps; ++t) {
                const double x = std::sin(0.031 * double(t) * double(q + 1) + 0.2 * double(q));
                xs[q].push_back({float(x)});
                ys[q].push_back({float(std::tanh(2 * x))});
            }
    }
};

/// ns_per_sample: the time per sample of one sequence, `samples` samples per iteration.
void per_sample(benchmark::State& state, std::size_t samples = steps * sequences) {
    state.counters["ns_per_sample"] =
        benchmark::Counter(double(samples) * 1e-9, benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
}

template <class Net>
void one_at_a_time(benchmark::State& state) {
    problem<Net> d;
    std::vector<hw::state<Net>> s(sequences);
    hw::sequence_workspace<Net> ws(steps);
    for (auto _ : state)
        for (std::size_t q = 0; q < sequences; ++q)
            benchmark::DoNotOptimize(
                hw::sequence_gradient<hw::mse_loss>(*d.p, d.xs[q], d.ys[q], s[q], *d.grads, ws));
    per_sample(state);
}

template <class Net>
void in_lanes(benchmark::State& state) {
    problem<Net> d;
    auto s = std::make_unique<hw::state_lanes<Net, float, sequences>>();
    hw::sequence_lanes_workspace<Net> ws(steps);
    for (auto _ : state)
        benchmark::DoNotOptimize(
            hw::sequence_gradient<hw::mse_loss>(*d.p, d.xs, d.ys, *s, *d.grads, ws));
    per_sample(state);
}

template <class Net>
void stream_one_at_a_time(benchmark::State& state) {
    problem<Net> d;
    std::vector<hw::state<Net>> s(sequences);
    std::size_t t = 0;
    for (auto _ : state) {
        for (std::size_t q = 0; q < sequences; ++q)
            benchmark::DoNotOptimize(hw::step(*d.p, d.xs[q][t], s[q]));
        t = (t + 1) % steps;
    }
    per_sample(state, sequences);
}

template <class Net>
void stream_in_lanes(benchmark::State& state) {
    problem<Net> d;
    auto s = std::make_unique<hw::state_lanes<Net, float, sequences>>();
    auto ws = std::make_unique<hw::batch_workspace<Net>>();
    std::vector<std::array<float, 1>> xs(sequences), ys(sequences);
    std::size_t t = 0;
    for (auto _ : state) {
        for (std::size_t q = 0; q < sequences; ++q)
            xs[q] = d.xs[q][t];
        hw::step_lanes(*d.p, xs, ys, *s, *ws);
        benchmark::DoNotOptimize(ys.data());
        t = (t + 1) % steps;
    }
    per_sample(state, sequences);
}

template <std::size_t H>
using lstm = hw::network<hw::input<1>, hw::lstm<H>, hw::dense<1>>;
template <std::size_t H>
using gru = hw::network<hw::input<1>, hw::gru<H>, hw::dense<1>>;

#define HARDWIRED_TRAIN_CELLS(kind, H)                                                             \
    BENCHMARK_TEMPLATE(one_at_a_time, kind<H>)->Name("one/" #kind "/" #H);                         \
    BENCHMARK_TEMPLATE(in_lanes, kind<H>)->Name("lanes32/" #kind "/" #H)

HARDWIRED_TRAIN_CELLS(lstm, 8);
HARDWIRED_TRAIN_CELLS(lstm, 16);
HARDWIRED_TRAIN_CELLS(lstm, 32);
HARDWIRED_TRAIN_CELLS(lstm, 64);
HARDWIRED_TRAIN_CELLS(gru, 8);
HARDWIRED_TRAIN_CELLS(gru, 16);
HARDWIRED_TRAIN_CELLS(gru, 32);
HARDWIRED_TRAIN_CELLS(gru, 64);

using a1 = hw::network<hw::input<1>, hw::wavenet::a1_standard>;
BENCHMARK_TEMPLATE(one_at_a_time, a1)->Name("one/wavenet/a1");
BENCHMARK_TEMPLATE(in_lanes, a1)->Name("lanes32/wavenet/a1");
BENCHMARK_TEMPLATE(stream_one_at_a_time, a1)->Name("one/stream/wavenet/a1");
BENCHMARK_TEMPLATE(stream_in_lanes, a1)->Name("lanes32/stream/wavenet/a1");

} // namespace

BENCHMARK_MAIN();
