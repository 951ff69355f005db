// expect: the expression has a variable at a position that was not given a value
// Evaluating a loss (hw::yhat, hw::y) with one number.
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
#ifdef HARDWIRED_SHOULD_FAIL
    const auto v = hw::squared_error(3.0);
#else
    const auto v = hw::squared_error(3.0, 1.0);
#endif
    return v == 2.0 ? 0 : 1;
}
