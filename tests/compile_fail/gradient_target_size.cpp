// expect: the target .or output. array's size is not the network's number of outputs
// expect: network_produces_outputs<1(ul|UL)?>::but_target_has<2(ul|UL)?>
// hw::gradient with a target array of the wrong size.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;

int main() {
    hw::params<net> p;
    hw::gradients<net> g;
    const std::array<float, 2> x{0.f, 1.f};
#ifdef HARDWIRED_SHOULD_FAIL
    const std::array<float, 2> t{1.f, 0.f};
#else
    const std::array<float, 1> t{1.f};
#endif
    return hw::gradient<hw::squared_error>(p, x, t, g) >= 0.f ? 0 : 1;
}
