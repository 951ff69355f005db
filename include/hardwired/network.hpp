#pragma once
/// A network's topology as a type, and the compile-time facts about it.
///
///     using xor_net =
///         hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
///     constexpr auto same =
///         hw::input<2>{} >> hw::dense<3, hw::tanh>{} >> hw::dense<1, hw::sigmoid>{};
///     static_assert(std::is_same_v<std::remove_cv_t<decltype(same)>, xor_net>);
///     static_assert(xor_net::parameter_count == 13);
///
/// The layers after the input form a chain (graph/chain.hpp), the network's root layer; blocks
/// (hw::residual, hw::concat, hw::sum, hw::product) are layers of it.

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include "config.hpp"
#include "diagnostics.hpp"
#include "graph/branches.hpp"
#include "graph/chain.hpp"
#include "graph/residual.hpp"
#include "layers/input.hpp"

namespace hardwired {

namespace detail {
/// Bytes of an array of n values of T that starts on a 64-byte boundary, up to the next one: the
/// library's arrays are all aligned so (an empty one still takes one line).
template <class T>
constexpr std::size_t aligned_bytes(std::size_t n) {
    return ((n > 0 ? n : 1) * sizeof(T) + 63) / 64 * 64;
}

// Not constexpr: called during constant evaluation, it stops the compilation with its name.
inline void a_tensor_that_is_not_trainable_must_be_contiguous() {}

// The inputs of hw::input<N>; 1 for a type that is not one, so that a wrong type gives one error.
template <class T>
inline constexpr std::size_t size_of = 1;
template <class T>
requires requires {
    T::size;
}
inline constexpr std::size_t size_of<T> = T::size;

/// The layout of one sample's values in a workspace: the input, the root layer's saved values
/// (every inner layer's output and saved values), the output; then the δ of the input, the δ of
/// the output and the root's backward scratch.
template <class Root>
struct sample_layout {
    static constexpr std::size_t in = 0;
    static constexpr std::size_t saved = Root::inputs;
    static constexpr std::size_t out = saved + saved_count<Root>;
    static constexpr std::size_t values = out + Root::outputs;
    static constexpr std::size_t delta_in = 0;
    static constexpr std::size_t delta_out = Root::inputs;
    template <bool Chunk>
    static constexpr std::size_t scratch = delta_out + Root::outputs;
    template <bool Chunk>
    static constexpr std::size_t deltas = scratch<Chunk> + scratch_count<Root, Chunk>;
};

// A valid root layer for an invalid network, so that its error is the only one.
struct invalid_root {
    static constexpr bool is_block = true;
    static constexpr std::size_t inputs = 1, outputs = 1, parameter_count = 1;
    using children = std::tuple<>;
    static constexpr std::array<std::size_t, 0> param_offset{};
    template <std::size_t>
    using child = invalid_root;
};
struct invalid_spec {
    template <std::size_t>
    using bound = invalid_root;
};
} // namespace detail

template <class Input, class... Layers>
struct network {
    static_assert(detail::is_input_v<Input>, HARDWIRED_MSG_FIRST_LAYER_INPUT);
    static_assert(sizeof...(Layers) > 0, HARDWIRED_MSG_NO_LAYERS);
    static_assert((layer<Layers> && ...), HARDWIRED_MSG_NOT_A_LAYER);
    static_assert(detail::size_of<Input> > 0, HARDWIRED_MSG_EMPTY_LAYER);
    static constexpr bool valid = detail::is_input_v<Input> && sizeof...(Layers) > 0 &&
                                  (layer<Layers> && ...) && detail::size_of<Input> > 0;

    static constexpr std::size_t inputs = detail::size_of<Input>;
    /// The layers after the input as one chain on the network's inputs: the root layer.
    using root = typename std::conditional_t<valid, chain<Layers...>,
                                             detail::invalid_spec>::template bound<inputs>;

    /// Number of layers after the input (a block counts as one).
    static constexpr std::size_t depth = sizeof...(Layers);
    static constexpr std::size_t outputs = root::outputs;
    /// sizes[0] is the number of inputs, sizes[l + 1] the size of layer l's output.
    static constexpr std::array<std::size_t, depth + 1> sizes = [] {
        std::array<std::size_t, depth + 1> s{inputs};
        detail::for_index<depth>([&](auto l) { s[l + 1] = root::template child<l>::outputs; });
        return s;
    }();

    /// Layer l (0-based, the input not counted), as declared, and bound to its inputs.
    template <std::size_t L>
    using layer = std::tuple_element_t<L, std::tuple<Layers...>>;
    template <std::size_t L>
    using bound_layer = typename root::template child<L>;

    static constexpr std::size_t parameter_count = detail::parameter_count<root>;
    /// Offset of layer l's parameters in the flat parameter array.
    static constexpr std::size_t parameter_offset(std::size_t l) { return root::param_offset[l]; }
    /// Every parameter tensor of the network (name, shape in PyTorch's layout, strides, offset in
    /// the flat parameter array, role), depth first in the order of the layers.
    static constexpr std::size_t tensor_count = [] {
        std::size_t n = 0;
        detail::visit_tensors<root>(0, [&](tensor const&) { ++n; });
        return n;
    }();
    static constexpr std::array<tensor, tensor_count> tensors = [] {
        std::array<tensor, tensor_count> all{};
        std::size_t n = 0;
        detail::visit_tensors<root>(0, [&](tensor const& t) { all[n++] = t; });
        return all;
    }();

private:
    // The frozen tensors' ranges sorted by offset (each is contiguous: layer.hpp), then the
    // non-empty ranges between them.
    static constexpr auto trainable_layout = [] {
        struct {
            std::array<std::array<std::size_t, 2>, tensor_count + 1> ranges{};
            std::size_t count = 0;
        } out;
        std::array<std::array<std::size_t, 2>, tensor_count + 1> frozen{};
        std::size_t n = 0;
        for (tensor const& t : tensors)
            if (!t.trainable) {
                if (t.at(t.size() - 1) != t.offset + t.size() - 1)
                    detail::a_tensor_that_is_not_trainable_must_be_contiguous();
                std::size_t k = n++;
                for (; k > 0 && frozen[k - 1][0] > t.offset; --k)
                    frozen[k] = frozen[k - 1];
                frozen[k] = {t.offset, t.offset + t.size()};
            }
        frozen[n] = {parameter_count, parameter_count};
        std::size_t begin = 0;
        for (std::size_t k = 0; k <= n; ++k) {
            if (frozen[k][0] > begin)
                out.ranges[out.count++] = {begin, frozen[k][0]};
            begin = frozen[k][1];
        }
        return out;
    }();

public:
    /// The parts of the flat parameter array that the optimizers update, as [begin, end) ranges
    /// in order: all of it, unless some tensor is not trainable (hw::frozen_batch_norm's
    /// statistics).
    static constexpr std::size_t trainable_range_count = trainable_layout.count;
    static constexpr std::array<std::array<std::size_t, 2>, trainable_range_count>
        trainable_ranges = [] {
            std::array<std::array<std::size_t, 2>, trainable_range_count> r{};
            for (std::size_t k = 0; k < trainable_range_count; ++k)
                r[k] = trainable_layout.ranges[k];
            return r;
        }();
    /// Values of persistent state (recurrent layers); none for the layers so far.
    static constexpr std::size_t state_count = detail::state_count<root>;

    /// Bytes of memory, for value type T, as the library lays it out (each array aligned to 64
    /// bytes), so that `static_assert(net::parameter_bytes<float> <= 4096)` checks a RAM budget:
    /// - parameter_bytes, gradient_bytes: `sizeof(hw::params<Net, T>)`, `sizeof(hw::gradients<Net,
    ///   T>)`;
    /// - workspace_bytes: `sizeof(hw::workspace<Net, T>)`, what hw::gradient keeps on its stack
    ///   (hw::forward keeps the values part of it);
    /// - batch_workspace_bytes: `sizeof(hw::batch_workspace<Net, T>)`, one chunk of the batched
    ///   functions; hw::fit allocates one, and one gradients object, before its first epoch.
    template <class T = float>
    static constexpr std::size_t parameter_bytes = detail::aligned_bytes<T>(parameter_count);
    template <class T = float>
    static constexpr std::size_t gradient_bytes = parameter_bytes<T>;
    template <class T = float>
    static constexpr std::size_t workspace_bytes =
        detail::aligned_bytes<T>(detail::sample_layout<root>::values) +
        detail::aligned_bytes<T>(detail::sample_layout<root>::template deltas<false>) +
        detail::aligned_bytes<random_stream>(1);
    template <class T = float>
    static constexpr std::size_t batch_workspace_bytes = [] {
        constexpr std::size_t chunk = kernels::chunk_samples;
        using lay = detail::sample_layout<root>;
        return detail::aligned_bytes<T>(lay::values * chunk) +
               detail::aligned_bytes<T>(lay::template deltas<true> * chunk) +
               detail::aligned_bytes<T>(outputs * chunk) + detail::aligned_bytes<random_stream>(1);
    }();
};

namespace detail {
template <class T>
inline constexpr bool is_network_v = false;
template <class I, class... L>
inline constexpr bool is_network_v<network<I, L...>> = true;
} // namespace detail

/// The expression form: `hw::input<2>{} >> hw::dense<3, hw::tanh>{} >> hw::dense<1>{}`; between
/// two layer kinds, `>>` makes a hw::chain of them.
template <std::size_t N, layer Layer>
constexpr network<input<N>, Layer> operator>>(input<N>, Layer) {
    return {};
}
template <class Input, class... Layers, layer Layer>
constexpr network<Input, Layers..., Layer> operator>>(network<Input, Layers...>, Layer) {
    return {};
}
template <layer A, layer B>
requires(!detail::is_input_v<A>) constexpr typename detail::join<A, B>::type operator>>(A, B) {
    return {};
}

} // namespace hardwired
