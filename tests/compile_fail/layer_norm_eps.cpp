// expect: layer_norm<EpsNum, EpsDen>: epsilon = EpsNum / EpsDen must be positive
// expect: layer_norm<0(l|L)*, 1(l|L)*>
// A layer normalization with ε = 0, which divides by zero on a constant input. The message and
// the two numbers must appear.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<3>, hw::dense<8>, hw::layer_norm<0, 1>, hw::dense<1>>;
#else
using net = hw::network<hw::input<3>, hw::dense<8>, hw::layer_norm<1, 1>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count > 0 ? 0 : 1;
}
