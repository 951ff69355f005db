// The plain scalar loop: what a careful programmer writes without a library, run-time sizes in
// std::vector, row-major W. The floor every library should beat. Residual spans (net G): the
// skip adds a[first] to a[end] after the activation; in backward, ∂L/∂a[end] is added to
// ∂L/∂a[first].

#include "bench_main.hpp"

template <class S>
struct scalar_adapter {
    static constexpr const char* library = "scalar";
    bench::weights w;
    std::vector<std::vector<float>> a, d; // a[l]: layer l's input (a[L] the output), d = ∂L/∂a
    std::vector<std::vector<float>> h;    // h[i] = f(z) where a skip ends at a[i], before it
    std::vector<std::vector<float>> gw, gb;

    explicit scalar_adapter(bench::weights const& init) : w(init) {
        for (std::size_t l = 0; l <= S::layers; ++l)
            a.emplace_back(S::sizes[l]);
        for (std::size_t l = 0; l <= S::layers; ++l)
            d.emplace_back(S::sizes[l]);
        for (std::size_t l = 0; l <= S::layers; ++l)
            h.emplace_back(bench::skip_source<S>(l) == bench::no_skip ? 0 : S::sizes[l]);
        for (std::size_t l = 0; l < S::layers; ++l) {
            gw.emplace_back(w.w[l].size());
            gb.emplace_back(w.b[l].size());
        }
    }
    static float f(bench::act k, float z) {
        return k == bench::act::tanh      ? std::tanh(z)
               : k == bench::act::sigmoid ? 1 / (1 + std::exp(-z))
                                          : z;
    }
    void forward1(const float* x, float* y) {
        std::copy(x, x + S::inputs, a[0].begin());
        for (std::size_t l = 0; l < S::layers; ++l) {
            const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
            for (std::size_t j = 0; j < out; ++j) {
                float z = w.b[l][j];
                for (std::size_t k = 0; k < in; ++k)
                    z += w.w[l][j * in + k] * a[l][k];
                a[l + 1][j] = f(S::activation(l), z);
            }
            if (const std::size_t src = bench::skip_source<S>(l + 1); src != bench::no_skip) {
                h[l + 1] = a[l + 1];
                for (std::size_t j = 0; j < out; ++j)
                    a[l + 1][j] += a[src][j];
            }
        }
        std::copy(a[S::layers].begin(), a[S::layers].end(), y);
    }
    void forward_batch(const float* x, std::size_t n, float* y) {
        for (std::size_t s = 0; s < n; ++s)
            forward1(x + s * S::inputs, y + s * S::outputs);
    }
    void train_step(const float* x, const float* y, std::size_t n, float lr) {
        for (std::size_t l = 0; l < S::layers; ++l) {
            std::fill(gw[l].begin(), gw[l].end(), 0.f);
            std::fill(gb[l].begin(), gb[l].end(), 0.f);
        }
        const float scale = 2.f / float(n * S::outputs);
        std::vector<float> out(S::outputs);
        for (std::size_t s = 0; s < n; ++s) {
            forward1(x + s * S::inputs, out.data());
            for (std::size_t o = 0; o < S::outputs; ++o)
                d[S::layers][o] = scale * (out[o] - y[s * S::outputs + o]);
            for (std::size_t l = S::layers; l-- > 0;) {
                const std::size_t in = S::sizes[l], outs = S::sizes[l + 1];
                std::fill(d[l].begin(), d[l].end(), 0.f);
                const auto& y_l = h[l + 1].empty() ? a[l + 1] : h[l + 1]; // f(z) of layer l
                for (std::size_t j = 0; j < outs; ++j) {
                    const float ay = y_l[j];
                    const float dz =
                        d[l + 1][j] * float(bench::derivative_from_output(S::activation(l), ay));
                    gb[l][j] += dz;
                    for (std::size_t k = 0; k < in; ++k) {
                        gw[l][j * in + k] += dz * a[l][k];
                        d[l][k] += w.w[l][j * in + k] * dz;
                    }
                }
                for (bench::residual r : S::residuals)
                    if (r.first == l)
                        for (std::size_t k = 0; k < in; ++k)
                            d[l][k] += d[r.end][k];
            }
        }
        for (std::size_t l = 0; l < S::layers; ++l) {
            for (std::size_t i = 0; i < gw[l].size(); ++i)
                w.w[l][i] -= lr * gw[l][i];
            for (std::size_t i = 0; i < gb[l].size(); ++i)
                w.b[l][i] -= lr * gb[l][i];
        }
    }
    bench::weights get_weights() const { return w; }
};

template <class S>
inline constexpr bool bench::runs<scalar_adapter, S> = true; // residual spans too

BENCH_MAIN(scalar_adapter)
