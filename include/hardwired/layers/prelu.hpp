#pragma once
/// The PReLU layer kind, PyTorch's nn.PReLU: out = in where in > 0, a · in elsewhere, with a
/// learned slope a shared by all inputs or one per input.

#include <array>
#include <cstddef>

#include "../diagnostics.hpp"
#include "layer.hpp"

namespace hardwired {

namespace detail {
/// One diagnostic, with the numbers, when a PReLU has neither one slope nor one per input.
template <std::size_t P, std::size_t In>
constexpr bool check_prelu_parameters() {
    if constexpr (P != 1 && P != In)
        static_assert(diagnostic::holds<
                          typename diagnostic::prelu_with_parameters<P>::template on_inputs<In>>,
                      HARDWIRED_MSG_PRELU_PARAMETERS);
    return true;
}
} // namespace detail

/// out[i] = in[i] if in[i] > 0, else a[i mod NumParameters] · in[i]: PyTorch's
/// `nn.PReLU(num_parameters=NumParameters)`. Tensor "weight" [NumParameters], initialised to
/// 0.25 as PyTorch does. NumParameters is 1 (one slope for every input, PyTorch's default) or
/// the number of inputs (one per channel, as Keras's PReLU shared over the time axis).
///
///     hw::conv1d<8, 3>, hw::prelu<8>         hw::dense<16>, hw::prelu<>
template <std::size_t NumParameters = 1>
struct prelu {
    template <std::size_t In>
    struct bound {
        static_assert(detail::check_prelu_parameters<NumParameters, In>());
        static constexpr std::size_t inputs = In, outputs = In, slopes = NumParameters;
        static constexpr std::array<tensor, 1> tensors{{
            {"weight",
             1,
             {NumParameters, 1, 1},
             {1, 1, 1},
             0,
             init_role::constant,
             In,
             In,
             true,
             0.25},
        }};
        /// The slope of input i.
        static constexpr std::size_t slope(std::size_t i) { return NumParameters == 1 ? 0 : i; }

        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T*) {
            for (std::size_t i = 0; i < In; ++i)
                out[i] = in[i] > T(0) ? in[i] : p[slope(i)] * in[i];
        }
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const* in, T const*, T const*,
                                       T const* delta, T* delta_in) {
            for (std::size_t i = 0; i < In; ++i) {
                const bool positive = in[i] > T(0);
                if (!positive)
                    dp[slope(i)] += delta[i] * in[i];
                if (delta_in)
                    delta_in[i] = positive ? delta[i] : p[slope(i)] * delta[i];
            }
        }
    };
};

} // namespace hardwired
