#pragma once
// A small gated WaveNet for the tests of sequences in SIMD lanes (test_lanes, test_sequence_lanes):
// two layer arrays, dilated convolutions with history, 1×1 convolutions without, a gated
// activation, an array whose head size differs from its channels.

#include <hardwired/hardwired.hpp>

namespace test {

using small_wavenet = hardwired::network<
    hardwired::input<1>,
    hardwired::wavenet::model<
        hardwired::c<1, 2>,
        hardwired::wavenet::layer_array<4, 3, 3, hardwired::wavenet::dilations<1, 2>,
                                        hardwired::tanh, true>,
        hardwired::wavenet::layer_array<3, 1, 2, hardwired::wavenet::dilations<3>>>>;

} // namespace test
