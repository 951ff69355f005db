// expect: after hw::input<N>, every layer must be a hidden or output layer
// A type that is not a layer at all (no ::size) after the input.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<2>, int, hw::dense<1>>;
#else
using net = hw::network<hw::input<2>, hw::dense<3>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 13 ? 0 : 1;
}
