// expect: a network needs at least one layer after hw::input<N>
// A network of an input and nothing else.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<2>>;
#else
using net = hw::network<hw::input<2>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 3 ? 0 : 1;
}
