// expect: the layers of a residual block must give as many outputs as the block takes inputs
// expect: residual_block_takes<8(ul|UL)?>::but_its_layers_give<4(ul|UL)?>
// A residual block whose layers end at another size than its input: y = x + f(x) cannot add
// them. Both sizes must appear in the output.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<3>, hw::dense<8, hw::tanh>,
                        hw::residual<hw::dense<16, hw::tanh>, hw::dense<4>>, hw::dense<1>>;
#else
using net = hw::network<hw::input<3>, hw::dense<8, hw::tanh>,
                        hw::residual<hw::dense<16, hw::tanh>, hw::dense<8>>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count > 0 ? 0 : 1;
}
