// hardwired: the network is a type built from the spec; forward and the training step are the
// library's public functions (hw::forward, hw::forward_batch, hw::batch_gradient with
// hw::mse_loss, hw::sgd), the batch functions given a workspace made once.

#include <cstring>
#include <hardwired/hardwired.hpp>

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

template <class S, std::size_t... L>
auto network_for(std::index_sequence<L...>)
    -> hw::network<hw::input<S::inputs>,
                   hw::dense<S::sizes[L + 1], activation<S::activation(L)>()>...>;

template <class S>
struct hardwired_adapter {
    static constexpr const char* library = "hardwired";
    using net = decltype(network_for<S>(std::make_index_sequence<S::layers>{}));
    using input = std::array<float, S::inputs>;
    using output = std::array<float, S::outputs>;
    static_assert(sizeof(input) == S::inputs * sizeof(float));

    hw::params<net> p;
    hw::gradients<net> g;
    hw::sgd<net> opt;
    hw::batch_workspace<net> ws;

    explicit hardwired_adapter(bench::weights const& w) {
        [&]<std::size_t... L>(std::index_sequence<L...>) {
            (
                [&] {
                    auto v = p.template layer<L>();
                    for (std::size_t j = 0; j < v.outputs; ++j) {
                        for (std::size_t k = 0; k < v.inputs; ++k)
                            v.w(j, k) = w.w[L][j * v.inputs + k];
                        v.b(j) = w.b[L][j];
                    }
                }(),
                ...);
        }
        (std::make_index_sequence<S::layers>{});
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
        [&]<std::size_t... L>(std::index_sequence<L...>) {
            (
                [&] {
                    auto v = std::as_const(p).template layer<L>();
                    std::vector<float> wl(v.inputs * v.outputs), bl(v.outputs);
                    for (std::size_t j = 0; j < v.outputs; ++j) {
                        for (std::size_t k = 0; k < v.inputs; ++k)
                            wl[j * v.inputs + k] = v.w(j, k);
                        bl[j] = v.b(j);
                    }
                    w.w.push_back(wl);
                    w.b.push_back(bl);
                }(),
                ...);
        }
        (std::make_index_sequence<S::layers>{});
        return w;
    }
};

BENCH_MAIN(hardwired_adapter)
