// expect: the groups must divide both the input channels
// expect: convolution_groups<2(u|U)?>::do_not_divide_the_channels<3(u|U)?, 4(u|U)?>
// A grouped convolution whose 2 groups do not divide the 3 input channels.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<3>, hw::conv1d<4, 3, 1, 2>>;
#else
using net = hw::network<hw::input<4>, hw::conv1d<4, 3, 1, 2>>;
#endif

int main() {
    return net::parameter_count == 4 * 2 * 3 + 4 ? 0 : 1;
}
