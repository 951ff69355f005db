// Compiled, not run: hardwired's kernels for AVX-512 (-mavx512f/bw/dq/vl/cd) at -O0, as a debug
// build with -march=native compiles them on an AVX-512 machine (tests/CMakeLists.txt). Any x86-64
// host can compile it. Without optimization GCC's AVX-512BW intrinsics header defines some
// intrinsics as macros that xsimd 8.1 cannot call with its batches (sym/intrinsics.hpp); the
// softmax cross-entropy (xsimd::log), the activations and the recurrent step instantiate them,
// and so does training recurrent layers in lanes.

#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

namespace {

using classifier =
    hw::network<hw::input<5>, hw::dense<19, hw::gelu>, hw::dense<7, hw::softplus>, hw::dense<3>>;
using recurrent = hw::network<hw::input<1>, hw::lstm<8>, hw::gru<8>, hw::dense<1>>;

template <class T>
T train_classifier() {
    const std::array<std::array<T, 5>, 4> xs{};
    const std::array<std::array<T, 3>, 4> ys{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}}};
    hw::params<classifier, T> p;
    hw::init::xavier(p, 1);
    hw::adam<classifier, T> opt;
    hw::fit<hw::softmax_cross_entropy>(p, opt, xs, ys, {.epochs = 1, .batch_size = 4});
    return hw::forward(p, xs[0])[0];
}

float step_recurrent() {
    hw::params<recurrent> p;
    hw::init::xavier(p, 1);
    hw::state<recurrent> s;
    return hw::step(p, std::array{0.5f}, s)[0];
}

float train_recurrent_in_lanes() {
    hw::params<recurrent> p;
    hw::init::xavier(p, 1);
    hw::adam<recurrent> opt;
    const std::array<std::array<std::array<float, 1>, 3>, 2> xs{}, ys{};
    return hw::fit_sequences<hw::mse_loss>(p, opt, xs, ys, {.epochs = 1}).loss_history[0];
}

} // namespace

float avx512_unoptimized() {
    return train_classifier<float>() + float(train_classifier<double>()) + step_recurrent() +
           train_recurrent_in_lanes();
}
