// expect: the data's value type is not the parameters'
// expect: parameters_hold<float>::but_data_holds<double>
// hw::forward given double data for float parameters.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;

int main() {
    hw::params<net> p;
#ifdef HARDWIRED_SHOULD_FAIL
    const std::array<double, 2> x{0.0, 1.0};
#else
    const std::array<float, 2> x{0.f, 1.f};
#endif
    return hw::forward(p, x)[0] == 0.f ? 0 : 1;
}
