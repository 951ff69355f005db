#include <cstdio>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

int main() {
    // An activation is a formula; its derivative is derived by the compiler, as a type.
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    constexpr auto swish_prime = hw::derivative(swish);

    std::printf("f(x)  = %s\n", hw::to_string(swish).c_str());
    std::printf("f'(x) = %s\n", hw::to_string(swish_prime).c_str());
    std::printf("f(0.5) = %.6f, f'(0.5) = %.6f\n", swish(0.5), swish_prime(0.5));

    // Losses are formulas in the prediction and the target; the gradient is derived too.
    std::printf("d/dyhat %s = %s\n", hw::to_string(hw::bce_with_logits).c_str(),
                hw::to_string(hw::loss_gradient(hw::bce_with_logits)).c_str());
}
