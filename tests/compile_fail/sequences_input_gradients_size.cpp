// expect: the input array.s size is not the network.s number of inputs
// expect: network_takes_inputs<2(ul|UL)?>::but_was_given<3(ul|UL)?>
// Training in lanes with room for input gradients of the wrong size.
#include <hardwired/hardwired.hpp>

#include <array>
#include <vector>

namespace hw = hardwired;
using net = hw::network<hw::input<2>, hw::gru<4>, hw::dense<1>>;

int main() {
    hw::params<net> p, grads;
    hw::state_lanes<net, float, 2> s;
    hw::sequence_lanes_workspace<net> ws;
    std::vector<std::vector<std::array<float, 2>>> xs(2, std::vector<std::array<float, 2>>(8));
    std::vector<std::vector<std::array<float, 1>>> ys(2, std::vector<std::array<float, 1>>(8));
#ifdef HARDWIRED_SHOULD_FAIL
    std::vector<std::vector<std::array<float, 3>>> dx(2, std::vector<std::array<float, 3>>(8));
#else
    std::vector<std::vector<std::array<float, 2>>> dx(2, std::vector<std::array<float, 2>>(8));
#endif
    return hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws, dx) >= 0 ? 0 : 1;
}
