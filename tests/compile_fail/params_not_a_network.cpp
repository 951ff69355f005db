// expect: hardwired::params<Net>: Net must be a hw::network
// hw::params of a layer instead of a network.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
using p_type = hw::params<hw::dense<3, hw::tanh>>;
#else
using p_type = hw::params<hw::network<hw::input<2>, hw::dense<3, hw::tanh>>>;
#endif

int main() {
    p_type p;
    return p.values[0] == 0.f ? 0 : 1;
}
