// Layers with state against real PyTorch: the fixtures of tests/torch/fixtures, written by
// tests/torch/make_recurrent_fixtures.py from nn.LSTM, nn.GRU, nn.RNN, nn.Conv1d and nn.Linear
// (weights, initial states, inputs, outputs, final states, autograd gradients of
// Σ output ⊙ upstream). Each model runs here one time step at a time through hw::step with its
// state in a hw::state, and through time by hw::sequence_gradient; outputs, final states, the
// loss and the gradients of every parameter, every input and the initial state are compared
// with PyTorch's, float64 to 1e-10 and float32 to 1e-5 (normwise relative error, tensor by
// tensor).

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>

#include "support/counting_new.hpp"
#include "support/fixture_params.hpp"

namespace hw = hardwired;

namespace {

const std::string fixtures = HARDWIRED_TORCH_FIXTURES;

/// A tensor's name without its module path and layer number: "0.weight_ih_l1" → "weight_ih"
/// (the second layer of a PyTorch nn.LSTM is the network's second hw::lstm).
std::string base_name(std::string name) {
    name = name.substr(name.find('.') + 1);
    const std::size_t l = name.rfind("_l");
    if (l != std::string::npos && l + 2 < name.size() &&
        name.find_first_not_of("0123456789", l + 2) == std::string::npos)
        name.resize(l);
    return name;
}

/// The network's parameters from the fixture, PyTorch's names matched without the module path
/// and layer number.
template <class Net, class T>
void load_params(fixture::file const& f, hw::params<Net, T>& p) {
    fixture::load_params(f, p, [](std::string const& record, std::string const& tensor) {
        return base_name(record) == base_name(tensor);
    });
}

/// Runs Net over the fixture's input one step at a time from the initial state `set` puts in
/// the state, and compares the outputs, then (`final`) the final state, with PyTorch's.
template <class Net, class T, class Set, class Final>
void check_sequence(std::string const& name, double tolerance, Set const& set, Final const& final) {
    INFO(name);
    const fixture::file f = fixture::read(fixtures + "/" + name + ".txt");
    hw::params<Net, T> p;
    load_params(f, p);
    hw::state<Net, T> s;
    set(f, s);
    fixture::tensor const& input = f["input"];
    const std::size_t steps = input.shape[0];
    REQUIRE(input.shape[1] == Net::inputs);
    std::vector<T> out;
    for (std::size_t t = 0; t < steps; ++t) {
        std::array<T, Net::inputs> x;
        for (std::size_t k = 0; k < Net::inputs; ++k)
            x[k] = static_cast<T>(input.values[t * Net::inputs + k]);
        for (T y : hw::step(p, x, s))
            out.push_back(y);
    }
    CHECK(fixture::relative_error(out, f["output"].values) <= tolerance);
    final(f, s);
}

/// Recurrent layers of H units, `Per` state values each (h, or h then c), `Layers` of them
/// first in the network: the fixture's h0 (and c0) in, h_n (and c_n) compared.
template <std::size_t Layers, std::size_t H, std::size_t Per>
struct recurrent_states {
    static constexpr const char* names[3][2] = {
        {"h0", "c0"}, {"h_n", "c_n"}, {"grad.h0", "grad.c0"}};
    template <class S>
    void operator()(fixture::file const& f, S& s) const {
        static_assert(S::size == Layers * Per * H);
        for (std::size_t part = 0; part < Per; ++part)
            for (std::size_t l = 0; l < Layers; ++l)
                for (std::size_t j = 0; j < H; ++j)
                    s.values[(l * Per + part) * H + j] =
                        static_cast<typename decltype(s.values)::value_type>(
                            f[names[0][part]].values[l * H + j]);
    }
    double tolerance;
    /// The final state (row 1) or, scaled, the gradient of the initial state (row 2).
    template <class S>
    void compare(fixture::file const& f, S const& s, std::size_t row = 1, double scale = 1) const {
        for (std::size_t part = 0; part < Per; ++part) {
            std::vector<double> got;
            for (std::size_t l = 0; l < Layers; ++l)
                for (std::size_t j = 0; j < H; ++j)
                    got.push_back(scale * static_cast<double>(s.values[(l * Per + part) * H + j]));
            INFO(names[row][part]);
            CHECK(fixture::relative_error(got, f[names[row][part]].values) <= tolerance);
        }
    }
};

/// PyTorch's fixtures take the loss Σ_t Σ_o output ⊙ upstream; hardwired's mean reduction
/// divides it by the steps and outputs.
inline constexpr auto dot_loss = hw::yhat * hw::y;

/// hw::sequence_gradient of dot_loss with the fixture's upstream as targets, from its initial
/// state (`set`): the loss, every parameter's gradient, the inputs' gradients and (`compare`,
/// given the initial state's gradient and the scale) the initial state's against PyTorch's.
template <class Net, class T, class Set, class Compare>
void check_gradients(std::string const& name, double tolerance, Set const& set,
                     Compare const& compare) {
    INFO(name << " through time");
    const fixture::file f = fixture::read(fixtures + "/" + name + ".txt");
    hw::params<Net, T> p;
    load_params(f, p);
    hw::state<Net, T> s;
    set(f, s);
    fixture::tensor const& input = f["input"];
    fixture::tensor const& upstream = f["upstream"];
    const std::size_t steps = input.shape[0];
    std::vector<std::array<T, Net::inputs>> xs(steps), dx(steps);
    std::vector<std::array<T, Net::outputs>> us(steps);
    for (std::size_t t = 0; t < steps; ++t) {
        for (std::size_t k = 0; k < Net::inputs; ++k)
            xs[t][k] = static_cast<T>(input.values[t * Net::inputs + k]);
        for (std::size_t o = 0; o < Net::outputs; ++o)
            us[t][o] = static_cast<T>(upstream.values[t * Net::outputs + o]);
    }
    hw::params<Net, T> grads;
    hw::sequence_workspace<Net, T> ws(steps);
    hw::state<Net, T> ds;
    const T loss = hw::sequence_gradient<dot_loss>(p, xs, us, s, grads, ws, std::span(dx), &ds);
    const double scale = static_cast<double>(steps * Net::outputs);
    CHECK(fixture::relative_error(std::array{scale * loss}, f["loss"].values) <= tolerance);
    const std::vector<std::string> names = fixture::parameter_names(f);
    for (std::size_t i = 0; i < Net::tensors.size(); ++i) {
        hw::tensor const& t = Net::tensors[i];
        std::vector<double> got;
        for (std::size_t e = 0; e < t.size(); ++e)
            got.push_back(scale * grads.values[t.at(e)]);
        INFO("grad." << names[i]);
        CHECK(fixture::relative_error(got, f["grad." + names[i]].values) <= tolerance);
    }
    std::vector<double> got;
    for (auto const& d : dx)
        for (T v : d)
            got.push_back(scale * v);
    CHECK(fixture::relative_error(got, f["grad.input"].values) <= tolerance);
    compare(f, ds, scale);
}

template <class Net, class T, std::size_t Layers, std::size_t H, std::size_t Per>
void check_recurrent(std::string const& name, double tolerance) {
    const recurrent_states<Layers, H, Per> states{tolerance};
    const auto set = [&](fixture::file const& f, auto& s) { states(f, s); };
    check_sequence<Net, T>(name, tolerance, set,
                           [&](fixture::file const& f, auto const& s) { states.compare(f, s); });
    check_gradients<Net, T>(name, tolerance, set,
                            [&](fixture::file const& f, auto const& ds, double scale) {
                                states.compare(f, ds, 2, scale);
                            });
}

template <class Net, class T>
void check_convolution(std::string const& name, double tolerance) {
    const auto nothing = [](fixture::file const&, auto const&...) {};
    check_sequence<Net, T>(name, tolerance, nothing, nothing);
    check_gradients<Net, T>(name, tolerance, nothing, nothing);
}

using amp = hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>;
using stacked = hw::network<hw::input<3>, hw::lstm<16>, hw::lstm<16>, hw::dense<2>>;

} // namespace

TEST_CASE("LSTM 1-8 with a dense head equals PyTorch's nn.LSTM + nn.Linear", "[lstm][torch]") {
    for (std::string t : {"T1", "T2", "T17"}) {
        check_recurrent<amp, double, 1, 8, 2>("lstm_1_8_dense_" + t + "_f64", 1e-10);
        check_recurrent<amp, float, 1, 8, 2>("lstm_1_8_dense_" + t + "_f32", 1e-5);
    }
}

TEST_CASE("Two stacked LSTM layers equal PyTorch's nn.LSTM(num_layers=2)", "[lstm][torch]") {
    check_recurrent<stacked, double, 2, 16, 2>("lstm_3_16_stacked_f64", 1e-10);
    check_recurrent<stacked, float, 2, 16, 2>("lstm_3_16_stacked_f32", 1e-5);
}

TEST_CASE("GRU 1-8 with a dense head equals PyTorch's nn.GRU + nn.Linear", "[gru][torch]") {
    using net = hw::network<hw::input<1>, hw::gru<8>, hw::dense<1>>;
    for (std::string t : {"T1", "T2", "T17"}) {
        check_recurrent<net, double, 1, 8, 1>("gru_1_8_dense_" + t + "_f64", 1e-10);
        check_recurrent<net, float, 1, 8, 1>("gru_1_8_dense_" + t + "_f32", 1e-5);
    }
}

TEST_CASE("Two stacked GRU layers equal PyTorch's nn.GRU(num_layers=2)", "[gru][torch]") {
    using net = hw::network<hw::input<2>, hw::gru<12>, hw::gru<12>, hw::dense<3>>;
    check_recurrent<net, double, 2, 12, 1>("gru_2_12_stacked_f64", 1e-10);
    check_recurrent<net, float, 2, 12, 1>("gru_2_12_stacked_f32", 1e-5);
}

TEST_CASE("RNN 1-8 with a dense head equals PyTorch's nn.RNN + nn.Linear", "[rnn][torch]") {
    using net = hw::network<hw::input<1>, hw::rnn<8>, hw::dense<1>>;
    for (std::string t : {"T1", "T2", "T17"}) {
        check_recurrent<net, double, 1, 8, 1>("rnn_1_8_dense_" + t + "_f64", 1e-10);
        check_recurrent<net, float, 1, 8, 1>("rnn_1_8_dense_" + t + "_f32", 1e-5);
    }
}

TEST_CASE("Two stacked relu RNN layers equal PyTorch's nn.RNN(num_layers=2, nonlinearity='relu')",
          "[rnn][torch]") {
    using net = hw::network<hw::input<2>, hw::rnn<6, hw::relu>, hw::rnn<6, hw::relu>, hw::dense<2>>;
    check_recurrent<net, double, 2, 6, 1>("rnn_2_6_relu_stacked_f64", 1e-10);
    check_recurrent<net, float, 2, 6, 1>("rnn_2_6_relu_stacked_f32", 1e-5);
}

TEST_CASE("Causal conv1d equals PyTorch's nn.Conv1d on a left-padded input", "[conv1d][torch]") {
    using grouped = hw::network<hw::input<4>, hw::conv1d<6, 3, 2, 2>>; // dilation 2, 2 groups
    check_convolution<grouped, double>("conv1d_causal_f64", 1e-10);
    check_convolution<grouped, float>("conv1d_causal_f32", 1e-5);
    using dilated = hw::network<hw::input<3>, hw::conv1d<3, 3, 4>>;
    check_convolution<dilated, double>("conv1d_causal_k3_d4_f64", 1e-10);
    check_convolution<dilated, float>("conv1d_causal_k3_d4_f32", 1e-5);
    STATIC_REQUIRE(dilated::state_count == 2 * 4 * 3 + 1);
}

TEST_CASE("hw::state: zero at the start, reset, and a step that allocates nothing", "[lstm]") {
    hw::params<amp> p;
    hw::init::defaults(p, 3);
    hw::state<amp> s;
    for (float v : s.values)
        CHECK(v == 0.f);
    const auto first = hw::step(p, std::array{0.25f}, s);
    const auto second = hw::step(p, std::array{0.25f}, s);
    CHECK(first[0] != second[0]); // the state carries over
    s.reset();
    CHECK(hw::step(p, std::array{0.25f}, s)[0] == first[0]);
    const std::size_t before = allocation_count.load();
    for (int i = 0; i < 100; ++i)
        (void)hw::step(p, std::array{0.01f * float(i)}, s);
    const std::size_t after = allocation_count.load();
    CHECK(after == before);
}

TEST_CASE("hw::step on a network without state equals hw::forward", "[lstm]") {
    using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::dense<1>>;
    hw::params<net> p;
    hw::init::defaults(p, 5);
    hw::state<net> s;
    CHECK(hw::step(p, std::array{0.5f, -1.f}, s) == hw::forward(p, std::array{0.5f, -1.f}));
}

namespace {
/// Copies the parameter tensors [first, first + count) of `from` into every tensor of `to`.
template <class From, class To>
void copy_tensors(hw::params<From, double> const& from, std::size_t first,
                  hw::params<To, double>& to) {
    for (std::size_t i = 0; i < To::tensors.size(); ++i) {
        hw::tensor const& a = From::tensors[first + i];
        hw::tensor const& b = To::tensors[i];
        REQUIRE(a.size() == b.size());
        for (std::size_t e = 0; e < a.size(); ++e)
            to.values[b.at(e)] = from.values[a.at(e)];
    }
}
} // namespace

TEST_CASE("Layers with state inside blocks each keep their own part of the state", "[lstm]") {
    // concat of two LSTMs, then a residual LSTM: y = c + lstm5(c), c = [lstm3(x), lstm2(x)].
    using net =
        hw::network<hw::input<2>, hw::concat<hw::lstm<3>, hw::lstm<2>>, hw::residual<hw::lstm<5>>>;
    using first = hw::network<hw::input<2>, hw::lstm<3>>;
    using second = hw::network<hw::input<2>, hw::lstm<2>>;
    using third = hw::network<hw::input<5>, hw::lstm<5>>;
    STATIC_REQUIRE(net::state_count == 2 * 3 + 2 * 2 + 2 * 5);
    hw::params<net, double> p;
    hw::init::defaults(p, 11);
    hw::params<first, double> p1;
    hw::params<second, double> p2;
    hw::params<third, double> p3;
    copy_tensors(p, 0, p1);
    copy_tensors(p, 4, p2);
    copy_tensors(p, 8, p3);
    hw::state<net, double> s;
    hw::state<first, double> s1;
    hw::state<second, double> s2;
    hw::state<third, double> s3;
    for (int t = 0; t < 9; ++t) {
        const std::array x{0.3 * t - 1.0, 0.5 - 0.1 * t};
        const auto y = hw::step(p, x, s);
        const auto a = hw::step(p1, x, s1);
        const auto b = hw::step(p2, x, s2);
        const std::array c{a[0], a[1], a[2], b[0], b[1]};
        const auto f = hw::step(p3, c, s3);
        for (std::size_t j = 0; j < 5; ++j)
            CHECK(y[j] == Approx(c[j] + f[j]).epsilon(1e-14));
    }
    // The network's state is its layers' states, in layer order.
    for (std::size_t i = 0; i < 6; ++i)
        CHECK(s.values[i] == s1.values[i]);
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(s.values[6 + i] == s2.values[i]);
    for (std::size_t i = 0; i < 10; ++i)
        CHECK(s.values[10 + i] == Approx(s3.values[i]).epsilon(1e-14));
}

namespace {
/// hw::step (detail::one_step, compiled as one function around a scratch of its own) against the
/// forward pass run with a scratch the caller passes in, the state's values and the alternating
/// `reversed` hint handed over as hw::step hands them: the same outputs and states, bit for bit,
/// for 300 steps.
template <class Net>
void check_step_against_caller_scratch(std::uint64_t seed) {
    hw::params<Net> p;
    hw::init::defaults(p, seed);
    hw::state<Net> s, t;
    hw::detail::forward_scratch<Net, float> ws;
    bool reversed = false;
    for (std::size_t step = 0; step < 300; ++step) {
        const std::array<float, 1> x{0.05f * static_cast<float>(step % 41) - 1.f};
        const auto y = hw::step(p, x, s);
        const auto z = hw::detail::forward_output(p, x, ws, t.values.data(),
                                                  hw::kernels::default_kernel<float>{}, reversed);
        reversed = !reversed;
        REQUIRE(y == z);
        REQUIRE(s.values == t.values);
    }
}
} // namespace

TEST_CASE("hw::step computes what the forward pass with a caller's scratch computes", "[lstm]") {
    // LSTM 64 and GRU 64: products split into parts, read in alternate orders; GRU 40: rows an
    // odd multiple of half a batch; a causal convolution before recurrent layers.
    check_step_against_caller_scratch<hw::network<hw::input<1>, hw::lstm<64>, hw::dense<1>>>(21);
    check_step_against_caller_scratch<hw::network<hw::input<1>, hw::gru<64>, hw::dense<1>>>(22);
    check_step_against_caller_scratch<hw::network<hw::input<1>, hw::gru<40>, hw::dense<1>>>(23);
    check_step_against_caller_scratch<
        hw::network<hw::input<1>, hw::conv1d<4, 3, 2, 1, hw::tanh>, hw::lstm<8>, hw::dense<1>>>(24);
}

TEST_CASE("hw::step_block runs a buffer of steps as hw::step would, allocating nothing", "[lstm]") {
    using net = hw::network<hw::input<1>, hw::conv1d<4, 3, 2, 1, hw::tanh>, hw::gru<6>, hw::lstm<5>,
                            hw::dense<1>>;
    hw::params<net> p;
    hw::init::defaults(p, 4);
    std::vector<std::array<float, 1>> in(256), out(256), one_by_one(256);
    for (std::size_t t = 0; t < in.size(); ++t)
        in[t][0] = 0.01f * static_cast<float>(t % 37) - 0.2f;
    hw::state<net> a, b;
    for (std::size_t t = 0; t < in.size(); ++t)
        one_by_one[t] = hw::step(p, in[t], a);
    const std::size_t before = allocation_count.load();
    hw::step_block(p, in, out, b);
    const std::size_t after = allocation_count.load();
    CHECK(after == before);
    CHECK(out == one_by_one);
    CHECK(a.values == b.values);
    std::vector<std::array<float, 1>> short_out(255);
    CHECK_THROWS_WITH(hw::step_block(p, in, short_out, b),
                      Catch::Contains("256 inputs but room for 255 outputs"));
    CHECK(a.values == b.values);
}
