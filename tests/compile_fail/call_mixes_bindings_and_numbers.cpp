// expect: bind either every variable by name or none
// Evaluating a loss with one variable bound by name and one by position.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
#ifdef HARDWIRED_SHOULD_FAIL
    const auto v = hw::squared_error(hw::yhat = 3.0, 1.0);
#else
    const auto v = hw::squared_error(hw::yhat = 3.0, hw::y = 1.0);
#endif
    return v == 2.0 ? 0 : 1;
}
