// expect: the inputs Begin, ..., Begin \+ Count - 1 must exist
// expect: slice_of<4(u|U)?, 3(u|U)?>::does_not_fit_in_inputs<6(u|U)?>
// A slice of inputs 4, 5, 6 of a layer that gives 6 values.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<6>, hw::slice<4, 3>, hw::dense<1>>;
#else
using net = hw::network<hw::input<7>, hw::slice<4, 3>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 3 + 1 ? 0 : 1;
}
