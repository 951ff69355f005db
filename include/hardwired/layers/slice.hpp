#pragma once
/// A contiguous range of the inputs as a layer: out = in[Begin, Begin + Count), PyTorch's
/// `x[..., Begin:Begin + Count]`. With the blocks it routes values: a branch that reads part of
/// its block's input, a sum that adds two parts of one vector (the residual and skip paths of
/// WaveNet-style models, hw::wavenet).

#include <cstddef>

#include "../diagnostics.hpp"
#include "../kernels/one_sample_simd.hpp"
#include "layer.hpp"

namespace hardwired {

namespace detail {
/// One diagnostic, with the numbers, when the range does not lie within the inputs; true, so
/// that the layer stays a valid type and nothing else fails after it.
template <std::size_t Begin, std::size_t Count, std::size_t In>
constexpr bool check_slice() {
    if constexpr (Count == 0 || Begin + Count > In)
        static_assert(
            diagnostic::holds<
                typename diagnostic::slice_of<Begin, Count>::template does_not_fit_in_inputs<In>>,
            HARDWIRED_MSG_SLICE);
    return true;
}
} // namespace detail

/// The inputs Begin, …, Begin + Count − 1, in order; no parameters. δ of the other inputs is 0.
///
///     hw::concat<hw::slice<0, 1>, hw::chain<hw::slice<1, 16>, hw::dense<16>>>
template <std::size_t Begin, std::size_t Count>
struct slice {
    template <std::size_t In>
    struct bound {
        static_assert(detail::check_slice<Begin, Count, In>());
        static constexpr std::size_t inputs = In, outputs = Count;
        /// A view: where a block places the output (a chain's layer before the last, a branch
        /// summed or multiplied), it points at the inputs and copies nothing.
        static constexpr std::size_t view_offset = Begin;

        template <class T>
        static constexpr void forward(T const*, T const* in, T* out, T*) {
            for (std::size_t i = 0; i < Count; ++i)
                out[i] = in[Begin + i];
        }
        /// The same copy inline in batches (GCC makes the loop above a call of memcpy).
        template <class T>
        static void forward_simd(T const*, T const* in, T* out, T*) {
            kernels::detail::copy<Count>(in + Begin, out);
        }
        template <class T>
        static constexpr void backward(T const*, T*, T const*, T const*, T const*, T const* delta,
                                       T* delta_in) {
            if (!delta_in)
                return;
            for (std::size_t i = 0; i < In; ++i)
                delta_in[i] = i >= Begin && i < Begin + Count ? delta[i - Begin] : T(0);
        }
        /// The same in batches: zeros, δ, zeros.
        template <class T>
        static void backward_simd(T const*, T*, T const*, T const*, T const*, T const* delta,
                                  T* delta_in) {
            if (!delta_in)
                return;
            kernels::detail::zero<Begin>(delta_in);
            kernels::detail::copy<Count>(delta, delta_in + Begin);
            kernels::detail::zero<In - Begin - Count>(delta_in + Begin + Count);
        }
        template <class T>
        static void forward_chunk(T const*, T const* in, T* out, T*, std::size_t nv, bool) {
            using B = xsimd::batch<T>;
            kernels::for_each_chunk_vector<T>(Count, nv, [&](std::size_t at) {
                B::load_aligned(in + Begin * kernels::chunk_samples + at).store_aligned(out + at);
            });
        }
        template <class T, class Epilogue>
        static void backward_chunk(T const*, T*, T const*, T const*, T const*, T const* delta,
                                   T* delta_in, T*, std::size_t nv, bool,
                                   Epilogue const& epilogue) {
            using B = xsimd::batch<T>;
            if (!delta_in)
                return;
            kernels::for_each_chunk_vector<T>(In, nv, [&](std::size_t at) {
                const std::size_t row = at / kernels::chunk_samples;
                const B d = row >= Begin && row < Begin + Count
                                ? B::load_aligned(delta + at - Begin * kernels::chunk_samples)
                                : B(T(0));
                epilogue(at, d).store_aligned(delta_in + at);
            });
        }
    };
};

} // namespace hardwired
