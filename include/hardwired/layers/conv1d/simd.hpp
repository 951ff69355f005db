#pragma once
// The causal convolution's one-sample xsimd kernels: its outputs lie in SIMD lanes and the
// weights are stored by columns (conv1d_shape::weight_at), so a step of one group is one column
// product of the bias with the K·In inputs of the taps, then the activation on whole batches.
// With several groups each group's rows take a product of their own over the inputs of the
// group, and a depthwise convolution (one channel in and out per group) is an element-wise
// product per tap. Backward: dz = δ·f′ in lanes, then the weights' gradients and δ of the taps
// column by column (element-wise where depthwise).

#include "../../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <array>
#include <cstddef>

#include "../../config.hpp"
#include "../../kernels/column_product.hpp"
#include "../../kernels/one_sample_simd.hpp"
#include "scalar.hpp"

namespace hardwired::kernels {

namespace detail {

/// Group g's inputs of every tap, gathered one after the other (tap k at k·group_in), as the
/// columns of its product are stored.
template <class S, class T>
HARDWIRED_ALWAYS_INLINE void gather_group(T const* x, std::size_t g, T* xg) {
    for (std::size_t k = 0; k < S::kernel; ++k)
        copy<S::group_in>(x + k * S::inputs + g * S::group_in, xg + k * S::group_in);
}

} // namespace detail

/// conv1d_forward with SIMD (shape S), the taps' inputs at x; `reversed` as column_product's.
/// The sums go to the pre-activations where they are kept, else to `out`, where the activation
/// (unless the identity) then replaces them.
template <class S, class T>
HARDWIRED_ALWAYS_INLINE void conv1d_forward_simd(T const* p, T const* x, T* out, T* saved,
                                                 bool reversed = false) {
    constexpr std::size_t In = S::inputs, Out = S::outputs, K = S::kernel;
    T* z = S::keeps_pre ? saved + S::pre : out;
    if constexpr (S::bias)
        detail::copy<Out>(p + S::weights, z);
    else
        detail::zero<Out>(z);
    if constexpr (S::one_group) {
        detail::column_product<K * In, Out>(p, x, z, reversed);
    } else if constexpr (S::depthwise) {
        using hardwired::detail::load_as, hardwired::detail::store_as;
        detail::for_each_batch<Out, T>([&]<class V>(std::size_t o) HARDWIRED_INLINE_LAMBDA {
            V acc = load_as<V>(z, o);
            for (std::size_t k = 0; k < K; ++k)
                acc = hardwired::detail::madd(load_as<V>(p + k * Out, o), load_as<V>(x + k * In, o),
                                              acc);
            store_as(z, o, acc);
        });
    } else {
        constexpr std::size_t Ig = S::group_in, Og = S::group_out;
        alignas(64) std::array<T, K * Ig> xg;
        for (std::size_t g = 0; g < S::groups; ++g) {
            detail::gather_group<S>(x, g, xg.data());
            detail::column_product<K * Ig, Og, Out>(p + g * Og, xg.data(), z + g * Og, reversed);
        }
    }
    if constexpr (S::keeps_pre || !S::identity)
        detail::apply<S::activation, Out>(z, out);
}

/// conv1d_backward with SIMD (shape S): δ of the pre-activations in lanes, then the weights'
/// gradients and δ of the taps (written, not added) column by column, group by group.
template <class S, class T>
void conv1d_backward_simd(T const* p, T* dp, T const* x, T const* z, T const* out, T const* delta,
                          T* d_taps) {
    using hardwired::detail::load_as, hardwired::detail::store_as;
    constexpr std::size_t In = S::inputs, Out = S::outputs, K = S::kernel;
    alignas(64) std::array<T, Out> scaled;
    T const* dz = delta; // δ of the pre-activations: δ itself under the identity
    if constexpr (!S::identity) {
        detail::for_each_batch<Out, T>([&]<class V>(std::size_t o) HARDWIRED_INLINE_LAMBDA {
            store_as(scaled.data(), o,
                     load_as<V>(delta, o) * hardwired::detail::activation_derivative<S::activation>(
                                                load_as<V>(z, o), load_as<V>(out, o)));
        });
        dz = scaled.data();
    }
    if constexpr (S::bias)
        detail::add_into<Out>(dz, dp + S::weights);
    if constexpr (S::one_group) {
        detail::column_product_backward<K * In, Out>(p, dp, x, dz, d_taps);
    } else if constexpr (S::depthwise) {
        detail::for_each_batch<Out, T>([&]<class V>(std::size_t o) HARDWIRED_INLINE_LAMBDA {
            const V d = load_as<V>(dz, o);
            for (std::size_t k = 0; k < K; ++k) {
                T* dw = dp + k * Out;
                store_as(dw, o,
                         hardwired::detail::madd(d, load_as<V>(x + k * In, o), load_as<V>(dw, o)));
                store_as(d_taps + k * In, o, load_as<V>(p + k * Out, o) * d);
            }
        });
    } else {
        constexpr std::size_t Ig = S::group_in, Og = S::group_out;
        alignas(64) std::array<T, K * Ig> xg, dg;
        for (std::size_t g = 0; g < S::groups; ++g) {
            detail::gather_group<S>(x, g, xg.data());
            detail::column_product_backward<K * Ig, Og, false, Out>(
                p + g * Og, dp + g * Og, xg.data(), dz + g * Og, dg.data());
            for (std::size_t k = 0; k < K; ++k)
                detail::copy<Ig>(dg.data() + k * Ig, d_taps + k * In + g * Ig);
        }
    }
}

} // namespace hardwired::kernels
