// hardwired → PyTorch: trains small networks of each kind of layer naming in hardwired
// (a multilayer perceptron, a residual block, a concat block with a chain branch, an LSTM, a
// causal Conv1d with an activation of its own), saves their parameters with
// hw::io::save_safetensors, and beside each the inputs and the outputs hardwired computed
// (<case>_io.safetensors, F32 "input" [N, in] and "output" [N, out]; for the LSTM and the
// Conv1d one sequence of T steps from the zero state, hw::step). check_hardwired_models.py
// loads each file into the equivalent PyTorch module with load_state_dict(strict=True) and
// compares the outputs (the CTest torch.safetensors_to_pytorch runs both).
//
//     export_hardwired_models DIR

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/safetensors.hpp>

namespace hw = hardwired;

namespace {

/// Deterministic uniform numbers in [lo, hi) (splitmix64), the same on every platform.
struct random_numbers {
    std::uint64_t state;
    double uniform(double lo, double hi) {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return lo + (hi - lo) * static_cast<double>(z >> 11) * 0x1.0p-53;
    }
};

template <std::size_t N>
std::vector<std::array<float, N>> uniform_rows(random_numbers& r, std::size_t rows, double lo,
                                               double hi) {
    std::vector<std::array<float, N>> v(rows);
    for (auto& row : v)
        for (float& x : row)
            x = static_cast<float>(r.uniform(lo, hi));
    return v;
}

template <std::size_t N>
hw::io::tensor_to_write matrix(std::string name, std::vector<std::array<float, N>> const& rows) {
    hw::io::tensor_to_write t{std::move(name), {rows.size(), N}, {}, hw::io::dtype::f32};
    for (auto const& row : rows)
        t.values.insert(t.values.end(), row.begin(), row.end());
    return t;
}

/// <name>.safetensors (the parameters) and <name>_io.safetensors (input, output) in `dir`.
template <class Net>
void save(std::filesystem::path const& dir, std::string const& name, hw::params<Net> const& p,
          std::vector<std::array<float, Net::inputs>> const& inputs,
          std::vector<std::array<float, Net::outputs>> const& outputs,
          hw::fit_result<float> const& training) {
    hw::io::save_safetensors(dir / (name + ".safetensors"), p);
    hw::io::write_file(
        dir / (name + "_io.safetensors"),
        hw::io::write_safetensors({matrix("input", inputs), matrix("output", outputs)}, {}));
    std::printf("wrote %s: %zu parameters, %zu inputs; training loss %.3g -> %.3g\n", name.c_str(),
                Net::parameter_count, inputs.size(),
                static_cast<double>(training.loss_history.front()),
                static_cast<double>(training.loss_history.back()));
}

/// A fixed random regression target: output o is sin(Σ_k a[o][k]·x[k] + b[o]).
template <std::size_t In, std::size_t Out>
struct target {
    std::array<std::array<double, In>, Out> a;
    std::array<double, Out> b;
    explicit target(random_numbers& r) {
        for (auto& row : a)
            for (double& v : row)
                v = r.uniform(-1.5, 1.5);
        for (double& v : b)
            v = r.uniform(-0.5, 0.5);
    }
    std::array<double, Out> operator()(std::array<float, In> const& x) const {
        std::array<double, Out> y{};
        for (std::size_t o = 0; o < Out; ++o) {
            y[o] = b[o];
            for (std::size_t k = 0; k < In; ++k)
                y[o] += a[o][k] * static_cast<double>(x[k]);
        }
        return y;
    }
};

/// A network of independent samples: Xavier-initialised, 20 epochs of Adam (lr 0.01, batches
/// of 16) on 64 samples of sin(target), then 32 fresh inputs through hw::forward.
template <class Net>
void samples_case(std::filesystem::path const& dir, std::string const& name, std::uint64_t seed) {
    random_numbers r{seed};
    const target<Net::inputs, Net::outputs> f(r);
    const auto xs = uniform_rows<Net::inputs>(r, 64, -2, 2);
    std::vector<std::array<float, Net::outputs>> ys(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i)
        for (std::size_t o = 0; o < Net::outputs; ++o)
            ys[i][o] = static_cast<float>(std::sin(f(xs[i])[o]));
    hw::params<Net> p;
    hw::init::xavier(p, seed);
    hw::adam<Net> opt{.lr = 0.01f};
    const auto training = hw::fit<hw::mse_loss>(
        p, opt, xs, ys, {.epochs = 20, .batch_size = 16, .seed = seed, .print_progress = false});
    const auto inputs = uniform_rows<Net::inputs>(r, 32, -2, 2);
    std::vector<std::array<float, Net::outputs>> outputs;
    for (auto const& x : inputs)
        outputs.push_back(hw::forward(p, x));
    save(dir, name, p, inputs, outputs, training);
}

/// A network with state: Xavier-initialised, 20 epochs of Adam (lr 0.01) by back-propagation
/// through time on one sequence of 256 steps whose target is tanh of a one-pole smoothed
/// projection of the input, then one fresh sequence of 64 steps from the zero state (hw::step).
template <class Net>
void sequence_case(std::filesystem::path const& dir, std::string const& name, std::uint64_t seed) {
    random_numbers r{seed};
    const target<Net::inputs, Net::outputs> f(r);
    const auto xs = uniform_rows<Net::inputs>(r, 256, -1, 1);
    std::vector<std::array<float, Net::outputs>> ys(xs.size());
    std::array<double, Net::outputs> smooth{};
    for (std::size_t t = 0; t < xs.size(); ++t) {
        const auto z = f(xs[t]);
        for (std::size_t o = 0; o < Net::outputs; ++o) {
            smooth[o] = 0.8 * smooth[o] + 0.2 * z[o];
            ys[t][o] = static_cast<float>(std::tanh(2 * smooth[o]));
        }
    }
    hw::params<Net> p;
    hw::init::xavier(p, seed);
    hw::adam<Net> opt{.lr = 0.01f};
    const auto training = hw::fit_sequence<hw::mse_loss>(
        p, opt, xs, ys, {.epochs = 20, .seed = seed, .print_progress = false});
    const auto inputs = uniform_rows<Net::inputs>(r, 64, -1, 1);
    std::vector<std::array<float, Net::outputs>> outputs;
    hw::state<Net> s;
    for (auto const& x : inputs)
        outputs.push_back(hw::step(p, x, s));
    save(dir, name, p, inputs, outputs, training);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    try {
        std::filesystem::create_directories(dir);
        // The types of check_hardwired_models.py's cases (make_safetensors_fixtures.CASES).
        samples_case<hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dense<2>>>(
            dir, "mlp_tanh", 1);
        samples_case<hw::network<hw::input<4>, hw::dense<8, hw::tanh>,
                                 hw::residual<hw::dense<8, hw::tanh>, hw::dense<8>>, hw::dense<1>>>(
            dir, "residual", 2);
        samples_case<
            hw::network<hw::input<4>, hw::dense<6, hw::tanh>,
                        hw::concat<hw::dense<3>, hw::chain<hw::dense<4, hw::relu>, hw::dense<2>>>,
                        hw::dense<1>>>(dir, "concat", 3);
        sequence_case<hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>>(dir, "lstm", 4);
        sequence_case<hw::network<hw::input<1>, hw::gru<8>, hw::dense<1>>>(dir, "gru", 6);
        sequence_case<hw::network<hw::input<1>, hw::rnn<8, hw::relu>, hw::rnn<4>, hw::dense<1>>>(
            dir, "rnn", 7);
        sequence_case<
            hw::network<hw::input<2>, hw::conv1d<4, 3, 2, 1, hw::tanh>, hw::conv1d<1, 1>>>(
            dir, "conv1d", 5);
    } catch (std::exception const& e) {
        std::fprintf(stderr, "export_hardwired_models: %s\n", e.what());
        return 1;
    }
    return 0;
}
