// expect: the input array's size is not the network's number of inputs
// expect: network_takes_inputs<2(ul|UL)?>::but_was_given<5(ul|UL)?>
// hw::gradient with an input array of the wrong size.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;

int main() {
    hw::params<net> p;
    hw::gradients<net> g;
#ifdef HARDWIRED_SHOULD_FAIL
    const std::array<float, 5> x{};
#else
    const std::array<float, 2> x{};
#endif
    const std::array<float, 1> t{1.f};
    return hw::gradient<hw::squared_error>(p, x, t, g) >= 0.f ? 0 : 1;
}
