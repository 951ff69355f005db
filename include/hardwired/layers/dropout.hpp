#pragma once
/// Dropout with PyTorch's nn.Dropout semantics: in a training pass each input is zeroed with
/// probability p and the others are scaled by 1/(1 − p) (inverted dropout), so that inference,
/// where the layer is the identity, needs no rescaling. The masks come from the workspace's
/// hw::random_stream (layers/layer.hpp): seeded by hw::fit's seed, the same for a seed whatever
/// the batch size or kernels, so training stays bit-reproducible.

#include <cstddef>
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "../diagnostics.hpp"
#include "layer.hpp"

namespace hardwired {

/// Dropout with drop probability p = PNum / PDen, 0 ≤ p < 1; no parameters.
///
///     hw::dense<64, hw::relu>, hw::dropout<1, 5>, hw::dense<10>     // p = 0.2
template <std::uint32_t PNum, std::uint32_t PDen>
struct dropout {
    static_assert(PDen > 0 && PNum < PDen, HARDWIRED_MSG_DROPOUT_P);

    /// An element is dropped when the high 32 of its 64 random bits are below p·2³².
    static constexpr std::uint64_t threshold = PDen > 0 ? (std::uint64_t{PNum} << 32) / PDen : 0;

    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = In;
        static constexpr bool draws_random = true;
        /// The mask times 1/(1 − p): 0 or the scale, per element.
        static constexpr std::size_t saved_count = In;

        template <class T>
        static constexpr T keep(random_draws const& r, std::size_t i) {
            return (r.bits(i) >> 32) < threshold ? T(0) : T(PDen) / T(PDen - PNum);
        }

        template <class T>
        static constexpr void forward(random_draws const& r, T const*, T const* in, T* out,
                                      T* saved) {
            for (std::size_t i = 0; i < In; ++i) {
                if (r.training) {
                    saved[i] = keep<T>(r, i);
                    out[i] = in[i] * saved[i];
                } else
                    out[i] = in[i];
            }
        }
        template <class T>
        static constexpr void backward(T const*, T*, T const*, T const*, T const* saved,
                                       T const* delta, T* delta_in) {
            if (delta_in)
                for (std::size_t i = 0; i < In; ++i)
                    delta_in[i] = delta[i] * saved[i];
        }
        /// Samples in lanes: a copy in inference; in training the mask is drawn per sample
        /// (lane s of the chunk is sample r.sample + s of the stream), as the reference kernel.
        template <class T>
        static void forward_chunk(random_draws const& r, T const*, T const* in, T* out, T* saved,
                                  std::size_t nv, bool training) {
            using B = xsimd::batch<T>;
            constexpr std::size_t C = kernels::chunk_samples;
            if (training)
                for (std::size_t s = 0; s < nv * B::size; ++s) {
                    const random_draws lane = r.lane(s);
                    for (std::size_t i = 0; i < In; ++i) {
                        saved[i * C + s] = keep<T>(lane, i);
                        out[i * C + s] = in[i * C + s] * saved[i * C + s];
                    }
                }
            else
                kernels::for_each_chunk_vector<T>(In, nv, [&](std::size_t at) {
                    B::load_aligned(in + at).store_aligned(out + at);
                });
        }
        template <class T, class Epilogue>
        static void backward_chunk(T const*, T*, T const*, T const*, T const* saved, T const* delta,
                                   T* delta_in, T*, std::size_t nv, bool,
                                   Epilogue const& epilogue) {
            using B = xsimd::batch<T>;
            if (delta_in)
                kernels::for_each_chunk_vector<T>(In, nv, [&](std::size_t at) {
                    epilogue(at, B::load_aligned(delta + at) * B::load_aligned(saved + at))
                        .store_aligned(delta_in + at);
                });
        }
    };
};

} // namespace hardwired
