// expect: the input array.s size is not the network.s number of inputs
// expect: network_takes_inputs<2(ul|UL)?>::but_was_given<3(ul|UL)?>
// hw::fit with input arrays of the wrong size.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
#ifdef HARDWIRED_SHOULD_FAIL
using input = std::array<float, 3>;
using target = std::array<float, 1>;
constexpr auto loss = hw::squared_error;
#else
using input = std::array<float, 2>;
using target = std::array<float, 1>;
constexpr auto loss = hw::squared_error;
#endif

int main() {
    hw::params<net> p;
    hw::sgd<net> opt{.lr = 0.5f};
    const std::array<input, 4> xs{};
    const std::array<target, 4> ys{};
    const auto r =
        hw::fit<loss>(p, opt, xs, ys, {.epochs = 1, .batch_size = 4, .print_progress = false});
    return r.loss_history.size() == 1 ? 0 : 1;
}
