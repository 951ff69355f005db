// expect: needs a comparison such as hw::x > hw::c<0> as its first argument
// hw::select whose condition is a formula, not a comparison.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto f = hw::select(hw::x - hw::c<1>, hw::x, hw::c<0>);
#else
constexpr auto f = hw::select(hw::x > hw::c<1>, hw::x, hw::c<0>);
#endif

int main() {
    return f(2.0) == 2.0 ? 0 : 1;
}
