#pragma once
/// Batch normalization in its inference form, with fixed statistics: PyTorch's nn.BatchNorm1d
/// after `.eval()` (torchvision calls this FrozenBatchNorm), Keras's BatchNormalization at
/// inference.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../diagnostics.hpp"
#include "layer.hpp"

namespace hardwired {

/// y = (x − running_mean) / √(running_var + ε) · weight + bias, element by element, with
/// ε = EpsNum / EpsDen (PyTorch's default 1e-5). Tensors as PyTorch's `nn.BatchNorm1d(In)`
/// names them: "weight" [In] (initialised to 1) and "bias" [In] (0) when Affine (PyTorch's
/// `affine=True`), then the statistics "running_mean" [In] (0) and "running_var" [In] (1).
///
/// The statistics are not trainable (hw::tensor::trainable): they are saved and loaded, their
/// gradient is computed, and the optimizers leave them as they are; training updates weight
/// and bias alone, as fine-tuning a PyTorch model in `.eval()` mode does. The layer never
/// computes a batch's statistics: to train statistics, train the model in PyTorch and load it.
/// (PyTorch's `num_batches_tracked` counter has no use here: tools/torch_to_safetensors.py
/// leaves it out.)
///
///     hw::conv1d<4, 3>, hw::frozen_batch_norm<>                  // ε = 1e-5, affine
///     hw::frozen_batch_norm<1, 100, false>                       // ε = 0.01, no weight, bias
template <std::int64_t EpsNum = 1, std::int64_t EpsDen = 100000, bool Affine = true>
struct frozen_batch_norm {
    static_assert(EpsNum > 0 && EpsDen > 0, HARDWIRED_MSG_BATCH_NORM_EPS);

    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = In;
        static constexpr double epsilon = static_cast<double>(EpsNum) / static_cast<double>(EpsDen);
        /// Offsets of the four vectors in the layer's block (weight and bias only when Affine).
        static constexpr std::size_t weight = 0, bias = In, mean = Affine ? 2 * In : 0,
                                     var = mean + In;
        static constexpr std::array<tensor, Affine ? 4 : 2> tensors = [] {
            std::array<tensor, Affine ? 4 : 2> t{};
            std::size_t k = 0;
            if constexpr (Affine) {
                t[k++] = {"weight", 1, {In, 1, 1}, {1, 1, 1}, weight, init_role::ones, In, In};
                t[k++] = {"bias", 1, {In, 1, 1}, {1, 1, 1}, bias, init_role::zeros, In, In};
            }
            t[k] = {"running_mean", 1, {In, 1, 1}, {1, 1, 1}, mean, init_role::zeros, In, In};
            t[k++].trainable = false;
            t[k] = {"running_var", 1, {In, 1, 1}, {1, 1, 1}, var, init_role::ones, In, In};
            t[k++].trainable = false;
            return t;
        }();
        /// x̂ = (x − running_mean) / √(running_var + ε).
        static constexpr std::size_t saved_count = In;

        template <class T>
        static constexpr T rstd(T const* p, std::size_t i) {
            using std::sqrt;
            return T(1) / sqrt(p[var + i] + T(EpsNum) / T(EpsDen));
        }
        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved) {
            for (std::size_t i = 0; i < In; ++i) {
                saved[i] = (in[i] - p[mean + i]) * rstd(p, i);
                out[i] = Affine ? saved[i] * p[weight + i] + p[bias + i] : saved[i];
            }
        }
        /// ∂y/∂x = weight·r, ∂y/∂mean = −weight·r, ∂y/∂var = −weight·x̂·r²/2 with
        /// r = 1/√(var + ε).
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const*, T const*, T const* saved,
                                       T const* delta, T* delta_in) {
            for (std::size_t i = 0; i < In; ++i) {
                const T r = rstd(p, i);
                const T g = Affine ? delta[i] * p[weight + i] : delta[i];
                if constexpr (Affine) {
                    dp[weight + i] += delta[i] * saved[i];
                    dp[bias + i] += delta[i];
                }
                dp[mean + i] -= g * r;
                dp[var + i] -= g * saved[i] * r * r / T(2);
                if (delta_in)
                    delta_in[i] = g * r;
            }
        }
    };
};

} // namespace hardwired
