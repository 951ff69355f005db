// expect: write constants in a formula as exact rationals, hw::c<N> or hw::c<N, D>
// A floating-point number on the left of a formula.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto f = 0.5 * hw::pow<2>(hw::yhat - hw::y);
#else
constexpr auto f = hw::c<1, 2> * hw::pow<2>(hw::yhat - hw::y);
#endif

int main() {
    return f(3.0, 1.0) == 2.0 ? 0 : 1;
}
