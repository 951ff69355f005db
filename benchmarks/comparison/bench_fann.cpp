// FANN (Fast Artificial Neural Network Library, floatfann), used the way its documentation uses
// it: fann_create_standard_array, activation function and steepness per layer, fann_run for one
// sample, and for a training step fann_train_epoch on a fann_train_data with the training
// algorithm FANN_TRAIN_BATCH (plain gradient descent, one update per epoch). FANN has no batch
// inference API, so forward_batch is a loop of fann_run. FANN is plain C and starts no threads.
//
// Activations (fann_activation.h): FANN_SIGMOID is 1/(1 + exp(-2·s·x)) and FANN_SIGMOID_SYMMETRIC
// is tanh(s·x) for the steepness s (default 0.5), FANN_LINEAR is s·x. So sigmoid is FANN_SIGMOID
// with s = 0.5, tanh is FANN_SIGMOID_SYMMETRIC with s = 1, identity is FANN_LINEAR with s = 1; the
// derivatives FANN trains with, 2·s·y·(1 - y), s·(1 - y²) and s, are then the plain ones, with
// one deviation FANN has built in (fann_activation_derived in fann_train.c): it clips y to
// [0.01, 0.99] for FANN_SIGMOID and to [-0.98, 0.98] for FANN_SIGMOID_SYMMETRIC before taking the
// derivative, so on saturated neurons its gradient is not the true one. On the suite's data the
// activations stay inside those ranges (|tanh| ≤ 0.91, sigmoid in [0.21, 0.68]), so the step is
// exactly the reference's and --check holds at 1e-4; on other data it may not.
//
// Weights: every layer but the output has a bias neuron (value 1) as its last neuron; the
// connections (fann_get_connection_array) name their neurons by global index, the neurons of
// layer l being numbered after the sizes[i] + 1 neurons of each earlier layer i. A connection
// from input k (k < in) to neuron j carries W[j·in + k], the one from the bias neuron b[j].
//
// Plain stacks only: net G (residual spans) is not run (bench::runs keeps its default).

#include <floatfann.h>

#include <array>
#include <vector>

#include "bench_main.hpp"

template <class S>
struct fann_adapter {
    static constexpr const char* library = "fann";

    struct fann* ann = nullptr;
    struct fann_train_data* data = nullptr;
    std::vector<fann_connection> conns;
    std::array<unsigned, S::layers + 1> first{}; // global index of each layer's first neuron

    explicit fann_adapter(bench::weights const& w) {
        std::array<unsigned, S::layers + 1> sizes{};
        for (std::size_t l = 0; l <= S::layers; ++l)
            sizes[l] = unsigned(S::sizes[l]);
        for (std::size_t l = 1; l <= S::layers; ++l)
            first[l] = first[l - 1] + sizes[l - 1] + 1;
        ann = fann_create_standard_array(unsigned(sizes.size()), sizes.data());
        for (std::size_t l = 0; l < S::layers; ++l) {
            const int layer = int(l + 1); // FANN's layer 0 is the input layer
            switch (S::activation(l)) {
            case bench::act::tanh:
                fann_set_activation_function_layer(ann, FANN_SIGMOID_SYMMETRIC, layer);
                fann_set_activation_steepness_layer(ann, 1.0f, layer);
                break;
            case bench::act::sigmoid:
                fann_set_activation_function_layer(ann, FANN_SIGMOID, layer);
                fann_set_activation_steepness_layer(ann, 0.5f, layer);
                break;
            case bench::act::identity:
                fann_set_activation_function_layer(ann, FANN_LINEAR, layer);
                fann_set_activation_steepness_layer(ann, 1.0f, layer);
                break;
            }
        }
        fann_set_training_algorithm(ann, FANN_TRAIN_BATCH);
        fann_set_train_error_function(ann, FANN_ERRORFUNC_LINEAR); // the default is ..._TANH
        fann_set_learning_momentum(ann, 0.0f);

        conns.resize(fann_get_total_connections(ann));
        fann_get_connection_array(ann, conns.data());
        for (auto& c : conns)
            c.weight = *slot(w, c);
        // fann_set_weight_array looks every connection up by a linear search (quadratic in the
        // number of connections, about a second for network F), but it is FANN's API for this
        fann_set_weight_array(ann, conns.data(), unsigned(conns.size()));
    }
    ~fann_adapter() {
        if (data)
            fann_destroy_train(data);
        fann_destroy(ann);
    }
    fann_adapter(const fann_adapter&) = delete;
    fann_adapter& operator=(const fann_adapter&) = delete;

    // where connection c's weight lives in bench::weights
    template <class W> // bench::weights, const or not
    auto* slot(W& w, fann_connection const& c) const {
        std::size_t l = 0;
        while (l + 1 < S::layers && c.to_neuron >= first[l + 2])
            ++l;
        const std::size_t in = S::sizes[l];
        const std::size_t j = c.to_neuron - first[l + 1], k = c.from_neuron - first[l];
        return k == in ? &w.b[l][j] : &w.w[l][j * in + k];
    }

    void forward1(const float* x, float* y) {
        const float* out = fann_run(ann, const_cast<float*>(x)); // fann_run does not write x
        std::copy(out, out + S::outputs, y);
    }

    void forward_batch(const float* x, std::size_t n, float* y) {
        for (std::size_t s = 0; s < n; ++s)
            forward1(x + s * S::inputs, y + s * S::outputs);
    }

    void train_step(const float* x, const float* y, std::size_t n, float lr) {
        if (!data || data->num_data != n) {
            if (data)
                fann_destroy_train(data);
            data = fann_create_train(unsigned(n), unsigned(S::inputs), unsigned(S::outputs));
        }
        for (std::size_t s = 0; s < n; ++s) {
            std::copy(x + s * S::inputs, x + (s + 1) * S::inputs, data->input[s]);
            std::copy(y + s * S::outputs, y + (s + 1) * S::outputs, data->output[s]);
        }
        // FANN_TRAIN_BATCH (fann_train.c) sums, over the samples, the slopes δ·a with the output
        // δ = f'(z)·(target - out) and then adds learning_rate/num_data times the sum to each
        // weight: a step on ½·Σ(out - target)² averaged over the samples but summed over the
        // outputs. The reference's MSE (mean over n·outputs elements) has the gradient
        // 2·(out - target)/(n·outputs), so the learning rate is scaled by 2/outputs.
        fann_set_learning_rate(ann, lr * 2.0f / float(S::outputs));
        fann_train_epoch(ann, data);
    }

    bench::weights get_weights() {
        bench::weights w;
        for (std::size_t l = 0; l < S::layers; ++l) {
            w.w.emplace_back(S::sizes[l] * S::sizes[l + 1]);
            w.b.emplace_back(S::sizes[l + 1]);
        }
        fann_get_connection_array(ann, conns.data());
        for (auto const& c : conns)
            *slot(w, c) = c.weight;
        return w;
    }
};

BENCH_MAIN(fann_adapter)
