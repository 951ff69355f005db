// expect: the number of dilations must each be at least 1
// expect: wavenet_layer_array<4(u|U)?, 1(u|U)?, 3(u|U)?>::with_dilations<0(u|U)?>
// A layer array without dilations, hence without layers.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;
namespace wn = hardwired::wavenet;

#ifdef HARDWIRED_SHOULD_FAIL
using dilations = wn::dilations<>;
#else
using dilations = wn::dilations<1>;
#endif
using net = hw::network<hw::input<1>, wn::model<hw::c<1, 50>, wn::layer_array<4, 1, 3, dilations>>>;

int main() {
    return net::outputs == 1 ? 0 : 1;
}
