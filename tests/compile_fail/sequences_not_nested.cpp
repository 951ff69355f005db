// expect: sequences in lanes must be a contiguous range
// Training in lanes given one sequence of steps where it takes a range of sequences.
#include <hardwired/hardwired.hpp>

#include <array>
#include <vector>

namespace hw = hardwired;
using net = hw::network<hw::input<1>, hw::gru<4>, hw::dense<1>>;

int main() {
    hw::params<net> p;
    hw::sgd<net> opt{0.1f};
    std::vector<std::vector<std::array<float, 1>>> ys(2, std::vector<std::array<float, 1>>(8));
#ifdef HARDWIRED_SHOULD_FAIL
    std::vector<std::array<float, 1>> xs(8);
#else
    std::vector<std::vector<std::array<float, 1>>> xs(2, std::vector<std::array<float, 1>>(8));
#endif
    hw::fit_sequences<hw::mse_loss>(p, opt, xs, ys, {.epochs = 1, .print_progress = false});
}
