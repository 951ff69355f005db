// expect: a PReLU has one slope shared by all its inputs \(1, the default\) or one per input
// expect: prelu_with_parameters<4(u|U)?>::on_inputs<8(u|U)?>
// A PReLU with 4 slopes after a layer of 8 outputs: neither one slope nor one per input.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<3>, hw::dense<8>, hw::prelu<4>, hw::dense<1>>;
#else
using net = hw::network<hw::input<3>, hw::dense<8>, hw::prelu<8>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count == 32 + 8 + 9 ? 0 : 1;
}
