#pragma once
// The causal convolution's shape as its kernels see it, and its scalar reference kernels:
// forward (z = b + W·x over the taps' inputs x, out = f(z)) and backward (given δ of the
// output: dz = δ·f′(z), dW += dz ⊗ x, db += dz, δ of the taps += Wᵀ·dz). The faster kernels
// are tested against these; they are written for any value type (float, double, test duals).

#include <cstddef>
#include <type_traits>

#include "../../activation.hpp"
#include "../layer.hpp"

namespace hardwired::kernels {

/// What the kernels of a causal convolution (layers/conv1d.hpp) see of it: In input and Out
/// output channels, K taps, G groups, the activation and whether it has a bias. Not its
/// dilation: the layer gathers what each tap reads before a kernel runs and spreads δ of the
/// taps over its ring after one, so that convolutions that differ in their dilation alone (the
/// layers of a WaveNet's stack) share their kernels.
template <std::size_t In, std::size_t Out, std::size_t K, std::size_t G, auto Activation, bool Bias>
struct conv1d_shape {
    static constexpr std::size_t inputs = In, outputs = Out, kernel = K;
    static constexpr auto activation = Activation;
    static constexpr bool bias = Bias;
    /// Input and output channels of a group; whether the layer keeps past inputs (K > 1).
    static constexpr std::size_t groups = G > 0 ? G : 1, group_in = In / groups,
                                 group_out = Out / groups;
    /// One group; one input and one output channel per group (depthwise: In = Out = G).
    static constexpr bool history = K > 1, one_group = G == 1,
                          depthwise = G > 1 && group_in == 1 && group_out == 1;
    /// The weights, then the biases (none without bias).
    static constexpr std::size_t weights = Out * group_in * K;

    /// W[o, c, k] (c within o's group) lies at (k·group_in + c)·Out + o: for each tap and
    /// input channel, the column of the output channels, so that with one group a step is
    /// one product of an [Out, K·In] matrix stored by columns with the taps' inputs, and with
    /// several each group's is one of its group_out rows of those columns.
    static constexpr std::size_t weight_at(std::size_t o, std::size_t c, std::size_t k) {
        return (k * group_in + c) * Out + o;
    }

    /// What a step keeps for its backward pass: the pre-activations where the activation's
    /// derivative needs them (not where it is written in the activation's output, as for
    /// hw::x, tanh or sigmoid); with history, the input each tap read (tap k at k·In) and
    /// the ring's next slot. Without history the input itself is the one tap.
    static constexpr bool keeps_pre = !is_output_expressible(Activation);
    static constexpr bool identity = std::is_same_v<decltype(Activation), decltype(x)>;
    static constexpr std::size_t pre = 0, taps = keeps_pre ? Out : 0,
                                 slot = taps + (history ? K * In : 0),
                                 saved_count = slot + (history ? 1 : 0);

    /// Where the taps' inputs lie (with history in `saved`, else the input itself) and where
    /// the pre-activations do (where they are not kept, the outputs stand in for them:
    /// activation_derivative then reads only those), for one sample (width 1) or rows of a
    /// chunk.
    template <class T>
    static constexpr T const* taps_of(T const* in, T const* saved, std::size_t width = 1) {
        return history ? saved + taps * width : in;
    }
    template <class T>
    static constexpr T const* pre_of(T const* out, T const* saved, std::size_t width = 1) {
        return keeps_pre ? saved + pre * width : out;
    }
};

/// out[o] = f(b[o] + Σ W[o, c, k]·x[k·In + c]) over the input channels c of o's group, from the
/// taps' inputs x (shape S); the pre-activations to `saved` where they are kept.
template <class S, class T>
constexpr void conv1d_forward(T const* p, T const* x, T* out, T* saved) {
    for (std::size_t o = 0; o < S::outputs; ++o) {
        const std::size_t first = o / S::group_out * S::group_in;
        T acc = S::bias ? p[S::weights + o] : T(0);
        for (std::size_t c = 0; c < S::group_in; ++c)
            for (std::size_t k = 0; k < S::kernel; ++k)
                acc += p[S::weight_at(o, c, k)] * x[k * S::inputs + first + c];
        if constexpr (S::keeps_pre)
            saved[S::pre + o] = acc;
        out[o] = S::activation(acc);
    }
}

/// Back through conv1d_forward, given δ of the outputs, the taps' inputs x and the
/// pre-activations z (S::taps_of, S::pre_of): adds the parameters' gradients to dp and δ of
/// what each tap read to d_taps (tap k at k·In).
template <class S, class T>
constexpr void conv1d_backward(T const* p, T* dp, T const* x, T const* z, T const* out,
                               T const* delta, T* d_taps) {
    for (std::size_t o = 0; o < S::outputs; ++o) {
        const T dz =
            delta[o] * hardwired::detail::activation_derivative<S::activation>(z[o], out[o]);
        const std::size_t first = o / S::group_out * S::group_in;
        if constexpr (S::bias)
            dp[S::weights + o] += dz;
        for (std::size_t c = 0; c < S::group_in; ++c)
            for (std::size_t k = 0; k < S::kernel; ++k) {
                const std::size_t w = S::weight_at(o, c, k);
                dp[w] += dz * x[k * S::inputs + first + c];
                d_taps[k * S::inputs + first + c] += p[w] * dz;
            }
    }
}

} // namespace hardwired::kernels
