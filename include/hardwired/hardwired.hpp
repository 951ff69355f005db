#pragma once
/// hardwired: neural networks whose topology is a C++ type. This umbrella header includes the
/// whole public library.

#include "activation.hpp"
#include "loss.hpp"
#include "sym.hpp"
