// The topology blocks (hw::residual, hw::concat with a hw::chain branch, hw::product, hw::sum)
// against LibTorch's autograd. Three networks, each also written in LibTorch with explicit
// weight tensors and torch::tanh / sigmoid / relu, matmul, cat, mul and add, so that the
// topology is visible:
//   - a residual MLP: dense, residual<dense, dense>, residual<dense>, dense;
//   - a concat network: concat<dense, chain<dense, dense>, dense>, dense;
//   - a gated block: dense, residual<product<dense tanh, dense sigmoid>>, sum<dense, dense>, dense.
// For each, with the same weights in both: hw::forward (per sample) and hw::forward_batch; the
// loss and every parameter gradient of hw::batch_gradient<hw::squared_error> (also with a reused
// hw::batch_workspace) against ½·mse_loss (reduction "mean") and backward(), batches of 1, 5 and
// 40 samples (40 is more than one chunk of the batched path); hw::gradient on single samples,
// with and without dL/dx. In double (1e-12 relative) and in float (1e-5 relative, against the
// same double reference). Also that the views used here reach every parameter exactly once.
//
// Convention: a sample's hw::squared_error loss is (1/O)·Σₒ ½(ŷₒ − yₒ)², a batch's the mean over
// samples, so a batch's loss is ½·mse_loss(ŷ, y) with mse_loss's mean over all N·O elements.
//
// Built only by GCC builds with LibTorch, not by the sanitizer build
// (tests/torch/CMakeLists.txt).

#include "torch_reference.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <hardwired/hardwired.hpp>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace hw = hardwired;
namespace F = torch::nn::functional;

namespace {

using namespace test::torch_reference;

// ---------------------------------------------------------------------------------------------
// The LibTorch side's building blocks
// ---------------------------------------------------------------------------------------------

/// A dense layer's weights as nn.Linear's weight[j][k] (input k → neuron j) and bias[j].
struct dense_tensors {
    torch::Tensor w, b;
};

/// x·Wᵀ + b.
torch::Tensor affine(torch::Tensor const& x, dense_tensors const& d) {
    return torch::add(torch::matmul(x, d.w.t()), d.b);
}

// ---------------------------------------------------------------------------------------------
// The three networks. Each names its type, its dense layers (for_each_dense: f(view, path) for
// every dense layer, in one fixed order, reached through the params' views) and the same
// network in LibTorch (forward: d[i] is the i-th dense layer of for_each_dense).
// ---------------------------------------------------------------------------------------------

struct residual_mlp {
    static constexpr const char* name = "residual MLP";
    using net = hw::network<hw::input<5>, hw::dense<8, hw::tanh>,
                            hw::residual<hw::dense<6, hw::tanh>, hw::dense<8, hw::tanh>>,
                            hw::residual<hw::dense<8, hw::sigmoid>>, hw::dense<3>>;

    template <class P, class Fn>
    static void for_each_dense(P& p, Fn&& f) {
        f(p.template layer<0>(), "layer<0>()");
        f(p.template layer<1>().template layer<0>(), "layer<1>().layer<0>()");
        f(p.template layer<1>().template layer<1>(), "layer<1>().layer<1>()");
        f(p.template layer<2>().template layer<0>(), "layer<2>().layer<0>()");
        f(p.template layer<3>(), "layer<3>()");
    }

    static torch::Tensor forward(torch::Tensor const& x, std::vector<dense_tensors> const& d) {
        const torch::Tensor h0 = torch::tanh(affine(x, d[0]));
        // residual<dense<6, tanh>, dense<8, tanh>>: h + f(h)
        const torch::Tensor h1 =
            torch::add(h0, torch::tanh(affine(torch::tanh(affine(h0, d[1])), d[2])));
        // residual<dense<8, sigmoid>>
        const torch::Tensor h2 = torch::add(h1, torch::sigmoid(affine(h1, d[3])));
        return affine(h2, d[4]);
    }
};

struct concat_net {
    static constexpr const char* name = "concat network";
    using net = hw::network<
        hw::input<4>,
        hw::concat<hw::dense<3, hw::tanh>,
                   hw::chain<hw::dense<5, hw::relu>, hw::dense<2, hw::sigmoid>>, hw::dense<4>>,
        hw::dense<2>>;

    template <class P, class Fn>
    static void for_each_dense(P& p, Fn&& f) {
        f(p.template layer<0>().template layer<0>(), "layer<0>().layer<0>()");
        f(p.template layer<0>().template layer<1>().template layer<0>(),
          "layer<0>().layer<1>().layer<0>()");
        f(p.template layer<0>().template layer<1>().template layer<1>(),
          "layer<0>().layer<1>().layer<1>()");
        f(p.template layer<0>().template layer<2>(), "layer<0>().layer<2>()");
        f(p.template layer<1>(), "layer<1>()");
    }

    /// The input of the relu (the chain branch's first layer's pre-activation).
    static torch::Tensor relu_input(torch::Tensor const& x, std::vector<dense_tensors> const& d) {
        return affine(x, d[1]);
    }

    static torch::Tensor forward(torch::Tensor const& x, std::vector<dense_tensors> const& d) {
        const torch::Tensor a = torch::tanh(affine(x, d[0]));
        const torch::Tensor b = torch::sigmoid(affine(torch::relu(relu_input(x, d)), d[2]));
        const torch::Tensor c = affine(x, d[3]);
        return affine(torch::cat({a, b, c}, 1), d[4]); // 3 + 2 + 4 = 9 inputs
    }
};

struct gated_net {
    static constexpr const char* name = "gated network";
    using net =
        hw::network<hw::input<6>, hw::dense<6>,
                    hw::residual<hw::product<hw::dense<6, hw::tanh>, hw::dense<6, hw::sigmoid>>>,
                    hw::sum<hw::dense<4, hw::tanh>, hw::dense<4>>, hw::dense<2>>;

    template <class P, class Fn>
    static void for_each_dense(P& p, Fn&& f) {
        f(p.template layer<0>(), "layer<0>()");
        // The residual's view is its chain's, whose only layer is the product.
        f(p.template layer<1>().template layer<0>().template layer<0>(),
          "layer<1>().layer<0>().layer<0>()");
        f(p.template layer<1>().template layer<0>().template layer<1>(),
          "layer<1>().layer<0>().layer<1>()");
        f(p.template layer<2>().template layer<0>(), "layer<2>().layer<0>()");
        f(p.template layer<2>().template layer<1>(), "layer<2>().layer<1>()");
        f(p.template layer<3>(), "layer<3>()");
    }

    static torch::Tensor forward(torch::Tensor const& x, std::vector<dense_tensors> const& d) {
        const torch::Tensor h0 = affine(x, d[0]);
        // residual<product<dense<6, tanh>, dense<6, sigmoid>>>: h + tanh(a) ⊙ σ(b)
        const torch::Tensor h1 = torch::add(
            h0, torch::mul(torch::tanh(affine(h0, d[1])), torch::sigmoid(affine(h0, d[2]))));
        // sum<dense<4, tanh>, dense<4>>
        const torch::Tensor h2 = torch::add(torch::tanh(affine(h1, d[3])), affine(h1, d[4]));
        return affine(h2, d[5]);
    }
};

template <class Case>
constexpr std::size_t inputs = Case::net::inputs;
template <class Case>
constexpr std::size_t outputs = Case::net::outputs;
template <class Case, class T>
using sample = std::array<T, inputs<Case>>;
template <class Case, class T>
using target = std::array<T, outputs<Case>>;

template <class T>
constexpr const char* type_name = std::is_same_v<T, float> ? "float" : "double";

// ---------------------------------------------------------------------------------------------
// Data. Every parameter, input and target is a float rounded back to double, so the float
// network holds exactly the values the double reference uses, and the float comparison measures
// float arithmetic only.
// ---------------------------------------------------------------------------------------------

// Weights of about ±1.6/√fan-in, so that the activations are neither linear nor saturated.
double weight_value(std::size_t l, std::size_t j, std::size_t k, std::size_t fan_in) {
    const double i = static_cast<double>(100 * l + 10 * j + k);
    return f32((0.7 * std::sin(1.3 * i + 0.4) + 0.25 * std::cos(0.7 * i + static_cast<double>(l))) *
               1.6 / std::sqrt(static_cast<double>(fan_in)));
}
double bias_value(std::size_t l, std::size_t j) {
    return f32(0.3 * std::sin(2.1 * static_cast<double>(10 * l + j) + 1.0));
}

template <class Case, class T>
hw::params<typename Case::net, T> make_params() {
    hw::params<typename Case::net, T> p;
    std::size_t l = 0;
    Case::for_each_dense(p, [&](auto v, const char*) {
        for (std::size_t j = 0; j < v.outputs; ++j) {
            for (std::size_t k = 0; k < v.inputs; ++k)
                v.w(j, k) = static_cast<T>(weight_value(l, j, k, v.inputs));
            v.b(j) = static_cast<T>(bias_value(l, j));
        }
        ++l;
    });
    return p;
}

template <std::size_t N>
std::vector<std::array<double, N>> make_inputs(std::size_t n) {
    std::vector<std::array<double, N>> xs(n);
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t k = 0; k < N; ++k)
            xs[s][k] = f32(1.5 * std::sin(0.37 * static_cast<double>(N * s + k) + 0.2) +
                           0.3 * std::cos(1.7 * static_cast<double>(s)));
    return xs;
}

template <std::size_t N>
std::vector<std::array<double, N>> make_targets(std::size_t n) {
    std::vector<std::array<double, N>> ys(n);
    for (std::size_t s = 0; s < n; ++s)
        for (std::size_t o = 0; o < N; ++o)
            ys[s][o] = f32(std::cos(0.61 * static_cast<double>(N * s + o) + 0.5));
    return ys;
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

// A dense view's weights and biases as tensors that require grad.
template <class View>
dense_tensors torch_dense(View const& v) {
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

template <class Case>
std::vector<dense_tensors> torch_denses(hw::params<typename Case::net, double> const& p) {
    std::vector<dense_tensors> d;
    Case::for_each_dense(p, [&](auto v, const char*) { d.push_back(torch_dense(v)); });
    return d;
}

/// "dW <path>" and "db <path>" for each dense layer, in the order of result::grads.
template <class Case>
std::vector<std::string> gradient_names() {
    hw::params<typename Case::net, double> p;
    std::vector<std::string> names;
    Case::for_each_dense(p, [&](auto, const char* path) {
        names.push_back(std::string("dL/dW of ") + path);
        names.push_back(std::string("dL/db of ") + path);
    });
    return names;
}

/// Outputs ([sample][output]), loss, the gradients of each dense layer in for_each_dense's order
/// (dL/dW row-major [neuron][input] as nn.Linear.weight, then dL/db) and dL/dx
/// ([sample][input]).
struct result {
    std::vector<double> outputs;
    double loss = 0;
    std::vector<std::vector<double>> grads;
    std::vector<double> dx;
};

template <class Case>
result torch_reference(std::vector<sample<Case, double>> const& xs,
                       std::vector<target<Case, double>> const& ys) {
    const auto p = make_params<Case, double>();
    const std::vector<dense_tensors> d = torch_denses<Case>(p);
    const torch::Tensor x = matrix(xs).requires_grad_();
    const torch::Tensor yhat = Case::forward(x, d);
    REQUIRE(yhat.sizes() ==
            torch::IntArrayRef{std::int64_t(xs.size()), std::int64_t(outputs<Case>)});
    const torch::Tensor loss =
        0.5 * F::mse_loss(yhat, matrix(ys), F::MSELossFuncOptions().reduction(torch::kMean));
    loss.backward();

    result r;
    r.outputs = values(yhat);
    r.loss = loss.item<double>();
    for (dense_tensors const& t : d) {
        r.grads.push_back(values(t.w.grad()));
        r.grads.push_back(values(t.b.grad()));
    }
    r.dx = values(x.grad());
    return r;
}

// ---------------------------------------------------------------------------------------------
// hardwired
// ---------------------------------------------------------------------------------------------

// Gradients filled with a value the calls must overwrite.
template <class Case, class T>
hw::gradients<typename Case::net, T> stale_gradients() {
    hw::gradients<typename Case::net, T> g;
    g.values.fill(T(1000));
    return g;
}

template <class Case, class T>
std::vector<std::vector<double>> flatten(hw::gradients<typename Case::net, T> const& g) {
    std::vector<std::vector<double>> grads;
    Case::for_each_dense(g, [&](auto v, const char*) {
        std::vector<double> dw, db;
        for (std::size_t j = 0; j < v.outputs; ++j) {
            for (std::size_t k = 0; k < v.inputs; ++k)
                dw.push_back(static_cast<double>(v.w(j, k)));
            db.push_back(static_cast<double>(v.b(j)));
        }
        grads.push_back(dw);
        grads.push_back(db);
    });
    return grads;
}

template <class T, std::size_t N>
void append(std::vector<double>& to, std::array<T, N> const& a) {
    for (T v : a)
        to.push_back(static_cast<double>(v));
}

/// hw::forward on each sample.
template <class Case, class T>
std::vector<double> hw_forward(std::vector<sample<Case, double>> const& xs) {
    const auto p = make_params<Case, T>();
    std::vector<double> out;
    for (auto const& x : xs) {
        const std::array<T, outputs<Case>> y = hw::forward(p, cast<T>(x));
        append(out, y);
    }
    return out;
}

/// hw::forward_batch, with its own workspace or `ws`.
template <class Case, class T>
std::vector<double> hw_forward_batch(std::vector<sample<Case, double>> const& xs,
                                     hw::batch_workspace<typename Case::net, T>* ws = nullptr) {
    const auto p = make_params<Case, T>();
    std::vector<target<Case, T>> ys(xs.size());
    for (auto& y : ys)
        y.fill(T(1000));
    if (ws)
        hw::forward_batch(p, cast<T>(xs), ys, *ws);
    else
        hw::forward_batch(p, cast<T>(xs), ys);
    std::vector<double> out;
    for (auto const& y : ys)
        append(out, y);
    return out;
}

/// hw::batch_gradient<hw::squared_error>: loss and parameter gradients.
template <class Case, class T>
result hw_batch(std::vector<sample<Case, double>> const& xs,
                std::vector<target<Case, double>> const& ys,
                hw::batch_workspace<typename Case::net, T>* ws = nullptr) {
    const auto p = make_params<Case, T>();
    auto g = stale_gradients<Case, T>();
    const auto xt = cast<T>(xs);
    const auto yt = cast<T>(ys);
    const T loss = ws ? hw::batch_gradient<hw::squared_error>(p, xt, yt, g, *ws)
                      : hw::batch_gradient<hw::squared_error>(p, xt, yt, g);
    result r;
    r.loss = static_cast<double>(loss);
    r.grads = flatten<Case, T>(g);
    return r;
}

/// hw::gradient<hw::squared_error> on one sample: loss, parameter gradients and, if asked,
/// dL/dx.
template <class Case, class T>
result hw_one(sample<Case, double> const& x, target<Case, double> const& y, bool want_dx) {
    const auto p = make_params<Case, T>();
    auto g = stale_gradients<Case, T>();
    const sample<Case, T> xt = cast<T>(x);
    sample<Case, T> dx;
    dx.fill(T(1000));
    const T loss = want_dx ? hw::gradient<hw::squared_error>(p, xt, cast<T>(y), g, &dx)
                           : hw::gradient<hw::squared_error>(p, xt, cast<T>(y), g);
    result r;
    r.loss = static_cast<double>(loss);
    r.grads = flatten<Case, T>(g);
    if (want_dx)
        append(r.dx, dx);
    return r;
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

template <class Case>
void check_gradients(std::string const& what, result const& actual, result const& expected,
                     tolerance tol) {
    const std::vector<std::string> names = gradient_names<Case>();
    REQUIRE(actual.grads.size() == names.size());
    REQUIRE(expected.grads.size() == names.size());
    check_close(what + ": loss", {actual.loss}, {expected.loss}, tol);
    for (std::size_t i = 0; i < names.size(); ++i)
        check_close(what + ": " + names[i], actual.grads[i], expected.grads[i], tol);
}

template <class Case>
std::string tag(const char* type, std::string const& rest) {
    return std::string(Case::name) + ", " + type + ", " + rest;
}

template <class Case, class T>
void check_forward(std::vector<sample<Case, double>> const& xs, result const& ref) {
    const tolerance tol = tolerance_for<T>;
    const std::string n = std::to_string(xs.size()) + " samples";
    check_close(tag<Case>(type_name<T>, n + ": hw::forward"), hw_forward<Case, T>(xs), ref.outputs,
                tol);
    check_close(tag<Case>(type_name<T>, n + ": hw::forward_batch"), hw_forward_batch<Case, T>(xs),
                ref.outputs, tol);
}

template <class Case, class T>
void check_one_sample(std::size_t s, sample<Case, double> const& x, target<Case, double> const& y,
                      result const& ref) {
    const tolerance tol = tolerance_for<T>;
    const std::string what = tag<Case>(type_name<T>, "sample " + std::to_string(s));
    const result with_dx = hw_one<Case, T>(x, y, true);
    check_gradients<Case>(what + ", hw::gradient with dL/dx", with_dx, ref, tol);
    check_close(what + ", hw::gradient: dL/dx", with_dx.dx, ref.dx, tol);
    check_gradients<Case>(what + ", hw::gradient without dL/dx", hw_one<Case, T>(x, y, false), ref,
                          tol);
}

constexpr std::array<std::size_t, 3> batch_sizes{1, 5, 40};

} // namespace

TEMPLATE_TEST_CASE("the views reach every parameter once; the reference is not degenerate", "",
                   residual_mlp, concat_net, gated_net) {
    using Case = TestType;
    using net = typename Case::net;
    INFO(Case::name);

    // The dense views together cover the parameter array exactly once: as many values as the
    // network has, and none left unset.
    hw::params<net, double> p;
    p.values.fill(std::numeric_limits<double>::quiet_NaN());
    std::size_t count = 0;
    Case::for_each_dense(p, [&](auto v, const char*) {
        for (std::size_t j = 0; j < v.outputs; ++j) {
            for (std::size_t k = 0; k < v.inputs; ++k)
                v.w(j, k) = 1;
            v.b(j) = 1;
        }
        count += v.outputs * (v.inputs + 1);
    });
    CHECK(count == net::parameter_count);
    CHECK(std::none_of(p.values.begin(), p.values.end(), [](double v) { return std::isnan(v); }));

    // Every layer's gradient matters (no dead branch), on the largest batch.
    const auto xs = make_inputs<inputs<Case>>(40);
    const result ref = torch_reference<Case>(xs, make_targets<outputs<Case>>(40));
    const std::vector<std::string> names = gradient_names<Case>();
    for (std::size_t i = 0; i < names.size(); ++i) {
        INFO(names[i]);
        double largest = 0;
        for (double v : ref.grads[i])
            largest = std::max(largest, std::abs(v));
        CHECK(largest > 1e-3);
    }
    CHECK(ref.loss > 1e-2);
}

TEST_CASE("concat network: the relu's inputs take both signs, none within rounding of 0") {
    const auto p = make_params<concat_net, double>();
    const std::vector<dense_tensors> d = torch_denses<concat_net>(p);
    const torch::Tensor z =
        concat_net::relu_input(matrix(make_inputs<inputs<concat_net>>(40)), d).detach();
    CHECK(torch::abs(z).min().item<double>() > 1e-3);
    CHECK((z > 0).sum().item<std::int64_t>() >= 40);
    CHECK((z < 0).sum().item<std::int64_t>() >= 40);
}

TEMPLATE_TEST_CASE("hw::forward and hw::forward_batch equal torch's outputs, batches 1, 5, 40", "",
                   residual_mlp, concat_net, gated_net) {
    using Case = TestType;
    for (std::size_t n : batch_sizes) {
        const auto xs = make_inputs<inputs<Case>>(n);
        const result ref = torch_reference<Case>(xs, make_targets<outputs<Case>>(n));
        check_forward<Case, double>(xs, ref);
        check_forward<Case, float>(xs, ref);
    }
}

TEMPLATE_TEST_CASE("hw::batch_gradient: loss and every parameter gradient equal torch's mean, "
                   "batches 1, 5, 40",
                   "", residual_mlp, concat_net, gated_net) {
    using Case = TestType;
    using net = typename Case::net;
    // One workspace each, reused by every batch in turn, smaller ones again after the 40.
    const auto ws_double = std::make_unique<hw::batch_workspace<net, double>>();
    const auto ws_float = std::make_unique<hw::batch_workspace<net, float>>();
    for (std::size_t n : std::array<std::size_t, 5>{1, 5, 40, 5, 1}) {
        const auto xs = make_inputs<inputs<Case>>(n);
        const auto ys = make_targets<outputs<Case>>(n);
        const result ref = torch_reference<Case>(xs, ys);
        const std::string b = "batch " + std::to_string(n);
        check_gradients<Case>(tag<Case>("double", b), hw_batch<Case, double>(xs, ys), ref,
                              in_double);
        check_gradients<Case>(tag<Case>("double", b + ", reused workspace"),
                              hw_batch<Case, double>(xs, ys, ws_double.get()), ref, in_double);
        check_close(tag<Case>("double", b + ", reused workspace: hw::forward_batch"),
                    hw_forward_batch<Case, double>(xs, ws_double.get()), ref.outputs, in_double);
        check_gradients<Case>(tag<Case>("float", b), hw_batch<Case, float>(xs, ys), ref, in_float);
        check_gradients<Case>(tag<Case>("float", b + ", reused workspace"),
                              hw_batch<Case, float>(xs, ys, ws_float.get()), ref, in_float);
        check_close(tag<Case>("float", b + ", reused workspace: hw::forward_batch"),
                    hw_forward_batch<Case, float>(xs, ws_float.get()), ref.outputs, in_float);
    }
}

TEMPLATE_TEST_CASE("hw::gradient on one sample: loss, parameter gradients and dL/dx equal torch's",
                   "", residual_mlp, concat_net, gated_net) {
    using Case = TestType;
    const auto xs = make_inputs<inputs<Case>>(5);
    const auto ys = make_targets<outputs<Case>>(5);
    for (std::size_t s = 0; s < xs.size(); ++s) {
        const result ref = torch_reference<Case>({xs[s]}, {ys[s]});
        check_one_sample<Case, double>(s, xs[s], ys[s], ref);
        check_one_sample<Case, float>(s, xs[s], ys[s], ref);
    }
}
