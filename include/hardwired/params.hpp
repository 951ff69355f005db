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
/// Each layer's parameters are one block of the flat array, at offset Net::parameter_offset(l),
/// laid out as its tensor table says (a dense layer: the weights column by column, w(j, k) at
/// k·outputs + j, so that a layer's outputs are contiguous as the SIMD kernels want them, then
/// the biases); a block's view reaches its layers with `.layer<I>()`.

#include <array>
#include <cstddef>
#include <span>

#include "diagnostics.hpp"
#include "network.hpp"

namespace hardwired {

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

    /// Layer L (0-based, after the input): its view (hw::layer_view for a dense layer, a
    /// hw::block_view for a block).
    template <std::size_t L>
    constexpr auto layer() {
        return detail::view_of<typename Net::template bound_layer<L>>(values.data() +
                                                                      Net::parameter_offset(L));
    }
    template <std::size_t L>
    constexpr auto layer() const {
        return detail::view_of<typename Net::template bound_layer<L>>(
            static_cast<T const*>(values.data() + Net::parameter_offset(L)));
    }
    constexpr std::span<T, size> flat() { return values; }
    constexpr std::span<const T, size> flat() const { return values; }

    friend constexpr bool operator==(params const&, params const&) = default;
};

/// Gradients have the shape of parameters: the same aggregate, with the same views.
template <class Net, class T = float>
using gradients = params<Net, T>;

} // namespace hardwired
