// hardwired in the recurrent suite (hardwired_model.hpp): step/lstm/H and step/gru/H with
// hw::step; lanes32/lstm/16 and lanes32/gru/16, 32 sequences one time step of all per call with
// hw::step_lanes; wavenet/a1/16, NAM's A1 WaveNet one sample per call with hw::step; and
// train256/lstm/32, one truncated-BPTT step with hw::sequence_gradient and hw::sgd, the state
// carried from chunk to chunk.

#include "bench_main.hpp"
#include "hardwired_model.hpp"

namespace {

/// train256/lstm/32: ns per training step of 256 samples.
void bm_train(benchmark::State& state) {
    auto m = std::make_unique<rnn::hardwired_trainer<rnn::train_hidden>>(
        rnn::drawn_weights(rnn::cell::lstm, rnn::train_hidden));
    std::size_t step = 0;
    for (auto _ : state) {
        float loss = m->train(step++);
        benchmark::DoNotOptimize(loss);
    }
    state.SetItemsProcessed(state.iterations() * std::int64_t(rnn::train_chunk));
}

bool check_train() {
    const rnn::weights w0 = rnn::drawn_weights(rnn::cell::lstm, rnn::train_hidden);
    auto m = std::make_unique<rnn::hardwired_trainer<rnn::train_hidden>>(w0);
    for (std::size_t s = 0; s < rnn::train_check_steps; ++s)
        m->train(s);
    return rnn::check_training("hardwired", w0, m->get_weights(), rnn::reference_training(w0));
}

} // namespace

int main(int argc, char** argv) {
    return rnn::main<rnn::hardwired_model>(
        argc, argv,
        [] {
            bool ok = rnn::check_lanes_cells<rnn::hardwired_lanes>();
            ok = rnn::check_wavenet<rnn::hardwired_wavenet>() && ok;
            return check_train() && ok;
        },
        [] {
            rnn::register_lanes<rnn::hardwired_lanes>();
            benchmark::RegisterBenchmark(rnn::wavenet::cell,
                                         rnn::bm_wavenet<rnn::hardwired_wavenet>);
            benchmark::RegisterBenchmark(
                rnn::cell_name("train256", rnn::cell::lstm, rnn::train_hidden).c_str(), bm_train);
        });
}
