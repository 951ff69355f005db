#pragma once
/// The LSTM layer kind, with PyTorch's nn.LSTM equations, gate order, tensor names and shapes:
/// one layer of H units, one time step per call, its h and c carried in the network's state
/// (hw::state, hw::step).

#include <array>
#include <cstddef>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "layer.hpp"
#include "recurrent.hpp"

namespace hardwired {

/// An LSTM layer of H hidden units on the previous layer's outputs x, one time step:
///
///     i = G(W_ii x + b_ii + W_hi h + b_hi)      f = G(W_if x + b_if + W_hf h + b_hf)
///     g = C(W_ig x + b_ig + W_hg h + b_hg)      o = G(W_io x + b_io + W_ho h + b_ho)
///     c' = f ⊙ c + i ⊙ g                         h' = o ⊙ C(c')
///
/// with G = sigmoid and C = tanh by default (any formulas in hw::x). The output is h'; the
/// state is h then c (2·H values), zero at the start of a sequence. Tensors as PyTorch's
/// `nn.LSTM(inputs, H)`: "weight_ih_l0" [4H, inputs] and "weight_hh_l0" [4H, H] with the row
/// blocks i, f, g, o; "bias_ih_l0" and "bias_hh_l0" [4H]. hw::init::defaults draws all of them
/// from U(±1/√H), as PyTorch does. Stacked LSTM layers are consecutive layers of the network.
///
///     hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>
template <std::size_t H, auto Gate = sigmoid, auto Cell = tanh>
struct lstm {
    static_assert(H > 0, HARDWIRED_MSG_RECURRENT_HIDDEN);
    static_assert(hardwired::activation<decltype(Gate)> && hardwired::activation<decltype(Cell)>,
                  HARDWIRED_MSG_ACTIVATION);
    static constexpr std::size_t size = H;

    template <std::size_t In>
    struct bound : detail::recurrent_parameters<4, In, H> {
        using base = detail::recurrent_parameters<4, In, H>;
        static constexpr std::size_t inputs = In, outputs = H;
        static constexpr std::size_t state_count = 2 * H;

        /// One time step: out = h', and the state (h, c) becomes (h', c').
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T*, T* state) {
            T* h = state;
            T* c = state + H;
            std::array<T, 4 * H> zi, zh;
            base::gate_sums(p, in, h, zi, zh);
            for (std::size_t j = 0; j < H; ++j) {
                const T i = Gate(zi[j] + zh[j]), f = Gate(zi[H + j] + zh[H + j]),
                        g = Cell(zi[2 * H + j] + zh[2 * H + j]),
                        o = Gate(zi[3 * H + j] + zh[3 * H + j]);
                c[j] = f * c[j] + i * g;
                out[j] = o * Cell(c[j]);
            }
            for (std::size_t j = 0; j < H; ++j)
                h[j] = out[j];
        }
    };
};

} // namespace hardwired
