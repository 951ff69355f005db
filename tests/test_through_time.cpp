// Back-propagation through time (hw::sequence_gradient) for every layer kind with state, alone,
// stacked, mixed with dense layers and inside blocks: the gradient of every parameter, every
// input and every value of the initial state against float64 central differences of the loss
// computed independently (hw::step through the sequence, the mean squared error by hand), on
// sequences of 1, 2 and 17 steps, many-to-many and many-to-one (GUIDE §4, gradcheck's
// tolerances). Then against PyTorch's autograd on the committed fixtures.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>

#include "support/counting_new.hpp"
#include "support/gradcheck.hpp"

namespace hw = hardwired;

namespace {

template <class Net>
using sample = std::array<double, Net::inputs>;
template <class Net>
using target = std::array<double, Net::outputs>;

/// A deterministic pseudo-random value in [-1, 1).
double noise(std::size_t i) {
    std::uint64_t z = 0x9E3779B97F4A7C15ull * (i + 1);
    z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9ull;
    return static_cast<double>((z ^ (z >> 29)) >> 11) * 0x1.0p-52 - 1.0;
}

/// The loss by stepping: mean over the scored steps (every step, or the last) of the mean
/// squared error over the outputs.
template <class Net>
double loss_by_steps(hw::params<Net, double> const& p, std::vector<sample<Net>> const& xs,
                     std::vector<target<Net>> const& ys, hw::state<Net, double> const& from) {
    hw::state<Net, double> s = from;
    double total = 0;
    for (std::size_t t = 0; t < xs.size(); ++t) {
        const auto y = hw::step(p, xs[t], s);
        const bool scored = ys.size() == xs.size() || t + 1 == xs.size();
        if (!scored)
            continue;
        const auto& want = ys.size() == xs.size() ? ys[t] : ys[0];
        double sq = 0;
        for (std::size_t o = 0; o < Net::outputs; ++o)
            sq += (y[o] - want[o]) * (y[o] - want[o]);
        total += sq / Net::outputs;
    }
    return total / static_cast<double>(ys.size());
}

/// `positions`: indices of the state that are a convolution ring's next slot (integers, not
/// differentiable: their gradient must be 0 and they are not perturbed).
template <class Net>
void check_through_time(std::size_t steps, bool many_to_one, std::vector<std::size_t> positions) {
    INFO(steps << " steps, " << (many_to_one ? "many-to-one" : "many-to-many"));
    hw::params<Net, double> p;
    hw::init::defaults(p, 17 + steps);
    std::vector<sample<Net>> xs(steps);
    std::vector<target<Net>> ys(many_to_one ? 1 : steps);
    std::size_t k = 1000;
    for (auto& x : xs)
        for (double& v : x)
            v = noise(k++);
    for (auto& y : ys)
        for (double& v : y)
            v = 0.5 * noise(k++);
    hw::state<Net, double> s0;
    for (std::size_t i = 0; i < s0.size; ++i)
        s0.values[i] = 0.5 * noise(k++);
    for (std::size_t i : positions)
        s0.values[i] = 1; // a valid slot that is not the first: the ring wraps inside the sequence

    hw::params<Net, double> grads;
    hw::sequence_workspace<Net, double> ws(1);
    std::vector<sample<Net>> dx(steps);
    hw::state<Net, double> ds;
    hw::state<Net, double> s = s0;
    const double loss =
        hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws, std::span(dx), &ds);
    CHECK(loss == Approx(loss_by_steps(p, xs, ys, s0)).epsilon(1e-12));
    // s is the state after the last step.
    hw::state<Net, double> stepped = s0;
    for (auto const& x : xs)
        (void)hw::step(p, x, stepped);
    CHECK(s.values == stepped.values);

    for (std::size_t i = 0; i < Net::parameter_count; ++i) {
        const double numeric = test::central_difference(
            [&](double v) {
                auto q = p;
                q.values[i] = v;
                return loss_by_steps(q, xs, ys, s0);
            },
            p.values[i]);
        INFO("parameter " << i);
        CHECK(test::gradcheck_close(grads.values[i], numeric));
    }
    for (std::size_t t = 0; t < steps; ++t)
        for (std::size_t j = 0; j < Net::inputs; ++j) {
            const double numeric = test::central_difference(
                [&](double v) {
                    auto x = xs;
                    x[t][j] = v;
                    return loss_by_steps(p, x, ys, s0);
                },
                xs[t][j]);
            INFO("input " << j << " of step " << t);
            CHECK(test::gradcheck_close(dx[t][j], numeric));
        }
    for (std::size_t i = 0; i < s0.size; ++i) {
        INFO("state value " << i);
        if (std::find(positions.begin(), positions.end(), i) != positions.end()) {
            CHECK(ds.values[i] == 0);
            continue;
        }
        const double numeric = test::central_difference(
            [&](double v) {
                auto q = s0;
                q.values[i] = v;
                return loss_by_steps(p, xs, ys, q);
            },
            s0.values[i]);
        CHECK(test::gradcheck_close(ds.values[i], numeric));
    }
}

template <class Net>
void check_lengths(std::vector<std::size_t> positions = {}) {
    for (std::size_t steps : {1, 2, 17})
        check_through_time<Net>(steps, false, positions);
    check_through_time<Net>(17, true, positions);
}

} // namespace

TEST_CASE("Through time: an LSTM with a dense head", "[through_time][lstm]") {
    check_lengths<hw::network<hw::input<2>, hw::lstm<3>, hw::dense<2>>>();
}

TEST_CASE("Through time: a GRU with a dense head", "[through_time][gru]") {
    check_lengths<hw::network<hw::input<2>, hw::gru<3>, hw::dense<2>>>();
}

TEST_CASE("Through time: plain recurrent layers, tanh and relu, stacked", "[through_time][rnn]") {
    check_lengths<hw::network<hw::input<2>, hw::rnn<3>, hw::dense<2>>>();
    check_lengths<hw::network<hw::input<2>, hw::rnn<4, hw::relu>, hw::rnn<3>, hw::dense<2>>>();
}

TEST_CASE("Through time: a causal convolution, dilated, with an activation",
          "[through_time][conv1d]") {
    // kernel 3, dilation 2: a ring of 4 inputs of 2 values, then its next slot (index 8).
    check_lengths<hw::network<hw::input<2>, hw::conv1d<3, 3, 2, 1, hw::tanh>, hw::dense<2>>>({8});
    // swish: f' needs the pre-activations, which the layer then keeps.
    check_lengths<hw::network<hw::input<2>, hw::conv1d<3, 3, 2, 1, hw::swish>, hw::dense<2>>>({8});
}

TEST_CASE("Through time: every kind stacked and mixed with dense layers", "[through_time]") {
    // conv1d<4, 2, 3, 2, tanh> on 2 inputs: ring of 3 inputs (6 values), slot at 6; then the
    // LSTM's 6 and the GRU's 2 values.
    using net = hw::network<hw::input<2>, hw::conv1d<4, 2, 3, 2, hw::tanh>, hw::lstm<3>,
                            hw::dense<3, hw::tanh>, hw::gru<2>, hw::lstm<2>, hw::dense<2>>;
    STATIC_REQUIRE(net::state_count == 7 + 6 + 2 + 4);
    check_lengths<net>({6});
}

TEST_CASE("Through time: layers with state inside residual and branch blocks", "[through_time]") {
    using net = hw::network<hw::input<2>, hw::dense<3, hw::tanh>, hw::residual<hw::lstm<3>>,
                            hw::concat<hw::gru<2>, hw::conv1d<2, 2>>,
                            hw::product<hw::dense<2, hw::tanh>, hw::gru<2>>, hw::dense<2>>;
    // LSTM 6 values, GRU 2, conv1d<2, 2> on 3 inputs: ring of 1 input (3 values), slot at 11.
    STATIC_REQUIRE(net::state_count == 6 + 2 + 4 + 2);
    check_lengths<net>({11});
}

TEST_CASE("Through time: the reference kernels and the SIMD ones agree", "[through_time]") {
    // long double takes the layers' reference kernels forward and backward, double their SIMD
    // step and SIMD backward pass, so the gradients agree to the rounding of double. A gate
    // without an output form (swish) reads the saved pre-activations of the LSTM's and GRU's
    // gates. The widths leave rows past whole batches of every SIMD width (60 GRU gate rows, 36
    // LSTM ones, 17 channels).
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    constexpr auto half_tanh = hw::c<1, 2> * hw::tanh(hw::x) + hw::c<1, 2>;
    using net =
        hw::network<hw::input<2>, hw::gru<20, swish, half_tanh>, hw::lstm<9, swish, half_tanh>,
                    hw::rnn<19, swish>, hw::conv1d<17, 3, 2, 1, hw::tanh>, hw::dense<2>>;
    hw::params<net, double> p;
    hw::init::defaults(p, 5);
    hw::params<net, long double> q;
    std::copy(p.values.begin(), p.values.end(), q.values.begin());
    std::vector<std::array<double, 2>> xs, ys;
    std::vector<std::array<long double, 2>> xl, yl;
    for (std::size_t t = 0; t < 7; ++t) {
        xs.push_back({noise(2 * t), noise(2 * t + 1)});
        ys.push_back({0.5 * noise(100 + t), 0.25 * noise(200 + t)});
        xl.push_back({xs[t][0], xs[t][1]});
        yl.push_back({ys[t][0], ys[t][1]});
    }
    hw::state<net, double> s;
    hw::state<net, long double> sl;
    hw::params<net, double> g;
    hw::params<net, long double> gl;
    hw::sequence_workspace<net, double> ws;
    hw::sequence_workspace<net, long double> wsl;
    const double loss = hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, g, ws);
    const long double loss_l = hw::sequence_gradient<hw::mse_loss>(q, xl, yl, sl, gl, wsl);
    CHECK(loss == Approx(static_cast<double>(loss_l)).epsilon(1e-12));
    for (std::size_t i = 0; i < net::parameter_count; ++i) {
        INFO("parameter " << i);
        CHECK(std::abs(g.values[i] - static_cast<double>(gl.values[i])) <=
              1e-12 * std::max(1.0, std::abs(g.values[i])));
    }
}

TEST_CASE("fit on a sequence follows the truncated recipe step for step", "[through_time][fit]") {
    // Two epochs: each from the zero state, 5 warm-up steps without gradients, then chunks of 7
    // steps (the last one 4), one SGD update after each chunk, the state carried across. Done
    // here by hand with hw::step, hw::sequence_gradient and hw::sgd, and compared bit for bit.
    using net = hw::network<hw::input<1>, hw::gru<4>, hw::lstm<3>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::defaults(p, 5);
    std::vector<sample<net>> xs(30);
    std::vector<target<net>> ys(30);
    for (std::size_t t = 0; t < xs.size(); ++t) {
        xs[t][0] = noise(t);
        ys[t][0] = 0.5 * noise(100 + t);
    }
    hw::params<net, double> q = p;
    hw::sgd<net, double> opt{.lr = 0.1};
    const auto result = hw::fit_sequence<hw::mse_loss>(
        p, opt, xs, ys, {.epochs = 2, .warmup = 5, .chunk = 7, .print_progress = false});

    hw::sgd<net, double> by_hand{.lr = 0.1};
    hw::params<net, double> grads;
    hw::sequence_workspace<net, double> ws;
    std::vector<double> losses;
    for (int epoch = 0; epoch < 2; ++epoch) {
        hw::state<net, double> s;
        for (std::size_t t = 0; t < 5; ++t)
            (void)hw::step(q, xs[t], s);
        double total = 0;
        for (std::size_t c0 = 5; c0 < 30; c0 += 7) {
            const std::size_t m = std::min<std::size_t>(7, 30 - c0);
            const double l = hw::sequence_gradient<hw::mse_loss>(
                q, std::span(xs).subspan(c0, m), std::span(ys).subspan(c0, m), s, grads, ws);
            by_hand.step(q, grads);
            total += l * static_cast<double>(m);
        }
        losses.push_back(total / 25);
    }
    CHECK(p.values == q.values);
    REQUIRE(result.loss_history.size() == 2);
    CHECK(result.loss_history[0] == losses[0]);
    CHECK(result.loss_history[1] == losses[1]);
    CHECK(losses[1] < losses[0]);
}

TEST_CASE("fit on a sequence learns the initial state step for step", "[through_time][fit]") {
    // Two epochs of chunks of 7 steps from a given initial state: after each epoch's first
    // chunk, initial -= rate * dL/d(initial) from that chunk's back-propagation through time.
    // Done here by hand and compared bit for bit; then the same with rate 0 leaves the initial
    // state as it was and starts every epoch from it.
    using net = hw::network<hw::input<1>, hw::conv1d<2, 2, 2>, hw::lstm<3>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::defaults(p, 6);
    std::vector<sample<net>> xs(20);
    std::vector<target<net>> ys(20);
    for (std::size_t t = 0; t < xs.size(); ++t) {
        xs[t][0] = noise(t);
        ys[t][0] = 0.5 * noise(200 + t);
    }
    hw::state<net, double> h0;
    for (std::size_t i = 0; i + 1 < net::state_count; ++i) // the last value is the ring's slot
        h0.values[i] = 0.3 * noise(300 + i);
    const hw::state<net, double> h0_start = h0;
    hw::params<net, double> q = p;
    hw::sgd<net, double> opt{.lr = 0.1};
    const auto result = hw::fit_sequence<hw::mse_loss>(
        p, opt, xs, ys,
        {.epochs = 2, .chunk = 7, .initial_state_rate = 0.05, .print_progress = false}, h0);

    hw::sgd<net, double> by_hand{.lr = 0.1};
    hw::params<net, double> grads;
    hw::sequence_workspace<net, double> ws;
    hw::state<net, double> learned = h0_start, ds;
    std::vector<double> losses;
    for (int epoch = 0; epoch < 2; ++epoch) {
        hw::state<net, double> s = learned;
        double total = 0;
        for (std::size_t c0 = 0; c0 < 20; c0 += 7) {
            const std::size_t m = std::min<std::size_t>(7, 20 - c0);
            const double l = hw::sequence_gradient<hw::mse_loss>(
                q, std::span(xs).subspan(c0, m), std::span(ys).subspan(c0, m), s, grads, ws, {},
                c0 == 0 ? &ds : nullptr);
            if (c0 == 0)
                for (std::size_t i = 0; i < net::state_count; ++i)
                    learned.values[i] -= 0.05 * ds.values[i];
            by_hand.step(q, grads);
            total += l * static_cast<double>(m);
        }
        losses.push_back(total / 20);
    }
    CHECK(p.values == q.values);
    CHECK(h0.values == learned.values);
    CHECK(h0.values != h0_start.values);
    REQUIRE(result.loss_history.size() == 2);
    CHECK(result.loss_history[0] == losses[0]);
    CHECK(result.loss_history[1] == losses[1]);

    // Rate 0: the initial state is only where each epoch starts.
    hw::params<net, double> fixed = q;
    hw::sgd<net, double> opt2{.lr = 0.1};
    const hw::state<net, double> before = h0;
    hw::fit_sequence<hw::mse_loss>(fixed, opt2, xs, ys,
                                   {.epochs = 1, .chunk = 20, .print_progress = false}, h0);
    CHECK(h0.values == before.values);
    hw::state<net, double> s = before;
    const double l = hw::sequence_gradient<hw::mse_loss>(q, xs, ys, s, grads, ws);
    by_hand.step(q, grads);
    CHECK(fixed.values == q.values);
    CHECK(l > 0);

    // A learned initial state needs the gradient of the first trained step: no warm-up.
    const hw::params<net, double> kept = fixed;
    CHECK_THROWS_WITH(hw::fit_sequence<hw::mse_loss>(fixed, opt2, xs, ys,
                                                     {.warmup = 2, .initial_state_rate = 0.1}, h0),
                      Catch::Contains("a learned initial state needs warmup = 0"));
    CHECK(fixed.values == kept.values);
    CHECK(h0.values == before.values);
}

TEST_CASE("fit and sequence_gradient reject bad lengths and leave everything as it was",
          "[through_time][fit]") {
    using net = hw::network<hw::input<1>, hw::lstm<2>, hw::dense<1>>;
    hw::params<net, double> p;
    hw::init::defaults(p, 9);
    const hw::params<net, double> before = p;
    std::vector<sample<net>> xs(10, sample<net>{0.5});
    std::vector<target<net>> ys(10, target<net>{0.1});
    std::vector<target<net>> short_ys(9, target<net>{0.1});
    hw::sgd<net, double> opt{.lr = 0.1};
    CHECK_THROWS_WITH(hw::fit_sequence<hw::mse_loss>(p, opt, xs, ys, {.warmup = 10}),
                      Catch::Contains("a warm-up of 10 steps leaves none of the 10 to train on"));
    CHECK_THROWS_WITH(hw::fit_sequence<hw::mse_loss>(p, opt, xs, short_ys),
                      Catch::Contains("10 time steps but 9 targets"));
    CHECK(p.values == before.values);

    hw::state<net, double> s;
    s.values[0] = 0.25;
    const hw::state<net, double> s_before = s;
    hw::params<net, double> grads;
    grads.values.fill(7);
    hw::sequence_workspace<net, double> ws;
    CHECK_THROWS_WITH(hw::sequence_gradient<hw::mse_loss>(p, xs, short_ys, s, grads, ws),
                      Catch::Contains("10 time steps but 9 targets"));
    std::vector<sample<net>> dx(3);
    CHECK_THROWS_WITH(hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws, std::span(dx)),
                      Catch::Contains("room for 3 input gradients"));
    CHECK(s.values == s_before.values);
    for (double g : grads.values)
        CHECK(g == 7);
}

TEST_CASE("sequence_gradient allocates nothing once its workspace is large enough",
          "[through_time]") {
    using net = hw::network<hw::input<1>, hw::conv1d<2, 3, 2>, hw::lstm<3>, hw::dense<1>>;
    hw::params<net> p;
    hw::init::defaults(p, 2);
    std::vector<std::array<float, 1>> xs(64, {0.5f}), ys(64, {0.1f});
    hw::params<net> grads;
    hw::state<net> s;
    hw::sequence_workspace<net> ws(64);
    const std::size_t before = allocation_count.load();
    for (int i = 0; i < 3; ++i)
        (void)hw::sequence_gradient<hw::mse_loss>(p, xs, ys, s, grads, ws);
    const std::size_t after = allocation_count.load();
    CHECK(after == before);
}

TEST_CASE("Through time: gate and cell nonlinearities of the user's choosing", "[through_time]") {
    // Their derivatives come from the algebra like any activation's: swish has no output form
    // (its derivative is taken at the pre-activation), ½·tanh(x) + ½ = σ(2x) has one. As the
    // gate, swish takes its derivative at the pre-activations of r and z that the GRU saves.
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    constexpr auto half_tanh = hw::c<1, 2> * hw::tanh(hw::x) + hw::c<1, 2>;
    check_lengths<hw::network<hw::input<2>, hw::lstm<3, half_tanh, swish>, hw::dense<2>>>();
    check_lengths<hw::network<hw::input<2>, hw::gru<3, half_tanh, swish>, hw::dense<2>>>();
    check_lengths<hw::network<hw::input<2>, hw::gru<3, swish, half_tanh>, hw::dense<2>>>();
    check_lengths<hw::network<hw::input<2>, hw::rnn<3, swish>, hw::dense<2>>>();
}
