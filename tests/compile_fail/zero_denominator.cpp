// expect: D != 0
// A rational constant with denominator 0.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto f = hw::c<1, 0> * hw::x;
#else
constexpr auto f = hw::c<1, 2> * hw::x;
#endif

int main() {
    return f(1.0) == 0.5 ? 0 : 1;
}
