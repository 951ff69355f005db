// expect: frozen_batch_norm<EpsNum, EpsDen>: epsilon = EpsNum / EpsDen must be positive
// expect: frozen_batch_norm<0(l|L)*, 1(l|L)*
// A batch norm with ε = 0, which divides by zero where a running variance is 0. The message and
// the two numbers must appear.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<3>, hw::dense<8>, hw::frozen_batch_norm<0, 1>, hw::dense<1>>;
#else
using net = hw::network<hw::input<3>, hw::dense<8>, hw::frozen_batch_norm<1, 1>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 32 + 32 + 9 ? 0 : 1;
}
