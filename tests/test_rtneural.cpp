// hw::io::load_rtneural reads real model files of the audio community: RTNeural's JSON models in
// tests/fixtures/rtneural (dense, LSTM and GRU models exported from Keras, PyTorch state_dicts
// dumped to JSON including stacked LSTM and GRU layers and a convolution, a Keras convolution
// model with batch norms and PReLUs), and the networks give
// the outputs TensorFlow or PyTorch computed for the inputs beside them (recurrent and
// convolution models over the whole input as one sequence from the zero state). Float32, 1e-5
// normwise relative error. Files the library cannot or must not load are refused with the
// layer and the sizes, the parameters unchanged.

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/rtneural.hpp>

#include "support/fixture_file.hpp"

namespace hw = hardwired;
using Catch::Matchers::Contains;

namespace {

const std::string root = HARDWIRED_RTNEURAL_FIXTURES;

std::vector<double> read_column(std::string const& name) {
    std::ifstream in(root + "/test_data/" + name);
    REQUIRE(in);
    std::vector<double> v;
    for (double x; in >> x;)
        v.push_back(x);
    return v;
}

template <class Net>
hw::params<Net> load(std::string const& name) {
    hw::params<Net> p;
    hw::io::load_rtneural(root + "/models/" + name, p);
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

/// conv.json's network: causal dilated and grouped convolutions, two batch norms (affine with
/// ε = 0.01, and without gamma and beta with ε = 5) and two PReLUs (one slope per channel, and
/// one shared), given as Norm1, Norm2 and Slopes2 to vary them.
template <class Norm1 = hw::frozen_batch_norm<1, 100>,
          class Norm2 = hw::frozen_batch_norm<5, 1, false>, class Slopes2 = hw::prelu<1>>
using keras_conv =
    hw::network<hw::input<1>, hw::dense<8, hw::tanh>, hw::conv1d<4, 3, 1, 1, hw::tanh>, Norm1,
                hw::prelu<4>, hw::conv1d<4, 1, 1, 1, hw::tanh>, hw::conv1d<6, 3, 2, 2, hw::tanh>,
                Norm2, Slopes2, hw::dense<1, hw::sigmoid>>;

} // namespace

TEST_CASE("RTNeural's Keras LSTM models give TensorFlow's outputs", "[rtneural][lstm]") {
    using with_dense = hw::network<hw::input<1>, hw::dense<8, hw::tanh>, hw::lstm<8>, hw::dense<1>>;
    check_outputs(load<with_dense>("lstm.json"), "lstm");
    using alone = hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>;
    check_outputs(load<alone>("lstm_1d.json"), "lstm_1d");
}

TEST_CASE("RTNeural's Keras GRU models give TensorFlow's outputs", "[rtneural][gru]") {
    using with_dense = hw::network<hw::input<1>, hw::dense<8, hw::tanh>, hw::gru<8>,
                                   hw::dense<8, hw::sigmoid>, hw::dense<1>>;
    check_outputs(load<with_dense>("gru.json"), "gru");
    using alone = hw::network<hw::input<1>, hw::gru<8>, hw::dense<8, hw::sigmoid>, hw::dense<1>>;
    check_outputs(load<alone>("gru_1d.json"), "gru_1d");
}

TEST_CASE("RTNeural's PyTorch LSTM and GRU state_dicts give PyTorch's outputs",
          "[rtneural][lstm][gru]") {
    // LSTM(1, 8), then LSTM(8, 8, num_layers=3), then Linear(8, 1); the same with GRU.
    using lstms =
        hw::network<hw::input<1>, hw::lstm<8>, hw::lstm<8>, hw::lstm<8>, hw::lstm<8>, hw::dense<1>>;
    check_outputs(load<lstms>("lstm_torch.json"), "lstm_torch");
    using grus =
        hw::network<hw::input<1>, hw::gru<8>, hw::gru<8>, hw::gru<8>, hw::gru<8>, hw::dense<1>>;
    check_outputs(load<grus>("gru_torch.json"), "gru_torch");
}

TEST_CASE("RTNeural's Keras dense model gives TensorFlow's outputs", "[rtneural][dense]") {
    // Dense layers with separate tanh, relu, elu and softmax layers, then three without bias.
    using net = hw::network<
        hw::input<1>, hw::dense<8>, hw::activation_layer<hw::tanh>, hw::dense<8>,
        hw::activation_layer<hw::relu>, hw::dense<8>, hw::activation_layer<hw::elu<>>, hw::dense<8>,
        hw::softmax_layer, hw::dense<1>, hw::dense<8, hw::identity, hw::no_bias>,
        hw::dense<8, hw::identity, hw::no_bias>, hw::dense<1, hw::identity, hw::no_bias>>;
    const auto p = load<net>("dense.json");
    const std::vector<double> x = read_column("dense_x_python.csv");
    const std::vector<double> y = read_column("dense_y_python.csv");
    REQUIRE(x.size() == y.size());
    std::vector<float> got;
    for (double v : x)
        got.push_back(hw::forward(p, std::array<float, 1>{static_cast<float>(v)})[0]);
    CHECK(fixture::relative_error(got, y) <= 1e-5);
}

TEST_CASE("RTNeural's Keras convolution model gives TensorFlow's outputs",
          "[rtneural][conv1d][batchnorm][prelu]") {
    using net = keras_conv<>;
    const auto p = load<net>("conv.json");
    check_outputs(p, "conv");
}

TEST_CASE("RTNeural's PyTorch Conv1d state_dict gives PyTorch's outputs", "[rtneural][conv1d]") {
    // Conv1d(1, 12, 5) over 1000 samples without padding: 996 outputs per channel, one row each.
    // Streamed causally, output t + 4 is PyTorch's output t.
    using net = hw::network<hw::input<1>, hw::conv1d<12, 5>>;
    const auto p = load<net>("conv1d_torch.json");
    const std::vector<double> x = read_column("conv1d_torch_x_python.csv");
    std::ifstream in(root + "/test_data/conv1d_torch_y_python.csv");
    REQUIRE(in);
    std::vector<std::vector<double>> rows;
    for (std::string line; std::getline(in, line);) {
        std::stringstream s(line);
        rows.emplace_back();
        for (std::string v; std::getline(s, v, ',');)
            rows.back().push_back(std::stod(v));
    }
    REQUIRE(rows.size() == 12);
    REQUIRE(rows[0].size() == x.size() - 4);
    hw::state<net> st;
    std::vector<float> got;
    std::vector<double> expected;
    for (std::size_t t = 0; t < x.size(); ++t) {
        const auto out = hw::step(p, std::array<float, 1>{static_cast<float>(x[t])}, st);
        if (t < 4)
            continue;
        for (std::size_t o = 0; o < 12; ++o) {
            got.push_back(out[o]);
            expected.push_back(rows[o][t - 4]);
        }
    }
    CHECK(fixture::relative_error(got, expected) <= 1e-5);
}

TEST_CASE("RTNeural files that do not fit the type are refused by layer, with the sizes",
          "[rtneural]") {
    using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;
    hw::params<amp> p;
    hw::init::defaults(p, 1);
    const hw::params<amp> before = p;
    auto refused = [&](std::string const& file, std::string const& what) {
        CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/" + file, p), Contains(what));
        CHECK(p == before);
    };
    // The shape says 16 units, the weights hold 20: RTNeural rejects it too.
    refused("bad_lstm.json", "layer 1 (lstm): weights[0] is [1, 80] in the file; the type needs "
                             "[1, 64]");
    using amp20 = hw::network<hw::input<1>, hw::lstm<20>, hw::dense<1>>;
    hw::params<amp20> q;
    CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/bad_lstm.json", q),
                      Contains("layer 1 (lstm): the file gives it 16 outputs, the type 20"));
    refused("lstm_1d.json", "layer 1 (lstm): the file gives it 8 outputs, the type 16");
    using lstm3 = hw::network<hw::input<1>, hw::lstm<8>, hw::dense<8, hw::sigmoid>, hw::dense<1>>;
    hw::params<lstm3> r;
    CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/gru_1d.json", r),
                      Contains("layer 1 (gru): the type's layer 1 is of kind lstm"));
    refused("lstm.json", "the file has 3 layers; the type has 2");
    refused("lstm_torch.json", "the state_dict has 18 tensors; the type has 6");
    using conv = hw::network<hw::input<1>, hw::dense<8, hw::tanh>, hw::conv1d<4, 3, 1, 1, hw::tanh>,
                             hw::dense<4>, hw::dense<4>, hw::conv1d<4, 1, 1, 1, hw::tanh>,
                             hw::conv1d<6, 3, 2, 2, hw::tanh>, hw::dense<6>, hw::dense<6>,
                             hw::dense<1, hw::sigmoid>>;
    hw::params<conv> c;
    CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/conv.json", c),
                      Contains("layer 3 (batchnorm): the type's layer 3 is of kind dense"));
    hw::params<keras_conv<hw::frozen_batch_norm<>>> ce; // ε = 1e-5
    CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/conv.json", ce),
                      Contains("layer 3 (batchnorm): epsilon is 0.01 in the file but 0.000010 in "
                               "the type"));
    hw::params<
        keras_conv<hw::frozen_batch_norm<1, 100>, hw::frozen_batch_norm<5, 1, false>, hw::prelu<6>>>
        cs;
    CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/conv.json", cs),
                      Contains("layer 8 (prelu): weights[0] is [1, 1] in the file; the type needs "
                               "[1, 6]"));
    hw::params<keras_conv<hw::frozen_batch_norm<1, 100>, hw::frozen_batch_norm<5, 1>>> ca;
    CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/conv.json", ca),
                      Contains("layer 7 (batchnorm): the file has 2 weight tensors; the type's "
                               "layer 4 (affine)"));
    using tanh_dense = hw::network<hw::input<1>, hw::dense<8, hw::relu>, hw::lstm<8>, hw::dense<1>>;
    hw::params<tanh_dense> d;
    CHECK_THROWS_WITH(hw::io::load_rtneural(root + "/models/lstm.json", d),
                      Contains("layer 1 (time-distributed-dense): the activation is tanh in the "
                               "file but relu in the type"));
    CHECK_THROWS_WITH(hw::io::from_rtneural("{\"layers\": [", p), Contains("not valid JSON"));
    // Truncated anywhere (every 13th length), or with invalid UTF-8: refused, nothing changed.
    std::ifstream in(root + "/models/lstm_1d.json");
    std::stringstream text;
    text << in.rdbuf();
    const std::string file = text.str();
    using lstm8 = hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>;
    hw::params<lstm8> e;
    hw::init::defaults(e, 2);
    const hw::params<lstm8> e0 = e;
    for (std::size_t n = 0; n < file.size(); n += 13) {
        INFO("the first " << n << " bytes");
        CHECK_THROWS_AS(hw::io::from_rtneural(file.substr(0, n), e), hw::io::rtneural_error);
    }
    std::string bad_utf8 = file;
    bad_utf8.replace(bad_utf8.find("\"lstm\""), 6, "\"ls\xfe\"");
    CHECK_THROWS_WITH(hw::io::from_rtneural(bad_utf8, e), Contains("not valid JSON"));
    CHECK(e == e0);
    hw::io::from_rtneural(file, e); // the whole file loads
    CHECK(e != e0);
}

TEST_CASE("a Keras model with a convolution and a GRU loads into the matching type",
          "[rtneural][conv1d][gru]") {
    // full_model.json has no reference outputs: its weights land where the file says.
    using net = hw::network<hw::input<1>, hw::dense<8, hw::tanh>, hw::conv1d<4, 3, 2, 1, hw::tanh>,
                            hw::gru<8>, hw::dense<1>>;
    const auto p = load<net>("full_model.json");
    std::ifstream in(root + "/models/full_model.json");
    const auto file = nlohmann::json::parse(in);
    const auto& kernel = file["layers"][1]["weights"][0]; // [K, in, out]
    // PyTorch's weight[o][c][k] is Keras's kernel[k][c][o], tap for tap (both orientations are
    // checked against their framework's outputs above).
    const hw::tensor& conv_weight = net::tensors[2]; // [out 4, in 8, K 3]
    REQUIRE(conv_weight.rank == 3);
    for (std::size_t tap = 0; tap < 3; ++tap)
        CHECK(p.values[conv_weight.at((2 * 8 + 5) * 3 + tap)] == kernel[tap][5][2].get<float>());
    const auto& gru_bias = file["layers"][2]["weights"][2]; // [2, 3H], z r h
    // PyTorch's bias_hh row 0 (gate r) is Keras's recurrent bias row H (its r block).
    const hw::tensor& bias_hh = net::tensors[2 + 2 + 3];
    REQUIRE(std::string(bias_hh.name) == "bias_hh_l0");
    CHECK(p.values[bias_hh.at(0)] == gru_bias[1][8].get<float>());
}

TEST_CASE("AIDA-X's input skip, gains and sample rate are returned", "[rtneural][aidax]") {
    std::ifstream in(root + "/models/lstm_1d.json");
    auto file = nlohmann::json::parse(in);
    file["in_skip"] = 1;
    file["out_gain"] = -6.0;
    file["in_gain"] = 12.0;
    file["metadata"] = {{"samplerate", 44100}};
    using net = hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>;
    hw::params<net> p;
    const auto info = hw::io::from_rtneural(file.dump(), p);
    CHECK(info.layout == "keras");
    CHECK(info.input_skip);
    CHECK(info.output_gain == Approx(0.501187).epsilon(1e-6));
    CHECK(info.input_gain == Approx(3.981072).epsilon(1e-6));
    CHECK(info.sample_rate == 44100);
    file["samplerate"] = 48000; // the top-level key first
    CHECK(hw::io::from_rtneural(file.dump(), p).sample_rate == 48000);
    const auto plain = hw::io::load_rtneural(root + "/models/lstm_1d.json", p);
    CHECK((!plain.input_skip && plain.input_gain == 1 && plain.output_gain == 1 &&
           plain.sample_rate == 0));
    file["samplerate"] = -1;
    CHECK_THROWS_WITH(hw::io::from_rtneural(file.dump(), p),
                      Contains("\"samplerate\" is not a positive number"));
    file.erase("samplerate");
    file["in_gain"] = "loud";
    CHECK_THROWS_WITH(hw::io::from_rtneural(file.dump(), p),
                      Contains("\"in_gain\" is not a number (dB)"));
    file["in_gain"] = 0.0;
    CHECK(p == load<net>("lstm_1d.json"));
    file["in_skip"] = 2;
    CHECK_THROWS_WITH(hw::io::from_rtneural(file.dump(), p), Contains("\"in_skip\" is not 0 or 1"));
}
