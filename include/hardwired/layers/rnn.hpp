#pragma once
/// The plain (Elman) recurrent layer kind, with PyTorch's nn.RNN equation, tensor names and
/// shapes: one layer of H units, one time step per call, its h carried in the network's state
/// (hw::state, hw::step).

#include <array>
#include <cstddef>
#include <type_traits>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "../kernels/chunk_simd.hpp"
#include "../kernels/column_product.hpp"
#include "../kernels/one_sample_simd.hpp"
#include "layer.hpp"
#include "recurrent.hpp"

namespace hardwired {

/// A plain recurrent layer of H units on the previous layer's outputs x, one time step:
///
///     h' = f(W_ih x + b_ih + W_hh h + b_hh)
///
/// with f = tanh by default (PyTorch's nonlinearity="tanh"; hw::relu for "relu"; any formula in
/// hw::x). The output is h'; the state is h (H values), zero at the start of a sequence. Tensors
/// as PyTorch's `nn.RNN(inputs, H)`: "weight_ih_l0" [H, inputs], "weight_hh_l0" [H, H],
/// "bias_ih_l0" and "bias_hh_l0" [H]; hw::init::defaults draws all of them from U(±1/√H), as
/// PyTorch does. Stacked layers (PyTorch's num_layers) are consecutive layers of the network.
///
///     hw::network<hw::input<1>, hw::rnn<16>, hw::dense<1>>
///     hw::network<hw::input<1>, hw::rnn<16, hw::relu>, hw::dense<1>>
template <std::size_t H, auto Activation = tanh>
struct rnn {
    static_assert(H > 0, HARDWIRED_MSG_RECURRENT_HIDDEN);
    static_assert(hardwired::activation<decltype(Activation)>, HARDWIRED_MSG_ACTIVATION);
    static constexpr std::size_t size = H;

    template <std::size_t In>
    struct bound : detail::recurrent_parameters<1, In, H> {
        using base = detail::recurrent_parameters<1, In, H>;
        static constexpr std::size_t inputs = In, outputs = H;
        static constexpr std::size_t state_count = H;
        /// What a step keeps for its backward pass: h before it and, where f′ needs it (not where
        /// it is written in f's output, as for tanh and relu), the pre-activation. The kernel for
        /// sequences in lanes puts the input x before h, so that W_ih·x + W_hh·h is one product
        /// with [x, h] (W_hh's columns follow W_ih's).
        static constexpr bool keeps_pre = !is_output_expressible(Activation);
        static constexpr std::size_t x_in = 0, h_prev = In, pre = In + H,
                                     saved_count = In + H + (keeps_pre ? H : 0);

        /// One time step: out = h', and the state h becomes h'.
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved, T* state) {
            T* h = state;
            std::array<T, H> zi, zh;
            base::gate_sums(p, in, h, zi, zh);
            for (std::size_t j = 0; j < H; ++j) {
                const T z = zi[j] + zh[j];
                if constexpr (keeps_pre)
                    saved[pre + j] = z;
                saved[h_prev + j] = h[j];
                out[j] = Activation(z);
            }
            for (std::size_t j = 0; j < H; ++j)
                h[j] = out[j];
        }

        /// The same step with SIMD: the units in lanes (base::shared_gate_sums_simd). Outside
        /// training nothing goes to `saved`.
        template <class T, bool Training>
        static void forward_simd(T const* p, T const* in, T* out, T* saved, T* state, bool reversed,
                                 std::bool_constant<Training>) {
            using kernels::detail::for_each_batch, kernels::detail::load_as,
                kernels::detail::store_as;
            constexpr bool keep = Training && keeps_pre;
            T* h = state;
            alignas(64) std::array<T, keep ? 1 : H> own;
            T* z = keep ? saved + pre : own.data();
            if constexpr (Training)
                kernels::detail::copy<H>(h, saved + h_prev);
            base::shared_gate_sums_simd(p, in, h, z, reversed);
            constexpr auto F = kernels::detail::low_latency<Activation>;
            for_each_batch<H, T>([&]<class V>(std::size_t j) HARDWIRED_INLINE_LAMBDA {
                const V h_next = F(load_as<V>(z, j));
                store_as(h, j, h_next);
                store_as(out, j, h_next);
            });
        }

        /// One time step of independent sequences in lanes (hw::step_lanes, and training in
        /// lanes), each state value a row: every sequence's units as one register-blocked product
        /// with [x, h], f applied as each block of sums is stored.
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, T* state,
                                  std::size_t nv, bool training) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples, L = B::size;
            T* h = state;
            base::shared_gate_sums_chunk(p, in, h, saved + x_in * C, nv,
                                         [&](std::size_t j, std::size_t v, B acc) {
                                             const std::size_t at = j * C + v * L;
                                             if (keeps_pre && training)
                                                 acc.store_aligned(saved + pre * C + at);
                                             const B h_next = Activation(acc);
                                             h_next.store_aligned(h + at);
                                             h_next.store_aligned(out + at);
                                         });
        }

        /// ∂L/∂ of the pre-activations, dz, at units [j, j + n), n the lanes of V (a number or a
        /// batch), from δ of h' and the state's ∂L/∂h' (dh), which is left zero for W_hhᵀ·dz to
        /// be added after. Value i of each array lies at i·S: S = 1 for one sample,
        /// kernels::chunk_samples for the rows of a chunk (the pointers then at the first of V's
        /// sequences).
        template <class V, std::size_t S = 1, class T>
        static constexpr void deltas(T const* saved, T const* out, T const* delta, T* dh, T* dz,
                                     std::size_t j) {
            using detail::activation_derivative, detail::load_as, detail::store_as;
            const V d_h = load_as<V>(delta, j * S) + load_as<V>(dh, j * S);
            const V a = load_as<V>(out, j * S);
            if constexpr (keeps_pre)
                store_as(
                    dz, j * S,
                    d_h * activation_derivative<Activation>(load_as<V>(saved, (pre + j) * S), a));
            else
                store_as(dz, j * S, d_h * activation_derivative<Activation>(a, a));
            store_as(dh, j * S, V(T(0)));
        }

        /// Back through one step: δ of h' (delta, plus the state's ∂L/∂h'); the state is left
        /// holding ∂L/∂h of the step's start.
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                       T const* delta, T* delta_in, T* dstate) {
            std::array<T, H> dz;
            for (std::size_t j = 0; j < H; ++j)
                deltas<T>(saved, out, delta, dstate, dz.data(), j);
            base::gate_sums_backward(p, dp, in, saved + h_prev, dz, dz, delta_in, dstate);
        }

        /// The same with SIMD: units in lanes, then the weights' gradients and W_hhᵀ·dz column
        /// by column.
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                  T const* delta, T* delta_in, T* dstate) {
            alignas(64) std::array<T, H> dz;
            kernels::detail::for_each_batch<H, T>(
                [&]<class V>(std::size_t j) HARDWIRED_INLINE_LAMBDA {
                    deltas<V>(saved, out, delta, dstate, dz.data(), j);
                });
            base::gate_sums_backward_simd(p, dp, in, saved + h_prev, dz.data(), dz.data(), delta_in,
                                          dstate);
        }

        /// Back through one step of independent sequences in lanes (training in lanes), each
        /// value a row: dz of every sequence, then the shared chunk backward pass of both sides
        /// (scratch: dz, then δ transposed).
        static constexpr std::size_t chunk_scratch = 2 * H;
        template <class T, class Epi>
        static void backward_chunk(T const* p, T* dp, T const*, T const* out, T const* saved,
                                   T const* delta, T* delta_in, T* scratch, T* dstate,
                                   std::size_t nv, Epi const& epi) {
            constexpr std::size_t C = kernels::chunk_samples, L = xsimd::batch<T>::size;
            T* dz = scratch;
            for (std::size_t j = 0; j < H; ++j) {
                HARDWIRED_SAMPLE_VECTOR_LOOP
                for (std::size_t v = 0; v < nv; ++v) {
                    const std::size_t at = v * L;
                    deltas<xsimd::batch<T>, C>(saved + at, out + at, delta + at, dstate + at,
                                               dz + at, j);
                }
            }
            base::shared_gate_sums_backward_chunk(p, dp, saved + x_in * C, dz, delta_in, dstate,
                                                  scratch + H * C, nv, epi);
        }
    };
};

} // namespace hardwired
