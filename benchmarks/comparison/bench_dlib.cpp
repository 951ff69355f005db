// dlib's deep-learning API (dlib/dnn.h), used the way its documentation and examples use it: the
// network is a type, loss_mean_squared_multioutput<act<fc<Out, ... input<matrix<float>>>>>, with
// htan / sig for the activations and no layer for identity; samples are matrix<float> column
// vectors; inference is net(sample) and net(begin, end, out) for a batch; a training step is
// compute_parameter_gradients + update_parameters with one sgd solver per layer, the calls
// dnn_trainer makes internally (dnn_trainer itself runs a thread and loops over epochs, not one
// step).
//
// Single-threaded: Debian's dlib is built with DLIB_USE_BLAS and without CUDA, and the BLAS it
// links is whatever libblas.so.3 points to (the reference netlib BLAS unless an alternative such
// as OpenBLAS is installed; if one is, run with OPENBLAS_NUM_THREADS=1). The dnn tensor code
// itself starts no threads on the CPU.
//
// Parameter layout (dlib/dnn/layers.h, fc_::setup): one tensor of (in+1) × out floats, row-major,
// the first in·out the weights with W_dlib[k·out + j] = W[j·in + k] (input k to neuron j, i.e. the
// transpose of bench::weights), then the out biases.
//
// Plain stacks only: net G (residual spans) is not run (bench::runs keeps its default).

#include <dlib/dnn.h>

#include <algorithm>
#include <vector>

#include "bench_main.hpp"

namespace dlib_bench {

template <bench::act A, class SUBNET>
struct activated {
    using type = SUBNET; // identity: no layer
};
template <class SUBNET>
struct activated<bench::act::tanh, SUBNET> {
    using type = dlib::htan<SUBNET>;
};
template <class SUBNET>
struct activated<bench::act::sigmoid, SUBNET> {
    using type = dlib::sig<SUBNET>;
};

// layers 1..L of S on top of the input layer
template <class S, std::size_t L>
struct stack {
    using type = typename activated<S::activation(L - 1),
                                    dlib::fc<S::sizes[L], typename stack<S, L - 1>::type>>::type;
};
template <class S>
struct stack<S, 0> {
    using type = dlib::input<dlib::matrix<float>>;
};

template <class S>
using net_type = dlib::loss_mean_squared_multioutput<typename stack<S, S::layers>::type>;

} // namespace dlib_bench

template <class S>
struct dlib_adapter {
    static constexpr const char* library = "dlib";
    using net_t = dlib_bench::net_type<S>;

    net_t net;
    std::vector<dlib::sgd> solvers;
    dlib::matrix<float> x1;                      // one input sample
    std::vector<dlib::matrix<float>> xs, ys, os; // a batch: inputs, targets, outputs

    explicit dlib_adapter(bench::weights const& w)
        : solvers(net_t::num_computational_layers, dlib::sgd(0, 0)), x1(S::inputs, 1) {
        x1 = 0;
        net(x1); // the parameter tensors are allocated (fc_::setup) by the first forward pass
        auto p = params();
        for (std::size_t l = 0; l < S::layers; ++l) {
            const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
            float* d = p[l]->host();
            for (std::size_t j = 0; j < out; ++j) {
                for (std::size_t k = 0; k < in; ++k)
                    d[k * out + j] = w.w[l][j * in + k];
                d[in * out + j] = w.b[l][j];
            }
        }
    }

    // the fc layers' parameter tensors, input side first (visit_layer_parameters goes from the
    // loss down; htan / sig have empty parameter tensors)
    std::vector<dlib::tensor*> params() {
        std::vector<dlib::tensor*> p;
        dlib::visit_layer_parameters(net, [&](dlib::tensor& t) {
            if (t.size() != 0)
                p.push_back(&t);
        });
        std::reverse(p.begin(), p.end());
        for (std::size_t l = 0; l < S::layers; ++l)
            DLIB_CASSERT(p[l]->num_samples() == long(S::sizes[l] + 1) &&
                         p[l]->k() == long(S::sizes[l + 1]) && p[l]->nr() == 1 && p[l]->nc() == 1);
        return p;
    }

    void load(const float* x, const float* y, std::size_t n) {
        if (xs.size() < n) {
            xs.resize(n, dlib::matrix<float>(S::inputs, 1));
            ys.resize(n, dlib::matrix<float>(S::outputs, 1));
            os.resize(n, dlib::matrix<float>(S::outputs, 1));
        }
        for (std::size_t s = 0; s < n; ++s) {
            std::copy(x + s * S::inputs, x + (s + 1) * S::inputs, &xs[s](0));
            if (y)
                std::copy(y + s * S::outputs, y + (s + 1) * S::outputs, &ys[s](0));
        }
    }

    void forward1(const float* x, float* y) {
        std::copy(x, x + S::inputs, &x1(0));
        const dlib::matrix<float>& out = net(x1);
        std::copy(&out(0), &out(0) + S::outputs, y);
    }

    void forward_batch(const float* x, std::size_t n, float* y) {
        load(x, nullptr, n);
        net(xs.begin(), xs.begin() + long(n), os.begin());
        for (std::size_t s = 0; s < n; ++s)
            std::copy(&os[s](0), &os[s](0) + S::outputs, y + s * S::outputs);
    }

    void train_step(const float* x, const float* y, std::size_t n, float lr) {
        load(x, y, n);
        net.compute_parameter_gradients(xs.begin(), xs.begin() + long(n), ys.begin());
        // loss_mean_squared_multioutput's gradient is (out - y)/n: it averages over the samples
        // only, not over the outputs, and has no factor 2 (dlib/dnn/loss.h). The reference's MSE
        // (mean over n·outputs elements) has the gradient 2·(out - y)/(n·outputs), so the
        // learning rate is scaled by 2/outputs. sgd(weight_decay = 0, momentum = 0) then steps
        // exactly p -= lr·grad (the fc layers' learning-rate multipliers are 1).
        net.update_parameters(solvers, double(lr) * 2.0 / double(S::outputs));
    }

    bench::weights get_weights() {
        bench::weights w;
        auto p = params();
        for (std::size_t l = 0; l < S::layers; ++l) {
            const std::size_t in = S::sizes[l], out = S::sizes[l + 1];
            const float* d = p[l]->host();
            std::vector<float> wl(in * out), bl(out);
            for (std::size_t j = 0; j < out; ++j) {
                for (std::size_t k = 0; k < in; ++k)
                    wl[j * in + k] = d[k * out + j];
                bl[j] = d[in * out + j];
            }
            w.w.push_back(wl);
            w.b.push_back(bl);
        }
        return w;
    }
};

BENCH_MAIN(dlib_adapter)
