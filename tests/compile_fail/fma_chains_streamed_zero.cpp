// expect: HARDWIRED_FMA_CHAINS_STREAMED must be at least 1
// A tuning macro (config.hpp) set to a value the kernel cannot use.
#ifdef HARDWIRED_SHOULD_FAIL
#define HARDWIRED_FMA_CHAINS_STREAMED 0
#else
#define HARDWIRED_FMA_CHAINS_STREAMED 1
#endif
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
    hw::params<hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>> p;
    hw::init::xavier(p, 1);
    return hw::forward(p, std::array{0.5f, -0.5f})[0] > 10.f ? 1 : 0;
}
