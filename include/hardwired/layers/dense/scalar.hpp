#pragma once
// The dense layer's view of its parameters and its scalar reference kernels: forward
// (z = W·a + b, a' = f(z)) and backward (given δ = ∂L/∂z: dW += δ ⊗ a, db += δ, g_in = Wᵀδ).
// The faster kernels are tested against these; they are written for any value type (float,
// double, test duals).

#include <cstddef>

namespace hardwired {

/// Typed access to one dense layer's weights w(j, k) (input k → neuron j) and biases b(j).
/// Storage: the weights column by column, w(j, k) at k·outputs + j (so a layer's outputs are
/// contiguous, as the SIMD kernels want them), then the biases (none without bias).
template <class T, std::size_t In, std::size_t Out, bool Bias = true>
struct layer_view {
    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = Out;
    static constexpr bool has_bias = Bias;
    T* data;

    constexpr T& w(std::size_t j, std::size_t k) const { return data[k * Out + j]; }
    constexpr T& b(std::size_t j) const requires Bias { return data[In * Out + j]; }
    /// Column k of W: the weights from input k to every neuron, contiguous.
    constexpr T* column(std::size_t k) const { return data + k * Out; }
    constexpr T* biases() const requires Bias { return data + In * Out; }
    /// The bias of neuron j, 0 without bias.
    constexpr T bias(std::size_t j) const {
        if constexpr (Bias)
            return data[In * Out + j];
        else
            return T(0);
    }
};

namespace kernels {

template <auto Act, class T, std::size_t In, std::size_t Out, bool Bias>
constexpr void dense_forward(layer_view<const T, In, Out, Bias> w, T const* a_in, T* z, T* a_out) {
    for (std::size_t j = 0; j < Out; ++j)
        z[j] = w.bias(j);
    for (std::size_t k = 0; k < In; ++k) {
        const T x = a_in[k];
        T const* col = w.column(k);
        for (std::size_t j = 0; j < Out; ++j)
            z[j] += col[j] * x;
    }
    for (std::size_t j = 0; j < Out; ++j)
        a_out[j] = Act(z[j]);
}

/// Given δ = ∂L/∂z in `delta`, accumulates the layer's gradients into `dw` and, if `g_in` is
/// not null, writes ∂L/∂a_in there.
template <class T, std::size_t In, std::size_t Out, bool Bias>
constexpr void dense_backward(layer_view<const T, In, Out, Bias> w, layer_view<T, In, Out, Bias> dw,
                              T const* a_in, T const* delta, T* g_in) {
    if constexpr (Bias)
        for (std::size_t j = 0; j < Out; ++j)
            dw.b(j) += delta[j];
    for (std::size_t k = 0; k < In; ++k) {
        const T x = a_in[k];
        T const* col = w.column(k);
        T* dcol = dw.column(k);
        T back = 0;
        for (std::size_t j = 0; j < Out; ++j) {
            dcol[j] += delta[j] * x;
            back += col[j] * delta[j];
        }
        if (g_in)
            g_in[k] = back;
    }
}

} // namespace kernels
} // namespace hardwired
