// expect: integer class labels need a loss that takes class indices
// hw::fit given integer labels with an element-wise loss (they are class indices, which only
// hw::softmax_cross_entropy takes).
#include <array>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<8, hw::tanh>, hw::dense<3>>;
#ifdef HARDWIRED_SHOULD_FAIL
constexpr auto loss = hw::mse_loss;
#else
constexpr auto loss = hw::softmax_cross_entropy;
#endif

int main() {
    hw::params<net> p;
    hw::sgd<net> opt{.lr = 0.5f};
    const std::vector<std::array<float, 2>> xs(4);
    const std::vector<int> labels{0, 1, 2, 1};
    const auto r =
        hw::fit<loss>(p, opt, xs, labels, {.epochs = 1, .batch_size = 4, .print_progress = false});
    return r.loss_history.size() == 1 ? 0 : 1;
}
