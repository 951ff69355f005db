// expect: e has several variables; name the one to differentiate by
// hw::derivative of a formula in two variables without naming the variable.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto d = hw::derivative(hw::squared_error);
#else
constexpr auto d = hw::derivative(hw::squared_error, hw::yhat);
#endif

int main() {
    return d(3.0, 1.0) == 2.0 ? 0 : 1;
}
