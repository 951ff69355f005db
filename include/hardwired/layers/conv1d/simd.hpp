#pragma once
// The causal convolution's one-sample xsimd kernels (one group): its outputs lie in SIMD lanes
// and the weights are stored by columns (conv1d_shape::weight_at), so a step is one column
// product of the bias with the K·In inputs of the taps, then the activation on whole batches.
// Backward: dz = δ·f′ in lanes, then the weights' gradients and δ of the taps column by column.

#include "../../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <array>
#include <cstddef>

#include "../../config.hpp"
#include "../../kernels/column_product.hpp"
#include "../../kernels/one_sample_simd.hpp"
#include "scalar.hpp"

namespace hardwired::kernels {

/// conv1d_forward with SIMD (shape S of one group), the taps' inputs at x; `reversed` as
/// column_product's. The sums go to the pre-activations where they are kept, else to `out`,
/// where the activation (unless the identity) then replaces them.
template <class S, class T>
HARDWIRED_ALWAYS_INLINE void conv1d_forward_simd(T const* p, T const* x, T* out, T* saved,
                                                 bool reversed = false) {
    static_assert(S::one_group);
    constexpr std::size_t Out = S::outputs;
    T* z = S::keeps_pre ? saved + S::pre : out;
    if constexpr (S::bias)
        detail::copy<Out>(p + S::weights, z);
    else
        detail::zero<Out>(z);
    detail::column_product<S::kernel * S::inputs, Out>(p, x, z, reversed);
    if constexpr (S::keeps_pre || !S::identity)
        detail::apply<S::activation, Out>(z, out);
}

/// conv1d_backward with SIMD (shape S of one group): δ of the pre-activations in lanes, then the
/// weights' gradients and δ of the taps (written, not added) column by column.
template <class S, class T>
void conv1d_backward_simd(T const* p, T* dp, T const* x, T const* z, T const* out, T const* delta,
                          T* d_taps) {
    static_assert(S::one_group);
    using hardwired::detail::load_as, hardwired::detail::store_as;
    constexpr std::size_t Out = S::outputs;
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
    detail::column_product_backward<S::kernel * S::inputs, Out>(p, dp, x, dz, d_taps);
}

} // namespace hardwired::kernels
