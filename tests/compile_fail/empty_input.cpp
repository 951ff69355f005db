// expect: a layer must have at least one neuron
// An input of 0 numbers.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<0>, hw::dense<3, hw::tanh>, hw::dense<1>>;
#else
using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 13 ? 0 : 1;
}
