// A custom activation is a formula. This program defines one, prints it and its derivative (both
// derived at compile time), evaluates them at a few points in float, double and on an xsimd
// batch, and checks the derivative against a central difference.

#include <cmath>
#include <cstdio>
#include <hardwired/hardwired.hpp>
#include <xsimd/xsimd.hpp>

namespace hw = hardwired;

// "Mish-like" smooth activation: x·tanh(softplus(x)). Any formula in hw::x is an activation.
constexpr auto mish = hw::x * hw::tanh(hw::softplus(hw::x));
// Its derivative is a type too, computed by the compiler.
constexpr auto mish_prime = hw::derivative(mish);

int main() {
    std::printf("f(x)  = %s\n", hw::to_string(mish).c_str());
    std::printf("f'(x) = %s\n\n", hw::to_string(mish_prime).c_str());

    std::printf("%8s %14s %14s %14s\n", "x", "f(x)", "f'(x)", "central diff.");
    int failures = 0;
    for (double x : {-4.0, -1.0, -0.25, 0.0, 0.5, 2.0, 30.0}) {
        const double h = 1e-6 * std::fmax(1.0, std::fabs(x));
        const double numeric = (mish(x + h) - mish(x - h)) / (2 * h);
        const double analytic = mish_prime(x);
        std::printf("%8.2f %14.8f %14.8f %14.8f\n", x, mish(x), analytic, numeric);
        if (std::fabs(analytic - numeric) > 1e-5 + 1e-3 * std::fabs(numeric))
            ++failures;
    }

    // The same formula evaluates in float and lane-wise on SIMD batches.
    const float xf = 0.5f;
    std::printf("\nfloat:  f(%.1f) = %.7f, f'(%.1f) = %.7f\n", double(xf), double(mish(xf)),
                double(xf), double(mish_prime(xf)));
    const xsimd::batch<float> xs(xf);
    std::printf("batch:  f'(%.1f) in %zu lanes = %.7f\n", double(xf), xsimd::batch<float>::size,
                double(mish_prime(xs).get(0)));

    // Named activations print the same way; sigmoid's derivative is known in terms of its output.
    std::printf("\nswish' = %s\n", hw::to_string(hw::derivative(hw::swish)).c_str());
    std::printf("sigmoid' in terms of the output a = sigmoid(x): %s\n",
                hw::to_string(hw::output_derivative(hw::sigmoid)).c_str());

    if (failures)
        std::printf("\n%d derivative(s) disagree with the central difference\n", failures);
    return failures == 0 ? 0 : 1;
}
