// expect: the input array's size is not the network's number of inputs
// expect: network_takes_inputs<4(ul|UL)?>::but_was_given<1(ul|UL)?>
// hw::forward in double with an input array that is too small.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<4>, hw::dense<2, hw::relu>>;

int main() {
    hw::params<net, double> p;
#ifdef HARDWIRED_SHOULD_FAIL
    const std::array<double, 1> x{0.5};
#else
    const std::array<double, 4> x{0.5, 0.5, 0.5, 0.5};
#endif
    return hw::forward(p, x)[0] == 0.0 ? 0 : 1;
}
