#pragma once
/// What the blocks (chain, residual, branches) share: running over the elements of rows in any
/// mode, the typed view of a block's parameters, and the traversal of a layer tree.

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../kernels/one_sample_simd.hpp"
#include "../layers/layer.hpp"

namespace hardwired {

namespace detail {

/// f(integral_constant<I>) for I = 0 … N−1.
template <std::size_t N, class F>
inline constexpr void for_index(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(std::integral_constant<std::size_t, I>{}), ...);
    }
    (std::make_index_sequence<N>{});
}

/// f(V{}, at) for every element of Rows rows, `at` the first of V's values: V a SIMD vector of T
/// in chunks; for one sample with the SIMD kernels, batches of consecutive rows as the layers'
/// own element-wise passes take them (kernels::detail::for_each_batch: the next layer reads them
/// in the widths they were written in), and T itself with the reference kernels.
template <class T, std::size_t Rows, class Mode, class F>
inline void for_each_vector(Mode const& m, F&& f) {
    if constexpr (Mode::chunked) {
        using B = xsimd::batch<T>;
        for (std::size_t r = 0; r < Rows; ++r) {
            HARDWIRED_SAMPLE_VECTOR_LOOP
            for (std::size_t v = 0; v < m.nv; ++v)
                f(B{}, r * Mode::width + v * B::size);
        }
    } else if constexpr (std::is_same_v<Mode, simd_mode>) {
        kernels::detail::for_each_batch<Rows, T>([&]<class V>(std::size_t at) { f(V{}, at); });
    } else {
        for (std::size_t r = 0; r < Rows; ++r)
            f(T{}, r);
    }
}

/// The largest of the values (0 for none).
template <std::size_t N>
constexpr std::size_t largest(std::array<std::size_t, N> const& v) {
    std::size_t m = 0;
    for (std::size_t x : v)
        m = x > m ? x : m;
    return m;
}

/// Exclusive prefix sums: offsets of consecutive blocks of the given sizes.
template <std::size_t N>
constexpr std::array<std::size_t, N> offsets(std::array<std::size_t, N> const& sizes,
                                             std::size_t start = 0) {
    std::array<std::size_t, N> o{};
    for (std::size_t i = 0; i < N; ++i) {
        o[i] = start;
        start += sizes[i];
    }
    return o;
}

/// Where a value a block computes lies, in rows from the start of the block's input (`in_input`,
/// a view of it: detail::is_view) or of its saved values.
struct value_place {
    bool in_input = false;
    std::size_t offset = 0;
    template <class T>
    constexpr T const* in(T const* input, T const* saved, std::size_t width) const {
        return (in_input ? input : saved) + offset * width;
    }
};

/// A tail at the given offset of a block's saved values (the tail of its last layer), or none.
template <class Child, std::size_t Offset, bool = has_tail<Child>>
struct tail_at {};
template <class Child, std::size_t Offset>
struct tail_at<Child, Offset, true> {
    static constexpr auto activation = Child::activation;
    static constexpr std::size_t tail_offset = Offset + detail::tail_offset<Child>;
};

} // namespace detail

/// A layer's parameters without a typed view of their own: `flat()` is all of them.
template <class T, std::size_t N>
struct flat_view {
    T* data;
    constexpr T& operator[](std::size_t i) const { return data[i]; }
    constexpr std::size_t size() const { return N; }
};

namespace detail {
template <class L, class T>
constexpr auto view_of(T* data) {
    if constexpr (requires { typename L::template view<T>; })
        return typename L::template view<T>{data};
    else
        return flat_view<T, parameter_count<L>>{data};
}
} // namespace detail

/// The parameters of a block: `layer<I>()` is the view of its I-th layer (or branch).
template <class Block, class T>
struct block_view {
    T* data;
    template <std::size_t I>
    constexpr auto layer() const {
        return detail::view_of<std::tuple_element_t<I, typename Block::children>>(
            data + Block::param_offset[I]);
    }
};

/// How a block's children are named as modules of PyTorch (hw::io::tensor_names): each block
/// declares `static constexpr module_form naming`.
enum class module_form {
    /// An nn.Sequential: children numbered 0, 1, …, where a child with parameters and an
    /// activation of its own (not the identity) takes two numbers, as nn.Linear then nn.Tanh.
    sequential,
    /// An nn.ModuleList: child i is number i.
    list,
    /// The block's one child is the block's own module (a residual block is the nn.Sequential
    /// of its body).
    same,
};

namespace detail {
/// f(tensor) for every parameter tensor of the bound layer L, its offset made relative to the
/// network's parameters (L's own at `offset`), depth first in parameter order.
template <class L, class F>
constexpr void visit_tensors(std::size_t offset, F&& f) {
    if constexpr (is_block<L>) {
        for_index<std::tuple_size_v<typename L::children>>([&](auto i) {
            visit_tensors<std::tuple_element_t<i, typename L::children>>(
                offset + L::param_offset[i], f);
        });
    } else {
        for (tensor t : tensors_of<L>()) {
            t.offset += offset;
            f(t);
        }
    }
}
} // namespace detail

} // namespace hardwired
