#pragma once
// The scalar dense-layer kernel: forward (z = W·a + b, a' = f(z)) and the fused backward step
// (δ = g ⊙ f', dW += δ ⊗ a, db += δ, g_prev = Wᵀδ). It is the reference path the faster kernels
// are tested against, and it is written for any value type (float, double, test duals).

#include <cstddef>

#include "../params.hpp"
#include "../sym/output_form.hpp"

namespace hardwired::kernels {

template <auto Act, class T, std::size_t In, std::size_t Out>
constexpr void dense_forward(layer_view<const T, In, Out> w, T const* a_in, T* z, T* a_out) {
    for (std::size_t j = 0; j < Out; ++j)
        z[j] = w.b(j);
    for (std::size_t k = 0; k < In; ++k) {
        const T x = a_in[k];
        T const* col = w.column(k);
        for (std::size_t j = 0; j < Out; ++j)
            z[j] += col[j] * x;
    }
    for (std::size_t j = 0; j < Out; ++j)
        a_out[j] = Act(z[j]);
}

/// f'(z) for the layer, from the stored output a = f(z) where the derivative can be written in
/// the output alone (σ' = a(1 − a), tanh' = 1 − a², relu' = [a > 0]): no exp is recomputed.
template <auto Act, class T>
constexpr T activation_derivative(T const& z, T const& a) {
    if constexpr (is_output_expressible(Act))
        return output_derivative(Act)(a);
    else
        return derivative(Act)(z);
}

/// Given g = ∂L/∂a_out in `g_out`, accumulates the layer's gradients into `dw` and, if `g_in` is
/// not null, writes ∂L/∂a_in there. `g_out` is overwritten with δ.
template <auto Act, class T, std::size_t In, std::size_t Out>
constexpr void dense_backward(layer_view<const T, In, Out> w, layer_view<T, In, Out> dw,
                              T const* a_in, T const* z, T const* a_out, T* g_out, T* g_in) {
    for (std::size_t j = 0; j < Out; ++j)
        g_out[j] *= activation_derivative<Act>(z[j], a_out[j]);
    for (std::size_t j = 0; j < Out; ++j)
        dw.b(j) += g_out[j];
    for (std::size_t k = 0; k < In; ++k) {
        const T x = a_in[k];
        T const* col = w.column(k);
        T* dcol = dw.column(k);
        T back = 0;
        for (std::size_t j = 0; j < Out; ++j) {
            dcol[j] += g_out[j] * x;
            back += col[j] * g_out[j];
        }
        if (g_in)
            g_in[k] = back;
    }
}

} // namespace hardwired::kernels
