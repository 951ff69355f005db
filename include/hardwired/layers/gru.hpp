#pragma once
/// The GRU layer kind, with PyTorch's nn.GRU equations, gate order, tensor names and shapes:
/// one layer of H units, one time step per call, its h carried in the network's state
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
        /// What a step keeps for its backward pass: h before it; the input side W_ih·x + b_ih of
        /// every gate row; for r and z their whole pre-activation (both sides, both biases), for
        /// n its hidden side W_hn·h + b_hn; and the gates' values r, z, n. The kernel for
        /// sequences in lanes puts the input x before h, so that r and z take one product with
        /// [x, h].
        static constexpr std::size_t x_in = 0, h_prev = In, input_side = In + H,
                                     hidden_side = In + 4 * H, act = In + 7 * H,
                                     saved_count = In + 10 * H;

        /// One time step: out = h', and the state h becomes h'.
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved, T* state) {
            T* h = state;
            std::array<T, 3 * H> zi, zh;
            base::gate_sums(p, in, h, zi, zh);
            for (std::size_t j = 0; j < H; ++j) {
                const T r = Gate(zi[j] + zh[j]), z = Gate(zi[H + j] + zh[H + j]),
                        n = Cell(zi[2 * H + j] + r * zh[2 * H + j]);
                saved[act + j] = r;
                saved[act + H + j] = z;
                saved[act + 2 * H + j] = n;
                saved[h_prev + j] = h[j];
                out[j] = (T(1) - z) * n + z * h[j];
            }
            for (std::size_t r = 0; r < 3 * H; ++r) {
                saved[input_side + r] = zi[r];
                saved[hidden_side + r] = r < 2 * H ? zi[r] + zh[r] : zh[r];
            }
            for (std::size_t j = 0; j < H; ++j)
                h[j] = out[j];
        }

        /// The same step with SIMD: the gate rows in lanes, W_ih·x and W_hh·h as two products.
        /// The product of r's and z's rows starts from their input side and hidden bias, so that
        /// their pre-activations are complete when it ends, as an LSTM's are, with no pass of
        /// additions between it and the sigmoids; n's rows start from b_hn. h' as one
        /// (1 − z)·C(a) + z·h, a = W_in x + b_in + r ⊙ (W_hn h + b_hn) (kernels::detail::scaled:
        /// with the default tanh, ready when C(a) alone would be). Outside training nothing goes
        /// to `saved`: the gate sums and values go to an array of the step's own that the compiler
        /// may keep in registers, n and h nowhere.
        template <class T, bool Training>
        static void forward_simd(T const* p, T const* in, T* out, T* saved, T* state, bool reversed,
                                 std::bool_constant<Training>) {
            using kernels::detail::for_each_batch, kernels::detail::load_as,
                kernels::detail::store_as;
            T* h = state;
            alignas(64) std::array<T, Training ? 1 : 9 * H> own;
            T* zi = Training ? saved + input_side : own.data();
            T* zh = Training ? saved + hidden_side : own.data() + 3 * H;
            T* a = Training ? saved + act : own.data() + 6 * H;
            kernels::detail::copy<3 * H>(p + base::b_ih, zi);
            kernels::detail::column_product<In, 3 * H>(
                p + base::w_ih, kernels::detail::from_memory(in), zi, reversed);
            for_each_batch<2 * H, T>([&]<class V>(std::size_t r) HARDWIRED_INLINE_LAMBDA {
                store_as(zh, r, load_as<V>(zi, r) + load_as<V>(p + base::b_hh, r));
            });
            kernels::detail::copy<H>(p + base::b_hh + 2 * H, zh + 2 * H);
            kernels::detail::column_product<H, 3 * H>(
                p + base::w_hh, kernels::detail::from_memory(h), zh, reversed);
            constexpr auto G = kernels::detail::low_latency<Gate>;
            constexpr auto C = kernels::detail::low_latency<Cell>;
            kernels::detail::apply<G, 2 * H>(zh, a);
            if constexpr (Training)
                kernels::detail::copy<H>(h, saved + h_prev);
            for_each_batch<H, T>([&]<class V>(std::size_t j) HARDWIRED_INLINE_LAMBDA {
                const V n_sum =
                    load_as<V>(zi + 2 * H, j) + load_as<V>(a, j) * load_as<V>(zh + 2 * H, j);
                const V z = load_as<V>(a + H, j);
                if constexpr (Training)
                    store_as(a + 2 * H, j, V(C(n_sum)));
                const V h_next =
                    kernels::detail::scaled<C>(n_sum, V(T(1)) - z, z * load_as<V>(h, j));
                store_as(h, j, h_next);
                store_as(out, j, h_next);
            });
        }

        /// One time step of independent sequences in lanes (hw::step_lanes, and training in
        /// lanes), each state value a row: r and z of every sequence as one register-blocked
        /// product with [x, h], the new gate's input and hidden sides as two. Outside training
        /// the gate values are not kept.
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, T* state,
                                  std::size_t nv, bool training) {
            using B = xsimd::batch<T>;
            using kernels::detail::chunk_product;
            constexpr std::size_t C = kernels::chunk_samples, L = B::size;
            T* h = state;
            T* xh = saved + x_in * C;
            T* rz = saved + hidden_side * C;            // r's and z's whole pre-activations
            T* n_in = saved + (input_side + 2 * H) * C; // n's input side
            T* n_h = saved + (hidden_side + 2 * H) * C; // n's hidden side
            base::copy_xh_chunk(in, h, xh, nv);
            const auto to = [&](T* rows) {
                return [=](std::size_t r, std::size_t v, B acc) {
                    acc.store_aligned(rows + r * C + v * L);
                };
            };
            chunk_product<2 * H, In + H, 1, 3 * H>(
                p + base::w_ih, xh, nv,
                [&](std::size_t r) { return p[base::b_ih + r] + p[base::b_hh + r]; }, to(rz));
            chunk_product<H, In, 1, 3 * H>(
                p + base::w_ih + 2 * H, xh, nv,
                [&](std::size_t r) { return p[base::b_ih + 2 * H + r]; }, to(n_in));
            chunk_product<H, H, 1, 3 * H>(
                p + base::w_hh + 2 * H, xh + In * C, nv,
                [&](std::size_t r) { return p[base::b_hh + 2 * H + r]; }, to(n_h));
            kernels::for_each_chunk_vector<T>(H, nv, [&](std::size_t at) {
                const B r = Gate(B::load_aligned(rz + at)),
                        z = Gate(B::load_aligned(rz + H * C + at)),
                        n = Cell(B::load_aligned(n_in + at) + r * B::load_aligned(n_h + at));
                const B h_next = (B(T(1)) - z) * n + z * B::load_aligned(h + at);
                if (training) {
                    r.store_aligned(saved + act * C + at);
                    z.store_aligned(saved + (act + H) * C + at);
                    n.store_aligned(saved + (act + 2 * H) * C + at);
                }
                h_next.store_aligned(h + at);
                h_next.store_aligned(out + at);
            });
        }

        /// ∂L/∂ of the gates' input and hidden sides, dzi and dzh, at units [j, j + n), n the
        /// lanes of V (a number or a batch), from δ of h' and the state's ∂L/∂h' (dh); leaves
        /// in dh the part of ∂L/∂h of the step's start that is not W_hhᵀ·dzh (added after).
        /// Value i of each array lies at i·S: S = 1 for one sample, kernels::chunk_samples for
        /// the rows of a chunk (the pointers then at the first of V's sequences).
        template <class V, std::size_t S = 1, class T>
        static constexpr void gate_deltas(T const* saved, T const* delta, T* dh, T* dzi, T* dzh,
                                          std::size_t j) {
            using detail::activation_derivative, detail::load_as, detail::store_as;
            const auto at = [&](std::size_t offset) { return load_as<V>(saved, (offset + j) * S); };
            const auto put = [&](T* to, std::size_t offset, V const& v) {
                store_as(to, (offset + j) * S, v);
            };
            const V r = at(act), z = at(act + H), n = at(act + 2 * H),
                    n_h = at(hidden_side + 2 * H);
            const V d_h = load_as<V>(delta, j * S) + load_as<V>(dh, j * S);
            const V d_n = d_h * (V(T(1)) - z) *
                          activation_derivative<Cell>(at(input_side + 2 * H) + r * n_h, n);
            const V d_r = d_n * n_h * activation_derivative<Gate>(at(hidden_side), r);
            const V d_z =
                d_h * (at(h_prev) - n) * activation_derivative<Gate>(at(hidden_side + H), z);
            put(dzi, 0, d_r);
            put(dzh, 0, d_r);
            put(dzi, H, d_z);
            put(dzh, H, d_z);
            put(dzi, 2 * H, d_n);
            put(dzh, 2 * H, d_n * r);
            put(dh, 0, d_h * z);
        }

        /// Back through one step: δ of h' (delta, plus the state's ∂L/∂h'); the state is left
        /// holding ∂L/∂h of the step's start.
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const*, T const* saved,
                                       T const* delta, T* delta_in, T* dstate) {
            std::array<T, 3 * H> dzi, dzh;
            for (std::size_t j = 0; j < H; ++j)
                gate_deltas<T>(saved, delta, dstate, dzi.data(), dzh.data(), j);
            base::gate_sums_backward(p, dp, in, saved + h_prev, dzi, dzh, delta_in, dstate);
        }

        /// The same with SIMD: units in lanes, then the weights' gradients and W_hhᵀ·dzh column
        /// by column.
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const*, T const* saved,
                                  T const* delta, T* delta_in, T* dstate) {
            alignas(64) std::array<T, 3 * H> dzi, dzh;
            kernels::detail::for_each_batch<H, T>(
                [&]<class V>(std::size_t j) HARDWIRED_INLINE_LAMBDA {
                    gate_deltas<V>(saved, delta, dstate, dzi.data(), dzh.data(), j);
                });
            base::gate_sums_backward_simd(p, dp, in, saved + h_prev, dzi.data(), dzh.data(),
                                          delta_in, dstate);
        }

        /// Back through one step of independent sequences in lanes (training in lanes), each
        /// value a row: dzi and dzh of every sequence, then the gate sums' chunk backward pass
        /// (scratch: dzi, dzh, then δ transposed).
        static constexpr std::size_t chunk_scratch = 9 * H;
        template <class T, class Epi>
        static void backward_chunk(T const* p, T* dp, T const*, T const*, T const* saved,
                                   T const* delta, T* delta_in, T* scratch, T* dstate,
                                   std::size_t nv, Epi const& epi) {
            constexpr std::size_t C = kernels::chunk_samples, L = xsimd::batch<T>::size;
            T* dzi = scratch;
            T* dzh = scratch + 3 * H * C;
            for (std::size_t j = 0; j < H; ++j) {
                HARDWIRED_SAMPLE_VECTOR_LOOP
                for (std::size_t v = 0; v < nv; ++v) {
                    const std::size_t at = v * L;
                    gate_deltas<xsimd::batch<T>, C>(saved + at, delta + at, dstate + at, dzi + at,
                                                    dzh + at, j);
                }
            }
            base::gate_sums_backward_chunk(p, dp, saved + x_in * C, saved + h_prev * C, dzi, dzh,
                                           delta_in, dstate, scratch + 6 * H * C, nv, epi);
        }
    };
};

} // namespace hardwired
