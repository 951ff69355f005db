// expect: the target .or output. array's size is not the network's number of outputs
// expect: network_produces_outputs<2(ul|UL)?>::but_target_has<1(ul|UL)?>
// hw::batch_gradient with target arrays of the wrong size.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<2, hw::sigmoid>>;
using input = std::array<float, 2>;
#ifdef HARDWIRED_SHOULD_FAIL
using target = std::array<float, 1>;
#else
using target = std::array<float, 2>;
#endif

int main() {
    hw::params<net> p;
    hw::gradients<net> g;
    const std::array<input, 3> xs{};
    const std::array<target, 3> ts{};
    const float loss = hw::batch_gradient<hw::mse_loss>(p, xs, ts, g);
    return loss >= 0.f ? 0 : 1;
}
