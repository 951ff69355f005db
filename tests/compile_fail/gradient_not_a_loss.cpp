// expect: the loss must be a formula in hw::yhat and hw::y
// hw::gradient with an activation (a formula in hw::x) where the loss goes.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;

int main() {
    hw::params<net> p;
    hw::gradients<net> g;
    const std::array<float, 2> x{0.f, 1.f};
    const std::array<float, 1> t{1.f};
#ifdef HARDWIRED_SHOULD_FAIL
    return hw::gradient<hw::tanh>(p, x, t, g) >= 0.f ? 0 : 1;
#else
    return hw::gradient<hw::bce_with_logits>(p, x, t, g) >= 0.f ? 0 : 1;
#endif
}
