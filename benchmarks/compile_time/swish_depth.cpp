// Compile-time benchmark: differentiate and evaluate swish∘swish∘…∘swish nested DEPTH times.
// The derivative's tree grows about 2.3× per level (hundreds of thousands of nodes at depth 12)
// but its distinct sub-expression types grow linearly, and the library works on those only.
// Built by run.sh with -DDEPTH=1..12 and timed against an empty translation unit.

#include <hardwired/sym.hpp>

namespace hw = hardwired;

#ifndef DEPTH
#define DEPTH 12
#endif

template <int N>
constexpr auto nested_swish() {
    if constexpr (N == 0)
        return hw::x;
    else
        return [](auto e) { return e * hw::sigmoid(e); }(nested_swish<N - 1>());
}

double value_and_derivative(double v) {
    constexpr auto f = nested_swish<DEPTH>();
    return f(v) + hw::derivative(f)(v);
}

float derivative_float(float v) { return hw::derivative(nested_swish<DEPTH>())(v); }

int main(int argc, char**) { return static_cast<int>(value_and_derivative(argc) + derivative_float(argc)); }
