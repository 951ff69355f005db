#pragma once
/// What the recurrent layer kinds (lstm.hpp, gru.hpp, rnn.hpp) share: PyTorch's four tensors of
/// a recurrent layer of G gate blocks of H units, their layout, and the gate pre-activations.

#include <array>
#include <cstddef>

#include "../kernels/chunk_simd.hpp"
#include "../kernels/column_product.hpp"
#include "../kernels/one_sample_simd.hpp"
#include "layer.hpp"

namespace hardwired::detail {

/// The parameters of a recurrent layer with G·H gate rows on In inputs. Each weight tensor is
/// stored column by column (element (r, k) at k·G·H + r: one input's gate rows together), then
/// the two bias vectors. Tensors as PyTorch's nn.LSTM / nn.GRU: "weight_ih_l0" [G·H, In],
/// "weight_hh_l0" [G·H, H], "bias_ih_l0", "bias_hh_l0" [G·H], every one drawn from U(±1/√H)
/// by hw::init::defaults, as PyTorch does.
template <std::size_t G, std::size_t In, std::size_t H>
struct recurrent_parameters {
    static constexpr std::size_t rows = G * H;
    static constexpr std::size_t w_ih = 0, w_hh = rows * In, b_ih = rows * (In + H),
                                 b_hh = b_ih + rows;
    static constexpr std::array<tensor, 4> tensors{{
        {"weight_ih_l0", 2, {rows, In, 1}, {1, rows, 1}, w_ih, init_role::weight, H, rows},
        {"weight_hh_l0", 2, {rows, H, 1}, {1, rows, 1}, w_hh, init_role::weight, H, rows},
        {"bias_ih_l0", 1, {rows, 1, 1}, {1, 1, 1}, b_ih, init_role::bias, H, rows},
        {"bias_hh_l0", 1, {rows, 1, 1}, {1, 1, 1}, b_hh, init_role::bias, H, rows},
    }};

    /// The input side W_ih·x + b_ih and the hidden side W_hh·h + b_hh of every gate row.
    template <class T>
    static constexpr void gate_sums(T const* p, T const* x, T const* h, std::array<T, rows>& zi,
                                    std::array<T, rows>& zh) {
        for (std::size_t r = 0; r < rows; ++r) {
            zi[r] = p[b_ih + r];
            zh[r] = p[b_hh + r];
        }
        for (std::size_t k = 0; k < In; ++k)
            for (std::size_t r = 0; r < rows; ++r)
                zi[r] += p[w_ih + k * rows + r] * x[k];
        for (std::size_t k = 0; k < H; ++k)
            for (std::size_t r = 0; r < rows; ++r)
                zh[r] += p[w_hh + k * rows + r] * h[k];
    }

    /// Back through gate_sums, given δ of the input side dzi and of the hidden side dzh: adds
    /// the weight and bias gradients to dp, writes δx = W_ihᵀ·dzi (unless dx is null) and adds
    /// W_hhᵀ·dzh to dh.
    template <class T>
    static constexpr void gate_sums_backward(T const* p, T* dp, T const* x, T const* h,
                                             std::array<T, rows> const& dzi,
                                             std::array<T, rows> const& dzh, T* dx, T* dh) {
        for (std::size_t r = 0; r < rows; ++r) {
            dp[b_ih + r] += dzi[r];
            dp[b_hh + r] += dzh[r];
        }
        for (std::size_t k = 0; k < In; ++k) {
            T back = 0;
            for (std::size_t r = 0; r < rows; ++r) {
                dp[w_ih + k * rows + r] += dzi[r] * x[k];
                back += p[w_ih + k * rows + r] * dzi[r];
            }
            if (dx)
                dx[k] = back;
        }
        for (std::size_t k = 0; k < H; ++k) {
            T back = 0;
            for (std::size_t r = 0; r < rows; ++r) {
                dp[w_hh + k * rows + r] += dzh[r] * h[k];
                back += p[w_hh + k * rows + r] * dzh[r];
            }
            dh[k] += back;
        }
    }

    /// z = W_ih·x + b_ih + W_hh·h + b_hh, both sides of every gate row in one sum (the LSTM's and
    /// the plain RNN's), for one sample with SIMD, the rows in lanes: the biases' sum, then W_ih·x
    /// and W_hh·h added as two products, the second reading h where the step before stored it (a
    /// copy beside x for one product of [x, h] put a second store and load on each step's path),
    /// both broadcasting their inputs from memory (kernels::detail::from_memory).
    template <class T>
    HARDWIRED_ALWAYS_INLINE static void shared_gate_sums_simd(T const* p, T const* x, T const* h,
                                                              T* z, bool reversed) {
        using kernels::detail::column_product, kernels::detail::from_memory,
            kernels::detail::load_as, kernels::detail::store_as;
        kernels::detail::for_each_batch<rows, T>(
            [&]<class V>(std::size_t r) HARDWIRED_INLINE_LAMBDA {
                store_as(z, r, load_as<V>(p + b_ih, r) + load_as<V>(p + b_hh, r));
            });
        column_product<In, rows>(p + w_ih, from_memory(x), z, reversed);
        column_product<H, rows>(p + w_hh, from_memory(h), z, reversed);
    }

    /// The input x (In rows) and h (H rows) of sequences in lanes copied into one array xh of
    /// In + H rows, for one chunk product of the gate rows with [x, h] (W_hh's columns follow
    /// W_ih's).
    template <class T>
    static void copy_xh_chunk(T const* x, T const* h, T* xh, std::size_t nv) {
        using B = xsimd::batch<T>;
        kernels::for_each_chunk_vector<T>(
            In, nv, [&](std::size_t at) { B::load_aligned(x + at).store_aligned(xh + at); });
        kernels::for_each_chunk_vector<T>(H, nv, [&](std::size_t at) {
            B::load_aligned(h + at).store_aligned(xh + In * kernels::chunk_samples + at);
        });
    }

    /// shared_gate_sums_simd for independent sequences in lanes, every value a row of
    /// kernels::chunk_samples (nv sample vectors): x and h copied into xh (copy_xh_chunk), then
    /// one register-blocked product of the gate rows with [x, h], starting from b_ih + b_hh;
    /// fin(r, v, sum) takes row r's sums of sample vector v.
    template <class T, class Fin>
    HARDWIRED_ALWAYS_INLINE static void shared_gate_sums_chunk(T const* p, T const* x, T const* h,
                                                               T* xh, std::size_t nv,
                                                               Fin const& fin) {
        copy_xh_chunk(x, h, xh, nv);
        kernels::detail::chunk_product<rows, In + H, 1, rows>(
            p + w_ih, xh, nv, [&](std::size_t r) { return p[b_ih + r] + p[b_hh + r]; }, fin);
    }

    /// gate_sums_backward with SIMD, on the columns of the weights (rows in lanes).
    template <class T>
    static void gate_sums_backward_simd(T const* p, T* dp, T const* x, T const* h, T const* dzi,
                                        T const* dzh, T* dx, T* dh) {
        kernels::detail::add_into<rows>(dzi, dp + b_ih);
        kernels::detail::add_into<rows>(dzh, dp + b_hh);
        kernels::detail::column_product_backward<In, rows>(p + w_ih, dp + w_ih, x, dzi, dx);
        kernels::detail::column_product_backward<H, rows, true>(p + w_hh, dp + w_hh, h, dzh, dh);
    }

    /// gate_sums_backward for independent sequences in lanes, every value a row of
    /// kernels::chunk_samples (nv sample vectors): the gradients as chunk products, δx (unless dx
    /// is null) through the epilogue and W_hhᵀ·dzh added to dh. `scratch`: rows rows, for δ
    /// transposed.
    template <class T, class Epi>
    static void gate_sums_backward_chunk(T const* p, T* dp, T const* x, T const* h, T const* dzi,
                                         T const* dzh, T* dx, T* dh, T* scratch, std::size_t nv,
                                         Epi const& epi) {
        using B = xsimd::batch<T>;
        using kernels::detail::add_row_sums, kernels::detail::chunk_product,
            kernels::detail::chunk_weight_gradients;
        constexpr std::size_t C = kernels::chunk_samples, L = B::size;
        add_row_sums<rows>(dzi, nv, dp + b_ih, false);
        add_row_sums<rows>(dzh, nv, dp + b_hh, false);
        chunk_weight_gradients<In, rows>(x, dzi, scratch, nv, dp + w_ih, nullptr, false);
        chunk_weight_gradients<H, rows>(h, dzh, scratch, nv, dp + w_hh, nullptr, false);
        const auto zero = [](std::size_t) { return T(0); };
        if (dx)
            chunk_product<In, rows, rows, 1>(p + w_ih, dzi, nv, zero,
                                             [&](std::size_t k, std::size_t v, B acc) {
                                                 const std::size_t at = k * C + v * L;
                                                 epi(at, acc).store_aligned(dx + at);
                                             });
        chunk_product<H, rows, rows, 1>(p + w_hh, dzh, nv, zero,
                                        [&](std::size_t k, std::size_t v, B acc) {
                                            const std::size_t at = k * C + v * L;
                                            (B::load_aligned(dh + at) + acc).store_aligned(dh + at);
                                        });
    }

    /// gate_sums_backward_chunk when both sides have the same δ, dz (the LSTM's), and x and h
    /// are one array xh of In + H rows: W_hh's columns follow W_ih's, so both weight gradients
    /// are one chunk product with [x, h], the bias sums are taken once and added to both biases,
    /// and δx (unless dx is null) with W_hhᵀ·dz comes from one product.
    template <class T, class Epi>
    static void shared_gate_sums_backward_chunk(T const* p, T* dp, T const* xh, T const* dz, T* dx,
                                                T* dh, T* scratch, std::size_t nv, Epi const& epi) {
        using B = xsimd::batch<T>;
        using kernels::detail::add_into, kernels::detail::add_row_sums,
            kernels::detail::chunk_product, kernels::detail::chunk_weight_gradients;
        constexpr std::size_t C = kernels::chunk_samples, L = B::size;
        alignas(64) std::array<T, rows> sums;
        add_row_sums<rows>(dz, nv, sums.data(), true);
        add_into<rows>(sums.data(), dp + b_ih);
        add_into<rows>(sums.data(), dp + b_hh);
        chunk_weight_gradients<In + H, rows>(xh, dz, scratch, nv, dp + w_ih, nullptr, false);
        const auto zero = [](std::size_t) { return T(0); };
        const auto add_to_dh = [&](std::size_t k, std::size_t v, B acc) {
            const std::size_t at = k * C + v * L;
            (B::load_aligned(dh + at) + acc).store_aligned(dh + at);
        };
        if (dx)
            chunk_product<In + H, rows, rows, 1>(p + w_ih, dz, nv, zero,
                                                 [&](std::size_t k, std::size_t v, B acc) {
                                                     if (k < In) {
                                                         const std::size_t at = k * C + v * L;
                                                         epi(at, acc).store_aligned(dx + at);
                                                     } else
                                                         add_to_dh(k - In, v, acc);
                                                 });
        else
            chunk_product<H, rows, rows, 1>(p + w_hh, dz, nv, zero, add_to_dh);
    }
};

} // namespace hardwired::detail
