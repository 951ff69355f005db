// A consumer's program on a model baked in by the installed hardwired_embed_weights.
#include <array>
#include <cmath>
#include <cstdio>

#include <model.hpp>

int main() {
    const auto y = hw::forward(model, std::array<float, 3>{0.5f, -1.0f, 2.0f});
    std::printf("embedded model: %g\n", static_cast<double>(y[0]));
    return std::isfinite(y[0]) && model.values[0] != 0 ? 0 : 1;
}
