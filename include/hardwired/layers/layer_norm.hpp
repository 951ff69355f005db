#pragma once
/// Layer normalization with PyTorch's nn.LayerNorm semantics over the layer's input (one
/// normalized dimension, elementwise_affine=True): y = (x − E[x]) / √(Var[x] + ε) · weight + bias,
/// Var the biased variance; tensors "weight" [N] (initialised to 1) and "bias" [N] (0).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../diagnostics.hpp"
#include "layer.hpp"

namespace hardwired {

/// Layer normalization with ε = EpsNum / EpsDen (PyTorch's default 1e-5).
///
///     hw::layer_norm<>           hw::layer_norm<1, 1000000>   // ε = 1e-6
template <std::int64_t EpsNum = 1, std::int64_t EpsDen = 100000>
struct layer_norm {
    static_assert(EpsNum > 0 && EpsDen > 0, HARDWIRED_MSG_LAYER_NORM_EPS);

    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = In;
        static constexpr std::array<tensor, 2> tensors{{
            {"weight", 1, {In, 1, 1}, {1, 1, 1}, 0, init_role::ones, In, In},
            {"bias", 1, {In, 1, 1}, {1, 1, 1}, In, init_role::zeros, In, In},
        }};
        /// x̂ = (x − mean)·rstd, then rstd = 1/√(var + ε).
        static constexpr std::size_t saved_count = In + 1;

        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved) {
            using std::sqrt;
            T mean = 0;
            for (std::size_t i = 0; i < In; ++i)
                mean += in[i];
            mean /= T(In);
            T var = 0;
            for (std::size_t i = 0; i < In; ++i)
                var += (in[i] - mean) * (in[i] - mean);
            var /= T(In);
            const T rstd = T(1) / sqrt(var + T(EpsNum) / T(EpsDen));
            for (std::size_t i = 0; i < In; ++i) {
                saved[i] = (in[i] - mean) * rstd;
                out[i] = saved[i] * p[i] + p[In + i];
            }
            saved[In] = rstd;
        }
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const*, T const*, T const* saved,
                                       T const* delta, T* delta_in) {
            T mean_g = 0, mean_gx = 0;
            for (std::size_t i = 0; i < In; ++i) {
                dp[i] += delta[i] * saved[i];
                dp[In + i] += delta[i];
                const T g = delta[i] * p[i];
                mean_g += g;
                mean_gx += g * saved[i];
            }
            if (!delta_in)
                return;
            mean_g /= T(In);
            mean_gx /= T(In);
            for (std::size_t i = 0; i < In; ++i)
                delta_in[i] = saved[In] * (delta[i] * p[i] - mean_g - saved[i] * mean_gx);
        }
    };
};

} // namespace hardwired
