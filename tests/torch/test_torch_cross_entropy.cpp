// Softmax cross-entropy against LibTorch's autograd: hw::gradient / hw::batch_gradient with
// hw::softmax_cross_entropy on a 5-7-4 tanh network with 4 logits, compared with
// torch::nn::functional::cross_entropy (reduction "mean") and backward() on the same network
// written with explicit weight tensors, for class-index, probability and one-hot targets, batches
// of 1, 5 and 40 samples (40 is more than one chunk of the batched path), in double (1e-12
// relative) and in float (1e-5 relative, against the same double reference). Also dL/dx, the
// logits, hw::softmax, hw::predict_proba, hw::predict_class (and their _batch forms), a reused
// hw::batch_workspace, and the out-of-range class index.
//
// Convention: a sample's loss is −Σᵢ tᵢ·log softmax(z)ᵢ (not divided by the number of classes),
// a batch's is the mean over samples; for a class index c, t is one-hot at c.
//
// Built only by GCC builds with LibTorch, not by the sanitizer build
// (tests/torch/CMakeLists.txt).

// LibTorch first: glog (through c10/util/Logging.h) defines its own CHECK(condition), which
// would silently replace Catch's (both are system headers, so no redefinition warning) and turn
// every CHECK into an uncounted glog assertion that aborts. Drop it before Catch defines CHECK.
#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <hardwired/hardwired.hpp>
#include <iomanip>
#include <limits>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace hw = hardwired;
namespace F = torch::nn::functional;

namespace {

using net = hw::network<hw::input<5>, hw::dense<7, hw::tanh>, hw::dense<4>>;
constexpr std::size_t inputs = 5, hidden = 7, classes = 4;
constexpr std::int64_t inputs_i = 5, hidden_i = 7, classes_i = 4;

// One intra-op and one inter-op thread (the machine is shared; also keeps the reductions'
// order fixed). Before main, so before any parallel work (set_num_interop_threads throws after).
[[maybe_unused]] const bool single_threaded = [] {
    torch::set_num_threads(1);
    at::set_num_interop_threads(1);
    return true;
}();

template <class T>
using sample = std::array<T, inputs>;
template <class T>
using distribution = std::array<T, classes>;

// ---------------------------------------------------------------------------------------------
// Data. Every parameter, input and probability is a float rounded back to double, so the float
// network holds exactly the values the double reference uses, and the float comparison measures
// float arithmetic only. Probabilities are multiples of 1/64, so each row sums to exactly 1.
// ---------------------------------------------------------------------------------------------

double f32(double v) {
    return static_cast<double>(static_cast<float>(v));
}

double weight_value(std::size_t l, std::size_t j, std::size_t k) {
    const double i = static_cast<double>(100 * l + 10 * j + k);
    return f32(0.7 * std::sin(1.3 * i + 0.4) + 0.25 * std::cos(0.7 * i + static_cast<double>(l)));
}
double bias_value(std::size_t l, std::size_t j) {
    return f32(0.3 * std::sin(2.1 * static_cast<double>(10 * l + j) + 1.0));
}

template <class T>
hw::params<net, T> make_params() {
    hw::params<net, T> p;
    const auto l0 = p.template layer<0>();
    for (std::size_t j = 0; j < hidden; ++j) {
        for (std::size_t k = 0; k < inputs; ++k)
            l0.w(j, k) = static_cast<T>(weight_value(0, j, k));
        l0.b(j) = static_cast<T>(bias_value(0, j));
    }
    const auto l1 = p.template layer<1>();
    for (std::size_t j = 0; j < classes; ++j) {
        for (std::size_t k = 0; k < hidden; ++k)
            l1.w(j, k) = static_cast<T>(weight_value(1, j, k));
        l1.b(j) = static_cast<T>(bias_value(1, j));
    }
    return p;
}

std::vector<sample<double>> make_inputs(std::size_t n) {
    std::vector<sample<double>> xs(n);
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t k = 0; k < inputs; ++k)
            xs[s][k] = f32(1.5 * std::sin(0.37 * static_cast<double>(5 * s + k) + 0.2) +
                           0.3 * std::cos(1.7 * static_cast<double>(s)));
    return xs;
}

std::vector<int> make_classes(std::size_t n) {
    std::vector<int> cs(n);
    for (std::size_t s = 0; s < n; ++s)
        cs[s] = static_cast<int>((3 * s + s / 3 + 1) % classes);
    return cs;
}

// n₀ + n₁ + n₂ + n₃ = 64, n₀ sometimes 0 (a zero probability).
std::vector<distribution<double>> make_probabilities(std::size_t n) {
    std::vector<distribution<double>> ts(n);
    for (std::size_t s = 0; s < n; ++s) {
        const std::size_t n0 = (7 * s) % 17, n1 = (5 * s + 3) % 19 + 1, n2 = (11 * s + 2) % 13;
        const std::size_t n3 = 64 - n0 - n1 - n2;
        ts[s] = {static_cast<double>(n0) / 64, static_cast<double>(n1) / 64,
                 static_cast<double>(n2) / 64, static_cast<double>(n3) / 64};
    }
    return ts;
}

distribution<double> one_hot(int c) {
    distribution<double> t{};
    t[static_cast<std::size_t>(c)] = 1;
    return t;
}
std::vector<distribution<double>> one_hot(std::vector<int> const& cs) {
    std::vector<distribution<double>> ts;
    for (int c : cs)
        ts.push_back(one_hot(c));
    return ts;
}

template <class T, std::size_t N>
std::array<T, N> cast(std::array<double, N> const& a) {
    std::array<T, N> r{};
    for (std::size_t i = 0; i < N; ++i)
        r[i] = static_cast<T>(a[i]);
    return r;
}
template <class T, std::size_t N>
std::vector<std::array<T, N>> cast(std::vector<std::array<double, N>> const& v) {
    std::vector<std::array<T, N>> r;
    for (auto const& a : v)
        r.push_back(cast<T>(a));
    return r;
}

template <class T>
constexpr const char* type_name = std::is_same_v<T, float> ? "float" : "double";

// ---------------------------------------------------------------------------------------------
// The reference: LibTorch, float64, autograd.
// ---------------------------------------------------------------------------------------------

// Rows as a [rows.size(), N] float64 tensor.
template <std::size_t N>
torch::Tensor matrix(std::vector<std::array<double, N>> const& rows) {
    torch::Tensor t =
        torch::empty({static_cast<std::int64_t>(rows.size()), std::int64_t(N)}, torch::kFloat64);
    auto a = t.accessor<double, 2>();
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t k = 0; k < N; ++k)
            a[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(k)] = rows[i][k];
    return t;
}

torch::Tensor class_tensor(std::vector<int> const& cs) {
    torch::Tensor t = torch::empty({static_cast<std::int64_t>(cs.size())}, torch::kInt64);
    auto a = t.accessor<std::int64_t, 1>();
    for (std::size_t i = 0; i < cs.size(); ++i)
        a[static_cast<std::int64_t>(i)] = cs[i];
    return t;
}

std::vector<double> values(torch::Tensor const& t) {
    const torch::Tensor c = t.detach().to(torch::kFloat64).contiguous();
    const double* d = c.data_ptr<double>();
    return {d, d + c.numel()};
}

// Layer l's weights as nn.Linear's weight[j][k] (input k → neuron j) and bias[j], requiring grad.
template <std::size_t L>
std::pair<torch::Tensor, torch::Tensor> torch_layer(hw::params<net, double> const& p) {
    const auto v = p.layer<L>();
    torch::Tensor w =
        torch::empty({std::int64_t(v.outputs), std::int64_t(v.inputs)}, torch::kFloat64);
    torch::Tensor b = torch::empty({std::int64_t(v.outputs)}, torch::kFloat64);
    auto wa = w.accessor<double, 2>();
    auto ba = b.accessor<double, 1>();
    for (std::size_t j = 0; j < v.outputs; ++j) {
        for (std::size_t k = 0; k < v.inputs; ++k)
            wa[std::int64_t(j)][std::int64_t(k)] = v.w(j, k);
        ba[std::int64_t(j)] = v.b(j);
    }
    return {w.requires_grad_(), b.requires_grad_()};
}

/// Loss, gradients (weights row-major [neuron][input], as nn.Linear.weight) and dL/dx
/// ([sample][input]); for the reference also the logits, softmax and argmax ([sample][class]).
struct result {
    double loss = 0;
    std::vector<double> dw0, db0, dw1, db1, dx;
};
struct reference : result {
    std::vector<double> logits, proba;
    std::vector<std::size_t> argmax;
};

reference torch_reference(std::vector<sample<double>> const& xs, torch::Tensor const& target) {
    const auto p = make_params<double>();
    const auto [w0, b0] = torch_layer<0>(p);
    const auto [w1, b1] = torch_layer<1>(p);
    const torch::Tensor x = matrix(xs).requires_grad_();
    const torch::Tensor logits = F::linear(torch::tanh(F::linear(x, w0, b0)), w1, b1);
    const torch::Tensor loss = F::cross_entropy(logits, target); // reduction "mean"
    loss.backward();

    reference r;
    r.loss = loss.item<double>();
    r.dw0 = values(w0.grad());
    r.db0 = values(b0.grad());
    r.dw1 = values(w1.grad());
    r.db1 = values(b1.grad());
    r.dx = values(x.grad());
    r.logits = values(logits);
    r.proba = values(torch::softmax(logits.detach(), 1));
    const torch::Tensor am = logits.detach().argmax(1).contiguous();
    for (std::int64_t i = 0; i < am.numel(); ++i)
        r.argmax.push_back(static_cast<std::size_t>(am[i].item<std::int64_t>()));
    return r;
}

// ---------------------------------------------------------------------------------------------
// hardwired
// ---------------------------------------------------------------------------------------------

// Fills gradients with a value the calls must overwrite.
template <class T>
hw::gradients<net, T> stale_gradients() {
    hw::gradients<net, T> g;
    g.values.fill(T(1000));
    return g;
}

template <class T>
result flatten(T loss, hw::gradients<net, T> const& g) {
    result r;
    r.loss = static_cast<double>(loss);
    const auto l0 = g.template layer<0>();
    for (std::size_t j = 0; j < hidden; ++j) {
        for (std::size_t k = 0; k < inputs; ++k)
            r.dw0.push_back(static_cast<double>(l0.w(j, k)));
        r.db0.push_back(static_cast<double>(l0.b(j)));
    }
    const auto l1 = g.template layer<1>();
    for (std::size_t j = 0; j < classes; ++j) {
        for (std::size_t k = 0; k < hidden; ++k)
            r.dw1.push_back(static_cast<double>(l1.w(j, k)));
        r.db1.push_back(static_cast<double>(l1.b(j)));
    }
    return r;
}

// hw::gradient on one sample; target: a class index (integral) or a std::array<T, 4>.
template <class T, class Target>
result hw_one(sample<double> const& x, Target const& target, bool want_dx) {
    const auto p = make_params<T>();
    auto g = stale_gradients<T>();
    const sample<T> xt = cast<T>(x);
    std::array<T, inputs> dx;
    dx.fill(T(1000));
    const T loss = want_dx ? hw::gradient<hw::softmax_cross_entropy>(p, xt, target, g, &dx)
                           : hw::gradient<hw::softmax_cross_entropy>(p, xt, target, g);
    result r = flatten(loss, g);
    if (want_dx)
        for (T v : dx)
            r.dx.push_back(static_cast<double>(v));
    return r;
}

// hw::batch_gradient; targets: std::vector of class indices or of std::array<T, 4>. With `ws`,
// the overload that takes a (reused) batch workspace.
template <class T, class Targets>
result hw_batch(std::vector<sample<double>> const& xs, Targets const& targets,
                hw::batch_workspace<net, T>* ws = nullptr) {
    const auto p = make_params<T>();
    auto g = stale_gradients<T>();
    const auto xt = cast<T>(xs);
    const T loss = ws ? hw::batch_gradient<hw::softmax_cross_entropy>(p, xt, targets, g, *ws)
                      : hw::batch_gradient<hw::softmax_cross_entropy>(p, xt, targets, g);
    return flatten(loss, g);
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

struct tolerance {
    double rel, abs;
};
constexpr tolerance in_double{1e-12, 1e-14};
constexpr tolerance in_float{1e-5, 1e-6};
template <class T>
constexpr tolerance tolerance_for = std::is_same_v<T, float> ? in_float : in_double;

// One assertion per quantity: the worst element's |actual − expected| against
// max(rel·|expected|, abs) must be ≤ 1 (non-finite actual values always fail).
void check_close(std::string const& what, std::vector<double> const& actual,
                 std::vector<double> const& expected, tolerance tol) {
    INFO(what);
    REQUIRE(actual.size() == expected.size());
    double worst = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < actual.size(); ++i) {
        const double allowed = std::max(tol.rel * std::abs(expected[i]), tol.abs);
        const double ratio = std::isfinite(actual[i]) ? std::abs(actual[i] - expected[i]) / allowed
                                                      : std::numeric_limits<double>::infinity();
        if (ratio > worst) {
            worst = ratio;
            at = i;
        }
    }
    INFO(std::setprecision(17) << "worst of " << actual.size() << " at [" << at << "]: hardwired "
                               << actual[at] << ", torch " << expected[at] << ", |diff| "
                               << std::abs(actual[at] - expected[at]) << std::setprecision(3)
                               << " = " << worst << " x allowed (rel " << tol.rel << ", abs "
                               << tol.abs << ")");
    CHECK(worst <= 1.0);
}

void check_result(std::string const& what, result const& actual, result const& expected,
                  tolerance tol, bool with_dx) {
    check_close(what + ": loss", {actual.loss}, {expected.loss}, tol);
    check_close(what + ": dL/dW layer 0", actual.dw0, expected.dw0, tol);
    check_close(what + ": dL/db layer 0", actual.db0, expected.db0, tol);
    check_close(what + ": dL/dW layer 1", actual.dw1, expected.dw1, tol);
    check_close(what + ": dL/db layer 1", actual.db1, expected.db1, tol);
    if (with_dx)
        check_close(what + ": dL/dx", actual.dx, expected.dx, tol);
}

template <class T>
void check_one_sample(std::size_t s, sample<double> const& x, int c, distribution<double> const& t,
                      reference const& by_class, reference const& by_one_hot,
                      reference const& by_proba) {
    const tolerance tol = tolerance_for<T>;
    const std::string tag = std::string(type_name<T>) + ", sample " + std::to_string(s) + ", ";
    check_result(tag + "int class " + std::to_string(c), hw_one<T>(x, c, true), by_class, tol,
                 true);
    check_result(tag + "std::size_t class " + std::to_string(c),
                 hw_one<T>(x, static_cast<std::size_t>(c), true), by_class, tol, true);
    check_result(tag + "int class, no input_grad", hw_one<T>(x, c, false), by_class, tol, false);
    check_result(tag + "one-hot", hw_one<T>(x, cast<T>(one_hot(c)), true), by_one_hot, tol, true);
    check_result(tag + "one-hot vs torch class index", hw_one<T>(x, cast<T>(one_hot(c)), true),
                 by_class, tol, true);
    check_result(tag + "probabilities", hw_one<T>(x, cast<T>(t), true), by_proba, tol, true);
    check_result(tag + "probabilities, no input_grad", hw_one<T>(x, cast<T>(t), false), by_proba,
                 tol, false);
}

constexpr std::array<std::size_t, 3> batch_sizes{1, 5, 40};

} // namespace

TEST_CASE("one sample: loss, parameter gradients and dL/dx equal torch's, every target type") {
    const auto xs = make_inputs(5);
    const auto cs = make_classes(5);
    const auto ts = make_probabilities(5);
    for (std::size_t s = 0; s < xs.size(); ++s) {
        const std::vector<sample<double>> x{xs[s]};
        const reference by_class = torch_reference(x, class_tensor({cs[s]}));
        const reference by_one_hot = torch_reference(x, matrix(one_hot(std::vector{cs[s]})));
        const reference by_proba = torch_reference(x, matrix(std::vector{ts[s]}));
        check_one_sample<double>(s, xs[s], cs[s], ts[s], by_class, by_one_hot, by_proba);
        check_one_sample<float>(s, xs[s], cs[s], ts[s], by_class, by_one_hot, by_proba);
    }
}

TEST_CASE("class-index targets: batch loss and gradients are torch's mean, batches 1, 5, 40") {
    // One workspace each, reused by every batch in turn, smaller ones again after the 40.
    const auto ws_double = std::make_unique<hw::batch_workspace<net, double>>();
    const auto ws_float = std::make_unique<hw::batch_workspace<net, float>>();
    for (std::size_t n : std::array<std::size_t, 5>{1, 5, 40, 5, 1}) {
        const auto xs = make_inputs(n);
        const auto cs = make_classes(n);
        const std::vector<std::size_t> cs_size_t(cs.begin(), cs.end());
        const reference ref = torch_reference(xs, class_tensor(cs));
        const std::string tag = "batch " + std::to_string(n) + ", class indices, ";
        check_result(tag + "double", hw_batch<double>(xs, cs), ref, in_double, false);
        check_result(tag + "double, std::size_t", hw_batch<double>(xs, cs_size_t), ref, in_double,
                     false);
        check_result(tag + "double, reused workspace", hw_batch<double>(xs, cs, ws_double.get()),
                     ref, in_double, false);
        check_result(tag + "float", hw_batch<float>(xs, cs), ref, in_float, false);
        check_result(tag + "float, std::size_t", hw_batch<float>(xs, cs_size_t), ref, in_float,
                     false);
        check_result(tag + "float, reused workspace", hw_batch<float>(xs, cs, ws_float.get()), ref,
                     in_float, false);
    }
}

TEST_CASE("probability targets: batch loss and gradients are torch's mean, batches 1, 5, 40") {
    for (std::size_t n : batch_sizes) {
        const auto xs = make_inputs(n);
        const auto ts = make_probabilities(n);
        const reference ref = torch_reference(xs, matrix(ts));
        const std::string tag = "batch " + std::to_string(n) + ", probabilities, ";
        check_result(tag + "double", hw_batch<double>(xs, ts), ref, in_double, false);
        check_result(tag + "float", hw_batch<float>(xs, cast<float>(ts)), ref, in_float, false);
    }
}

TEST_CASE("one-hot targets: batch loss and gradients are torch's mean, batches 1, 5, 40") {
    for (std::size_t n : batch_sizes) {
        const auto xs = make_inputs(n);
        const auto cs = make_classes(n);
        const auto ts = one_hot(cs);
        const reference by_one_hot = torch_reference(xs, matrix(ts));
        const reference by_class = torch_reference(xs, class_tensor(cs));
        const std::string tag = "batch " + std::to_string(n) + ", one-hot, ";
        check_result(tag + "double", hw_batch<double>(xs, ts), by_one_hot, in_double, false);
        check_result(tag + "double vs torch class index", hw_batch<double>(xs, ts), by_class,
                     in_double, false);
        check_result(tag + "float", hw_batch<float>(xs, cast<float>(ts)), by_one_hot, in_float,
                     false);
    }
}

TEMPLATE_TEST_CASE("forward, softmax, predict_proba and predict_class agree with torch", "", double,
                   float) {
    using T = TestType;
    const tolerance tol = tolerance_for<T>;
    const auto xs = make_inputs(40);
    const reference ref = torch_reference(xs, class_tensor(make_classes(40)));

    // The data are not degenerate: several classes win, none by a float-rounding margin.
    const std::set<std::size_t> winners(ref.argmax.begin(), ref.argmax.end());
    REQUIRE(winners.size() >= 3);
    for (std::size_t s = 0; s < xs.size(); ++s) {
        std::vector<double> z(ref.logits.begin() + std::ptrdiff_t(s * classes),
                              ref.logits.begin() + std::ptrdiff_t((s + 1) * classes));
        std::sort(z.begin(), z.end());
        REQUIRE(z[classes - 1] - z[classes - 2] > 1e-3);
    }

    const auto p = make_params<T>();
    const auto xt = cast<T>(xs);
    std::vector<double> logits, softmax, proba;
    std::vector<std::size_t> predicted;
    for (auto const& x : xt) {
        const std::array<T, classes> z = hw::forward(p, x);
        const std::array<T, classes> s = hw::softmax(z);
        const std::array<T, classes> q = hw::predict_proba(p, x);
        const std::size_t c = hw::predict_class(p, x);
        logits.insert(logits.end(), z.begin(), z.end());
        softmax.insert(softmax.end(), s.begin(), s.end());
        proba.insert(proba.end(), q.begin(), q.end());
        predicted.push_back(c);
    }
    const std::string tag = std::string(type_name<T>) + ", 40 samples: ";
    check_close(tag + "forward (logits)", logits, ref.logits, tol);
    check_close(tag + "softmax(forward)", softmax, ref.proba, tol);
    check_close(tag + "predict_proba", proba, ref.proba, tol);
    CHECK(predicted == ref.argmax);

    // The batch versions (more than one chunk).
    std::vector<std::array<T, classes>> proba_batch(xs.size());
    hw::predict_proba_batch(p, xt, proba_batch);
    std::vector<double> proba_batch_flat;
    for (auto const& q : proba_batch)
        proba_batch_flat.insert(proba_batch_flat.end(), q.begin(), q.end());
    check_close(tag + "predict_proba_batch", proba_batch_flat, ref.proba, tol);
    std::vector<std::size_t> classes_size_t(xs.size());
    hw::predict_class_batch(p, xt, classes_size_t);
    CHECK(classes_size_t == ref.argmax);
    std::vector<int> classes_int(xs.size(), -1);
    hw::predict_class_batch(p, xt, classes_int);
    CHECK(std::vector<std::size_t>(classes_int.begin(), classes_int.end()) == ref.argmax);
}

TEST_CASE("softmax of extreme logits is finite and equals torch's") {
    const std::vector<distribution<double>> in_double_range{{1000, 999.5, -1000, 0},
                                                            {-1000, -1001, -1002.5, -1003},
                                                            {0, 0, 0, 0},
                                                            {710, 0, -710, 1},
                                                            {-745, -746, 0, -800}};
    for (auto const& z : in_double_range) {
        const std::vector<double> expected = values(torch::softmax(matrix(std::vector{z}), 1));
        const auto s = hw::softmax(z);
        check_close("double softmax of " + std::to_string(z[0]) + ", " + std::to_string(z[1]) +
                        ", ...",
                    {s.begin(), s.end()}, expected, in_double);
    }
    const std::vector<distribution<double>> in_float_range{
        {100, 99.5, -100, 0}, {-100, -101, -102.5, -103}, {89, 0, -89, 1}};
    for (auto const& z : in_float_range) {
        const std::vector<double> expected = values(torch::softmax(matrix(std::vector{z}), 1));
        const auto s = hw::softmax(cast<float>(z));
        check_close("float softmax of " + std::to_string(z[0]) + ", " + std::to_string(z[1]) +
                        ", ...",
                    {s.begin(), s.end()}, expected, in_float);
    }
}

TEST_CASE("a class index out of range throws std::invalid_argument, as torch errors") {
    const auto x = make_inputs(1)[0];

    SECTION("torch") {
        const torch::Tensor z = torch::zeros({1, classes_i}, torch::kFloat64);
        CHECK_THROWS_AS(F::cross_entropy(z, class_tensor({4})), c10::Error);
        CHECK_THROWS_AS(F::cross_entropy(z, class_tensor({-1})), c10::Error);
        auto cs = make_classes(40);
        cs[37] = 4;
        CHECK_THROWS_AS(torch_reference(make_inputs(40), class_tensor(cs)), c10::Error);
    }
    SECTION("hw::gradient, double") {
        const auto p = make_params<double>();
        hw::gradients<net, double> g;
        std::array<double, inputs> dx{};
        CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, x, 4, g), std::invalid_argument);
        CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, x, -1, g),
                        std::invalid_argument);
        CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, x, 100, g, &dx),
                        std::invalid_argument);
        CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, x, std::size_t{4}, g),
                        std::invalid_argument);
        CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(
                            p, x, std::numeric_limits<std::size_t>::max(), g),
                        std::invalid_argument);
    }
    SECTION("hw::gradient, float") {
        const auto p = make_params<float>();
        hw::gradients<net, float> g;
        const auto xf = cast<float>(x);
        CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, xf, 4, g),
                        std::invalid_argument);
        CHECK_THROWS_AS(hw::gradient<hw::softmax_cross_entropy>(p, xf, -1, g),
                        std::invalid_argument);
    }
    SECTION("hw::batch_gradient") {
        const auto p = make_params<double>();
        const auto pf = make_params<float>();
        hw::gradients<net, double> g;
        hw::gradients<net, float> gf;
        const auto xs = make_inputs(40);
        for (std::size_t bad_at : {std::size_t{0}, std::size_t{5}, std::size_t{37}}) {
            for (int bad : {4, -1}) {
                INFO("class " << bad << " at sample " << bad_at << " of 40");
                auto cs = make_classes(40);
                cs[bad_at] = bad;
                CHECK_THROWS_AS(hw::batch_gradient<hw::softmax_cross_entropy>(p, xs, cs, g),
                                std::invalid_argument);
                CHECK_THROWS_AS(
                    hw::batch_gradient<hw::softmax_cross_entropy>(pf, cast<float>(xs), cs, gf),
                    std::invalid_argument);
            }
        }
        const std::vector<sample<double>> two(xs.begin(), xs.begin() + 2);
        CHECK_THROWS_AS(hw::batch_gradient<hw::softmax_cross_entropy>(p, two, std::vector{0, 4}, g),
                        std::invalid_argument);
    }
}
