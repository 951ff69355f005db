// expect: call an expression either with numbers .evaluate. or with expressions .substitute.
// Calling a formula with a number and an expression at once.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
#ifdef HARDWIRED_SHOULD_FAIL
    const auto v = hw::tanh(hw::x, 1.0);
#else
    const auto v = hw::tanh(1.0);
#endif
    return v > 0.5 ? 0 : 1;
}
