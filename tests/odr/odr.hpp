#pragma once
#include <hardwired/hardwired.hpp>
namespace hw_odr {
using net = hardwired::network<hardwired::input<2>, hardwired::dense<3, hardwired::gelu>,
                               hardwired::dense<1, hardwired::sigmoid>>;
using net_params = hardwired::params<net, double>;
} // namespace hw_odr
double odr_tu1();
double odr_tu2();
