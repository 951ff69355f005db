#pragma once
#include <cstddef>

namespace hardwired {

/// The input of a network: N numbers per sample. Always the first layer.
template <std::size_t N>
struct input {
    static constexpr std::size_t size = N;
};

namespace detail {
template <class T>
inline constexpr bool is_input_v = false;
template <std::size_t N>
inline constexpr bool is_input_v<input<N>> = true;
} // namespace detail

} // namespace hardwired
