// Every size the library publishes is the size of what it uses: the compile-time facts of a
// network against sizeof of the objects they describe, for several shapes and value types.

#include <catch2/catch.hpp>

#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

namespace {

template <class Net, class T>
constexpr bool sizes_match() {
    static_assert(Net::template parameter_bytes<T> == sizeof(hw::params<Net, T>));
    static_assert(Net::template gradient_bytes<T> == sizeof(hw::gradients<Net, T>));
    static_assert(Net::template workspace_bytes<T> == sizeof(hw::workspace<Net, T>));
    static_assert(Net::template batch_workspace_bytes<T> == sizeof(hw::batch_workspace<Net, T>));
    return true;
}

using xor_net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1, hw::sigmoid>>;
using wide = hw::network<hw::input<5>, hw::dense<19, hw::tanh>, hw::dense<64>, hw::dense<3>>;
using mnist =
    hw::network<hw::input<784>, hw::dense<512, hw::relu>, hw::dense<512, hw::relu>, hw::dense<10>>;

static_assert(sizes_match<xor_net, float>() && sizes_match<xor_net, double>());
static_assert(sizes_match<wide, float>() && sizes_match<wide, double>());
static_assert(sizes_match<mnist, float>() && sizes_match<mnist, double>());
static_assert(sizes_match<xor_net, long double>());

} // namespace

TEST_CASE("the published sizes of the XOR network", "[sizes]") {
    // 13 parameters: 52 bytes, one 64-byte line.
    STATIC_REQUIRE(xor_net::parameter_bytes<float> == 64);
    // One sample's values: the 2 inputs, the hidden layer's 3 outputs and 3 pre-activations, the
    // output layer's 1 pre-activation, the 1 output (10 floats, one line); its signals: δ of the
    // 2 inputs and of the 1 output, two δ buffers of the hidden layer's width 3 (9 floats, one
    // line); the random stream of drawing layers (seed and position, one line).
    STATIC_REQUIRE(xor_net::workspace_bytes<float> == 3 * 64);
    // A chunk: the same 10 values and 9 signals as rows of 32 floats, plus the chunk kernel's
    // transposed δ (3 rows, the widest layer's scratch) and the targets (1 row); the random
    // stream.
    STATIC_REQUIRE(xor_net::batch_workspace_bytes<float> == (10 + 9 + 3 + 1) * 32 * 4 + 64);
}
