// expect: the drop probability p = PNum / PDen must be in
// expect: dropout<3(u|U)?, 2(u|U)?>
// A dropout layer with p = 3/2: no probability. The message and the two numbers must appear.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dropout<3, 2>, hw::dense<1>>;
#else
using net = hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dropout<1, 2>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count > 0 ? 0 : 1;
}
