// expect: the classes must be a contiguous range of an integer type
// hw::predict_class_batch given float storage for the predicted classes.
#include <array>
#include <hardwired/hardwired.hpp>
#include <vector>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<8, hw::tanh>, hw::dense<3>>;

int main() {
    hw::params<net> p;
    const std::vector<std::array<float, 2>> xs(4);
#ifdef HARDWIRED_SHOULD_FAIL
    std::vector<float> classes(4);
#else
    std::vector<int> classes(4);
#endif
    hw::predict_class_batch(p, xs, classes);
    return classes[0] == 0 ? 0 : 1;
}
