// expect: run it one time step at a time with hw::step
// hw::forward on a network with recurrent state (an LSTM) instead of hw::step.
#include <array>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
    using net = hw::network<hw::input<1>, hw::lstm<4>, hw::dense<1>>;
    hw::params<net> p;
    hw::init::defaults(p, 1);
#ifdef HARDWIRED_SHOULD_FAIL
    const auto y = hw::forward(p, std::array{0.5f});
#else
    hw::state<net> s;
    const auto y = hw::step(p, std::array{0.5f}, s);
#endif
    return y[0] > 10.f ? 1 : 0;
}
