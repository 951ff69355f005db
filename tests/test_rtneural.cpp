// The recurrent layers reproduce real model files of the audio community: RTNeural's JSON
// models in tests/fixtures/rtneural (LSTM and GRU models exported from Keras, and PyTorch
// state_dicts dumped to JSON, including stacked LSTM and GRU layers), with the outputs
// TensorFlow or PyTorch computed for the inputs beside them, over the whole input as one
// sequence from the zero state. The test reads them with nlohmann::json and maps the weights by
// hand (the weights issue brings the real loaders): Keras stores kernels [in, G·H] with the
// LSTM's gates i, f, c, o (PyTorch's order) and the GRU's z, r, h (PyTorch: r, z, n), one LSTM
// bias and two GRU biases (input side, recurrent side: reset_after). Float32, 1e-5 normwise
// relative error.

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <hardwired/hardwired.hpp>

#include "support/fixture_file.hpp"

namespace hw = hardwired;
using json = nlohmann::json;

namespace {

const std::string root = HARDWIRED_RTNEURAL_FIXTURES;

double num(json const& j) {
    return j.get<double>();
}

json read_json(std::string const& name) {
    std::ifstream in(root + "/models/" + name);
    REQUIRE(in);
    return json::parse(in);
}

std::vector<double> read_column(std::string const& name) {
    std::ifstream in(root + "/test_data/" + name);
    REQUIRE(in);
    std::vector<double> v;
    for (double x; in >> x;)
        v.push_back(x);
    return v;
}

/// Sets element (r, k) of tensor `index` of Net (a rank-2 tensor) or element r (rank 1) from
/// value(r, k).
template <class Net, class F>
void set_tensor(hw::params<Net>& p, std::size_t index, F const& value) {
    hw::tensor const& t = Net::tensors[index];
    const std::size_t rows = t.shape[0], cols = t.rank == 2 ? t.shape[1] : 1;
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t k = 0; k < cols; ++k)
            p.values[t.at(r * cols + k)] = static_cast<float>(value(r, k));
}

/// Keras layer `l` into the network's tensors from `first` on; returns the next tensor.
template <class Net>
std::size_t load_keras_layer(json const& l, hw::params<Net>& p, std::size_t first) {
    json const& w = l["weights"];
    const std::string type = l["type"];
    if (type == "dense" || type == "time-distributed-dense") {
        set_tensor(p, first, [&](std::size_t j, std::size_t k) { return num(w[0][k][j]); });
        set_tensor(p, first + 1, [&](std::size_t j, std::size_t) { return num(w[1][j]); });
        return first + 2;
    }
    const std::size_t H = l["shape"][2];
    if (type == "lstm") { // i, f, c, o: PyTorch's order; one bias
        set_tensor(p, first, [&](std::size_t r, std::size_t k) { return num(w[0][k][r]); });
        set_tensor(p, first + 1, [&](std::size_t r, std::size_t k) { return num(w[1][k][r]); });
        set_tensor(p, first + 2, [&](std::size_t r, std::size_t) { return num(w[2][r]); });
        set_tensor(p, first + 3, [](std::size_t, std::size_t) { return 0.0; });
        return first + 4;
    }
    REQUIRE(type == "gru");
    // Keras z, r, h → PyTorch r, z, n: row r of PyTorch's block b is row of Keras's block from[b].
    const auto keras_row = [&](std::size_t r) {
        constexpr std::size_t from[3] = {1, 0, 2};
        return from[r / H] * H + r % H;
    };
    set_tensor(p, first, [&](std::size_t r, std::size_t k) { return num(w[0][k][keras_row(r)]); });
    set_tensor(p, first + 1,
               [&](std::size_t r, std::size_t k) { return num(w[1][k][keras_row(r)]); });
    set_tensor(p, first + 2,
               [&](std::size_t r, std::size_t) { return num(w[2][0][keras_row(r)]); });
    set_tensor(p, first + 3,
               [&](std::size_t r, std::size_t) { return num(w[2][1][keras_row(r)]); });
    return first + 4;
}

template <class Net>
hw::params<Net> load_keras(std::string const& name) {
    const json model = read_json(name);
    hw::params<Net> p;
    std::size_t next = 0;
    for (json const& l : model["layers"])
        next = load_keras_layer(l, p, next);
    REQUIRE(next == Net::tensors.size());
    return p;
}

/// A PyTorch state_dict in JSON: its tensors in file order are the network's, shape for shape.
template <class Net>
hw::params<Net> load_torch(std::string const& name) {
    std::ifstream in(root + "/models/" + name);
    REQUIRE(in);
    // In the file's order (nlohmann::json would sort the keys).
    const nlohmann::ordered_json model = nlohmann::ordered_json::parse(in);
    hw::params<Net> p;
    std::size_t i = 0;
    for (auto const& item : model.items()) {
        // Not a structured binding: Clang 14 cannot capture one in the lambdas below.
        auto const& value = item.value();
        INFO(item.key());
        REQUIRE(i < Net::tensors.size());
        hw::tensor const& t = Net::tensors[i];
        if (t.rank == 2) {
            REQUIRE(value.size() == t.shape[0]);
            REQUIRE(value[0].size() == t.shape[1]);
            set_tensor(p, i, [&](std::size_t r, std::size_t k) {
                return value[r][k].template get<double>();
            });
        } else {
            REQUIRE(value.size() == t.shape[0]);
            set_tensor(p, i,
                       [&](std::size_t r, std::size_t) { return value[r].template get<double>(); });
        }
        ++i;
    }
    REQUIRE(i == Net::tensors.size());
    return p;
}

/// Runs the model over the reference input from the zero state; compares with the reference.
template <class Net>
void check_outputs(hw::params<Net> const& p, std::string const& data) {
    INFO(data);
    const std::vector<double> x = read_column(data + "_x_python.csv");
    const std::vector<double> y = read_column(data + "_y_python.csv");
    REQUIRE(x.size() == y.size());
    std::vector<std::array<float, 1>> in(x.size()), out(x.size());
    for (std::size_t t = 0; t < x.size(); ++t)
        in[t][0] = static_cast<float>(x[t]);
    hw::state<Net> s;
    hw::step_block(p, in, out, s);
    std::vector<float> got;
    for (auto const& o : out)
        got.push_back(o[0]);
    CHECK(fixture::relative_error(got, y) <= 1e-5);
}

} // namespace

TEST_CASE("RTNeural's Keras LSTM models give TensorFlow's outputs", "[rtneural][lstm]") {
    using with_dense = hw::network<hw::input<1>, hw::dense<8, hw::tanh>, hw::lstm<8>, hw::dense<1>>;
    check_outputs(load_keras<with_dense>("lstm.json"), "lstm");
    using alone = hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>;
    check_outputs(load_keras<alone>("lstm_1d.json"), "lstm_1d");
}

TEST_CASE("RTNeural's Keras GRU models give TensorFlow's outputs", "[rtneural][gru]") {
    using with_dense = hw::network<hw::input<1>, hw::dense<8, hw::tanh>, hw::gru<8>,
                                   hw::dense<8, hw::sigmoid>, hw::dense<1>>;
    check_outputs(load_keras<with_dense>("gru.json"), "gru");
    using alone = hw::network<hw::input<1>, hw::gru<8>, hw::dense<8, hw::sigmoid>, hw::dense<1>>;
    check_outputs(load_keras<alone>("gru_1d.json"), "gru_1d");
}

TEST_CASE("RTNeural's PyTorch LSTM and GRU state_dicts give PyTorch's outputs",
          "[rtneural][lstm][gru]") {
    // LSTM(1, 8), then LSTM(8, 8, num_layers=3), then Linear(8, 1); the same with GRU.
    using lstms =
        hw::network<hw::input<1>, hw::lstm<8>, hw::lstm<8>, hw::lstm<8>, hw::lstm<8>, hw::dense<1>>;
    check_outputs(load_torch<lstms>("lstm_torch.json"), "lstm_torch");
    using grus =
        hw::network<hw::input<1>, hw::gru<8>, hw::gru<8>, hw::gru<8>, hw::gru<8>, hw::dense<1>>;
    check_outputs(load_torch<grus>("gru_torch.json"), "gru_torch");
}
