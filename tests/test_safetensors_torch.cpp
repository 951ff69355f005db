// Models trained in PyTorch load as they are: the files of tests/torch/fixtures/safetensors,
// written by tests/torch/make_safetensors_fixtures.py (a module's state_dict, with PyTorch's
// names and shapes, and the inputs and outputs PyTorch computed with it), loaded with
// hw::io::load_safetensors into the equivalent network, whose tensor names are the state_dict
// names of the equivalent nn.Sequential (io/names.hpp), without any name map. Multilayer
// perceptrons with each activation PyTorch has a module for, no bias, LayerNorm, residual and
// concatenated blocks run sample by sample through hw::forward; the LSTM, GRU and causal Conv1d
// models one time step at a time through hw::step from the zero state. Every output element
// equals PyTorch's float32 one to 1e-5 relative (1e-6 absolute near zero), with float and with
// double parameters; F16 and BF16 files load exactly.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/safetensors.hpp>

namespace hw = hardwired;

namespace {

const std::string fixtures = std::string(HARDWIRED_TORCH_FIXTURES) + "/safetensors/";

/// A tensor of an _io file: its shape [rows, columns] and values, row-major.
struct matrix {
    std::size_t rows = 0, columns = 0;
    std::vector<double> values;
};

matrix read_matrix(hw::io::safetensors_file const& file, std::string const& name) {
    INFO(name);
    hw::io::safetensors_entry const* e = file.find(name);
    REQUIRE(e);
    REQUIRE(e->type == hw::io::dtype::f32);
    REQUIRE(e->shape.size() == 2);
    matrix m{e->shape[0], e->shape[1], {}};
    for (std::uint64_t i = 0; i < e->elements(); ++i)
        m.values.push_back(file.value(*e, i));
    return m;
}

/// The inputs PyTorch was given and the outputs it computed.
struct reference {
    matrix input, output;
};

reference read_reference(std::string const& name) {
    const std::string bytes = hw::io::read_file(fixtures + name + "_io.safetensors");
    const auto file = hw::io::safetensors_file::parse(bytes);
    return {read_matrix(file, "input"), read_matrix(file, "output")};
}

/// max over elements of |got − want| / max(1e-5·|want|, 1e-6): at most 1 when every element is
/// within 1e-5 relative (1e-6 absolute near zero).
template <class T>
double excess(std::vector<T> const& got, std::vector<double> const& want) {
    REQUIRE(got.size() == want.size());
    double worst = 0;
    for (std::size_t i = 0; i < want.size(); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(got[i]) - want[i]) /
                                    std::max(1e-5 * std::fabs(want[i]), 1e-6));
    return worst;
}

/// Net's outputs for the reference inputs with the parameters of <name>.safetensors, in T:
/// sample by sample (hw::forward) or, for a sequence, step by step from the zero state.
template <class Net, class T>
std::vector<T> outputs(std::string const& name, reference const& ref, bool sequence) {
    hw::params<Net, T> p;
    hw::io::load_safetensors(fixtures + name + ".safetensors", p);
    REQUIRE(ref.input.columns == Net::inputs);
    REQUIRE(ref.output.columns == Net::outputs);
    REQUIRE(ref.output.rows == ref.input.rows);
    hw::state<Net, T> s;
    std::vector<T> out;
    for (std::size_t r = 0; r < ref.input.rows; ++r) {
        std::array<T, Net::inputs> x;
        for (std::size_t k = 0; k < Net::inputs; ++k)
            x[k] = static_cast<T>(ref.input.values[r * Net::inputs + k]);
        std::array<T, Net::outputs> y{};
        if constexpr (Net::state_count > 0) {
            REQUIRE(sequence);
            y = hw::step(p, x, s);
        } else {
            REQUIRE(!sequence);
            y = hw::forward(p, x);
        }
        out.insert(out.end(), y.begin(), y.end());
    }
    return out;
}

/// The case's model in float and in double gives PyTorch's outputs.
template <class Net>
void check(std::string const& name, bool sequence = false) {
    INFO(name);
    const reference ref = read_reference(name);
    CHECK(excess(outputs<Net, float>(name, ref, sequence), ref.output.values) <= 1);
    CHECK(excess(outputs<Net, double>(name, ref, sequence), ref.output.values) <= 1);
}

template <auto Act>
using mlp = hw::network<hw::input<3>, hw::dense<8, Act>, hw::dense<2>>;

} // namespace

TEST_CASE("PyTorch MLPs load from their state_dicts with every activation",
          "[safetensors][torch]") {
    check<mlp<hw::tanh>>("mlp_tanh");
    check<mlp<hw::sigmoid>>("mlp_sigmoid");
    check<mlp<hw::relu>>("mlp_relu");
    check<mlp<hw::elu<>>>("mlp_elu");
    check<mlp<hw::gelu>>("mlp_gelu");
    check<mlp<hw::silu>>("mlp_silu");
    check<mlp<hw::softplus>>("mlp_softplus");
    check<mlp<hw::leaky_relu<>>>("mlp_leaky_relu");
    check<mlp<hw::log_sigmoid>>("mlp_log_sigmoid");
}

TEST_CASE("A PyTorch Linear without bias is hw::no_bias", "[safetensors][torch]") {
    check<hw::network<hw::input<3>, hw::dense<8, hw::tanh, hw::no_bias>, hw::dense<2>>>(
        "mlp_no_bias");
}

TEST_CASE("A PyTorch LayerNorm and a separate activation module load by number",
          "[safetensors][torch]") {
    check<hw::network<hw::input<4>, hw::dense<8>, hw::layer_norm<>, hw::activation_layer<hw::tanh>,
                      hw::dense<1>>>("layernorm");
}

TEST_CASE("PyTorch BatchNorm1d in eval mode and PReLU load as frozen_batch_norm and prelu",
          "[safetensors][torch]") {
    check<
        hw::network<hw::input<4>, hw::dense<8>, hw::frozen_batch_norm<>, hw::prelu<8>, hw::dense<4>,
                    hw::frozen_batch_norm<1, 100, false>, hw::prelu<>, hw::dense<1>>>(
        "batchnorm_prelu");
}

TEST_CASE("A residual block is the nn.Sequential of its layers", "[safetensors][torch]") {
    check<hw::network<hw::input<4>, hw::dense<8, hw::tanh>,
                      hw::residual<hw::dense<8, hw::tanh>, hw::dense<8>>, hw::dense<1>>>(
        "residual");
}

TEST_CASE("A concat block is an nn.ModuleList of its branches", "[safetensors][torch]") {
    check<hw::network<hw::input<4>, hw::dense<6, hw::tanh>,
                      hw::concat<hw::dense<3>, hw::chain<hw::dense<4, hw::relu>, hw::dense<2>>>,
                      hw::dense<1>>>("concat");
}

TEST_CASE("PyTorch LSTM, GRU, RNN and causal Conv1d models load and stream step by step",
          "[safetensors][torch][lstm][gru][rnn][conv1d]") {
    check<hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>>("lstm", true);
    check<hw::network<hw::input<1>, hw::gru<8>, hw::dense<1>>>("gru", true);
    check<hw::network<hw::input<1>, hw::rnn<8, hw::relu>, hw::rnn<4>, hw::dense<1>>>("rnn", true);
    check<hw::network<hw::input<2>, hw::conv1d<4, 3, 2, 1, hw::tanh>, hw::conv1d<1, 1>>>("conv1d",
                                                                                         true);
}

TEST_CASE("F16 and BF16 weights load exactly", "[safetensors][torch]") {
    for (auto [name, type] : {std::pair{"mlp_tanh_f16", hw::io::dtype::f16},
                              std::pair{"mlp_tanh_bf16", hw::io::dtype::bf16}}) {
        INFO(name);
        const std::string bytes = hw::io::read_file(fixtures + name + ".safetensors");
        const auto file = hw::io::safetensors_file::parse(bytes);
        REQUIRE(file.entries().size() == 4);
        for (auto const& e : file.entries())
            CHECK(e.type == type);
        check<mlp<hw::tanh>>(name);
        // The rounded weights are exact in float: the float parameters hold the file's values.
        hw::params<mlp<hw::tanh>, float> p;
        hw::io::load_safetensors(fixtures + name + ".safetensors", p);
        for (auto const& t : hw::io::tensor_names<mlp<hw::tanh>>()) {
            hw::io::safetensors_entry const* e = file.find(t.name);
            REQUIRE(e);
            for (std::size_t i = 0; i < t.info.size(); ++i)
                CHECK(static_cast<double>(p.values[t.info.at(i)]) == file.value(*e, i));
        }
    }
}
