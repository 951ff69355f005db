// expect: the first layer must be hw::input<N>, the number of inputs
// The first layer of a network is not hw::input<N>.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::dense<2, hw::tanh>, hw::dense<1>>;
#else
using net = hw::network<hw::input<2>, hw::dense<2, hw::tanh>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 9 ? 0 : 1;
}
