// expect: Activation must be a formula in hw::x
// A dense layer whose activation is a loss (a formula in hw::yhat and hw::y).
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<2>, hw::dense<3, hw::squared_error>, hw::dense<1>>;
#else
using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 13 ? 0 : 1;
}
