// Training independent sequences in SIMD lanes: hw::sequence_gradient with a hw::state_lanes
// against the mean of hw::sequence_gradient on each sequence alone (which test_through_time
// checks against float64 central differences and test_recurrent against PyTorch), for the
// kernels for sequences in lanes (LSTM, GRU, conv1d: forward_chunk and backward_chunk) and the
// lane-by-lane fallback to the one-sample kernels (a layer kind with state defined in the tests),
// in blocks and a gated WaveNet (convolutions of one group and of two); sequences that start at
// different points of the convolution's ring and at the same one; partial vectors and more
// sequences than one chunk holds; losses at every step and on the last; class indices.
// hw::fit_sequences against
// the same recipe run by hand, one sequence at a time. Bad sizes, no heap. Built for SSE2, AVX2
// and, where the host has it, AVX-512 (tests/isa.cmake): the chunk kernels differ per ISA.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>

#include "support/counting_new.hpp"
#include "support/leaky_integrator.hpp"
#include "support/small_wavenet.hpp"

namespace hw = hardwired;

namespace {

template <class T, std::size_t N>
using sequence = std::vector<std::array<T, N>>;

template <class T, std::size_t N>
std::array<T, N> wave(std::size_t q, std::size_t t, double phase) {
    std::array<T, N> x;
    for (std::size_t k = 0; k < N; ++k)
        x[k] = static_cast<T>(0.9 * std::sin(0.29 * double(t) * double(q % 7 + 1) + phase +
                                             0.7 * double(k) + 0.1 * double(q)));
    return x;
}

/// Inputs and targets of `count` sequences of n steps (targets at every step, or with
/// `last_only` one for the last step).
template <class Net, class T>
struct data {
    std::vector<sequence<T, Net::inputs>> xs;
    std::vector<sequence<T, Net::outputs>> ys;
    data(std::size_t count, std::size_t n, bool last_only) : xs(count), ys(count) {
        for (std::size_t q = 0; q < count; ++q)
            for (std::size_t t = 0; t < n; ++t) {
                xs[q].push_back(wave<T, Net::inputs>(q, t, 0.0));
                if (!last_only || t + 1 == n)
                    ys[q].push_back(wave<T, Net::outputs>(q, t, 1.3));
            }
    }
};

/// The largest of |a − b| over two arrays, and of |b|.
template <class A, class B>
std::pair<double, double> difference(A const& a, B const& b) {
    double worst = 0, big = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, std::abs(double(a[i]) - double(b[i])));
        big = std::max(big, std::abs(double(b[i])));
    }
    return {worst, big};
}

/// One call of sequence_gradient in lanes on N sequences of n steps, each from a state of its own,
/// against sequence_gradient on each sequence alone from the same state: the loss, every
/// gradient (of the parameters, the inputs and the initial states; those of a sequence are 1/N
/// of its own alone, as the loss in lanes is the mean over the sequences) and every final
/// state, relative to their largest values, within `tol`. The states
/// come from q % 4 steps of sequence q alone or, with `same_start`, from 2 steps of each: the
/// convolutions' rings then have the same next slot in every sequence (but the padding lanes).
template <auto Loss, class Net, class T, std::size_t N, class Data>
void check_against_alone(Data const& d, double tol, bool same_start = false) {
    auto p = std::make_unique<hw::params<Net, T>>();
    hw::init::defaults(*p, 7);
    auto lanes = std::make_unique<hw::state_lanes<Net, T, N>>();
    std::vector<hw::state<Net, T>> alone(N);
    for (std::size_t q = 0; q < N; ++q) { // distinct starting states
        for (std::size_t t = 0; t < (same_start ? 2 : q % 4); ++t)
            (void)hw::step(*p, wave<T, Net::inputs>(q, t, 2.0), alone[q]);
        lanes->set(q, alone[q]);
    }
    auto grads = std::make_unique<hw::params<Net, T>>();
    hw::sequence_lanes_workspace<Net, T> ws;
    const std::size_t n = d.xs[0].size();
    std::vector<sequence<T, Net::inputs>> dx(N, sequence<T, Net::inputs>(n));
    auto ds = std::make_unique<hw::state_lanes<Net, T, N>>();
    const T loss = hw::sequence_gradient<Loss>(*p, d.xs, d.ys, *lanes, *grads, ws, dx, ds.get());

    auto mean = std::make_unique<hw::params<Net, T>>();
    auto one = std::make_unique<hw::params<Net, T>>();
    hw::sequence_workspace<Net, T> ws1;
    double mean_loss = 0;
    mean->values.fill(T(0));
    std::vector<sequence<T, Net::inputs>> dx1(N, sequence<T, Net::inputs>(n));
    std::vector<hw::state<Net, T>> ds1(N);
    for (std::size_t q = 0; q < N; ++q) {
        mean_loss += double(hw::sequence_gradient<Loss>(*p, d.xs[q], d.ys[q], alone[q], *one, ws1,
                                                        std::span(dx1[q]), &ds1[q])) /
                     N;
        for (std::size_t i = 0; i < one->values.size(); ++i)
            mean->values[i] += one->values[i] / T(N);
    }
    INFO("N = " << N << ", " << d.xs[0].size() << " steps, " << d.ys[0].size() << " targets"
                << (same_start ? ", same start" : ""));
    CHECK(std::abs(double(loss) - mean_loss) <= tol * std::max(1.0, mean_loss));
    const auto [worst, big] = difference(grads->values, mean->values);
    INFO("largest gradient " << big);
    CHECK(big > 0);
    CHECK(worst <= tol * big);
    for (std::size_t q = 0; q < N; ++q) {
        const auto [ws_, bs_] = difference(lanes->get(q).values, alone[q].values);
        INFO("sequence " << q);
        CHECK(ws_ <= tol * std::max(1.0, bs_));
    }
    // ∂L/∂ of the inputs and of the initial states, against 1/N of each sequence's alone.
    std::vector<T> got, expected;
    for (std::size_t q = 0; q < N; ++q) {
        for (std::size_t t = 0; t < n; ++t)
            for (std::size_t i = 0; i < Net::inputs; ++i) {
                got.push_back(dx[q][t][i]);
                expected.push_back(dx1[q][t][i] / T(N));
            }
        for (std::size_t i = 0; i < Net::state_count; ++i) {
            got.push_back(ds->get(q).values[i]);
            expected.push_back(ds1[q].values[i] / T(N));
        }
    }
    const auto [dworst, dbig] = difference(got, expected);
    INFO("largest input or initial-state gradient " << dbig);
    CHECK(dbig > 0);
    CHECK(dworst <= tol * dbig);
}

template <class Net>
void check_net() {
    // float: the chunk kernels against the one-sample SIMD ones (sums in other orders); double:
    // rounding only. N = 1 and 5: partial vectors; 37: two chunks of lanes.
    const data<Net, float> f5(5, 17, false);
    check_against_alone<hw::mse_loss, Net, float, 5>(f5, 2e-5);
    const data<Net, double> d1(1, 2, false), d37(37, 9, false), d37_last(37, 9, true);
    check_against_alone<hw::mse_loss, Net, double, 1>(d1, 1e-12);
    check_against_alone<hw::mse_loss, Net, double, 37>(d37, 1e-12);
    check_against_alone<hw::mse_loss, Net, double, 37>(d37_last, 1e-12);
    const data<Net, float> f37(37, 9, false);
    check_against_alone<hw::mse_loss, Net, float, 37>(f37, 2e-5, true);
    check_against_alone<hw::mse_loss, Net, double, 37>(d37, 1e-12, true);
}

using lstm = hw::network<hw::input<2>, hw::lstm<12>, hw::lstm<5>, hw::dense<2>>;
using gru = hw::network<hw::input<3>, hw::gru<9>, hw::gru<16>, hw::dense<1, hw::tanh>>;
using rnn = hw::network<hw::input<3>, hw::rnn<9>, hw::rnn<16, hw::relu>, hw::rnn<5, hw::swish>,
                        hw::dense<1, hw::tanh>>;
// A layer with parameters before the convolution, so that ∂L/∂ of the convolution's state (its
// past inputs) reaches a gradient. The grouped convolution's groups of 6 inputs and 6 outputs
// have more weights than a chunk has samples: their gradients take more than one scratch row.
using mixed = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::conv1d<3, 3, 2, 1, hw::tanh>,
                          hw::residual<hw::gru<3>>, hw::concat<hw::lstm<6>, hw::dense<6>>,
                          hw::conv1d<12, 2, 1, 2>, test::leaky_integrator,
                          hw::conv1d<3, 2, 1, 1, hw::swish>, hw::dense<1>>;
using wavenet = test::small_wavenet;

} // namespace

#ifdef HARDWIRED_EXPECT_ARCH
TEST_CASE("the sequences-in-lanes tests run on the instruction set they were built for",
          "[sequence_lanes]") {
    CHECK(std::string(xsimd::default_arch::name()) == HARDWIRED_EXPECT_ARCH);
}
#endif

TEST_CASE("training in lanes equals the mean over the sequences alone: LSTM",
          "[sequence_lanes][lstm]") {
    check_net<lstm>();
}
TEST_CASE("training in lanes equals the mean over the sequences alone: GRU",
          "[sequence_lanes][gru]") {
    check_net<gru>();
}
TEST_CASE("training in lanes equals the mean over the sequences alone: plain recurrent layers",
          "[sequence_lanes][rnn]") {
    check_net<rnn>();
}
TEST_CASE("training in lanes equals the mean over the sequences alone: convolution and blocks",
          "[sequence_lanes][conv1d]") {
    check_net<mixed>();
}
TEST_CASE("training in lanes equals the mean over the sequences alone: a gated WaveNet",
          "[sequence_lanes][wavenet]") {
    check_net<wavenet>();
}

TEST_CASE("training in lanes with class indices, a loss on the last step",
          "[sequence_lanes][classes]") {
    using net = hw::network<hw::input<1>, hw::gru<8>, hw::dense<3>>;
    constexpr std::size_t N = 6, n = 12;
    std::vector<sequence<float, 1>> xs(N);
    std::vector<std::vector<int>> labels(N);
    for (std::size_t q = 0; q < N; ++q) {
        for (std::size_t t = 0; t < n; ++t)
            xs[q].push_back(wave<float, 1>(q, t, 0.4));
        labels[q].push_back(int(q % 3));
    }
    hw::params<net> p, grads, one, mean;
    hw::init::defaults(p, 3);
    hw::state_lanes<net, float, N> lanes;
    hw::sequence_lanes_workspace<net> ws;
    const float loss =
        hw::sequence_gradient<hw::softmax_cross_entropy>(p, xs, labels, lanes, grads, ws);
    hw::sequence_workspace<net> ws1;
    double mean_loss = 0;
    mean.values.fill(0.f);
    for (std::size_t q = 0; q < N; ++q) {
        hw::state<net> s;
        mean_loss +=
            hw::sequence_gradient<hw::softmax_cross_entropy>(p, xs[q], labels[q], s, one, ws1) /
            double(N);
        for (std::size_t i = 0; i < one.values.size(); ++i)
            mean.values[i] += one.values[i] / float(N);
    }
    CHECK(loss == Approx(mean_loss).epsilon(1e-5));
    const auto [worst, big] = difference(grads.values, mean.values);
    CHECK(big > 0);
    CHECK(worst <= 2e-5 * big);
    labels[4][0] = 3;
    CHECK_THROWS_AS(
        hw::sequence_gradient<hw::softmax_cross_entropy>(p, xs, labels, lanes, grads, ws),
        std::invalid_argument);
}

TEST_CASE("training in lanes: sizes that do not fit change nothing", "[sequence_lanes]") {
    using net = hw::network<hw::input<2>, hw::lstm<4>, hw::dense<2>>;
    data<net, float> d(3, 5, false);
    hw::params<net> p, grads;
    hw::init::defaults(p, 1);
    grads.values.fill(7.f);
    hw::state_lanes<net, float, 3> s;
    hw::state<net> one;
    one.values.fill(0.25f);
    s.set(1, one);
    const auto before = s.values;
    hw::sequence_lanes_workspace<net> ws;
    const auto rejected = [&](auto const& xs, auto const& ys) {
        CHECK_THROWS_AS(hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws),
                        std::invalid_argument);
        CHECK(s.values == before);
        CHECK(std::all_of(grads.values.begin(), grads.values.end(),
                          [](float g) { return g == 7.f; }));
    };
    auto xs = d.xs, ys = d.ys;
    xs.pop_back(); // two sequences for three lanes
    rejected(xs, ys);
    xs = d.xs;
    xs[2].pop_back(); // unequal lengths
    rejected(xs, ys);
    xs = d.xs;
    ys[1].pop_back(); // four targets for five steps
    rejected(xs, ys);
    ys = d.ys;
    for (auto& y : ys) // two targets for five steps, in every sequence
        y.resize(2);
    rejected(xs, ys);
    // Room for the input gradients of two sequences for three lanes; of four steps for five.
    std::vector<sequence<float, 2>> dx(2, sequence<float, 2>(5));
    CHECK_THROWS_AS(hw::sequence_gradient<hw::mse_loss>(p, d.xs, d.ys, s, grads, ws, dx),
                    std::invalid_argument);
    dx.assign(3, sequence<float, 2>(5));
    dx[1].resize(4);
    CHECK_THROWS_AS(hw::sequence_gradient<hw::mse_loss>(p, d.xs, d.ys, s, grads, ws, dx),
                    std::invalid_argument);
    CHECK(s.values == before);
    CHECK(std::all_of(grads.values.begin(), grads.values.end(), [](float g) { return g == 7.f; }));
}

TEST_CASE("training in lanes allocates nothing once its workspace is large enough",
          "[sequence_lanes]") {
    auto p = std::make_unique<hw::params<mixed>>();
    hw::init::defaults(*p, 2);
    auto grads = std::make_unique<hw::params<mixed>>();
    auto s = std::make_unique<hw::state_lanes<mixed, float, 40>>();
    const data<mixed, float> d(40, 24, false);
    hw::sequence_lanes_workspace<mixed> ws(24);
    const float* values = ws.values.data();
    const std::size_t n = test::allocations_during([&] {
        for (int k = 0; k < 3; ++k)
            (void)hw::sequence_gradient<hw::mse_loss>(*p, d.xs, d.ys, *s, *grads, ws);
    });
    CHECK(n == 0);
    // The workspace's rows come from xsimd's aligned allocator (malloc), which the count does
    // not see: it must not have grown.
    CHECK(ws.capacity() == 24);
    CHECK(ws.values.data() == values);
}

namespace {

/// fit_sequences' recipe by hand, one sequence at a time: every epoch each sequence starts from
/// zero (or from `initial`), steps through the warm-up, then each chunk's gradient is the mean of
/// the sequences' (sequence_gradient, the states carried), and adam takes one step. With a
/// `rate`, after the first chunk `initial` takes a step down the mean of the gradients of the
/// sequences' initial states, each of which starts from it. Returns each epoch's loss.
template <class Net>
std::vector<double> by_hand(hw::params<Net, double>& p, std::vector<sequence<double, 1>> const& xs,
                            std::vector<sequence<double, 1>> const& ys, std::size_t epochs,
                            std::size_t warmup, std::size_t chunk,
                            hw::state<Net, double>* initial = nullptr, double rate = 0) {
    hw::adam<Net, double> opt{0.01};
    auto grads = std::make_unique<hw::params<Net, double>>();
    auto one = std::make_unique<hw::params<Net, double>>();
    hw::sequence_workspace<Net, double> ws;
    const std::size_t count = xs.size(), n = xs[0].size();
    std::vector<double> history;
    for (std::size_t e = 0; e < epochs; ++e) {
        std::vector<hw::state<Net, double>> s(count, initial ? *initial : hw::state<Net, double>{});
        for (std::size_t q = 0; q < count; ++q)
            for (std::size_t t = 0; t < warmup; ++t)
                (void)hw::step(p, xs[q][t], s[q]);
        double epoch_loss = 0;
        for (std::size_t c0 = warmup; c0 < n; c0 += chunk) {
            const std::size_t size = std::min(chunk, n - c0);
            const bool first = rate != 0 && c0 == warmup;
            grads->values.fill(0);
            hw::state<Net, double> d_initial, dq;
            double loss = 0;
            for (std::size_t q = 0; q < count; ++q) {
                const auto x = std::span(xs[q]).subspan(c0, size);
                const auto y = std::span(ys[q]).subspan(c0, size);
                loss += hw::sequence_gradient<hw::mse_loss>(p, x, y, s[q], *one, ws, {},
                                                            first ? &dq : nullptr) /
                        count;
                for (std::size_t i = 0; i < one->values.size(); ++i)
                    grads->values[i] += one->values[i] / double(count);
                if (first)
                    for (std::size_t i = 0; i < Net::state_count; ++i)
                        d_initial.values[i] += dq.values[i] / double(count);
            }
            if (first)
                for (std::size_t i = 0; i < Net::state_count; ++i)
                    initial->values[i] -= rate * d_initial.values[i];
            opt.step(p, *grads);
            epoch_loss += loss * double(size);
        }
        history.push_back(epoch_loss / double(n - warmup));
    }
    return history;
}

} // namespace

TEST_CASE("fit_sequences runs fit_sequence's recipe on every sequence in step",
          "[sequence_lanes][fit]") {
    using net = hw::network<hw::input<1>, hw::lstm<6>, hw::dense<1>>;
    for (std::size_t count : {1u, 3u, 35u}) {
        const std::size_t n = 50, warmup = 6, chunk = 16, epochs = 4;
        std::vector<sequence<double, 1>> xs(count), ys(count);
        for (std::size_t q = 0; q < count; ++q)
            for (std::size_t t = 0; t < n; ++t) {
                xs[q].push_back(wave<double, 1>(q, t, 0.0));
                ys[q].push_back({std::tanh(2.0 * xs[q][t][0])});
            }
        auto p = std::make_unique<hw::params<net, double>>();
        hw::init::defaults(*p, 4);
        auto reference = std::make_unique<hw::params<net, double>>(*p);
        hw::adam<net, double> opt{0.01};
        const auto result = hw::fit_sequences<hw::mse_loss>(
            *p, opt, xs, ys,
            {.epochs = epochs, .warmup = warmup, .chunk = chunk, .print_progress = false});
        const auto expected = by_hand<net>(*reference, xs, ys, epochs, warmup, chunk);
        INFO(count << " sequences");
        REQUIRE(result.loss_history.size() == epochs);
        for (std::size_t e = 0; e < epochs; ++e)
            CHECK(result.loss_history[e] == Approx(expected[e]).epsilon(1e-10));
        CHECK(result.loss_history.back() < result.loss_history.front());
        const auto [worst, big] = difference(p->values, reference->values);
        CHECK(worst <= 1e-10 * big);
        if (count == 1) { // one sequence: hw::fit_sequence itself
            auto single = std::make_unique<hw::params<net, double>>();
            hw::init::defaults(*single, 4);
            hw::adam<net, double> opt1{0.01};
            const auto r1 = hw::fit_sequence<hw::mse_loss>(
                *single, opt1, xs[0], ys[0],
                {.epochs = epochs, .warmup = warmup, .chunk = chunk, .print_progress = false});
            for (std::size_t e = 0; e < epochs; ++e)
                CHECK(result.loss_history[e] == Approx(r1.loss_history[e]).epsilon(1e-10));
        }
    }
}

TEST_CASE("fit_sequences learns an initial state shared by the sequences",
          "[sequence_lanes][fit]") {
    using net = hw::network<hw::input<1>, hw::gru<5>, hw::dense<1>>;
    for (std::size_t count : {1u, 3u, 35u}) {
        const std::size_t n = 40, chunk = 16, epochs = 3;
        const double rate = 0.5;
        std::vector<sequence<double, 1>> xs(count), ys(count);
        for (std::size_t q = 0; q < count; ++q)
            for (std::size_t t = 0; t < n; ++t) {
                xs[q].push_back(wave<double, 1>(q, t, 0.0));
                ys[q].push_back({0.3 + std::tanh(2.0 * xs[q][t][0])});
            }
        auto p = std::make_unique<hw::params<net, double>>();
        hw::init::defaults(*p, 4);
        auto reference = std::make_unique<hw::params<net, double>>(*p);
        hw::state<net, double> h0, h0_by_hand;
        h0.values.fill(0.1);
        h0_by_hand = h0;
        hw::adam<net, double> opt{0.01};
        const auto result = hw::fit_sequences<hw::mse_loss>(
            *p, opt, xs, ys,
            {.epochs = epochs, .chunk = chunk, .initial_state_rate = rate, .print_progress = false},
            h0);
        const auto expected = by_hand<net>(*reference, xs, ys, epochs, 0, chunk, &h0_by_hand, rate);
        INFO(count << " sequences");
        REQUIRE(result.loss_history.size() == epochs);
        for (std::size_t e = 0; e < epochs; ++e)
            CHECK(result.loss_history[e] == Approx(expected[e]).epsilon(1e-10));
        const auto [worst, big] = difference(p->values, reference->values);
        CHECK(worst <= 1e-10 * big);
        const auto [hworst, hbig] = difference(h0.values, h0_by_hand.values);
        CHECK(hworst <= 1e-10 * hbig);
        CHECK(std::abs(h0.values[0] - 0.1) > 1e-4); // it was learned
        if (count == 1) {                           // one sequence: hw::fit_sequence itself
            auto single = std::make_unique<hw::params<net, double>>();
            hw::init::defaults(*single, 4);
            hw::state<net, double> h1;
            h1.values.fill(0.1);
            hw::adam<net, double> opt1{0.01};
            const auto r1 = hw::fit_sequence<hw::mse_loss>(*single, opt1, xs[0], ys[0],
                                                           {.epochs = epochs,
                                                            .chunk = chunk,
                                                            .initial_state_rate = rate,
                                                            .print_progress = false},
                                                           h1);
            for (std::size_t e = 0; e < epochs; ++e)
                CHECK(result.loss_history[e] == Approx(r1.loss_history[e]).epsilon(1e-10));
            const auto [w1, b1] = difference(h0.values, h1.values);
            CHECK(w1 <= 1e-10 * b1);
        }
    }
}

TEST_CASE("fit_sequences: bad input throws before any update", "[sequence_lanes][fit]") {
    using net = hw::network<hw::input<1>, hw::gru<3>, hw::dense<1>>;
    hw::params<net> p;
    hw::init::defaults(p, 2);
    const auto before = p.values;
    hw::sgd<net> opt{0.1f};
    std::vector<sequence<float, 1>> xs(3, sequence<float, 1>(10)), ys = xs;
    const auto rejected = [&](auto const& x, auto const& y, hw::sequence_options o) {
        o.print_progress = false;
        CHECK_THROWS_AS(hw::fit_sequences<hw::mse_loss>(p, opt, x, y, o), std::invalid_argument);
        CHECK(p.values == before);
    };
    rejected(std::vector<sequence<float, 1>>{}, std::vector<sequence<float, 1>>{}, {});
    auto short_ys = ys;
    short_ys.pop_back();
    rejected(xs, short_ys, {});
    auto uneven = xs;
    uneven[2].push_back({0.f});
    rejected(uneven, ys, {});
    rejected(xs, ys, {.warmup = 10});
    rejected(xs, ys, {.initial_state_rate = 0.1}); // no initial state to learn
    rejected(xs, ys, {.first_epoch = 0});
    // A learned initial state needs warmup = 0; neither it nor p changes.
    hw::state<net> h0;
    h0.values.fill(0.5f);
    const auto h0_before = h0.values;
    CHECK_THROWS_AS(
        hw::fit_sequences<hw::mse_loss>(
            p, opt, xs, ys, {.warmup = 2, .initial_state_rate = 0.1, .print_progress = false}, h0),
        std::invalid_argument);
    CHECK(p.values == before);
    CHECK(h0.values == h0_before);
}

TEST_CASE("fit_sequences with dropout is reproducible and resumes bit for bit",
          "[sequence_lanes][fit][dropout]") {
    using net = hw::network<hw::input<1>, hw::gru<6>, hw::dropout<1, 4>, hw::dense<1>>;
    const std::size_t count = 9, n = 40;
    std::vector<sequence<float, 1>> xs(count), ys(count);
    for (std::size_t q = 0; q < count; ++q)
        for (std::size_t t = 0; t < n; ++t) {
            xs[q].push_back(wave<float, 1>(q, t, 0.0));
            ys[q].push_back({std::tanh(2.f * xs[q][t][0])});
        }
    const auto train = [&](hw::params<net>& p, std::size_t first, std::size_t last) {
        hw::sgd<net> opt{0.05f};
        return hw::fit_sequences<hw::mse_loss>(p, opt, xs, ys,
                                               {.epochs = last,
                                                .warmup = 4,
                                                .chunk = 12,
                                                .seed = 17,
                                                .print_progress = false,
                                                .first_epoch = first});
    };
    hw::params<net> once, again, resumed;
    hw::init::defaults(once, 5);
    again = resumed = once;
    const auto all = train(once, 1, 4);
    train(again, 1, 4);
    CHECK(again.values == once.values);
    train(resumed, 1, 2);
    const auto rest = train(resumed, 3, 4);
    CHECK(resumed.values == once.values);
    REQUIRE(rest.loss_history.size() == 2);
    CHECK(rest.loss_history[1] == all.loss_history[3]);
    // Dropout draws: another seed takes another path.
    hw::params<net> other;
    hw::init::defaults(other, 5);
    hw::sgd<net> opt{0.05f};
    hw::fit_sequences<hw::mse_loss>(
        other, opt, xs, ys,
        {.epochs = 4, .warmup = 4, .chunk = 12, .seed = 18, .print_progress = false});
    CHECK(other.values != once.values);
}
