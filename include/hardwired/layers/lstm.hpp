#pragma once
/// The LSTM layer kind, with PyTorch's nn.LSTM equations, gate order, tensor names and shapes:
/// one layer of H units, one time step per call, its h and c carried in the network's state
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
        /// What a step keeps for its backward pass: h and c before it, the gates' pre-activations
        /// and values (i, f, g, o), c' and C(c'). The chunk kernel puts the input x before h, so
        /// that W_ih·x + W_hh·h is one product with [x, h] (W_hh's columns follow W_ih's).
        static constexpr std::size_t x_in = 0, h_prev = In, c_prev = In + H, pre = In + 2 * H,
                                     act = In + 6 * H, c_next = In + 10 * H, cell = In + 11 * H,
                                     saved_count = In + 12 * H;

        /// One time step: out = h', and the state (h, c) becomes (h', c').
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved, T* state) {
            T* h = state;
            T* c = state + H;
            std::array<T, 4 * H> zi, zh;
            base::gate_sums(p, in, h, zi, zh);
            for (std::size_t r = 0; r < 4 * H; ++r) {
                saved[pre + r] = zi[r] + zh[r];
                saved[act + r] = r / H == 2 ? Cell(saved[pre + r]) : Gate(saved[pre + r]);
            }
            for (std::size_t j = 0; j < H; ++j) {
                T const* a = saved + act;
                saved[h_prev + j] = h[j];
                saved[c_prev + j] = c[j];
                c[j] = a[H + j] * c[j] + a[j] * a[2 * H + j];
                saved[c_next + j] = c[j];
                saved[cell + j] = Cell(c[j]);
                out[j] = a[3 * H + j] * saved[cell + j];
            }
            for (std::size_t j = 0; j < H; ++j)
                h[j] = out[j];
        }

        /// The same step with SIMD: the gate rows in lanes (base::shared_gate_sums_simd); h' as
        /// one o·C(c') (kernels::detail::scaled: with the default tanh, ready when C(c') alone
        /// would be). Outside training nothing goes to `saved`: the gate sums and values to
        /// an array of the step's own that the compiler may keep in registers, and c, c' and
        /// C(c') nowhere.
        template <class T, bool Training>
        static void forward_simd(T const* p, T const* in, T* out, T* saved, T* state, bool reversed,
                                 std::bool_constant<Training>) {
            using kernels::detail::apply, kernels::detail::copy, kernels::detail::for_each_batch,
                kernels::detail::load_as, kernels::detail::store_as;
            T* h = state;
            T* c = state + H;
            alignas(64) std::array<T, Training ? 1 : 8 * H> own;
            T* z = Training ? saved + pre : own.data();
            T* a = Training ? saved + act : own.data() + 4 * H;
            if constexpr (Training) {
                copy<H>(h, saved + h_prev);
                copy<H>(c, saved + c_prev);
            }
            base::shared_gate_sums_simd(p, in, h, z, reversed);
            constexpr auto G = kernels::detail::low_latency<Gate>;
            constexpr auto C = kernels::detail::low_latency<Cell>;
            apply<G, 2 * H>(z, a);
            apply<C, H>(z + 2 * H, a + 2 * H);
            apply<G, H>(z + 3 * H, a + 3 * H);
            for_each_batch<H, T>([&]<class V>(std::size_t j) HARDWIRED_INLINE_LAMBDA {
                const V c_new = load_as<V>(a + H, j) * load_as<V>(c, j) +
                                load_as<V>(a, j) * load_as<V>(a + 2 * H, j);
                store_as(c, j, c_new);
                if constexpr (Training) {
                    store_as(saved + c_next, j, c_new);
                    store_as(saved + cell, j, V(C(c_new)));
                }
                const V h_next = kernels::detail::scaled<C>(c_new, load_as<V>(a + 3 * H, j));
                store_as(h, j, h_next);
                store_as(out, j, h_next);
            });
        }

        /// One time step of independent sequences in lanes (hw::step_lanes, and training in
        /// lanes), each state value a row: the gate rows of every sequence as one
        /// register-blocked product with [x, h]. Outside training only x, h and the gate sums go
        /// to `saved`.
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, T* state,
                                  std::size_t nv, bool training) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples, L = B::size;
            T* h = state;
            T* c = state + H * C;
            T* z = saved + pre * C;
            base::shared_gate_sums_chunk(
                p, in, h, saved + x_in * C, nv,
                [&](std::size_t r, std::size_t v, B acc) { acc.store_aligned(z + r * C + v * L); });
            kernels::for_each_chunk_vector<T>(H, nv, [&](std::size_t at) {
                const auto row = [&](std::size_t offset) { return saved + offset * C + at; };
                const B i = Gate(B::load_aligned(z + at)),
                        f = Gate(B::load_aligned(z + H * C + at)),
                        g = Cell(B::load_aligned(z + 2 * H * C + at)),
                        o = Gate(B::load_aligned(z + 3 * H * C + at));
                const B c_before = B::load_aligned(c + at);
                const B c_new = f * c_before + i * g;
                const B c_out = Cell(c_new);
                const B h_next = o * c_out;
                if (training) {
                    i.store_aligned(row(act));
                    f.store_aligned(row(act + H));
                    g.store_aligned(row(act + 2 * H));
                    o.store_aligned(row(act + 3 * H));
                    c_before.store_aligned(row(c_prev));
                    c_new.store_aligned(row(c_next));
                    c_out.store_aligned(row(cell));
                }
                c_new.store_aligned(c + at);
                h_next.store_aligned(h + at);
                h_next.store_aligned(out + at);
            });
        }

        /// ∂L/∂ of the gates' pre-activations, dz, at units [j, j + n), n the lanes of V (a
        /// number or a batch), from δ of h' and the state's ∂L/∂h' (dh) and ∂L/∂c' (dc); leaves
        /// ∂L/∂c of the step's start in dc and zero in dh, to which W_hhᵀ·dz is added after.
        /// Value i of each array lies at i·S: S = 1 for one sample, kernels::chunk_samples for
        /// the rows of a chunk (the pointers then at the first of V's sequences).
        template <class V, std::size_t S = 1, class T>
        static constexpr void gate_deltas(T const* saved, T const* delta, T* dh, T* dc, T* dz,
                                          std::size_t j) {
            using detail::activation_derivative, detail::load_as, detail::store_as;
            const auto at = [&](std::size_t offset) { return load_as<V>(saved, (offset + j) * S); };
            const auto put = [&](T* to, std::size_t offset, V const& v) {
                store_as(to, (offset + j) * S, v);
            };
            const V d_h = load_as<V>(delta, j * S) + load_as<V>(dh, j * S);
            const V d_c = load_as<V>(dc, j * S) +
                          d_h * at(act + 3 * H) * activation_derivative<Cell>(at(c_next), at(cell));
            put(dz, 0, d_c * at(act + 2 * H) * activation_derivative<Gate>(at(pre), at(act)));
            put(dz, H, d_c * at(c_prev) * activation_derivative<Gate>(at(pre + H), at(act + H)));
            put(dz, 2 * H,
                d_c * at(act) * activation_derivative<Cell>(at(pre + 2 * H), at(act + 2 * H)));
            put(dz, 3 * H,
                d_h * at(cell) * activation_derivative<Gate>(at(pre + 3 * H), at(act + 3 * H)));
            put(dc, 0, d_c * at(act + H));
            put(dh, 0, V(T(0)));
        }

        /// Back through one step: δ of h' (delta, plus the state's ∂L/∂h'), ∂L/∂c' from the
        /// state; the state is left holding ∂L/∂h and ∂L/∂c of the step's start.
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const*, T const* saved,
                                       T const* delta, T* delta_in, T* dstate) {
            std::array<T, 4 * H> dz;
            for (std::size_t j = 0; j < H; ++j)
                gate_deltas<T>(saved, delta, dstate, dstate + H, dz.data(), j);
            base::gate_sums_backward(p, dp, in, saved + h_prev, dz, dz, delta_in, dstate);
        }

        /// The same with SIMD: units in lanes, then the weights' gradients and W_hhᵀ·dz column
        /// by column.
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const*, T const* saved,
                                  T const* delta, T* delta_in, T* dstate) {
            alignas(64) std::array<T, 4 * H> dz;
            kernels::detail::for_each_batch<H, T>(
                [&]<class V>(std::size_t j) HARDWIRED_INLINE_LAMBDA {
                    gate_deltas<V>(saved, delta, dstate, dstate + H, dz.data(), j);
                });
            base::gate_sums_backward_simd(p, dp, in, saved + h_prev, dz.data(), dz.data(), delta_in,
                                          dstate);
        }

        /// Back through one step of independent sequences in lanes (training in lanes), each
        /// value a row: dz of every sequence, then the gate sums' chunk backward pass (scratch:
        /// dz, then δ transposed).
        static constexpr std::size_t chunk_scratch = 8 * H;
        template <class T, class Epi>
        static void backward_chunk(T const* p, T* dp, T const*, T const*, T const* saved,
                                   T const* delta, T* delta_in, T* scratch, T* dstate,
                                   std::size_t nv, Epi const& epi) {
            constexpr std::size_t C = kernels::chunk_samples, L = xsimd::batch<T>::size;
            T* dz = scratch;
            for (std::size_t j = 0; j < H; ++j) {
                HARDWIRED_SAMPLE_VECTOR_LOOP
                for (std::size_t v = 0; v < nv; ++v) {
                    const std::size_t at = v * L;
                    gate_deltas<xsimd::batch<T>, C>(saved + at, delta + at, dstate + at,
                                                    dstate + H * C + at, dz + at, j);
                }
            }
            base::shared_gate_sums_backward_chunk(p, dp, saved + x_in * C, dz, delta_in, dstate,
                                                  scratch + 4 * H * C, nv, epi);
        }
    };
};

} // namespace hardwired
