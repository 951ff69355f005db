// expect: a recurrent layer needs at least one hidden unit
// A plain recurrent layer of no units.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<1>, hw::rnn<0>, hw::dense<1>>;
#else
using net = hw::network<hw::input<1>, hw::rnn<2>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 2 * (1 + 2 + 2) + 3 && net::state_count == 2 ? 0 : 1;
}
