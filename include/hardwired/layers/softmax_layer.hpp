#pragma once
/// Softmax as a layer: out = exp(in − max) / Σ exp(in − max), as PyTorch's nn.Softmax(dim=-1).
/// For training a classifier, a last layer of logits with hw::softmax_cross_entropy is the
/// stable and faster route; this layer is for softmax inside a network (attention-like
/// weights, mixtures) or as the output of a model whose loss wants probabilities.

#include <cmath>
#include <cstddef>

#include "layer.hpp"

namespace hardwired {

/// Softmax over the layer's input; no parameters. Backward: δ_in = y ⊙ (δ − Σ δ·y).
struct softmax_layer {
    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = In;

        template <class T>
        static constexpr void forward(T const*, T const* in, T* out, T*) {
            using std::exp;
            T m = in[0];
            for (std::size_t i = 1; i < In; ++i)
                m = in[i] > m ? in[i] : m;
            T sum = 0;
            for (std::size_t i = 0; i < In; ++i) {
                out[i] = exp(in[i] - m);
                sum += out[i];
            }
            const T inv = T(1) / sum;
            for (std::size_t i = 0; i < In; ++i)
                out[i] *= inv;
        }
        template <class T>
        static constexpr void backward(T const*, T*, T const*, T const* out, T const*,
                                       T const* delta, T* delta_in) {
            if (!delta_in)
                return;
            T dot = 0;
            for (std::size_t i = 0; i < In; ++i)
                dot += delta[i] * out[i];
            for (std::size_t i = 0; i < In; ++i)
                delta_in[i] = out[i] * (delta[i] - dot);
        }
    };
};

} // namespace hardwired
