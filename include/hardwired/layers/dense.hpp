#pragma once
/// The dense (fully connected) layer kind: out = f(W·in + b).

#include <array>
#include <cstddef>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "dense/chunk.hpp"
#include "dense/scalar.hpp"
#include "dense/simd.hpp"
#include "layer.hpp"

namespace hardwired {

/// For `hw::dense<N, Activation, hw::no_bias>`: a dense layer without bias (PyTorch
/// `nn.Linear(in, N, bias=False)`, Keras `use_bias=False`).
inline constexpr bool no_bias = false;

/// A fully connected layer of N neurons: a = f(W·a_prev + b), with W of shape [N, inputs] as in
/// PyTorch's nn.Linear (w(j, k) joins input k to neuron j). `Activation` is any formula in
/// `hw::x` (default identity). The number of inputs is the previous layer's size. Tensors
/// "weight" [N, inputs] and "bias" [N]; PyTorch's default initialisation U(±1/√inputs).
///
///     hw::dense<16, hw::tanh>    hw::dense<1>    hw::dense<8, hw::x * hw::sigmoid(hw::x)>
///     hw::dense<8, hw::tanh, hw::no_bias>
template <std::size_t N, auto Activation = x, bool Bias = true>
struct dense {
    static constexpr std::size_t size = N;
    static constexpr auto activation = Activation;
    static_assert(hardwired::activation<decltype(Activation)>, HARDWIRED_MSG_ACTIVATION);
    static_assert(N > 0, HARDWIRED_MSG_EMPTY_LAYER);

    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = N;
        static constexpr auto activation = Activation;
        /// z = W·in + b, kept for f′ (and shown as the layer's pre-activations).
        static constexpr std::size_t saved_count = N;
        /// The chunk backward kernel's δ transposed.
        static constexpr std::size_t chunk_scratch = N;
        static constexpr std::array<tensor, Bias ? 2 : 1> tensors = [] {
            std::array<tensor, Bias ? 2 : 1> t{};
            t[0] = {"weight", 2, {N, In, 1}, {1, N, 1}, 0, init_role::weight, In, N};
            if constexpr (Bias)
                t[Bias ? 1 : 0] = {"bias", 1, {N, 1, 1}, {1, 1, 1}, In * N, init_role::bias, In, N};
            return t;
        }();

        template <class T>
        using view = layer_view<T, In, N, Bias>;

        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved) {
            kernels::dense_forward<Activation>(view<const T>{p}, in, saved, out);
        }
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const*, T const*,
                                       T const* delta, T* delta_in) {
            kernels::dense_backward(view<const T>{p}, view<T>{dp}, in, delta, delta_in);
        }
        template <class T>
        static void forward_simd(T const* p, T const* in, T* out, T* saved) {
            kernels::dense_forward<Activation>(kernels::simd{}, view<const T>{p}, in, saved, out);
        }
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const*, T const*,
                                  T const* delta, T* delta_in) {
            kernels::dense_backward(kernels::simd{}, view<const T>{p}, view<T>{dp}, in, delta,
                                    delta_in);
        }
        template <class T>
        static void forward_chunk(T const* p, T const* in, T* out, T* saved, std::size_t nv,
                                  bool training) {
            kernels::dense_forward_chunk<Activation>(view<const T>{p}, in, saved, out, nv,
                                                     training &&
                                                         !is_output_expressible(Activation));
        }
        template <class T, class Epilogue>
        static void backward_chunk(T const* p, T* dp, T const* in, T const*, T const*,
                                   T const* delta, T* delta_in, T* scratch, std::size_t nv,
                                   bool overwrite, Epilogue const& epilogue) {
            kernels::dense_backward_chunk(view<const T>{p}, view<T>{dp}, in, delta, delta_in,
                                          scratch, nv, overwrite, epilogue);
        }
    };
};

} // namespace hardwired
