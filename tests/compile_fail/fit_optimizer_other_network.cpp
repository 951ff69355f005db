// expect: the optimizer was declared for another network
// expect: optimizer_was_declared_as<
// hw::fit given an optimizer declared for another network than the parameters'.
#include <array>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
using other = hw::network<hw::input<2>, hw::dense<4, hw::tanh>, hw::dense<1, hw::sigmoid>>;
#ifdef HARDWIRED_SHOULD_FAIL
using optimizer = hw::adam<other>;
#else
using optimizer = hw::adam<net>;
#endif

int main() {
    hw::params<net> p;
    optimizer opt{.lr = 0.01f};
    const std::vector<std::array<float, 2>> xs(4);
    const std::vector<std::array<float, 1>> ys(4);
    const auto r = hw::fit<hw::squared_error>(
        p, opt, xs, ys, {.epochs = 1, .batch_size = 4, .print_progress = false});
    return r.loss_history.size() == 1 ? 0 : 1;
}
