// expect: the input array's size is not the network's number of inputs
// expect: network_takes_inputs<2(ul|UL)?>::but_was_given<3(ul|UL)?>
// hw::forward given a braced list: it works with one value per input, and a list of the wrong
// length names both sizes.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;

int main() {
    hw::params<net> p;
#ifdef HARDWIRED_SHOULD_FAIL
    return hw::forward(p, {0.f, 1.f, 2.f})[0] == 0.f ? 0 : 1;
#else
    return hw::forward(p, {0.f, 1.f})[0] == 0.f ? 0 : 1;
#endif
}
