#pragma once
/// A layer's parameter tensors as the layer concept declares them (layers/layer.hpp): name,
/// shape in PyTorch's layout, place in the layer's block of the flat parameter array, and how
/// hw::init initialises it.

#include <array>
#include <cstddef>

namespace hardwired {

/// How a parameter tensor is initialised by the initialisers of hw::init.
enum class init_role {
    weight,   ///< a weight: hw::init::xavier/he/fan_in draw it from its fan-in and fan-out
    bias,     ///< a bias: zero, or U(±1/√fan_in) for hw::init::fan_in (PyTorch's nn.Linear)
    ones,     ///< always 1 (LayerNorm's weight)
    zeros,    ///< always 0 (LayerNorm's bias)
    constant, ///< always the tensor's `value` (PReLU's slope, 0.25)
};

/// One parameter tensor of a layer. Element (i₀, i₁, i₂) of a tensor of `rank` dimensions lies
/// at offset + Σ iₖ·stride[k] in the layer's block of the flat parameter array.
///
/// A tensor that is not `trainable` (a frozen batch norm's running statistics, which PyTorch
/// keeps as buffers) is saved, loaded and initialised like the others, and its gradient is
/// computed, but the optimizers leave it as it is; it must be contiguous (strides of a row-major
/// layout), so that it is one range of the flat array.
struct tensor {
    const char* name = "";
    std::size_t rank = 1;
    std::array<std::size_t, 3> shape{1, 1, 1};
    std::array<std::size_t, 3> stride{1, 1, 1};
    std::size_t offset = 0;
    init_role role = init_role::weight;
    std::size_t fan_in = 1, fan_out = 1;
    bool trainable = true;
    double value = 0; ///< the value of an init_role::constant tensor

    constexpr std::size_t size() const {
        std::size_t n = 1;
        for (std::size_t k = 0; k < rank; ++k)
            n *= shape[k];
        return n;
    }
    /// Offset of element `index` (row-major over the shape, as PyTorch stores it).
    constexpr std::size_t at(std::size_t index) const {
        std::size_t off = offset;
        for (std::size_t k = rank; k-- > 0;) {
            off += index % shape[k] * stride[k];
            index /= shape[k];
        }
        return off;
    }
};

} // namespace hardwired
