// expect: no value was bound to one of the expression's variables
// Evaluating a loss by name without binding hw::y.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
#ifdef HARDWIRED_SHOULD_FAIL
    const auto v = hw::squared_error(hw::yhat = 3.0);
#else
    const auto v = hw::squared_error(hw::yhat = 3.0, hw::y = 1.0);
#endif
    return v == 2.0 ? 0 : 1;
}
