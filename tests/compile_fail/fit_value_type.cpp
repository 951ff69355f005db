// expect: the data's value type is not the parameters'
// expect: parameters_hold<float>::but_data_holds<double>
// hw::fit given double data for float parameters.
#include <array>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
#ifdef HARDWIRED_SHOULD_FAIL
using value = double;
#else
using value = float;
#endif

int main() {
    hw::params<net> p;
    hw::sgd<net> opt{.lr = 0.5f};
    const std::vector<std::array<value, 2>> xs(4);
    const std::vector<std::array<float, 1>> ys(4);
    const auto r = hw::fit<hw::squared_error>(
        p, opt, xs, ys, {.epochs = 1, .batch_size = 4, .print_progress = false});
    return r.loss_history.size() == 1 ? 0 : 1;
}
