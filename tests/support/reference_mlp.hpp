#pragma once
// The test oracle: a plain, run-time-sized multilayer perceptron in double, written as directly
// as the source documents write it (W of shape (out, in), row-major, z = W·a + b, a = f(z)),
// sharing nothing with the library's kernels but the activation formulas' evaluation.

#include <cstddef>
#include <functional>
#include <vector>

namespace test {

struct reference_layer {
    std::size_t in, out;
    std::vector<double> w; // w[j * in + k]
    std::vector<double> b;
    std::function<double(double)> f, df; // activation and its derivative (of z)
};

struct reference_mlp {
    std::vector<reference_layer> layers;

    // Loss (mean over outputs of loss(ŷ, y)) and gradients in the layers' shapes.
    template <class Loss, class LossGrad>
    double loss_and_gradient(std::vector<double> const& x, std::vector<double> const& y, Loss loss,
                             LossGrad dloss, std::vector<std::vector<double>>& dw,
                             std::vector<std::vector<double>>& db,
                             std::vector<double>* dx = nullptr) const {
        std::vector<std::vector<double>> a{x}, z{{}};
        for (auto const& l : layers) {
            std::vector<double> zl(l.out), al(l.out);
            for (std::size_t j = 0; j < l.out; ++j) {
                double s = l.b[j];
                for (std::size_t k = 0; k < l.in; ++k)
                    s += l.w[j * l.in + k] * a.back()[k];
                zl[j] = s;
                al[j] = l.f(s);
            }
            z.push_back(zl);
            a.push_back(al);
        }
        const std::size_t outs = a.back().size();
        double total = 0;
        std::vector<double> g(outs);
        for (std::size_t o = 0; o < outs; ++o) {
            total += loss(a.back()[o], y[o]);
            g[o] = dloss(a.back()[o], y[o]) / static_cast<double>(outs);
        }
        dw.assign(layers.size(), {});
        db.assign(layers.size(), {});
        for (std::size_t l = layers.size(); l-- > 0;) {
            auto const& L = layers[l];
            std::vector<double> delta(L.out), prev(L.in, 0.0);
            for (std::size_t j = 0; j < L.out; ++j)
                delta[j] = g[j] * L.df(z[l + 1][j]);
            dw[l].assign(L.out * L.in, 0.0);
            db[l] = delta;
            for (std::size_t j = 0; j < L.out; ++j)
                for (std::size_t k = 0; k < L.in; ++k) {
                    dw[l][j * L.in + k] = delta[j] * a[l][k];
                    prev[k] += L.w[j * L.in + k] * delta[j];
                }
            g = prev;
        }
        if (dx)
            *dx = g;
        return total / static_cast<double>(outs);
    }
};

} // namespace test
