// Compiled, not run, by consumers/warnings.cmake beside the examples: NAM's A1 WaveNet stepped,
// and trained through time one sequence at a time and in SIMD lanes, as a user training such a
// model writes it. Its many convolutions inlined into one function are where GCC's optimizer
// found a warning that no example showed.
#include <array>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;
using a1 = hw::network<hw::input<1>, hw::wavenet::a1_standard>;
using frame = std::array<float, 1>;

float step(hw::params<a1> const& p, hw::state<a1>& s, float x) {
    return hw::step(p, frame{x}, s)[0];
}

float train_one(hw::params<a1> const& p, std::vector<frame> const& xs,
                std::vector<frame> const& ys, hw::state<a1>& s, hw::params<a1>& grads,
                hw::sequence_workspace<a1>& ws) {
    return hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws);
}

float train_lanes(hw::params<a1> const& p, std::vector<std::vector<frame>> const& xs,
                  std::vector<std::vector<frame>> const& ys, hw::state_lanes<a1, float, 32>& s,
                  hw::params<a1>& grads, hw::sequence_lanes_workspace<a1>& ws) {
    return hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws);
}
