// expect: the samples must be a contiguous range
// hw::fit given one sample (an array of numbers) instead of a data set (a range of arrays).
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<1, hw::sigmoid>>;

int main() {
    hw::params<net> p;
    hw::sgd<net> opt{.lr = 0.5f};
#ifdef HARDWIRED_SHOULD_FAIL
    const std::array<float, 2> xs{0.f, 1.f};
    const std::array<float, 1> ys{1.f};
#else
    const std::array<std::array<float, 2>, 1> xs{{{0.f, 1.f}}};
    const std::array<std::array<float, 1>, 1> ys{{{1.f}}};
#endif
    const auto r = hw::fit<hw::squared_error>(
        p, opt, xs, ys, {.epochs = 1, .batch_size = 1, .print_progress = false});
    return r.loss_history.size() == 1 ? 0 : 1;
}
