#pragma once
// The layer conformance suite (docs/architecture.md, "How to add a layer kind"): the laws every
// layer kind and block must obey, checked on a network that contains it. Each check compares
// with an independent computation:
//
//   gradients      ∂L/∂parameters and ∂L/∂input of the float64 reference kernels against central
//                  differences of the loss computed here from hw::forward (GUIDE §4 tolerances);
//   fast kernels   the one-sample SIMD kernels and the chunk kernels (samples in lanes) against the
//                  reference kernels, in float and double: loss, every gradient, the outputs
//                  (sample i of a batch draws as a workspace at stream position i: hw::dropout);
//   batch = mean   the batch gradient equals the mean of the samples' gradients (float64, to
//                  rounding);
//   no heap        hw::forward, hw::gradient, hw::batch_gradient and an optimizer step allocate
//                  nothing (needs support/counting_new.hpp in the executable);
//   determinism    two trainings from the same seed give bit-identical parameters.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <hardwired/hardwired.hpp>
#include <vector>

#include "gradcheck.hpp"

namespace test::conformance {

namespace hw = hardwired;

template <class T, std::size_t N>
std::array<T, N> random_array(hw::splitmix64& rng, double lo, double hi) {
    std::array<T, N> a{};
    for (T& v : a)
        v = static_cast<T>(lo + (hi - lo) * rng.uniform());
    return a;
}

/// L = (1/O)·Σ ½(ŷ − y)², the loss hw::squared_error names, computed here from the outputs.
template <class Y>
double mean_squared(Y const& yhat, Y const& y) {
    double s = 0;
    for (std::size_t o = 0; o < y.size(); ++o)
        s += 0.5 * (double(yhat[o]) - double(y[o])) * (double(yhat[o]) - double(y[o]));
    return s / double(y.size());
}

/// Parameters in [−0.8, 0.8), and layers' fixed tensors (LayerNorm's ones and zeros) moved off
/// their special values, so that every parameter's gradient is exercised.
template <class Net, class T>
hw::params<Net, T> random_params(std::uint64_t seed) {
    hw::params<Net, T> p;
    hw::init::uniform(p, T(-0.8), T(0.8), seed);
    return p;
}

struct report {
    std::size_t checked = 0, failed = 0;
    double worst = 0; // the largest |analytic − numeric| / (1e-5 + 1e-3·|numeric|)
    void add(double analytic, double numeric) {
        ++checked;
        const double r = std::abs(analytic - numeric) / (1e-5 + 1e-3 * std::abs(numeric));
        worst = std::max(worst, r);
        if (!test::gradcheck_close(analytic, numeric))
            ++failed;
    }
};

/// Gradients of the reference kernels against central differences, at `samples` random points.
template <class Net>
report gradcheck(std::size_t samples = 3) {
    using T = double;
    hw::splitmix64 rng{17};
    report r;
    for (std::size_t s = 0; s < samples; ++s) {
        auto p = random_params<Net, T>(100 + s);
        const auto x = random_array<T, Net::inputs>(rng, -1, 1);
        const auto y = random_array<T, Net::outputs>(rng, -1, 1);
        hw::gradients<Net, T> g;
        std::array<T, Net::inputs> gx{};
        hw::workspace<Net, T> ws;
        g.values.fill(0);
        hw::detail::accumulate_sample<hw::squared_error>(p, ws, x.data(), y.data(), g, T(1), true,
                                                         hw::kernels::scalar{});
        for (std::size_t i = 0; i < Net::inputs; ++i)
            gx[i] = ws.g[i];
        auto loss_at = [&](auto const& q, auto const& xx) {
            hw::workspace<Net, T> w;
            std::copy(xx.begin(), xx.end(), w.a.begin());
            hw::detail::forward_into(q, w, true, hw::kernels::scalar{}); // the same draws as ws
            std::array<T, Net::outputs> out;
            const auto o = w.template activations<Net::depth>();
            std::copy(o.begin(), o.end(), out.begin());
            return mean_squared(out, y);
        };
        for (std::size_t i = 0; i < Net::parameter_count; ++i) {
            auto q = p;
            r.add(g.values[i], test::central_difference(
                                   [&](double v) {
                                       q.values[i] = v;
                                       return loss_at(q, x);
                                   },
                                   p.values[i]));
        }
        for (std::size_t i = 0; i < Net::inputs; ++i) {
            auto xx = x;
            r.add(gx[i], test::central_difference(
                             [&](double v) {
                                 xx[i] = v;
                                 return loss_at(p, xx);
                             },
                             x[i]));
        }
    }
    return r;
}

/// max |a − b| / (1 + max |b|) over two arrays.
template <class A, class B>
double relative_difference(A const& a, B const& b) {
    double scale = 0, diff = 0;
    for (std::size_t i = 0; i < std::size(a); ++i) {
        scale = std::max(scale, std::abs(double(b[i])));
        diff = std::max(diff, std::abs(double(a[i]) - double(b[i])));
    }
    return diff / (1 + scale);
}

struct kernel_report {
    double one_sample = 0; // SIMD vs reference: loss, outputs, parameter and input gradients
    double chunk = 0;      // batch (chunks) vs the mean of the reference's samples
    double forward_batch = 0;
};

/// The fast kernels against the reference kernels on n samples.
template <class Net, class T>
kernel_report fast_vs_reference(std::size_t n = 37) {
    hw::splitmix64 rng{5};
    const auto p = random_params<Net, T>(7);
    std::vector<std::array<T, Net::inputs>> xs(n);
    std::vector<std::array<T, Net::outputs>> ys(n);
    for (std::size_t i = 0; i < n; ++i) {
        xs[i] = random_array<T, Net::inputs>(rng, -1, 1);
        ys[i] = random_array<T, Net::outputs>(rng, -1, 1);
    }
    kernel_report r;
    hw::gradients<Net, T> mean_ref, g_ref, g_simd;
    mean_ref.values.fill(0);
    double loss_ref = 0;
    for (std::size_t i = 0; i < n; ++i) {
        hw::workspace<Net, T> w_ref, w_simd;
        w_ref.random.position = w_simd.random.position = i; // sample i of the batch's stream
        g_ref.values.fill(0);
        g_simd.values.fill(0);
        const T l_ref = hw::detail::accumulate_sample<hw::squared_error>(
            p, w_ref, xs[i].data(), ys[i].data(), g_ref, T(1), true, hw::kernels::scalar{});
        const T l_simd = hw::detail::accumulate_sample<hw::squared_error>(
            p, w_simd, xs[i].data(), ys[i].data(), g_simd, T(1), true, hw::kernels::simd{});
        r.one_sample = std::max({r.one_sample, relative_difference(g_simd.values, g_ref.values),
                                 relative_difference(std::array{l_simd}, std::array{l_ref}),
                                 relative_difference(w_simd.a, w_ref.a),
                                 relative_difference(std::span(w_simd.g.data(), Net::inputs),
                                                     std::span(w_ref.g.data(), Net::inputs))});
        for (std::size_t k = 0; k < Net::parameter_count; ++k)
            mean_ref.values[k] += g_ref.values[k] / T(n);
        loss_ref += double(l_ref) / double(n);
    }
    hw::gradients<Net, T> g_batch;
    const T l_batch = hw::batch_gradient<hw::squared_error>(p, xs, ys, g_batch);
    r.chunk = std::max(relative_difference(g_batch.values, mean_ref.values),
                       relative_difference(std::array{l_batch}, std::array{loss_ref}));
    std::vector<std::array<T, Net::outputs>> out(n);
    hw::forward_batch(p, xs, out);
    for (std::size_t i = 0; i < n; ++i) {
        hw::workspace<Net, T> w;
        std::copy(xs[i].begin(), xs[i].end(), w.a.begin());
        hw::detail::forward_into(p, w, false, hw::kernels::scalar{});
        r.forward_batch = std::max(
            r.forward_batch, relative_difference(out[i], w.template activations<Net::depth>()));
    }
    return r;
}

/// Allocations during forward, gradient, batch_gradient (given a workspace) and an Adam step.
template <class Net, class AllocationsDuring>
std::size_t heap_allocations(AllocationsDuring during) {
    using T = float;
    static hw::params<Net, T> p = random_params<Net, T>(3);
    static hw::gradients<Net, T> g;
    static hw::batch_workspace<Net, T> ws;
    static hw::adam<Net, T> opt{1e-3f};
    static std::array<std::array<T, Net::inputs>, 40> xs{};
    static std::array<std::array<T, Net::outputs>, 40> ys{};
    return during([&] {
        auto y = hw::forward(p, xs[0]);
        hw::gradient<hw::squared_error>(p, xs[0], ys[0], g);
        hw::batch_gradient<hw::squared_error>(p, xs, ys, g, ws);
        opt.step(p, g);
        g.values[0] += y[0];
    });
}

/// Trains twice from the same seed, Adam on a fixed batch; true when the parameters are equal
/// bit for bit.
template <class Net>
bool reproducible() {
    using T = float;
    auto train = [] {
        hw::params<Net, T> p;
        hw::init::defaults(p, 11);
        hw::adam<Net, T> opt{1e-2f};
        hw::gradients<Net, T> g;
        hw::splitmix64 rng{23};
        std::vector<std::array<T, Net::inputs>> xs(45);
        std::vector<std::array<T, Net::outputs>> ys(45);
        for (std::size_t i = 0; i < xs.size(); ++i) {
            xs[i] = random_array<T, Net::inputs>(rng, -1, 1);
            ys[i] = random_array<T, Net::outputs>(rng, -1, 1);
        }
        for (int step = 0; step < 5; ++step) {
            hw::batch_gradient<hw::squared_error>(p, xs, ys, g);
            opt.step(p, g);
        }
        return p;
    };
    const auto a = train(), b = train();
    return std::memcmp(a.values.data(), b.values.data(), sizeof(a.values)) == 0;
}

} // namespace test::conformance
