// The plain scalar loop in the recurrent suite: what a careful programmer writes without a
// library. Compile-time sizes in std::array, PyTorch's row-major weights as they are, one dot
// product per gate row, std::exp and std::tanh; no intrinsics (the compiler may vectorise what
// it can). Forward only. The WaveNet (wavenet/a1/16) the same way: PyTorch's weights as they
// are, each layer's past inputs in a ring buffer of (K − 1)·d + 1 slots, one dot product per
// output channel over the K taps.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "bench_main.hpp"

namespace {

template <rnn::cell K, std::size_t H>
struct scalar_model {
    static constexpr const char* library = "scalar";
    static constexpr std::size_t rows = rnn::gates(K) * H;
    std::array<float, rows> w_ih, b_ih, b_hh;
    std::array<float, rows * H> w_hh; // row-major: w_hh[r·H + k]
    std::array<float, H> w_out;
    float b_out;
    std::array<float, H> h{}, c{}; // the state (c: LSTM only)
    std::array<float, rows> zh;    // W_hh·h + b_hh

    explicit scalar_model(rnn::weights const& w) : b_out(w.bias[0]) {
        std::copy(w.weight_ih.begin(), w.weight_ih.end(), w_ih.begin());
        std::copy(w.weight_hh.begin(), w.weight_hh.end(), w_hh.begin());
        std::copy(w.bias_ih.begin(), w.bias_ih.end(), b_ih.begin());
        std::copy(w.bias_hh.begin(), w.bias_hh.end(), b_hh.begin());
        std::copy(w.weight.begin(), w.weight.end(), w_out.begin());
    }

    static float sigmoid(float z) { return 1 / (1 + std::exp(-z)); }

    float step(float x) {
        for (std::size_t r = 0; r < rows; ++r) {
            float z = b_hh[r];
            for (std::size_t k = 0; k < H; ++k)
                z += w_hh[r * H + k] * h[k];
            zh[r] = z;
        }
        for (std::size_t j = 0; j < H; ++j) {
            if constexpr (K == rnn::cell::lstm) {
                const float i = sigmoid(w_ih[j] * x + b_ih[j] + zh[j]);
                const float f = sigmoid(w_ih[H + j] * x + b_ih[H + j] + zh[H + j]);
                const float g = std::tanh(w_ih[2 * H + j] * x + b_ih[2 * H + j] + zh[2 * H + j]);
                const float o = sigmoid(w_ih[3 * H + j] * x + b_ih[3 * H + j] + zh[3 * H + j]);
                c[j] = f * c[j] + i * g;
                h[j] = o * std::tanh(c[j]);
            } else {
                const float r = sigmoid(w_ih[j] * x + b_ih[j] + zh[j]);
                const float z = sigmoid(w_ih[H + j] * x + b_ih[H + j] + zh[H + j]);
                const float n =
                    std::tanh(w_ih[2 * H + j] * x + b_ih[2 * H + j] + r * zh[2 * H + j]);
                h[j] = (1 - z) * n + z * h[j];
            }
        }
        float y = b_out;
        for (std::size_t j = 0; j < H; ++j)
            y += w_out[j] * h[j];
        return y;
    }
};

/// dst ← the next tensor of `it`, whose size must be dst's.
template <std::size_t N>
void load(std::array<float, N>& dst, std::vector<rnn::named_tensor>::const_iterator& it) {
    if (it->values.size() != N)
        throw std::logic_error("scalar_wavenet: unexpected tensor " + it->name);
    std::copy(it->values.begin(), it->values.end(), dst.begin());
    ++it;
}

/// A layer array of NAM's WaveNet: In → C channels, a head of Head values.
template <std::size_t In, std::size_t C, std::size_t Head, bool HeadBias>
struct scalar_layer_array {
    static constexpr std::size_t K = rnn::wavenet::kernel;
    struct layer {
        std::array<float, C * C * K> conv; // [C, C, K]: conv[(o·C + c)·K + k]
        std::array<float, C> conv_bias, mixer, bias_1x1;
        std::array<float, C * C> w_1x1; // [C, C]
        std::size_t dilation = 1, slots = 1, pos = 0;
        std::vector<float> past; // the last `slots` inputs, C values each; the next goes to pos
    };
    std::array<float, C * In> rechannel;
    std::array<layer, rnn::wavenet::layers> layers;
    std::array<float, Head * C> head_w;
    std::array<float, Head> head_b{}; // zero without a head bias
    std::array<float, C> x;           // the last layer's output: the next array's input
    std::array<float, Head> head;     // the head_rechannel output

    explicit scalar_layer_array(std::vector<rnn::named_tensor>::const_iterator& it) {
        load(rechannel, it);
        for (std::size_t l = 0; l < layers.size(); ++l) {
            layer& L = layers[l];
            load(L.conv, it);
            load(L.conv_bias, it);
            load(L.mixer, it);
            load(L.w_1x1, it);
            load(L.bias_1x1, it);
            L.dilation = rnn::wavenet::dilation(l);
            L.slots = (K - 1) * L.dilation + 1;
            L.past.assign(L.slots * C, 0.f);
        }
        load(head_w, it);
        if constexpr (HeadBias)
            load(head_b, it);
    }

    /// One sample: the array's input `in`, the model's input u, the head sum `sum` so far.
    void step(std::array<float, In> const& in, float u, std::array<float, C> sum) {
        for (std::size_t o = 0; o < C; ++o) {
            x[o] = 0;
            for (std::size_t i = 0; i < In; ++i)
                x[o] += rechannel[o * In + i] * in[i];
        }
        for (layer& L : layers) {
            std::copy(x.begin(), x.end(), L.past.begin() + std::ptrdiff_t(L.pos * C));
            std::array<const float*, K> tap; // tap k: the input (K − 1 − k)·d samples back
            for (std::size_t k = 0; k < K; ++k) {
                const std::size_t back = (K - 1 - k) * L.dilation;
                tap[k] = &L.past[(L.pos >= back ? L.pos - back : L.pos + L.slots - back) * C];
            }
            if (++L.pos == L.slots)
                L.pos = 0;
            std::array<float, C> post;
            for (std::size_t o = 0; o < C; ++o) {
                float z = L.conv_bias[o] + L.mixer[o] * u;
                for (std::size_t c = 0; c < C; ++c)
                    for (std::size_t k = 0; k < K; ++k)
                        z += L.conv[(o * C + c) * K + k] * tap[k][c];
                post[o] = std::tanh(z);
            }
            for (std::size_t o = 0; o < C; ++o) {
                float r = L.bias_1x1[o];
                for (std::size_t c = 0; c < C; ++c)
                    r += L.w_1x1[o * C + c] * post[c];
                x[o] += r;
                sum[o] += post[o];
            }
        }
        for (std::size_t o = 0; o < Head; ++o) {
            head[o] = head_b[o];
            for (std::size_t c = 0; c < C; ++c)
                head[o] += head_w[o * C + c] * sum[c];
        }
    }
};

/// NAM's A1 standard WaveNet (common.hpp), one sample per call.
struct scalar_wavenet {
    static constexpr const char* library = "scalar";
    using tensors = std::vector<rnn::named_tensor>;
    scalar_layer_array<1, 16, 8, false> first;
    scalar_layer_array<16, 8, 1, true> second;

    explicit scalar_wavenet(tensors const& ts) : scalar_wavenet(ts.begin(), ts.end()) {}
    /// Each array takes its tensors from `it` on, in order.
    scalar_wavenet(tensors::const_iterator it, tensors::const_iterator end)
        : first(it), second(it) {
        if (it != end)
            throw std::logic_error("scalar_wavenet: unexpected number of tensors");
    }

    float step(float u) {
        first.step({u}, u, {});
        second.step(first.x, u, first.head);
        return float(rnn::wavenet::head_scale) * second.head[0];
    }
};

} // namespace

int main(int argc, char** argv) {
    return rnn::main<scalar_model>(argc, argv, rnn::check_wavenet<scalar_wavenet>, [] {
        benchmark::RegisterBenchmark(rnn::wavenet::cell, rnn::bm_wavenet<scalar_wavenet>);
    });
}
