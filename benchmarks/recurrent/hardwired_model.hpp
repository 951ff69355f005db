#pragma once
// hardwired's side of the recurrent suite, through its public API only: the network type
// hw::network<hw::input<1>, hw::lstm<H> (or hw::gru<H>), hw::dense<1>>, hw::params and hw::state
// made once, one time step per call with hw::step; the lanes cells step their sequences together
// with hw::step_lanes, the hw::state_lanes and the hw::batch_workspace made once; the training
// step is hw::sequence_gradient<hw::mse_loss> over the chunk with a hw::sequence_workspace made
// once, then hw::sgd. The weights go in and out through the network's tensor table (PyTorch names
// and layouts). The WaveNet cell is hw::network<hw::input<1>, hw::wavenet::a1_standard>, its
// tensors loaded in the order of its table, which is the PyTorch module's state_dict order. Used by
// bench_rnn_hardwired and, for its training check, by bench_rnn_libtorch.

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include <hardwired/hardwired.hpp>

namespace rnn {

namespace hw = hardwired;

template <cell K, std::size_t H>
using hardwired_net =
    hw::network<hw::input<1>, std::conditional_t<K == cell::lstm, hw::lstm<H>, hw::gru<H>>,
                hw::dense<1>>;

/// p ← w, tensor by tensor by name (the recurrent layer's "weight_ih_l0", …, the head's
/// "weight" and "bias"): the same elements, in PyTorch's row-major order.
template <class Net>
void load(hw::params<Net>& p, weights const& w) {
    static_assert(Net::tensor_count == weights::names.size());
    for (hw::tensor const& t : Net::tensors) {
        std::vector<float> const* from = w.tensor(t.name);
        if (!from || from->size() != t.size())
            throw std::logic_error(std::string("hardwired_model: unexpected tensor ") + t.name);
        for (std::size_t i = 0; i < t.size(); ++i)
            p.values[t.at(i)] = (*from)[i];
    }
}

/// The weights in p, the inverse of load.
template <class Net>
weights save(hw::params<Net> const& p, cell k, std::size_t hidden) {
    weights w{k, hidden, {}, {}, {}, {}, {}, {}};
    for (hw::tensor const& t : Net::tensors)
        for (std::size_t i = 0; i < t.size(); ++i)
            w.tensor(t.name)->push_back(p.values[t.at(i)]);
    return w;
}

/// One time step per call (bench_main.hpp's model).
template <cell K, std::size_t H>
struct hardwired_model {
    static constexpr const char* library = "hardwired";
    using net = hardwired_net<K, H>;
    hw::params<net> p;
    hw::state<net> s; // zero: the start of a sequence

    explicit hardwired_model(weights const& w) { load(p, w); }
    float step(float x) { return hw::step(p, std::array<float, 1>{x}, s)[0]; }
};

/// The lanes cells: rnn::lanes sequences, one time step of all per call (bench_main.hpp's lanes
/// model). Its 32 sequences are exactly one chunk of the batched kernels
/// (hw::kernels::chunk_samples).
template <cell K, std::size_t H>
struct hardwired_lanes {
    static constexpr const char* library = "hardwired";
    using net = hardwired_net<K, H>;
    hw::params<net> p;
    hw::state_lanes<net, float, lanes> s; // zero: every sequence at its start
    hw::batch_workspace<net> ws;
    std::array<std::array<float, 1>, lanes> x, y; // the inputs and outputs as hardwired's samples

    explicit hardwired_lanes(weights const& w) { load(p, w); }
    void step(lane_values const& xs, lane_values& ys) {
        for (std::size_t q = 0; q < lanes; ++q)
            x[q][0] = xs[q];
        hw::step_lanes(p, x, y, s, ws);
        for (std::size_t q = 0; q < lanes; ++q)
            ys[q] = y[q][0];
    }
};

/// The WaveNet cell, one sample per call (bench_main.hpp's bm_wavenet).
struct hardwired_wavenet {
    static constexpr const char* library = "hardwired";
    using net = hw::network<hw::input<1>, hw::wavenet::a1_standard>;
    hw::params<net> p;
    hw::state<net> s; // every layer's past inputs, zero

    /// p ← ts, tensor by tensor in order: the same state_dict names (the table has the last part,
    /// "weight" or "bias"), the same shapes, the same elements in row-major order.
    explicit hardwired_wavenet(std::vector<named_tensor> const& ts) {
        if (ts.size() != net::tensor_count)
            throw std::logic_error("hardwired_wavenet: unexpected number of tensors");
        for (std::size_t i = 0; i < ts.size(); ++i) {
            hw::tensor const& t = net::tensors[i];
            named_tensor const& from = ts[i];
            if (!from.name.ends_with(std::string(".") + t.name) ||
                !std::equal(from.shape.begin(), from.shape.end(), t.shape.begin(),
                            t.shape.begin() + std::ptrdiff_t(t.rank)))
                throw std::logic_error("hardwired_wavenet: unexpected tensor " + from.name);
            for (std::size_t e = 0; e < t.size(); ++e)
                p.values[t.at(e)] = from.values[e];
        }
    }
    float step(float x) { return hw::step(p, std::array<float, 1>{x}, s)[0]; }
};

/// The training cell: LSTM(H), one truncated-BPTT step per call on a chunk, the state carried.
template <std::size_t H>
struct hardwired_trainer {
    using net = hardwired_net<cell::lstm, H>;
    using sample = std::array<float, 1>;
    hw::params<net> p, grads;
    hw::state<net> s;
    hw::sequence_workspace<net> ws{train_chunk};
    hw::sgd<net> opt{.lr = train_lr};
    std::vector<sample> xs, ys; // the signal and the target as hardwired's samples

    explicit hardwired_trainer(weights const& w) {
        load(p, w);
        for (std::size_t t = 0; t < stream; ++t) {
            xs.push_back({input()[t]});
            ys.push_back({target()[t]});
        }
    }
    /// Training step `step`: the chunk at chunk_start(step). Returns the loss before the update.
    float train(std::size_t step) {
        const std::size_t at = chunk_start(step);
        const float loss = hw::sequence_gradient<hw::mse_loss>(
            p, std::span<const sample>(xs).subspan(at, train_chunk),
            std::span<const sample>(ys).subspan(at, train_chunk), s, grads, ws);
        opt.step(p, grads);
        return loss;
    }
    weights get_weights() const { return save(p, cell::lstm, H); }
};

} // namespace rnn
