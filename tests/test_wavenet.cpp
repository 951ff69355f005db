// The WaveNet of the Neural Amp Modeler (hw::wavenet) against a PyTorch module written from the
// architecture's description: the fixtures wavenet_*.txt of tests/torch/fixtures, written by
// tests/torch/make_wavenet_fixtures.py (nn.Conv1d layers on a left-padded input, the condition
// mixed into every layer, residual and skip sums, head scale). The standard A1 model streams
// 4400 samples, more than its receptive field of 4093, one sample per call through hw::step and
// in blocks through hw::step_block; two small models, one gated, also check the loss and every
// gradient of hw::sequence_gradient against PyTorch's autograd. float64 to 1e-10, float32 to
// 1e-5 (normwise relative error, tensor by tensor).

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>

#include "support/fixture_params.hpp"

namespace hw = hardwired;
namespace wn = hardwired::wavenet;

namespace {

const std::string fixtures = HARDWIRED_TORCH_FIXTURES;

/// The network's tensors are the module's state_dict: "layer_arrays.0.layers.3.conv.weight" is
/// a "weight".
template <class Net, class T>
void load_params(fixture::file const& f, hw::params<Net, T>& p) {
    fixture::load_params(f, p, [](std::string const& record, std::string const& tensor) {
        return record.substr(record.rfind('.') + 1) == tensor;
    });
}

template <class T>
std::vector<std::array<T, 1>> column(fixture::tensor const& t) {
    REQUIRE(t.shape.size() == 2);
    REQUIRE(t.shape[1] == 1);
    std::vector<std::array<T, 1>> v(t.shape[0]);
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i][0] = static_cast<T>(t.values[i]);
    return v;
}

template <class T>
std::vector<double> flat(std::vector<std::array<T, 1>> const& v) {
    std::vector<double> d;
    for (auto const& a : v)
        d.push_back(static_cast<double>(a[0]));
    return d;
}

/// The fixture's output, from the model streamed one sample per call from zero state, then in
/// blocks of 64 samples from a reset state.
template <class Net, class T>
void check_forward(std::string const& name, double tolerance) {
    INFO(name);
    const fixture::file f = fixture::read(fixtures + "/" + name + ".txt");
    auto p = std::make_unique<hw::params<Net, T>>();
    load_params(f, *p);
    const auto xs = column<T>(f["input"]);
    std::vector<std::array<T, 1>> ys(xs.size());
    auto s = std::make_unique<hw::state<Net, T>>();
    for (std::size_t t = 0; t < xs.size(); ++t)
        ys[t] = hw::step(*p, xs[t], *s);
    CHECK(fixture::relative_error(flat(ys), f["output"].values) <= tolerance);

    s->reset();
    std::vector<std::array<T, 1>> blocks(xs.size());
    for (std::size_t t = 0; t < xs.size(); t += 64) {
        const std::size_t n = std::min<std::size_t>(64, xs.size() - t);
        hw::step_block(*p, std::span(xs).subspan(t, n), std::span(blocks).subspan(t, n), *s);
    }
    CHECK(flat(blocks) == flat(ys));
}

/// hw::sequence_gradient of the mean squared error against the fixture's target: the loss, every
/// parameter's gradient and the input's gradient against PyTorch's autograd.
template <class Net, class T>
void check_gradients(std::string const& name, double tolerance) {
    INFO(name << " through time");
    const fixture::file f = fixture::read(fixtures + "/" + name + ".txt");
    hw::params<Net, T> p;
    load_params(f, p);
    const auto xs = column<T>(f["input"]);
    const auto targets = column<T>(f["target"]);
    std::vector<std::array<T, 1>> dx(xs.size());
    hw::state<Net, T> s;
    hw::params<Net, T> grads;
    hw::sequence_workspace<Net, T> ws(xs.size());
    const T loss = hw::sequence_gradient<hw::mse_loss>(p, xs, targets, s, grads, ws, std::span(dx));
    CHECK(fixture::relative_error(std::array{static_cast<double>(loss)}, f["loss"].values) <=
          tolerance);
    const std::vector<std::string> names = fixture::parameter_names(f);
    for (std::size_t i = 0; i < Net::tensors.size(); ++i) {
        hw::tensor const& t = Net::tensors[i];
        std::vector<double> got;
        for (std::size_t e = 0; e < t.size(); ++e)
            got.push_back(static_cast<double>(grads.values[t.at(e)]));
        INFO("grad." << names[i]);
        CHECK(fixture::relative_error(got, f["grad." + names[i]].values) <= tolerance);
    }
    CHECK(fixture::relative_error(flat(dx), f["grad.input"].values) <= tolerance);
}

using a1 = hw::network<hw::input<1>, wn::a1_standard>;

// The fixtures' small models (make_wavenet_fixtures.py).
template <bool Gated, auto Scale>
using small = hw::network<
    hw::input<1>,
    wn::model<Scale, wn::layer_array<4, 3, 3, wn::dilations<1, 2, 4>, hw::tanh, Gated, false>,
              wn::layer_array<3, 1, 2, wn::dilations<1, 3>, hw::tanh, Gated, true>>>;
using gated = small<true, hw::c<1, 2>>;
using plain = small<false, hw::c<1, 50>>;

} // namespace

TEST_CASE("WaveNet: the A1 standard model's sizes are NAM's", "[wavenet]") {
    // NAM's file of this model holds 13,802 numbers: these and the head scale.
    STATIC_REQUIRE(a1::parameter_count == 13801);
    STATIC_REQUIRE(a1::tensors.size() == 2 * (1 + 10 * 5 + 1) + 1);
    // Each kernel-3 convolution keeps 2·dilation past inputs of its channels and a ring slot.
    STATIC_REQUIRE(a1::state_count == 2 * 1023 * 16 + 10 + 2 * 1023 * 8 + 10);
}

TEST_CASE("WaveNet A1 streamed equals the PyTorch model", "[wavenet][torch]") {
    check_forward<a1, double>("wavenet_a1_standard_f64", 1e-10);
    check_forward<a1, float>("wavenet_a1_standard_f32", 1e-5);
}

TEST_CASE("Small WaveNets, gated and plain: outputs, loss and gradients equal PyTorch's",
          "[wavenet][torch]") {
    check_forward<gated, double>("wavenet_gated_small_f64", 1e-10);
    check_forward<gated, float>("wavenet_gated_small_f32", 1e-5);
    check_gradients<gated, double>("wavenet_gated_small_f64", 1e-10);
    check_gradients<gated, float>("wavenet_gated_small_f32", 1e-5);
    check_forward<plain, double>("wavenet_plain_small_f64", 1e-10);
    check_forward<plain, float>("wavenet_plain_small_f32", 1e-5);
    check_gradients<plain, double>("wavenet_plain_small_f64", 1e-10);
    check_gradients<plain, float>("wavenet_plain_small_f32", 1e-5);
}
