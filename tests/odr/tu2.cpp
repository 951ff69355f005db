// Two translation units use the same library functions and types; linking them into one
// program fails if anything in the headers is a non-inline definition (an ODR violation).
#include <hardwired/hardwired.hpp>

#include "odr.hpp"

double odr_tu2() {
    hw_odr::net_params p;
    hardwired::init::xavier(p, 1);
    hardwired::gradients<hw_odr::net, double> g;
    return hardwired::gradient<hardwired::squared_error>(p, std::array{0.5, -0.5}, std::array{1.0},
                                                         g) +
           hardwired::derivative(hardwired::swish)(0.5);
}
