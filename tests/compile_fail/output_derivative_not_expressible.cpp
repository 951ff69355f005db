// expect: f' cannot be written in f's output alone
// hw::output_derivative of an activation whose derivative needs its input (swish).
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto d = hw::output_derivative(hw::swish);
#else
constexpr auto d = hw::output_derivative(hw::sigmoid);
#endif

int main() {
    return d(0.5) == 0.25 ? 0 : 1;
}
