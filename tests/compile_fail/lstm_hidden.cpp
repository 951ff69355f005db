// expect: a recurrent layer needs at least one hidden unit
// An LSTM layer of no units.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<1>, hw::lstm<0>, hw::dense<1>>;
#else
using net = hw::network<hw::input<1>, hw::lstm<2>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 4 * 2 * (1 + 2 + 2) + 3 && net::state_count == 4 ? 0 : 1;
}
