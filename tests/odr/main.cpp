#include <cstdio>

#include "odr.hpp"

int main() {
    // the same computation in both translation units gives the same result
    const double a = odr_tu1(), b = odr_tu2();
    std::printf("tu1 %.17g, tu2 %.17g\n", a, b);
    return a == b ? 0 : 1;
}
