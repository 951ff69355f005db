// expect: training sequences in SIMD lanes needs float or double parameters
// Sequences in lanes with long double parameters, which have no SIMD kernels.
#include <hardwired/hardwired.hpp>

#include <array>
#include <vector>

namespace hw = hardwired;
using net = hw::network<hw::input<1>, hw::lstm<3>, hw::dense<1>>;
#ifdef HARDWIRED_SHOULD_FAIL
using T = long double;
#else
using T = double;
#endif

int main() {
    hw::params<net, T> p, g;
    hw::state_lanes<net, T, 2> s;
    hw::sequence_lanes_workspace<net, T> ws;
    std::vector<std::vector<std::array<T, 1>>> xs(2, std::vector<std::array<T, 1>>(4)), ys = xs;
    return hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, g, ws) >= 0 ? 0 : 1;
}
