#include <array>
#include <cstdio>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

// The topology is a type. Activations are formulas; their derivatives are derived by the compiler.
using xor_net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;

int main() {
    const std::array<std::array<float, 2>, 4> xs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
    const std::array<std::array<float, 1>, 4> ys{{{0}, {1}, {1}, {0}}};

    hw::params<xor_net> p; // 13 floats in one aligned array, no heap
    hw::init::xavier(p, 7);
    hw::sgd<xor_net> opt{.lr = 0.5f, .momentum = 0.9f};
    hw::fit<hw::squared_error>(p, opt, xs, ys, {.epochs = 2000, .batch_size = 4});

    for (auto const& x : xs)
        std::printf("%g xor %g = %.3f\n", x[0], x[1], hw::forward(p, x)[0]);

    // Any formula in hw::x is an activation: hw::dense<8, swish> works the same way.
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    std::printf("d/dx %s = %s\n", hw::to_string(swish).c_str(),
                hw::to_string(hw::derivative(swish)).c_str());
}
