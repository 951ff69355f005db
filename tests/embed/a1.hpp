#pragma once
// The network type of the embedding tests' A1 model, declared in a header of its own, as a user
// would (hardwired_embed_weights(... TYPE "amp::a1" INCLUDES a1.hpp)).

#include <hardwired/hardwired.hpp>

namespace amp {
using a1 = hardwired::network<hardwired::input<1>, hardwired::wavenet::a1_standard>;
} // namespace amp
