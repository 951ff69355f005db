// hw::io::load_nam reads the Neural Amp Modeler's files (tests/fixtures/nam: a small LSTM, a small
// WaveNet and the standard A1 WaveNet, unchanged from NAM) into the matching types, and the
// networks give the outputs of an independent PyTorch implementation of NAM's architectures on
// the same weights (tests/torch/make_nam_fixtures.py, fixtures nam_*_f64.txt): the LSTM from the
// initial state the file holds, the WaveNets from zero history and after NAM's prewarm (the
// receptive field less one samples of silence). Double to 1e-10, float to 2e-5 (PyTorch's own
// float32 run differs from its float64 one by up to 2.9e-6). A file that does not fit the type is
// refused with the layer array and both values, the parameters and the state unchanged.

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/nam.hpp>

#include "support/fixture_file.hpp"

namespace hw = hardwired;
namespace wn = hw::wavenet;
using Catch::Matchers::Contains;

namespace {

const std::string files = HARDWIRED_NAM_FIXTURES;
const std::string fixtures = HARDWIRED_TORCH_FIXTURES;

// The head scale NAM's files hold and use: 0.02 rounded to float, 10737418·2⁻²⁹ (hw::c<1, 50>, as
// in hw::wavenet::a1_standard, is 2.2e-8 relative away; the loader takes either).
constexpr auto file_scale = hw::c<5368709, 268435456>;
using small_wavenet =
    hw::network<hw::input<1>,
                wn::model<file_scale, wn::layer_array<3, 2, 3, wn::dilations<1, 2>, hw::tanh>,
                          wn::layer_array<2, 1, 3, wn::dilations<8>, hw::tanh, false, true>>>;
using a1 = hw::network<hw::input<1>, wn::a1_standard>;
using a1_file_scale = hw::network<
    hw::input<1>,
    wn::model<file_scale, wn::layer_array<16, 8, 3, wn::dilations_1_to_512, hw::tanh, false, false>,
              wn::layer_array<8, 1, 3, wn::dilations_1_to_512, hw::tanh, false, true>>>;
using small_lstm = hw::network<hw::input<1>, hw::lstm<3>, hw::dense<1>>;

template <class T>
std::vector<T> run(auto const& p, auto& s, std::vector<double> const& xs) {
    std::vector<T> ys;
    for (double x : xs)
        ys.push_back(hw::step(p, std::array<T, 1>{static_cast<T>(x)}, s)[0]);
    return ys;
}

template <class Net, class T>
void check_wavenet(std::string const& name, double tolerance) {
    INFO(name);
    auto p = std::make_unique<hw::params<Net, T>>();
    const auto info = hw::io::load_nam(files + "/" + name + ".nam", *p);
    CHECK(info.architecture == "WaveNet");
    const fixture::file f = fixture::read(fixtures + "/nam_" + name + "_f64.txt");
    const std::vector<double>& xs = f["input"].values;
    auto s = std::make_unique<hw::state<Net, T>>();
    CHECK(fixture::relative_error(run<T>(*p, *s, xs), f["output"].values) <= tolerance);
    // NAM's prewarm: the model run on silence first.
    constexpr std::size_t field = Net::template layer<0>::receptive_field;
    s->reset();
    run<T>(*p, *s, std::vector<double>(field - 1, 0.0));
    CHECK(fixture::relative_error(run<T>(*p, *s, xs), f["output_prewarmed"].values) <= tolerance);
}

template <class T>
void check_lstm(double tolerance) {
    hw::params<small_lstm, T> p;
    hw::state<small_lstm, T> start;
    const auto info = hw::io::load_nam(files + "/lstm.nam", p, start);
    CHECK(info.architecture == "LSTM");
    CHECK(info.sample_rate == 48000);
    const fixture::file f = fixture::read(fixtures + "/nam_lstm_f64.txt");
    std::vector<double> initial = f["initial_hidden"].values;
    initial.insert(initial.end(), f["initial_cell"].values.begin(), f["initial_cell"].values.end());
    CHECK(fixture::relative_error(start.values, initial) == 0); // exact: the file's floats
    hw::state<small_lstm, T> s = start;
    CHECK(fixture::relative_error(run<T>(p, s, f["input"].values), f["output"].values) <=
          tolerance);
}

} // namespace

TEST_CASE("NAM's WaveNet files give a PyTorch implementation's outputs", "[nam][wavenet]") {
    check_wavenet<small_wavenet, double>("wavenet", 1e-10);
    check_wavenet<small_wavenet, float>("wavenet", 2e-5);
    check_wavenet<a1_file_scale, double>("wavenet_a1_standard", 1e-10);
    check_wavenet<a1, double>("wavenet_a1_standard", 3e-8); // the head scale's rounding
    check_wavenet<a1, float>("wavenet_a1_standard", 2e-5);
    CHECK(a1::layer<0>::receptive_field == 4093);
}

TEST_CASE("NAM's LSTM file gives a PyTorch implementation's outputs from its initial state",
          "[nam][lstm]") {
    check_lstm<double>(1e-10);
    check_lstm<float>(2e-5);
}

TEST_CASE("a NAM file that does not fit the type is refused, naming what differs", "[nam]") {
    auto read = [](std::string const& name) {
        std::ifstream in(files + "/" + name);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    const std::string wavenet = read("wavenet.nam"), lstm = read("lstm.nam");
    hw::params<small_wavenet> p;
    hw::init::defaults(p, 1);
    const hw::params<small_wavenet> before = p;
    auto refused = [&](std::string const& text, std::string const& what) {
        CHECK_THROWS_WITH(hw::io::from_nam(text, p), Contains(what));
        CHECK(p == before);
    };
    auto edited = [](std::string text, std::string const& from, std::string const& to) {
        const std::size_t at = text.find(from);
        REQUIRE(at != std::string::npos);
        return text.replace(at, from.size(), to);
    };
    refused(edited(wavenet, "\"dilations\": [1, 2]", "\"dilations\": [1, 4]"),
            "layer array 1 (of 2): dilation 2 is 2 in the type but 4 in the file");
    refused(edited(wavenet, "\"channels\": 3", "\"channels\": 4"),
            "layer array 1 (of 2): channels is 3 in the type but 4 in the file");
    refused(edited(wavenet, "\"activation\": \"Tanh\"", "\"activation\": \"ReLU\""),
            "layer array 1 (of 2): the activation is Tanh in the type but \"ReLU\" in the file");
    refused(edited(wavenet, "\"gated\": false", "\"gated\": true"),
            "layer array 1 (of 2): gated is false in the type but not in the file");
    refused(edited(wavenet, "\"head_scale\": 0.02", "\"head_scale\": 0.03"),
            "the head scale is 0.0199999996 in the type but 0.03 in the file");
    refused(lstm, "the file's architecture is LSTM; the type is a WaveNet");
    refused(wavenet.substr(0, wavenet.size() / 2), "not valid JSON");
    refused(edited(wavenet, "\"weights\": [", "\"weights\": [1.0, "),
            "the file has 132 weights; the type needs 131");
    refused(edited(wavenet, "\"weights\": [", "\"weights\": [null, "), "the file has 132 weights");
    // Any change to the numbers of a1's arrays is named too; and a wrong LSTM size.
    hw::params<hw::network<hw::input<1>, hw::lstm<4>, hw::dense<1>>> q;
    CHECK_THROWS_WITH(hw::io::from_nam(lstm, q), Contains("hidden_size is 4 in the type but 3"));
    // Truncated anywhere (every 7th length), or with invalid UTF-8: refused, nothing changed.
    for (std::size_t n = 0; n < wavenet.size(); n += 7) {
        INFO("the first " << n << " bytes");
        CHECK_THROWS_AS(hw::io::from_nam(wavenet.substr(0, n), p), hw::io::nam_error);
    }
    CHECK(p == before);
    refused(edited(wavenet, "\"WaveNet\"",
                   "\"Wave\xff"
                   "et\""),
            "not valid JSON");
    // The LSTM's learned initial state goes somewhere: without a state to receive it, refused.
    hw::params<small_lstm> r;
    CHECK_THROWS_WITH(hw::io::from_nam(lstm, r), Contains("pass a hw::state"));
    CHECK(r == hw::params<small_lstm>{});
}
