// expect: its head size must equal the next array's channels
// expect: wavenet_array_head_size<4(u|U)?>::but_next_array_channels<3(u|U)?>
// A first layer array whose head of 4 values cannot continue as the 3 channels of the next.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;
namespace wn = hardwired::wavenet;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr std::size_t head = 4;
#else
constexpr std::size_t head = 3;
#endif
using net =
    hw::network<hw::input<1>, wn::model<hw::c<1, 50>, wn::layer_array<4, head, 3, wn::dilations<1>>,
                                        wn::layer_array<3, 1, 3, wn::dilations<1>>>>;

int main() {
    return net::outputs == 1 ? 0 : 1;
}
