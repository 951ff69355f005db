// The batched (samples-in-lanes) kernels against the scalar reference kernel run one sample at a
// time: hw::forward_batch's outputs, and hw::batch_gradient's loss and every parameter's
// gradient, for float and double, for batch sizes that leave a partial vector, fill whole
// vectors, and span several chunks, and for every named activation (output-expressible ones
// and those whose derivative needs the pre-activation). Built for SSE2, AVX2+FMA and native too
// (tests/isa.cmake).
//
// Bound: the paths differ by FMA rounding, the summation order over samples, and xsimd's
// exp/tanh against the C library's; relative to the largest magnitude of the compared vector,
// 1e-5 in float and 1e-13 in double (as tests/test_kernels.cpp).

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <hardwired/hardwired.hpp>
#include <stdexcept>
#include <vector>
#include <xsimd/xsimd.hpp>

namespace hw = hardwired;

namespace {

template <class T>
constexpr double tolerance = sizeof(T) == 4 ? 1e-5 : 1e-13;

template <class Range>
double scale_of(Range const& v) {
    double m = 1e-30;
    for (auto e : v)
        m = std::max(m, double(std::abs(e)));
    return m;
}

template <class Net, class T, auto Loss = hw::mse_loss>
void compare_batched(std::size_t n) {
    hw::params<Net, T> p;
    hw::init::xavier(p, 5);
    for (auto& b : p.values)
        b += T(0.01);
    hw::splitmix64 rng{n};
    std::vector<std::array<T, Net::inputs>> xs(n);
    std::vector<std::array<T, Net::outputs>> ys(n);
    for (auto& x : xs)
        for (auto& v : x)
            v = T(4 * rng.uniform() - 2);
    for (auto& y : ys)
        for (auto& v : y)
            v = T(rng.uniform());

    // Reference: the scalar kernel, one sample at a time.
    hw::workspace<Net, T> ws;
    hw::gradients<Net, T> g_ref{};
    T l_ref = 0;
    const T scale = T(1) / T(n);
    for (std::size_t i = 0; i < n; ++i)
        l_ref += hw::detail::accumulate_sample<Loss>(p, ws, xs[i].data(), ys[i].data(), g_ref,
                                                     scale, false, hw::kernels::scalar{});
    l_ref *= scale;

    hw::gradients<Net, T> g;
    g.values.fill(T(7)); // overwritten
    const T l = hw::batch_gradient<Loss>(p, xs, ys, g);

    INFO("sizes " << Net::sizes[0] << " ... " << Net::outputs << ", " << sizeof(T) * 8
                  << "-bit, batch " << n);
    CHECK(std::abs(double(l - l_ref)) <= tolerance<T> * std::max(1.0, double(std::abs(l_ref))));
    const double g_scale = scale_of(g_ref.values);
    for (std::size_t i = 0; i < g.values.size(); ++i) {
        INFO("parameter " << i);
        CHECK(std::abs(double(g.values[i] - g_ref.values[i])) <= tolerance<T> * g_scale);
    }

    std::vector<std::array<T, Net::outputs>> out(n);
    hw::forward_batch(p, xs, out);
    for (std::size_t i = 0; i < n; ++i) {
        std::array<T, Net::outputs> ref{};
        std::copy(xs[i].begin(), xs[i].end(), ws.a.begin());
        hw::detail::forward_into(p, ws, false, hw::kernels::scalar{});
        const auto last = ws.template activations<Net::depth>();
        std::copy(last.begin(), last.end(), ref.begin());
        const double o_scale = scale_of(ref);
        for (std::size_t o = 0; o < Net::outputs; ++o)
            CHECK(std::abs(double(out[i][o] - ref[o])) <= tolerance<T> * std::max(1.0, o_scale));
    }
}

// Every named activation, two networks: output-expressible derivatives and ones that need the
// pre-activation side by side, widths that fill vectors and leave tails.
using mix1 = hw::network<hw::input<5>, hw::dense<19, hw::tanh>, hw::dense<32, hw::swish>,
                         hw::dense<3, hw::sigmoid>, hw::dense<2>>;
using mix2 = hw::network<hw::input<7>, hw::dense<17, hw::gelu>, hw::dense<16, hw::relu>,
                         hw::dense<9, hw::softplus>, hw::dense<4, hw::elu<>>,
                         hw::dense<3, hw::leaky_relu<>>>;

// Batch sizes: 1, partial vectors for every lane width, whole vectors, one chunk, several.
constexpr std::array<std::size_t, 9> batch_sizes{1, 3, 7, 8, 17, 32, 33, 64, 70};

template <class Net>
void all_sizes() {
    for (std::size_t n : batch_sizes) {
        compare_batched<Net, float>(n);
        compare_batched<Net, double>(n);
    }
}

} // namespace

TEST_CASE("batched kernels equal the scalar reference kernel", "[kernels][batch]") {
    all_sizes<mix1>();
    all_sizes<mix2>();
}

TEST_CASE("batched kernels: the comparison suite's largest shape, other losses",
          "[kernels][batch]") {
    using wide = hw::network<hw::input<128>, hw::dense<128, hw::tanh>, hw::dense<128, hw::tanh>,
                             hw::dense<16>>;
    compare_batched<wide, float>(32);
    compare_batched<wide, float>(45);
    // 96 and 80 outputs: whole vectors of outputs left over after blocks of four (AVX-512: 6 and
    // 5 vectors; AVX: 10) in the weight gradients with outputs in lanes.
    using uneven = hw::network<hw::input<7>, hw::dense<96, hw::tanh>, hw::dense<80, hw::sigmoid>,
                               hw::dense<2>>;
    compare_batched<uneven, float>(32);
    compare_batched<uneven, float>(21);
    using classifier = hw::network<hw::input<4>, hw::dense<6, hw::tanh>, hw::dense<1>>;
    for (std::size_t n : batch_sizes) {
        compare_batched<classifier, float, hw::bce_with_logits>(n);
        compare_batched<classifier, double, hw::huber<>>(n);
    }
    // Softmax cross-entropy, a loss over the whole output vector, with probability targets (not
    // normalised: the gradient's softmax·Σt − t covers any mass) on identity and on non-identity
    // output layers.
    for (std::size_t n : batch_sizes) {
        compare_batched<mix1, float, hw::softmax_cross_entropy>(n);
        compare_batched<mix1, double, hw::softmax_cross_entropy>(n);
        compare_batched<mix2, float, hw::softmax_cross_entropy>(n);
    }
}

// The first chunk writes the gradients and later ones add to them, so batch_gradient needs no
// zero-filled array (backprop.hpp, accumulate_batch); what was in `grads` before must not leak in.
TEMPLATE_TEST_CASE("hw::batch_gradient overwrites: empty batches give zeros, bad sizes change "
                   "nothing",
                   "[kernels][batch]", float, double) {
    using T = TestType;
    hw::params<mix1, T> p;
    hw::init::xavier(p, 3);
    hw::gradients<mix1, T> g;
    g.values.fill(T(7));
    const std::vector<std::array<T, mix1::inputs>> none;
    const std::vector<std::array<T, mix1::outputs>> no_targets;
    CHECK(hw::batch_gradient<hw::mse_loss>(p, none, no_targets, g) == T(0));
    CHECK(std::all_of(g.values.begin(), g.values.end(), [](T v) { return v == T(0); }));

    g.values.fill(T(7));
    const std::vector<std::array<T, mix1::inputs>> xs(5);
    const std::vector<std::array<T, mix1::outputs>> ys(4);
    CHECK_THROWS_AS(hw::batch_gradient<hw::mse_loss>(p, xs, ys, g), std::invalid_argument);
    CHECK(std::all_of(g.values.begin(), g.values.end(), [](T v) { return v == T(7); }));
}

TEST_CASE("the in-register transpose of the weight gradients", "[kernels][batch]") {
    using B = xsimd::batch<float>;
    if constexpr (hw::kernels::detail::has_transpose<B>) {
        constexpr std::size_t L = B::size, stride = hw::kernels::chunk_samples;
        alignas(64) std::array<float, L * stride> src;
        alignas(64) std::array<float, 2 * L * L> dst;
        for (std::size_t i = 0; i < src.size(); ++i)
            src[i] = float(i);
        dst.fill(-1);
        // Rows of a chunk (stride chunk_samples) into rows of 2L values, the second half untouched.
        hw::kernels::detail::transpose_block<B>(src.data() + L, stride, dst.data(), 2 * L);
        for (std::size_t s = 0; s < L; ++s)
            for (std::size_t i = 0; i < L; ++i) {
                INFO("sample " << s << ", row " << i);
                CHECK(dst[s * 2 * L + i] == src[i * stride + L + s]);
                CHECK(dst[s * 2 * L + L + i] == -1);
            }
    } else {
        SUCCEED("no in-register transpose for " << xsimd::default_arch::name());
    }
}
