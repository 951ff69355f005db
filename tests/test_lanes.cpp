// Independent sequences in SIMD lanes: hw::step_lanes with hw::state_lanes against hw::step on
// each sequence alone (which tests/test_recurrent.cpp and tests/test_wavenet.cpp check against
// PyTorch), for the layers' own kernels for sequences in lanes (LSTM, GRU, conv1d, in blocks and
// a gated WaveNet) and the lane-by-lane fallback to the one-sample kernels (a layer kind with
// state defined in the tests, without chunk kernels), with more sequences than one chunk holds;
// the state's accessors; bad sizes; no heap.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <vector>

#include <hardwired/hardwired.hpp>

#include "support/counting_new.hpp"
#include "support/leaky_integrator.hpp"
#include "support/small_wavenet.hpp"

namespace hw = hardwired;

namespace {

template <class T, std::size_t N>
std::array<T, N> signal(std::size_t sequence, std::size_t t) {
    std::array<T, N> x;
    for (std::size_t k = 0; k < N; ++k)
        x[k] = static_cast<T>(0.8 * std::sin(0.37 * double(t) * double(sequence + 1) + double(k)));
    return x;
}

/// 40 steps of N sequences through step_lanes and through step one sequence at a time, from the
/// same states (sequence q starts from a state of its own, set through `set`): the largest
/// difference of an output or a final state value.
template <class Net, class T, std::size_t N>
double lanes_against_step() {
    auto p = std::make_unique<hw::params<Net, T>>();
    hw::init::defaults(*p, 11);
    auto lanes = std::make_unique<hw::state_lanes<Net, T, N>>();
    auto alone = std::make_unique<std::array<hw::state<Net, T>, N>>();
    auto ws = std::make_unique<hw::batch_workspace<Net, T>>();
    // Distinct starting states: each sequence first runs q steps alone.
    for (std::size_t q = 0; q < N; ++q) {
        for (std::size_t t = 0; t < q % 5; ++t)
            hw::step(*p, signal<T, Net::inputs>(q + 100, t), (*alone)[q]);
        lanes->set(q, (*alone)[q]);
    }
    double worst = 0;
    std::vector<std::array<T, Net::inputs>> xs(N);
    std::vector<std::array<T, Net::outputs>> ys(N);
    for (std::size_t t = 0; t < 40; ++t) {
        for (std::size_t q = 0; q < N; ++q)
            xs[q] = signal<T, Net::inputs>(q, t);
        hw::step_lanes(*p, xs, ys, *lanes, *ws);
        for (std::size_t q = 0; q < N; ++q) {
            const auto y = hw::step(*p, xs[q], (*alone)[q]);
            for (std::size_t o = 0; o < Net::outputs; ++o)
                worst = std::max(worst, double(std::abs(y[o] - ys[q][o])));
        }
    }
    for (std::size_t q = 0; q < N; ++q) {
        const hw::state<Net, T> s = lanes->get(q);
        for (std::size_t i = 0; i < Net::state_count; ++i)
            worst = std::max(worst, double(std::abs(s.values[i] - (*alone)[q].values[i])));
    }
    return worst;
}

template <class Net>
void check_lanes() {
    // float: the kernels for lanes against the one-sample SIMD kernels (sums in another order);
    // double: rounding only.
    CHECK(lanes_against_step<Net, float, 1>() <= 2e-6);
    CHECK(lanes_against_step<Net, float, 8>() <= 2e-6);
    CHECK(lanes_against_step<Net, float, 37>() <= 2e-6);
    CHECK(lanes_against_step<Net, double, 3>() <= 1e-13);
    CHECK(lanes_against_step<Net, double, 33>() <= 1e-13);
}

using lstm = hw::network<hw::input<2>, hw::lstm<12>, hw::lstm<5>, hw::dense<2>>;
using gru = hw::network<hw::input<3>, hw::gru<9>, hw::gru<16>, hw::dense<1>>;
using rnn = hw::network<hw::input<3>, hw::rnn<9>, hw::rnn<16, hw::relu>, hw::rnn<5, hw::swish>,
                        hw::dense<1>>;
using mixed = hw::network<hw::input<2>, hw::conv1d<3, 3, 2, 1, hw::tanh>, hw::residual<hw::gru<3>>,
                          hw::concat<hw::lstm<2>, hw::dense<2>>, hw::conv1d<4, 2, 1, 2>,
                          hw::conv1d<3, 2, 1, 1, hw::swish>, hw::dense<1>>;
using wavenet = test::small_wavenet;
using leaky =
    hw::network<hw::input<3>, hw::dense<4, hw::tanh>, test::leaky_integrator, hw::dense<2>>;
using stateless = hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dense<2>>;

} // namespace

TEST_CASE("step_lanes equals step on each sequence: LSTM", "[lanes][lstm]") {
    check_lanes<lstm>();
}
TEST_CASE("step_lanes equals step on each sequence: GRU", "[lanes][gru]") {
    check_lanes<gru>();
}
TEST_CASE("step_lanes equals step on each sequence: plain recurrent layers", "[lanes][rnn]") {
    check_lanes<rnn>();
}
TEST_CASE("step_lanes equals step on each sequence: convolution and blocks", "[lanes][conv1d]") {
    check_lanes<mixed>();
}
TEST_CASE("step_lanes equals step on each sequence: a gated WaveNet", "[lanes][wavenet]") {
    check_lanes<wavenet>();
}
TEST_CASE("step_lanes steps a layer kind without chunk kernels through its one-sample kernels",
          "[lanes]") {
    check_lanes<leaky>();
    // Its one-sample SIMD kernel for every sequence (and for the padding lanes of the last SIMD
    // vector), not the reference kernel.
    hw::params<leaky> p;
    hw::init::defaults(p, 5);
    hw::state_lanes<leaky, float, 7> s;
    std::vector<std::array<float, 3>> xs(7);
    std::vector<std::array<float, 2>> ys(7);
    for (std::size_t q = 0; q < 7; ++q)
        xs[q] = signal<float, 3>(q, 1);
    test::leaky_integrator::simd_forward_calls = 0;
    hw::step_lanes(p, xs, ys, s);
    CHECK(test::leaky_integrator::simd_forward_calls >= 7);
}
TEST_CASE("step_lanes on a network without state is forward_batch", "[lanes]") {
    hw::params<stateless> p;
    hw::init::defaults(p, 5);
    hw::state_lanes<stateless, float, 5> s;
    std::vector<std::array<float, 3>> xs(5);
    std::vector<std::array<float, 2>> ys(5), ref(5);
    for (std::size_t q = 0; q < 5; ++q)
        xs[q] = signal<float, 3>(q, 1);
    hw::step_lanes(p, xs, ys, s);
    hw::forward_batch(p, xs, ref);
    CHECK(ys == ref);
}

TEST_CASE("state_lanes: get, set, reset one sequence or all", "[lanes]") {
    using L = hw::state_lanes<lstm, double, 40>;
    STATIC_REQUIRE(L::chunks == 2);
    STATIC_REQUIRE(sizeof(L) ==
                   2 * lstm::state_count * hw::kernels::chunk_samples * sizeof(double));
    auto s = std::make_unique<L>();
    hw::state<lstm, double> one;
    for (std::size_t i = 0; i < lstm::state_count; ++i)
        one.values[i] = double(i) + 0.5;
    s->set(35, one);
    CHECK(s->get(35).values == one.values);
    CHECK(s->get(3).values == hw::state<lstm, double>{}.values);
    s->set(3, one);
    s->reset(35);
    CHECK(s->get(35).values == hw::state<lstm, double>{}.values);
    CHECK(s->get(3).values == one.values);
    s->reset();
    CHECK(s->get(3).values == hw::state<lstm, double>{}.values);
    CHECK_THROWS_AS(s->get(40), std::out_of_range);
    CHECK_THROWS_AS(s->set(40, one), std::out_of_range);
}

TEST_CASE("step_lanes: wrong sizes throw with the state unchanged", "[lanes]") {
    hw::params<lstm> p;
    hw::init::defaults(p, 2);
    hw::state_lanes<lstm, float, 4> s;
    hw::state<lstm> one;
    one.values.fill(0.25f);
    s.set(2, one);
    const auto before = s.values;
    std::vector<std::array<float, 2>> xs(3), ys(4), y3(3);
    CHECK_THROWS_AS(hw::step_lanes(p, xs, ys, s), std::invalid_argument);
    xs.resize(4);
    CHECK_THROWS_AS(hw::step_lanes(p, xs, y3, s), std::invalid_argument);
    CHECK(s.values == before);
}

TEST_CASE("step_lanes allocates nothing", "[lanes]") {
    auto p = std::make_unique<hw::params<mixed>>();
    hw::init::defaults(*p, 2);
    auto s = std::make_unique<hw::state_lanes<mixed, float, 40>>();
    auto ws = std::make_unique<hw::batch_workspace<mixed>>();
    std::vector<std::array<float, 2>> xs(40);
    std::vector<std::array<float, 1>> ys(40);
    const std::size_t n = test::allocations_during([&] {
        for (int t = 0; t < 10; ++t)
            hw::step_lanes(*p, xs, ys, *s, *ws);
    });
    CHECK(n == 0);
}
