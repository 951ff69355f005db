#pragma once
/// Parameters (and, with the same shape, gradients) of a network: a plain aggregate holding one
/// aligned array, with typed per-layer views and a flat view for optimizers. No heap.
///
///     hw::params<xor_net> p;                 // float, all zero
///     hw::init::xavier(p, 42);               // or constant, uniform, he, fan_in
///     p.layer<0>().w(2, 1) = 0.5f;           // weight from input 1 to neuron 2 of layer 0
///     p.layer<1>().b(0) = 0.1f;              // bias of neuron 0 of layer 1
///     for (float& v : p.flat()) v *= 2;      // all parameters
///
/// Layout of layer l in the flat array (offset Net::parameter_offset(l)): the weights column by
/// column, w(j, k) at k·outputs + j (so a layer's outputs are contiguous, as the SIMD kernels
/// want them), then the biases.

#include <array>
#include <cstddef>
#include <span>

#include "diagnostics.hpp"
#include "network.hpp"

namespace hardwired {

/// Typed access to one dense layer's weights w(j, k) (input k → neuron j) and biases b(j).
template <class T, std::size_t In, std::size_t Out>
struct layer_view {
    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = Out;
    T* data;

    constexpr T& w(std::size_t j, std::size_t k) const { return data[k * Out + j]; }
    constexpr T& b(std::size_t j) const { return data[In * Out + j]; }
    /// Column k of W: the weights from input k to every neuron, contiguous.
    constexpr T* column(std::size_t k) const { return data + k * Out; }
    constexpr T* biases() const { return data + In * Out; }
};

template <class Net, class T = float>
struct params {
    static_assert(detail::is_network_v<Net>, HARDWIRED_MSG_PARAMS_NETWORK);
    using network_type = Net;
    using value_type = T;
    static constexpr std::size_t size = [] {
        if constexpr (detail::is_network_v<Net>)
            return Net::parameter_count;
        else
            return std::size_t{0};
    }();

    alignas(64) std::array<T, size> values{};

    /// Layer L (0-based, after the input).
    template <std::size_t L>
    constexpr auto layer() {
        return layer_view<T, Net::sizes[L], Net::sizes[L + 1]>{values.data() +
                                                               Net::parameter_offset(L)};
    }
    template <std::size_t L>
    constexpr auto layer() const {
        return layer_view<const T, Net::sizes[L], Net::sizes[L + 1]>{values.data() +
                                                                     Net::parameter_offset(L)};
    }
    constexpr std::span<T, size> flat() { return values; }
    constexpr std::span<const T, size> flat() const { return values; }

    friend constexpr bool operator==(params const&, params const&) = default;
};

/// Gradients have the shape of parameters: the same aggregate, with the same views.
template <class Net, class T = float>
using gradients = params<Net, T>;

} // namespace hardwired
