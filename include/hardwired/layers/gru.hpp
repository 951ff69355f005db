#pragma once
/// The GRU layer kind, with PyTorch's nn.GRU equations, gate order, tensor names and shapes:
/// one layer of H units, one time step per call, its h carried in the network's state
/// (hw::state, hw::step).

#include <array>
#include <cstddef>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "layer.hpp"
#include "recurrent.hpp"

namespace hardwired {

/// A GRU layer of H hidden units on the previous layer's outputs x, one time step:
///
///     r = G(W_ir x + b_ir + W_hr h + b_hr)      z = G(W_iz x + b_iz + W_hz h + b_hz)
///     n = C(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// with G = sigmoid and C = tanh by default (any formulas in hw::x); the hidden side of n keeps
/// its own bias inside r ⊙ (…), as PyTorch's does. The output is h'; the state is h (H values),
/// zero at the start of a sequence. Tensors as PyTorch's `nn.GRU(inputs, H)`: "weight_ih_l0"
/// [3H, inputs] and "weight_hh_l0" [3H, H] with the row blocks r, z, n; "bias_ih_l0" and
/// "bias_hh_l0" [3H]; hw::init::defaults draws all of them from U(±1/√H), as PyTorch does.
/// Stacked GRU layers are consecutive layers of the network.
///
///     hw::network<hw::input<1>, hw::gru<12>, hw::dense<1>>
template <std::size_t H, auto Gate = sigmoid, auto Cell = tanh>
struct gru {
    static_assert(H > 0, HARDWIRED_MSG_RECURRENT_HIDDEN);
    static_assert(hardwired::activation<decltype(Gate)> && hardwired::activation<decltype(Cell)>,
                  HARDWIRED_MSG_ACTIVATION);
    static constexpr std::size_t size = H;

    template <std::size_t In>
    struct bound : detail::recurrent_parameters<3, In, H> {
        using base = detail::recurrent_parameters<3, In, H>;
        static constexpr std::size_t inputs = In, outputs = H;
        static constexpr std::size_t state_count = H;

        /// One time step: out = h', and the state h becomes h'.
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T*, T* state) {
            T* h = state;
            std::array<T, 3 * H> zi, zh;
            base::gate_sums(p, in, h, zi, zh);
            for (std::size_t j = 0; j < H; ++j) {
                const T r = Gate(zi[j] + zh[j]), z = Gate(zi[H + j] + zh[H + j]),
                        n = Cell(zi[2 * H + j] + r * zh[2 * H + j]);
                out[j] = (T(1) - z) * n + z * h[j];
            }
            for (std::size_t j = 0; j < H; ++j)
                h[j] = out[j];
        }
    };
};

} // namespace hardwired
