// expect: write constants in a formula as exact rationals, hw::c<N> or hw::c<N, D>
// A number inside a formula.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto f = hw::x * 2;
#else
constexpr auto f = hw::x * hw::c<2>;
#endif

int main() {
    return f(1.0) == 2.0 ? 0 : 1;
}
