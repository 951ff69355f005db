#pragma once
/// A network's topology as a type, and the compile-time facts about it.
///
///     using xor_net =
///         hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
///     constexpr auto same =
///         hw::input<2>{} >> hw::dense<3, hw::tanh>{} >> hw::dense<1, hw::sigmoid>{};
///     static_assert(std::is_same_v<std::remove_cv_t<decltype(same)>, xor_net>);
///     static_assert(xor_net::parameter_count == 13);

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include "config.hpp"
#include "diagnostics.hpp"
#include "layers/dense.hpp"
#include "layers/input.hpp"

namespace hardwired {

namespace detail {
/// Bytes of an array of n values of T that starts on a 64-byte boundary, up to the next one: the
/// library's arrays are all aligned so.
template <class T>
constexpr std::size_t aligned_bytes(std::size_t n) {
    return (n * sizeof(T) + 63) / 64 * 64;
}

// A layer's size; 1 for a type that is not a layer, so that a wrong layer type gives one error.
template <class T>
inline constexpr std::size_t size_of = 1;
template <class T>
requires requires {
    T::size;
}
inline constexpr std::size_t size_of<T> = T::size;
} // namespace detail

template <class Input, class... Layers>
struct network {
    static_assert(detail::is_input_v<Input>, HARDWIRED_MSG_FIRST_LAYER_INPUT);
    static_assert(sizeof...(Layers) > 0, HARDWIRED_MSG_NO_LAYERS);
    static_assert((detail::is_dense_v<Layers> && ...), HARDWIRED_MSG_NOT_A_LAYER);
    static_assert(detail::size_of<Input> > 0 && ((detail::size_of<Layers> > 0) && ...),
                  HARDWIRED_MSG_EMPTY_LAYER);

    /// Number of layers after the input.
    static constexpr std::size_t depth = sizeof...(Layers);
    /// sizes[0] is the number of inputs, sizes[l + 1] the size of layer l.
    static constexpr std::array<std::size_t, depth + 1> sizes = {detail::size_of<Input>,
                                                                 detail::size_of<Layers>...};
    static constexpr std::size_t inputs = detail::size_of<Input>;
    static constexpr std::size_t outputs = sizes[depth];

    /// Layer l (0-based, the input not counted).
    template <std::size_t L>
    using layer = std::tuple_element_t<L, std::tuple<Layers...>>;

    /// Weights and biases of layer l, and in total.
    static constexpr std::size_t layer_parameters(std::size_t l) {
        return sizes[l] * sizes[l + 1] + sizes[l + 1];
    }
    static constexpr std::size_t parameter_count = [] {
        std::size_t n = 0;
        for (std::size_t l = 0; l < depth; ++l)
            n += layer_parameters(l);
        return n;
    }();
    /// Offset of layer l's parameters in the flat parameter array (weights, then biases).
    static constexpr std::size_t parameter_offset(std::size_t l) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < l; ++i)
            n += layer_parameters(i);
        return n;
    }
    /// Number of activations of all layers, input included.
    static constexpr std::size_t activation_count = [] {
        std::size_t n = 0;
        for (std::size_t s : sizes)
            n += s;
        return n;
    }();

    /// The widest layer, input included.
    static constexpr std::size_t widest = [] {
        std::size_t w = 0;
        for (std::size_t s : sizes)
            w = w > s ? w : s;
        return w;
    }();

    /// Bytes of memory, for value type T, as the library lays it out (each array aligned to 64
    /// bytes), so that `static_assert(net::parameter_bytes<float> <= 4096)` checks a RAM budget:
    /// - parameter_bytes, gradient_bytes: `sizeof(hw::params<Net, T>)`, `sizeof(hw::gradients<Net,
    ///   T>)`;
    /// - workspace_bytes: `sizeof(hw::workspace<Net, T>)`, what hw::gradient keeps on its stack
    ///   (hw::forward keeps two thirds of it);
    /// - batch_workspace_bytes: `sizeof(hw::batch_workspace<Net, T>)`, one chunk of the batched
    ///   functions; hw::fit allocates one, and one gradients object, before its first epoch.
    template <class T = float>
    static constexpr std::size_t parameter_bytes = detail::aligned_bytes<T>(parameter_count);
    template <class T = float>
    static constexpr std::size_t gradient_bytes = parameter_bytes<T>;
    template <class T = float>
    static constexpr std::size_t workspace_bytes = 3 * detail::aligned_bytes<T>(activation_count);
    template <class T = float>
    static constexpr std::size_t batch_workspace_bytes = [] {
        constexpr std::size_t chunk = kernels::chunk_samples;
        return 2 * detail::aligned_bytes<T>(activation_count * chunk) +
               detail::aligned_bytes<T>(2 * widest * chunk) +
               detail::aligned_bytes<T>(widest * chunk) + detail::aligned_bytes<T>(outputs * chunk);
    }();
};

namespace detail {
template <class T>
inline constexpr bool is_network_v = false;
template <class I, class... L>
inline constexpr bool is_network_v<network<I, L...>> = true;
} // namespace detail

/// The expression form: `hw::input<2>{} >> hw::dense<3, hw::tanh>{} >> hw::dense<1>{}`.
template <std::size_t N, class Layer>
requires detail::is_dense_v<Layer>
constexpr network<input<N>, Layer> operator>>(input<N>, Layer) {
    return {};
}
template <class Input, class... Layers, class Layer>
requires detail::is_dense_v<Layer>
constexpr network<Input, Layers..., Layer> operator>>(network<Input, Layers...>, Layer) {
    return {};
}

} // namespace hardwired
