// The plain scalar loop in the recurrent suite: what a careful programmer writes without a
// library. Compile-time sizes in std::array, PyTorch's row-major weights as they are, one dot
// product per gate row, std::exp and std::tanh; no intrinsics (the compiler may vectorise what
// it can). Forward only.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

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

} // namespace

int main(int argc, char** argv) {
    return rnn::main<scalar_model>(argc, argv);
}
