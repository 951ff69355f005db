// expect: an expression needs at least one argument
// Calling a formula with nothing.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
#ifdef HARDWIRED_SHOULD_FAIL
    const auto v = hw::tanh();
#else
    const auto v = hw::tanh(1.0);
#endif
    return v > 0.5 ? 0 : 1;
}
