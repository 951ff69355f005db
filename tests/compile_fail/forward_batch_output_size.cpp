// expect: the target .or output. array's size is not the network's number of outputs
// expect: network_produces_outputs<2(ul|UL)?>::but_target_has<3(ul|UL)?>
// hw::forward_batch into output arrays of the wrong size.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<2, hw::sigmoid>>;
#ifdef HARDWIRED_SHOULD_FAIL
using output = std::array<float, 3>;
#else
using output = std::array<float, 2>;
#endif

int main() {
    hw::params<net> p;
    const std::array<std::array<float, 2>, 3> xs{};
    std::array<output, 3> ys{};
    hw::forward_batch(p, xs, ys);
    return ys[0][0] == 0.5f ? 0 : 1;
}
