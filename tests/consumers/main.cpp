// A consumer of the installed (or added) hardwired: trains XOR and checks the result.
#include <array>
#include <cmath>
#include <cstdio>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;
using net = hw::network<hw::input<2>, hw::dense<4, hw::tanh>, hw::dense<1, hw::sigmoid>>;

int main() {
    const std::array<std::array<float, 2>, 4> xs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
    const std::array<std::array<float, 1>, 4> ys{{{0}, {1}, {1}, {0}}};
    hw::params<net> p;
    hw::init::xavier(p, 7);
    hw::sgd<net> opt{.lr = 0.5f, .momentum = 0.9f};
    hw::fit<hw::squared_error>(p, opt, xs, ys, {.epochs = 3000, .batch_size = 4, .print_progress = false});
    for (std::size_t i = 0; i < xs.size(); ++i)
        if (std::abs(hw::forward(p, xs[i])[0] - ys[i][0]) > 0.1f) return 1;
    std::puts("consumer: XOR learned");
    return 0;
}
