// expect: one sample's input must be a std::array
// hw::forward given a std::vector as the one sample's input.
#include <array>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;

int main() {
    hw::params<net> p;
#ifdef HARDWIRED_SHOULD_FAIL
    const std::vector<float> x{0.f, 1.f};
#else
    const std::array<float, 2> x{0.f, 1.f};
#endif
    return hw::forward(p, x)[0] == 0.f ? 0 : 1;
}
