// Compile-time benchmark: one network of the comparison suite (benchmarks/comparison/common.hpp,
// nets A–F, same sizes and activations) as a hardwired type, with its forward pass and one
// training step (forward, mse_loss, backward, SGD update) in functions of their own that take
// their data through pointers, so nothing folds at compile time. Built by networks.sh with
// -DNET=A..F and timed against an empty translation unit; the object's .text is its code size.

#include <array>
#include <cstddef>
#include <span>

#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifndef NET
#define NET F
#endif

namespace nets {
// The bench::net_A..F of common.hpp: hidden activation on every layer but the last.
using A = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
using B = hw::network<hw::input<4>, hw::dense<2, hw::sigmoid>, hw::dense<2, hw::sigmoid>,
                      hw::dense<1, hw::sigmoid>>;
using C = hw::network<hw::input<8>, hw::dense<16, hw::tanh>, hw::dense<16, hw::tanh>,
                      hw::dense<4, hw::identity>>;
using D = hw::network<hw::input<16>, hw::dense<32, hw::tanh>, hw::dense<32, hw::tanh>,
                      hw::dense<8, hw::identity>>;
using E = hw::network<hw::input<32>, hw::dense<64, hw::tanh>, hw::dense<64, hw::tanh>,
                      hw::dense<10, hw::identity>>;
using F = hw::network<hw::input<128>, hw::dense<128, hw::tanh>, hw::dense<128, hw::tanh>,
                      hw::dense<16, hw::identity>>;
} // namespace nets

using net = nets::NET;
using input_t = std::array<float, net::inputs>;
using output_t = std::array<float, net::outputs>;

/// One sample's forward pass.
[[gnu::noinline]] void forward_one(hw::params<net> const* p, input_t const* x, output_t* y) {
    *y = hw::forward(*p, *x);
}

/// One training step on n samples: mean MSE gradient by back-propagation, then plain SGD.
[[gnu::noinline]] float train_step(hw::params<net>* p, hw::sgd<net>* opt, input_t const* xs,
                                   output_t const* ys, std::size_t n, hw::gradients<net>* g) {
    const float loss = hw::batch_gradient<hw::mse_loss>(*p, std::span<input_t const>(xs, n),
                                                         std::span<output_t const>(ys, n), *g);
    opt->step(*p, *g);
    return loss;
}

// Static storage: F's parameters and gradients are 100 KB, too much for some default stacks.
namespace {
hw::params<net> params;
hw::gradients<net> grads;
hw::sgd<net> opt{.lr = 1e-4f};
std::array<input_t, 32> xs;
std::array<output_t, 32> ys;
output_t y;
} // namespace

int main(int argc, char**) {
    hw::init::fan_in(params, static_cast<unsigned>(argc));
    for (std::size_t s = 0; s < xs.size(); ++s) {
        for (std::size_t i = 0; i < net::inputs; ++i) xs[s][i] = static_cast<float>(s + i) / 64.f;
        for (std::size_t o = 0; o < net::outputs; ++o) ys[s][o] = static_cast<float>(o % 2);
    }
    const float loss = train_step(&params, &opt, xs.data(), ys.data(), xs.size(), &grads);
    forward_one(&params, &xs[0], &y);
    return (loss + y[0] > 1e9f) ? 1 : 0;
}
