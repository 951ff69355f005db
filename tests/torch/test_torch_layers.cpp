// The layer kinds hw::layer_norm, hw::activation_layer, hw::softmax_layer, hw::frozen_batch_norm
// and hw::prelu against LibTorch's autograd. Three networks, each also written in LibTorch with
// explicit parameter tensors and functional ops (matmul, F::layer_norm, tanh,
// gelu(approximate="tanh"), softmax, F::prelu, eval-mode batch norm):
//   - dense<8>, layer_norm<> (ε = 1e-5), activation_layer<tanh>, dense<5>, softmax_layer;
//   - dense<7, gelu>, layer_norm<1, 1000> (ε = 1e-3), dense<3>;
//   - dense<8>, frozen_batch_norm<> (ε = 1e-5), prelu<8>, dense<6, tanh>,
//     frozen_batch_norm<1, 100, false> (ε = 1e-2, no weight and bias), prelu<>, dense<3>.
// The LayerNorm and batch norm weights and biases are not 1 and 0, so that their gradients
// matter. For each,
// with the same parameters in both: hw::forward (per sample) and hw::forward_batch; the loss and
// every parameter gradient of hw::batch_gradient<hw::squared_error> against ½·mse_loss (reduction
// "mean") and backward(), batches of 1, 5 and 40 samples (40 is more than one chunk of the
// batched path); on single samples also hw::gradient with dL/dx. In double (1e-12 relative) and
// in float (1e-5 relative, against the same double reference). Also that the views used here
// reach every parameter exactly once.
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
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace hw = hardwired;
namespace F = torch::nn::functional;

namespace {

using namespace test::torch_reference;
using test::torch_reference::values; // beside the overload for rows below

// ---------------------------------------------------------------------------------------------
// Parameter tensors. A case's visit(p, f) calls f(info, at) for each of its tensors in one fixed
// order, reached through the views of p (params or gradients): info.shape is LibTorch's, at(i)
// the element at row-major index i. Element i of tensor t is center + scale·wave(t, i) rounded
// to float, so that the float network holds exactly the values of the double reference.
// ---------------------------------------------------------------------------------------------

struct tensor_info {
    std::string name;
    std::vector<std::int64_t> shape;
    double center, scale;

    std::size_t size() const {
        return static_cast<std::size_t>(shape[0] * (shape.size() > 1 ? shape[1] : 1));
    }
    double value(std::size_t t, std::size_t i) const {
        const double u = static_cast<double>(100 * t + i);
        return f32(center + scale * (0.7 * std::sin(1.3 * u + 0.4) +
                                     0.25 * std::cos(0.7 * u + static_cast<double>(t))));
    }
};

// A dense view: W as nn.Linear's weight[j][k] (input k → neuron j), about ±1.6/√fan-in, and b.
template <class V, class Fn>
void dense_tensors(V v, std::string const& path, Fn& f) {
    constexpr std::size_t in = V::inputs;
    const auto w = [v](std::size_t i) -> decltype(auto) { return v.w(i / in, i % in); };
    const auto b = [v](std::size_t i) -> decltype(auto) { return v.b(i); };
    const double scale = 1.6 / std::sqrt(static_cast<double>(in));
    f(tensor_info{"W of " + path, {std::int64_t(V::outputs), std::int64_t(in)}, 0, scale}, w);
    f(tensor_info{"b of " + path, {std::int64_t(V::outputs)}, 0, 0.4}, b);
}

// A layer_norm's flat view: [0, N) weight (here about 1, not 1), [N, 2N) bias.
template <class V, class Fn>
void norm_tensors(V v, std::string const& path, Fn& f) {
    const std::size_t n = v.size() / 2;
    const auto weight = [v](std::size_t i) -> decltype(auto) { return v[i]; };
    const auto bias = [v, n](std::size_t i) -> decltype(auto) { return v[n + i]; };
    f(tensor_info{"weight of " + path, {std::int64_t(n)}, 1, 0.6}, weight);
    f(tensor_info{"bias of " + path, {std::int64_t(n)}, 0, 0.4}, bias);
}

// A frozen_batch_norm's flat view: weight and bias when affine, then running_mean and
// running_var (about 1.2, positive).
template <class V, class Fn>
void batch_norm_tensors(V v, std::string const& path, bool affine, Fn& f) {
    const std::size_t n = v.size() / (affine ? 4 : 2);
    const auto at = [v, n](std::size_t k) {
        return [v, n, k](std::size_t i) -> decltype(auto) { return v[k * n + i]; };
    };
    const auto dim = std::vector<std::int64_t>{std::int64_t(n)};
    std::size_t k = 0;
    if (affine) {
        f(tensor_info{"weight of " + path, dim, 1, 0.6}, at(k++));
        f(tensor_info{"bias of " + path, dim, 0, 0.4}, at(k++));
    }
    f(tensor_info{"running_mean of " + path, dim, 0, 0.5}, at(k++));
    f(tensor_info{"running_var of " + path, dim, 1.2, 0.5}, at(k++));
}

// A prelu's slopes, about 0.25 and some negative.
template <class V, class Fn>
void prelu_tensors(V v, std::string const& path, Fn& f) {
    f(tensor_info{"weight of " + path, {std::int64_t(v.size())}, 0.25, 0.5},
      [v](std::size_t i) -> decltype(auto) { return v[i]; });
}

torch::Tensor affine(torch::Tensor const& x, torch::Tensor const& w, torch::Tensor const& b) {
    return torch::add(torch::matmul(x, w.t()), b);
}

// The two networks: the type, visit, and the same network in LibTorch (t[i]: visit's i-th tensor).
struct norm_softmax_net {
    static constexpr const char* name = "dense, layer_norm<>, tanh layer, dense, softmax_layer";
    using net = hw::network<hw::input<6>, hw::dense<8>, hw::layer_norm<>,
                            hw::activation_layer<hw::tanh>, hw::dense<5>, hw::softmax_layer>;

    template <class P, class Fn>
    static void visit(P& p, Fn&& f) {
        dense_tensors(p.template layer<0>(), "layer<0>()", f);
        norm_tensors(p.template layer<1>(), "layer<1>()", f);
        dense_tensors(p.template layer<3>(), "layer<3>()", f);
    }
    static torch::Tensor forward(torch::Tensor const& x, std::vector<torch::Tensor> const& t) {
        const torch::Tensor h = F::layer_norm(
            affine(x, t[0], t[1]), F::LayerNormFuncOptions({8}).weight(t[2]).bias(t[3]).eps(1e-5));
        return torch::softmax(affine(torch::tanh(h), t[4], t[5]), -1);
    }
};

struct gelu_norm_net {
    static constexpr const char* name = "dense gelu, layer_norm<1, 1000>, dense";
    using net =
        hw::network<hw::input<4>, hw::dense<7, hw::gelu>, hw::layer_norm<1, 1000>, hw::dense<3>>;

    template <class P, class Fn>
    static void visit(P& p, Fn&& f) {
        dense_tensors(p.template layer<0>(), "layer<0>()", f);
        norm_tensors(p.template layer<1>(), "layer<1>()", f);
        dense_tensors(p.template layer<2>(), "layer<2>()", f);
    }
    static torch::Tensor forward(torch::Tensor const& x, std::vector<torch::Tensor> const& t) {
        const torch::Tensor h =
            F::gelu(affine(x, t[0], t[1]), F::GELUFuncOptions().approximate("tanh"));
        const torch::Tensor n =
            F::layer_norm(h, F::LayerNormFuncOptions({7}).weight(t[2]).bias(t[3]).eps(1e-3));
        return affine(n, t[4], t[5]);
    }
};

// nn.BatchNorm1d in eval mode written out, so that autograd also gives the gradients of the
// statistics (F::batch_norm treats them as constants); checked against F::batch_norm itself.
torch::Tensor frozen_batch_norm(torch::Tensor const& x, torch::Tensor const& mean,
                                torch::Tensor const& var, torch::Tensor const& weight,
                                torch::Tensor const& bias, double eps) {
    torch::Tensor y = (x - mean) / torch::sqrt(var + eps);
    if (weight.defined())
        y = y * weight + bias;
    auto options = F::BatchNormFuncOptions().training(false).eps(eps);
    if (weight.defined())
        options.weight(weight.detach()).bias(bias.detach());
    const torch::Tensor op = F::batch_norm(x.detach(), mean.detach(), var.detach(), options);
    if (!torch::allclose(y.detach(), op, 1e-13, 1e-13))
        throw std::runtime_error("the written-out batch norm differs from F::batch_norm");
    return y;
}

struct batch_norm_prelu_net {
    static constexpr const char* name = "dense, frozen_batch_norm<>, prelu<8>, dense tanh, "
                                        "frozen_batch_norm<1, 100, false>, prelu<>, dense";
    using net = hw::network<hw::input<5>, hw::dense<8>, hw::frozen_batch_norm<>, hw::prelu<8>,
                            hw::dense<6, hw::tanh>, hw::frozen_batch_norm<1, 100, false>,
                            hw::prelu<>, hw::dense<3>>;

    template <class P, class Fn>
    static void visit(P& p, Fn&& f) {
        dense_tensors(p.template layer<0>(), "layer<0>()", f);
        batch_norm_tensors(p.template layer<1>(), "layer<1>()", true, f);
        prelu_tensors(p.template layer<2>(), "layer<2>()", f);
        dense_tensors(p.template layer<3>(), "layer<3>()", f);
        batch_norm_tensors(p.template layer<4>(), "layer<4>()", false, f);
        prelu_tensors(p.template layer<5>(), "layer<5>()", f);
        dense_tensors(p.template layer<6>(), "layer<6>()", f);
    }
    static torch::Tensor forward(torch::Tensor const& x, std::vector<torch::Tensor> const& t) {
        torch::Tensor h = frozen_batch_norm(affine(x, t[0], t[1]), t[4], t[5], t[2], t[3], 1e-5);
        h = torch::tanh(affine(F::prelu(h, t[6]), t[7], t[8]));
        h = F::prelu(frozen_batch_norm(h, t[9], t[10], {}, {}, 1e-2), t[11]);
        return affine(h, t[12], t[13]);
    }
};

/// The params, every element first `fill`, then each tensor's values.
template <class Case, class T>
hw::params<typename Case::net, T> make_params(T fill = 0) {
    hw::params<typename Case::net, T> p;
    p.values.fill(fill);
    std::size_t t = 0;
    Case::visit(p, [&](tensor_info const& info, auto at) {
        for (std::size_t i = 0; i < info.size(); ++i)
            at(i) = static_cast<T>(info.value(t, i));
        ++t;
    });
    return p;
}

/// Each tensor of p (params or gradients): its info and its values, row-major.
template <class Case, class P>
std::vector<std::pair<tensor_info, std::vector<double>>> tensors_of(P const& p) {
    std::vector<std::pair<tensor_info, std::vector<double>>> r;
    Case::visit(p, [&](tensor_info const& info, auto at) {
        r.push_back({info, {}});
        for (std::size_t i = 0; i < info.size(); ++i)
            r.back().second.push_back(static_cast<double>(at(i)));
    });
    return r;
}

/// Samples first .. first + n − 1: inputs of about ±1.8 or targets in [−1, 1], rounded to float.
template <class T, std::size_t N>
std::vector<std::array<T, N>> rows(std::size_t first, std::size_t n, bool targets) {
    std::vector<std::array<T, N>> r(n);
    for (std::size_t s = first; s < first + n; ++s)
        for (std::size_t k = 0; k < N; ++k) {
            const double u = static_cast<double>(7 * s + k);
            r[s - first][k] =
                static_cast<T>(f32(targets ? std::cos(0.61 * u + 0.5)
                                           : 1.5 * std::sin(0.37 * u + 0.2) +
                                                 0.3 * std::cos(1.7 * static_cast<double>(s))));
        }
    return r;
}

template <class T, std::size_t N>
std::vector<double> values(std::vector<std::array<T, N>> const& rows) {
    std::vector<double> r;
    for (auto const& a : rows)
        r.insert(r.end(), a.begin(), a.end());
    return r;
}
torch::Tensor tensor(std::vector<double> v, std::vector<std::int64_t> const& shape) {
    return torch::from_blob(v.data(), shape, torch::kFloat64).clone();
}

/// Outputs ([sample][output]), loss, the parameter gradients in visit's order, dL/dx.
struct result {
    std::vector<double> outputs;
    double loss = 0;
    std::vector<std::vector<double>> grads;
    std::vector<double> dx;
};

/// LibTorch, float64, autograd, on samples first .. first + n − 1.
template <class Case>
result torch_reference(std::size_t first, std::size_t n) {
    constexpr std::size_t I = Case::net::inputs, O = Case::net::outputs;
    std::vector<torch::Tensor> t;
    for (auto const& [info, v] : tensors_of<Case>(make_params<Case, double>()))
        t.push_back(tensor(v, info.shape).requires_grad_());
    const auto n64 = std::int64_t(n);
    const torch::Tensor x =
        tensor(values(rows<double, I>(first, n, false)), {n64, I}).requires_grad_();
    const torch::Tensor yhat = Case::forward(x, t);
    const torch::Tensor loss =
        0.5 * F::mse_loss(yhat, tensor(values(rows<double, O>(first, n, true)), {n64, O}),
                          F::MSELossFuncOptions().reduction(torch::kMean));
    loss.backward();
    result r{values(yhat), loss.item<double>(), {}, values(x.grad())};
    for (torch::Tensor const& ti : t)
        r.grads.push_back(values(ti.grad()));
    return r;
}

/// hardwired in T on samples first .. first + n − 1 against the reference: hw::forward per
/// sample, hw::forward_batch, hw::batch_gradient, and for one sample hw::gradient with dL/dx.
template <class Case, class T>
void check_hardwired(std::size_t first, std::size_t n, result const& ref) {
    constexpr std::size_t I = Case::net::inputs, O = Case::net::outputs;
    const std::string what = std::string(Case::name) +
                             (std::is_same_v<T, float> ? ", float" : ", double") + ", samples " +
                             std::to_string(first) + " to " + std::to_string(first + n - 1) + ", ";
    const auto p = make_params<Case, T>();
    const auto xs = rows<T, I>(first, n, false);
    const auto ys = rows<T, O>(first, n, true);
    constexpr tolerance tol = tolerance_for<T>;
    const auto check_gradients = [&](std::string const& call, T loss, auto const& g) {
        check_close(what + call + ": loss", {static_cast<double>(loss)}, {ref.loss}, tol);
        const auto grads = tensors_of<Case>(g);
        REQUIRE(grads.size() == ref.grads.size());
        for (std::size_t i = 0; i < grads.size(); ++i)
            check_close(what + call + ": dL/d" + grads[i].first.name, grads[i].second, ref.grads[i],
                        tol);
    };

    std::vector<std::array<T, O>> one(n), batch(n);
    for (std::size_t s = 0; s < n; ++s) {
        one[s] = hw::forward(p, xs[s]);
        batch[s].fill(T(1000)); // stale values the calls must overwrite
    }
    hw::forward_batch(p, xs, batch);
    check_close(what + "hw::forward", values(one), ref.outputs, tol);
    check_close(what + "hw::forward_batch", values(batch), ref.outputs, tol);

    hw::gradients<typename Case::net, T> g;
    g.values.fill(T(1000));
    const T loss = hw::batch_gradient<hw::squared_error>(p, xs, ys, g);
    check_gradients("hw::batch_gradient", loss, g);
    if (n != 1)
        return;
    g.values.fill(T(1000));
    std::vector<std::array<T, I>> dx(1);
    dx[0].fill(T(1000));
    const T loss1 = hw::gradient<hw::squared_error>(p, xs[0], ys[0], g, &dx[0]);
    check_gradients("hw::gradient", loss1, g);
    check_close(what + "hw::gradient: dL/dx", values(dx), ref.dx, tol);
}

} // namespace

TEMPLATE_TEST_CASE("the views reach every parameter once; the reference is not degenerate", "",
                   norm_softmax_net, gelu_norm_net, batch_norm_prelu_net) {
    using Case = TestType;
    INFO(Case::name);
    const auto p = make_params<Case, double>(std::numeric_limits<double>::quiet_NaN());
    std::size_t count = 0;
    for (auto const& [info, v] : tensors_of<Case>(p))
        count += v.size();
    CHECK(count == Case::net::parameter_count);
    CHECK(std::none_of(p.values.begin(), p.values.end(), [](double v) { return std::isnan(v); }));

    // Every parameter's gradient matters, on the largest batch: none is 0, each tensor's largest
    // is well above float rounding.
    const result ref = torch_reference<Case>(0, 40);
    const auto tensors = tensors_of<Case>(p);
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        INFO(tensors[i].first.name);
        std::vector<double> a;
        for (double v : ref.grads[i])
            a.push_back(std::abs(v));
        CHECK(*std::min_element(a.begin(), a.end()) > 1e-6);
        CHECK(*std::max_element(a.begin(), a.end()) > 1e-3);
    }
    CHECK(ref.loss > 1e-2);
}

TEMPLATE_TEST_CASE("outputs, loss, parameter gradients and dL/dx equal torch's", "",
                   norm_softmax_net, gelu_norm_net, batch_norm_prelu_net) {
    // Batches of 1, 5 and 40 from sample 0, and two more single samples.
    for (auto [first, n] : std::array<std::pair<std::size_t, std::size_t>, 5>{
             {{0, 1}, {0, 5}, {0, 40}, {3, 1}, {17, 1}}}) {
        const result ref = torch_reference<TestType>(first, n);
        check_hardwired<TestType, double>(first, n, ref);
        check_hardwired<TestType, float>(first, n, ref);
    }
}
