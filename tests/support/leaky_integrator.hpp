#pragma once
// A layer kind with state written against the layer concept alone (layers/layer.hpp), defined in
// the tests and nowhere in include/: y = a ⊙ s + x element-wise, s the state (the layer's
// previous output), a learned (0.5 to begin with). It has the reference kernels and one-sample
// kernels for float and double (forward_simd, backward_simd: the same loops, which count their
// calls), and no chunk kernels, so sequences in lanes take its one-sample kernels lane by lane;
// the counts show that they do.

#include <array>
#include <cstddef>
#include <type_traits>

#include <hardwired/hardwired.hpp>

namespace test {

struct leaky_integrator {
    /// Calls of the one-sample kernels for float and double, per sample.
    static inline std::size_t simd_forward_calls = 0, simd_backward_calls = 0;

    template <std::size_t In>
    struct bound {
        static constexpr std::size_t inputs = In, outputs = In, state_count = In,
                                     saved_count = In; // the state the step read
        static constexpr std::array<hardwired::tensor, 1> tensors{{
            {"weight",
             1,
             {In, 1, 1},
             {1, 1, 1},
             0,
             hardwired::init_role::constant,
             In,
             In,
             true,
             0.5},
        }};

        template <class T>
        static constexpr void forward(T const* p, T const* in, T* out, T* saved, T* state) {
            for (std::size_t i = 0; i < In; ++i) {
                saved[i] = state[i];
                out[i] = p[i] * state[i] + in[i];
                state[i] = out[i];
            }
        }
        /// δ of y is δ of the output plus ∂L/∂ of the state after the step (which is y).
        template <class T>
        static constexpr void backward(T const* p, T* dp, T const*, T const*, T const* saved,
                                       T const* delta, T* delta_in, T* dstate) {
            for (std::size_t i = 0; i < In; ++i) {
                const T dy = delta[i] + dstate[i];
                dp[i] += dy * saved[i];
                if (delta_in)
                    delta_in[i] = dy;
                dstate[i] = dy * p[i];
            }
        }

        template <class T, bool Training>
        static void forward_simd(T const* p, T const* in, T* out, T* saved, T* state, bool,
                                 std::bool_constant<Training>) {
            ++simd_forward_calls;
            forward(p, in, out, saved, state);
        }
        template <class T>
        static void backward_simd(T const* p, T* dp, T const* in, T const* out, T const* saved,
                                  T const* delta, T* delta_in, T* dstate) {
            ++simd_backward_calls;
            backward(p, dp, in, out, saved, delta, delta_in, dstate);
        }
    };
};

} // namespace test
