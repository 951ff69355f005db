// expect: branches combined element-wise must give the same number of outputs
// expect: element_wise_branches_first_gives<4(ul|UL)?>::but_another_gives<8(ul|UL)?>
// A gated unit tanh(a) * sigmoid(b) whose two halves differ in size.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using gate = hw::product<hw::dense<4, hw::tanh>, hw::dense<8, hw::sigmoid>>;
#else
using gate = hw::product<hw::dense<4, hw::tanh>, hw::dense<4, hw::sigmoid>>;
#endif
using net = hw::network<hw::input<3>, gate, hw::dense<1>>;

int main() {
    return net::parameter_count > 0 ? 0 : 1;
}
