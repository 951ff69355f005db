// expect: output channels, kernel size, dilation and groups must each be at least 1
// A convolution with a kernel of size 0.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<2>, hw::conv1d<4, 0>>;
#else
using net = hw::network<hw::input<2>, hw::conv1d<4, 1>>;
#endif

int main() {
    return net::parameter_count == 4 * 2 + 4 && net::state_count == 0 ? 0 : 1;
}
