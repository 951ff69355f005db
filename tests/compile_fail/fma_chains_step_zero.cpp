// expect: HARDWIRED_FMA_CHAINS_STEP must be at least 1
// A tuning macro (config.hpp) set to a value the kernel cannot use.
#ifdef HARDWIRED_SHOULD_FAIL
#define HARDWIRED_FMA_CHAINS_STEP 0
#else
#define HARDWIRED_FMA_CHAINS_STEP 1
#endif
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
    hw::params<hw::network<hw::input<1>, hw::lstm<4>, hw::dense<1>>> p;
    hw::init::defaults(p, 1);
    hw::state<hw::network<hw::input<1>, hw::lstm<4>, hw::dense<1>>> s;
    return hw::step(p, std::array{0.5f}, s)[0] > 10.f ? 1 : 0;
}
