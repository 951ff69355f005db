// The worked example of the third source document (seeds/002), done by the library and checked
// by hand: a 2-3-1 network with identity activations and every weight 1, one forward pass on
// the XOR row (0, 0) with target 0, back-propagation, and one gradient-descent step with learning
// rate 0.1. Every value is printed in the document's names and compared with the value the
// document's formulas give when applied correctly; the program exits 1 on any mismatch.
//
// The document's names: inputs X1, X2 plus a bias unit X0 = 1; hidden units Z1..Z3 plus a bias
// unit Z0 = 1; output D0. Wjk joins Xk to Zj and V0k joins Zk to D0. A weight from a bias unit
// is what the library calls a bias: Wj0 is layer 0's b(j-1), V00 is layer 1's b(0).

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <hardwired/hardwired.hpp>
#include <string>
#include <type_traits>

namespace hw = hardwired;

// hw::dense<N> has the identity activation f(a) = a by default, as in the document.
using net = hw::network<hw::input<2>, hw::dense<3>, hw::dense<1>>;

int failures = 0;

// Prints `name = value` and checks it against what the document's formulas predict.
void show(std::string const& name, double value, double expected) {
    const bool ok = std::fabs(value - expected) <= 1e-12;
    std::printf("  %-42s = %g%s\n", name.c_str(), value, ok ? "" : "   <-- MISMATCH");
    if (!ok) {
        std::printf("      expected %g\n", expected);
        ++failures;
    }
}

// Builds a label from strings and numbers: name("W", 1, 0) is "W10".
template <class... Parts>
std::string name(Parts const&... parts) {
    std::string s;
    auto add = [&s](auto const& part) {
        if constexpr (std::is_arithmetic_v<std::remove_cvref_t<decltype(part)>>)
            s += std::to_string(part);
        else
            s += part;
    };
    (add(parts), ...);
    return s;
}

int main() {
    // double, like the hand calculation below, so that both agree to 1e-12.
    hw::params<net, double> p;
    hw::init::constant(p, 1.0);
    const std::array<double, 2> x{0, 0}; // (X1, X2), the first row of the XOR truth table
    const std::array<double, 1> y{0};    // its target
    const double lr = 0.1;
    const auto f = hw::identity;            // the activation, f(a) = a
    const auto f_prime = hw::derivative(f); // f'(a) = 1, derived by the compiler
    const double X[3] = {1, x[0], x[1]};    // X0 is the bias unit

    std::printf("2-3-1 network, identity activations, every weight 1; input (X1, X2) = (0, 0), "
                "target 0.\n");

    // ---- Forward pass. The document calls a unit's weighted sum (pre-activation) a = h(x) and
    // its output (activation) z = f(a); the library's names are the other way round.
    std::printf("\nForward pass: pre-activation a = h(x) = sum of weight * input, activation "
                "z = f(a):\n");
    auto L0 = p.layer<0>();
    auto L1 = p.layer<1>();
    // The library's forward pass yields only the network's output, so the hidden values come
    // from the same first layer as a network of its own.
    using first_layer = hw::network<hw::input<2>, hw::dense<3>>;
    hw::params<first_layer, double> hidden_net;
    for (std::size_t j = 0; j < 3; ++j) {
        hidden_net.layer<0>().b(j) = L0.b(j);
        for (std::size_t k = 0; k < 2; ++k)
            hidden_net.layer<0>().w(j, k) = L0.w(j, k);
    }
    const auto z_hidden = hw::forward(hidden_net, x);
    double Z[4] = {1, 0, 0, 0}; // Z0 is the bias unit
    for (std::size_t j = 1; j <= 3; ++j) {
        // By hand: Wj0·X0 + Wj1·X1 + Wj2·X2 = 1·1 + 1·0 + 1·0.
        const double a = L0.b(j - 1) * X[0] + L0.w(j - 1, 0) * X[1] + L0.w(j - 1, 1) * X[2];
        show(name("Z", j, ": a = W", j, "0*X0 + W", j, "1*X1 + W", j, "2*X2"), a, 1);
        show(name("Z", j, ": z = f(a) (library)"), z_hidden[j - 1], f(a));
        Z[j] = z_hidden[j - 1];
    }
    const double yhat = hw::forward(p, x)[0];
    const double a_D0 = L1.b(0) * Z[0] + L1.w(0, 0) * Z[1] + L1.w(0, 1) * Z[2] + L1.w(0, 2) * Z[3];
    show("D0: a = V00*Z0 + V01*Z1 + V02*Z2 + V03*Z3", a_D0, 4);
    show("D0: z = f(a) = yhat (library)", yhat, f(a_D0));

    // ---- Loss and gradients, by the library's back-propagation.
    hw::gradients<net, double> g;
    const double loss = hw::gradient<hw::squared_error>(p, x, y, g);
    std::printf("\nLoss (the document writes y - yhat = -4 instead):\n");
    show("L = 1/2 (yhat - y)^2", loss, 8);
    const double dL_dyhat = hw::loss_gradient(hw::squared_error)(yhat, y[0]);
    show("dL/dyhat = yhat - y", dL_dyhat, 4);

    // ---- Deltas: a unit's delta is dL/da, the derivative by its pre-activation. The output's is
    // dL/dyhat · f'; a hidden unit's is the document's formula delta_0 = w · delta_1 · f'. The
    // library does not expose deltas, but a bias gradient is one (the bias unit's value is 1), so
    // each is checked against it.
    std::printf("\nDeltas (the bias units Z0, X0 have no inputs, hence no delta):\n");
    auto G0 = g.layer<0>();
    auto G1 = g.layer<1>();
    const double delta_D0 = dL_dyhat * f_prime(yhat);
    show("delta_D0 = dL/dyhat * f'", delta_D0, 4);
    show("   library: dL/dV00", G1.b(0), delta_D0);
    double delta_Z[4] = {};
    for (std::size_t j = 1; j <= 3; ++j) {
        delta_Z[j] = L1.w(0, j - 1) * delta_D0 * f_prime(Z[j]);
        show(name("delta_Z", j, " = V0", j, " * delta_D0 * f'"), delta_Z[j], 4);
        show(name("   library: dL/dW", j, 0), G0.b(j - 1), delta_Z[j]);
    }

    // ---- Gradients: dL/dW = Z · delta, the value entering the link times the delta at its far
    // end (the document's J'(W) = Z · delta).
    std::printf("\nGradients dL/dW = Z * delta (Z the value entering the link):\n");
    for (std::size_t j = 1; j <= 3; ++j) {
        show(name("dL/dW", j, 0, " = X0 * delta_Z", j), G0.b(j - 1), X[0] * delta_Z[j]);
        for (std::size_t k = 1; k <= 2; ++k)
            show(name("dL/dW", j, k, " = X", k, " * delta_Z", j), G0.w(j - 1, k - 1),
                 X[k] * delta_Z[j]);
    }
    show("dL/dV00 = Z0 * delta_D0", G1.b(0), Z[0] * delta_D0);
    for (std::size_t k = 1; k <= 3; ++k)
        show(name("dL/dV0", k, " = Z", k, " * delta_D0"), G1.w(0, k - 1), Z[k] * delta_D0);

    // ---- One step of gradient descent, W := W − lr · dL/dW.
    const auto before = p;
    hw::sgd<net, double> opt{.lr = lr};
    opt.step(p, g);
    std::printf("\nAfter one SGD step W := W - 0.1 * dL/dW:\n");
    for (std::size_t j = 1; j <= 3; ++j) {
        show(name("W", j, "0 (from bias unit X0)"), L0.b(j - 1), 0.6);
        for (std::size_t k = 1; k <= 2; ++k)
            show(name("W", j, k, " (from X", k, " = 0)"), L0.w(j - 1, k - 1), 1);
    }
    show("V00 (from bias unit Z0)", L1.b(0), 0.6);
    for (std::size_t k = 1; k <= 3; ++k)
        show(name("V0", k, " (from Z", k, ")"), L1.w(0, k - 1), 0.6);

    // ---- The document's numbers: its step is the correct one with the sign flipped, W + lr ·
    // dL/dW, which gives 1.4 only for the weights whose Z is not 0.
    std::printf("\nThe document's update W := W - 0.1 * Z * (y - yhat), reproduced:\n");
    show("W10 = 1 - 0.1 * X0 * (0 - 4)", 1 - lr * X[0] * (y[0] - yhat), 1.4);
    show("   = W10 + 0.1 * dL/dW10 (uphill)", before.layer<0>().b(0) + lr * G0.b(0), 1.4);
    show("W11 = 1 - 0.1 * X1 * (0 - 4) [doc: 1.4]", 1 - lr * X[1] * (y[0] - yhat), 1);
    std::printf("\nThe document's loss is written as actual - predicted and its update as\n"
                "W - alpha*Z*delta, which together move every weight the wrong way, up the loss,\n"
                "to 1.4 instead of 0.6. It also changes the weights from the two inputs that were\n"
                "0 (W11 ... W32), whose gradient Z*delta is 0, so they must stay at 1.\n");

    std::printf("\n%s\n", failures == 0 ? "All values agree with the hand calculation."
                                        : "Some values disagree: see MISMATCH above.");
    return failures == 0 ? 0 : 1;
}
