#pragma once
/// hardwired: neural networks whose topology is a C++ type. This umbrella header includes the
/// whole public library.

#include "activation.hpp"
#include "backprop.hpp"
#include "batch_workspace.hpp"
#include "classify.hpp"
#include "config.hpp"
#include "diagnostics.hpp"
#include "flush_denormals.hpp"
#include "init.hpp"
#include "layers/activation_layer.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/layer_norm.hpp"
#include "layers/softmax_layer.hpp"
#include "loss.hpp"
#include "network.hpp"
#include "params.hpp"
#include "sym.hpp"
#include "train/fit.hpp"
#include "train/optimizers.hpp"
