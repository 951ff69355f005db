// expect: branches combined element-wise must give the same number of outputs
// expect: element_wise_branches_first_gives<6(ul|UL)?>::but_another_gives<5(ul|UL)?>
// Two branches of a sum with different output sizes. Both sizes must appear in the output.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using net = hw::network<hw::input<3>, hw::sum<hw::dense<6, hw::tanh>, hw::dense<5>>, hw::dense<1>>;
#else
using net = hw::network<hw::input<3>, hw::sum<hw::dense<6, hw::tanh>, hw::dense<6>>, hw::dense<1>>;
#endif

int main() {
    return net::parameter_count > 0 ? 0 : 1;
}
