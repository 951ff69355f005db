// expect: composing f.g.... needs one expression per variable position of f
// Composing a loss (two variable positions) with one expression.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto f = hw::squared_error(hw::tanh);
#else
constexpr auto f = hw::squared_error(hw::tanh, hw::c<0>);
#endif

int main() {
    return f(0.0) == 0.0 ? 0 : 1;
}
