// expect: the input array's size is not the network's number of inputs
// expect: network_takes_inputs<2(ul|UL)?>::but_was_given<3(ul|UL)?>
// hw::forward with an input array of the wrong size: both sizes must appear in the output.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;

int main() {
    hw::params<net> p;
#ifdef HARDWIRED_SHOULD_FAIL
    const std::array<float, 3> x{0.f, 1.f, 2.f};
#else
    const std::array<float, 2> x{0.f, 1.f};
#endif
    return hw::forward(p, x)[0] == 0.f ? 0 : 1;
}
