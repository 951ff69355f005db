#pragma once
/// An element-wise activation as a layer of its own: out = f(in), as PyTorch's nn.Tanh,
/// nn.ReLU, … between layers (a dense layer's own activation needs no such layer).

#include <cstddef>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "../kernels/one_sample_simd.hpp"
#include "layer.hpp"

namespace hardwired {

/// out = F(in) element by element, F any formula in `hw::x`; no parameters.
///
///     hw::dense<16>, hw::activation_layer<hw::gelu>      // the same as hw::dense<16, hw::gelu>
template <auto F>
struct activation_layer {
    static_assert(hardwired::activation<decltype(F)>, HARDWIRED_MSG_ACTIVATION_LAYER);

    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = In;
        /// The tail: the driver multiplies δ by f′, from the outputs or from z, the input kept.
        static constexpr auto activation = F;
        static constexpr std::size_t saved_count = In;

        template <class T>
        static constexpr void forward(T const*, T const* in, T* out, T* saved) {
            for (std::size_t i = 0; i < In; ++i) {
                saved[i] = in[i];
                out[i] = F(in[i]);
            }
        }
        /// One sample with SIMD (z kept as by the reference kernel: the workspace shows it).
        template <class T>
        static void forward_simd(T const*, T const* in, T* out, T* saved) {
            kernels::detail::copy<In>(in, saved);
            kernels::detail::apply<F, In>(in, out);
        }
        template <class T>
        static constexpr void backward(T const*, T*, T const*, T const*, T const*, T const* delta,
                                       T* delta_in) {
            if (delta_in)
                for (std::size_t i = 0; i < In; ++i)
                    delta_in[i] = delta[i];
        }
        template <class T>
        static void forward_chunk(T const*, T const* in, T* out, T* saved, std::size_t nv,
                                  bool training) {
            using B = xsimd::batch<T>;
            kernels::for_each_chunk_vector<T>(In, nv, [&](std::size_t at) {
                const B z = B::load_aligned(in + at);
                if (training && !is_output_expressible(F))
                    z.store_aligned(saved + at);
                F(z).store_aligned(out + at);
            });
        }
        template <class T, class Epilogue>
        static void backward_chunk(T const*, T*, T const*, T const*, T const*, T const* delta,
                                   T* delta_in, T*, std::size_t nv, bool,
                                   Epilogue const& epilogue) {
            using B = xsimd::batch<T>;
            if (delta_in)
                kernels::for_each_chunk_vector<T>(In, nv, [&](std::size_t at) {
                    epilogue(at, B::load_aligned(delta + at)).store_aligned(delta_in + at);
                });
        }
    };
};

} // namespace hardwired
