#pragma once
#include <cstddef>

#include "../activation.hpp"
#include "../diagnostics.hpp"

namespace hardwired {

/// A fully connected layer of N neurons: a = f(W·a_prev + b), with W of shape (N, inputs) as in
/// the source documents (w_jk joins input k to neuron j). `Activation` is any formula in `hw::x`
/// (default identity). The number of inputs is the previous layer's size.
///
///     hw::dense<16, hw::tanh>    hw::dense<1>    hw::dense<8, hw::x * hw::sigmoid(hw::x)>
template <std::size_t N, auto Activation = x>
struct dense {
    static constexpr std::size_t size = N;
    static constexpr auto activation = Activation;
    static_assert(hardwired::activation<decltype(Activation)>, HARDWIRED_MSG_ACTIVATION);
};

namespace detail {
template <class T>
inline constexpr bool is_dense_v = false;
template <std::size_t N, auto F>
inline constexpr bool is_dense_v<dense<N, F>> = true;
} // namespace detail

} // namespace hardwired
