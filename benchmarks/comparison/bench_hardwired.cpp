// hardwired: the network is a type built from the spec; forward and the training step are the
// library's public functions (hw::forward, hw::forward_batch, hw::batch_gradient with
// hw::mse_loss, hw::sgd), the batch functions given a workspace made once.

#include <cstring>
#include <hardwired/hardwired.hpp>
#include <string_view>
#include <type_traits>

#include "bench_main.hpp"

namespace hw = hardwired;

template <bench::act A>
constexpr auto activation() {
    if constexpr (A == bench::act::tanh)
        return hw::tanh;
    else if constexpr (A == bench::act::sigmoid)
        return hw::sigmoid;
    else
        return hw::identity;
}

template <class S, std::size_t L>
using dense_for = hw::dense<S::sizes[L + 1], activation<S::activation(L)>()>;

/// The residual span of S that starts at layer L, if any (common.hpp's bench::residual).
template <class S>
constexpr bench::residual span_at(std::size_t l) {
    for (bench::residual r : S::residuals)
        if (r.first == l)
            return r;
    return {l, l};
}

/// The network of S: its layers in order, each residual span a hw::residual of its layers.
template <class S, std::size_t L = 0, class... Done>
constexpr auto network_for() {
    if constexpr (L == S::layers)
        return std::type_identity<hw::network<hw::input<S::inputs>, Done...>>{};
    else if constexpr (constexpr bench::residual r = span_at<S>(L); r.end > r.first)
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return network_for<S, r.end, Done..., hw::residual<dense_for<S, r.first + I>...>>();
        }
    (std::make_index_sequence<r.end - r.first>{});
    else return network_for<S, L + 1, Done..., dense_for<S, L>>();
}

template <class S>
struct hardwired_adapter {
    static constexpr const char* library = "hardwired";
    using net = typename decltype(network_for<S>())::type;
    using input = std::array<float, S::inputs>;
    using output = std::array<float, S::outputs>;
    static_assert(sizeof(input) == S::inputs * sizeof(float));

    hw::params<net> p;
    hw::gradients<net> g;
    hw::sgd<net> opt;
    hw::batch_workspace<net> ws;

    // The suite's layers in order are the network's dense layers in parameter order: each one's
    // "weight" tensor [out, in] (W row-major as the suite stores it) and "bias" [out].
    template <class F>
    static void for_each_tensor(F f) {
        std::size_t layer = 0;
        for (hw::tensor const& t : net::tensors) {
            f(t, layer);
            layer += std::string_view(t.name) == "bias";
        }
    }
    explicit hardwired_adapter(bench::weights const& w) {
        for_each_tensor([&](hw::tensor const& t, std::size_t l) {
            auto const& from = std::string_view(t.name) == "weight" ? w.w[l] : w.b[l];
            for (std::size_t i = 0; i < t.size(); ++i)
                p.values[t.at(i)] = from[i];
        });
    }
    void forward1(const float* x, float* y) {
        const output out = hw::forward(p, *reinterpret_cast<const input*>(x));
        std::memcpy(y, out.data(), sizeof(out));
    }
    void forward_batch(const float* x, std::size_t n, float* y) {
        hw::forward_batch(p, std::span<const input>(reinterpret_cast<const input*>(x), n),
                          std::span<output>(reinterpret_cast<output*>(y), n), ws);
    }
    void train_step(const float* x, const float* y, std::size_t n, float lr) {
        const std::span<const input> xs(reinterpret_cast<const input*>(x), n);
        const std::span<const output> ys(reinterpret_cast<const output*>(y), n);
        hw::batch_gradient<hw::mse_loss>(p, xs, ys, g, ws);
        opt.lr = lr;
        opt.step(p, g);
    }
    bench::weights get_weights() {
        bench::weights w;
        w.w.resize(S::layers);
        w.b.resize(S::layers);
        for_each_tensor([&](hw::tensor const& t, std::size_t l) {
            auto& to = std::string_view(t.name) == "weight" ? w.w[l] : w.b[l];
            for (std::size_t i = 0; i < t.size(); ++i)
                to.push_back(p.values[t.at(i)]);
        });
        return w;
    }
};
template <class S>
inline constexpr bool bench::runs<hardwired_adapter, S> = true;

BENCH_MAIN(hardwired_adapter)
