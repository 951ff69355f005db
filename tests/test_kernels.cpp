// The xsimd dense kernel against the scalar reference kernel: outputs, every parameter's
// gradient and the input gradient, for float and double, for layer widths that fill whole
// batches, blocks of several batches, and leave tails, and for every named activation; the LSTM's
// and GRU's SIMD step against theirs, and the SIMD backward pass of a step of the LSTM, the GRU and
// the convolution against theirs. Built for SSE2, AVX2+FMA and native too (tests/isa.cmake).
//
// Bound: the two paths differ by FMA rounding, by the order of the sums (the SIMD kernel adds
// up to HARDWIRED_FMA_CHAINS partial sums per output) and by xsimd's exp/tanh against the C
// library's (≤ 2 ULP each, amplified by the cancellations of f'); relative to the largest
// magnitude of the compared vector, 1e-5 in float and 1e-13 in double.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <hardwired/hardwired.hpp>

namespace hw = hardwired;

namespace {

template <class T>
constexpr double tolerance = sizeof(T) == 4 ? 1e-5 : 1e-13;

template <class T, std::size_t N>
double scale_of(std::array<T, N> const& v) {
    double m = 1e-30;
    for (T e : v)
        m = std::max(m, double(std::abs(e)));
    return m;
}

template <class Net, class T>
void compare_kernels() {
    hw::params<Net, T> p;
    hw::init::xavier(p, 21);
    for (auto& b : p.values)
        b += T(0.01); // non-zero biases
    hw::splitmix64 rng{8};
    std::array<T, Net::inputs> x{};
    std::array<T, Net::outputs> y{};
    for (auto& v : x)
        v = T(2 * rng.uniform() - 1);
    for (auto& v : y)
        v = T(2 * rng.uniform() - 1);

    hw::workspace<Net, T> ws_scalar, ws_simd;
    hw::gradients<Net, T> g_scalar{}, g_simd{};
    const T l_scalar = hw::detail::accumulate_sample<hw::squared_error>(
        p, ws_scalar, x.data(), y.data(), g_scalar, T(1), true, hw::kernels::scalar{});
    const T l_simd = hw::detail::accumulate_sample<hw::squared_error>(
        p, ws_simd, x.data(), y.data(), g_simd, T(1), true, hw::kernels::simd{});

    INFO("sizes " << Net::sizes[0] << " ... " << Net::outputs << ", " << sizeof(T) * 8 << "-bit");
    CHECK(std::abs(double(l_scalar - l_simd)) <=
          tolerance<T> * std::max(1.0, double(std::abs(l_scalar))));
    const double a_scale = scale_of(ws_scalar.a), g_scale = scale_of(g_scalar.values);
    for (std::size_t i = 0; i < ws_scalar.a.size(); ++i)
        CHECK(std::abs(double(ws_scalar.a[i] - ws_simd.a[i])) <= tolerance<T> * a_scale);
    for (std::size_t i = 0; i < g_scalar.values.size(); ++i)
        CHECK(std::abs(double(g_scalar.values[i] - g_simd.values[i])) <= tolerance<T> * g_scale);
    // the input gradient is in ws.g[0..inputs)
    const double x_scale = std::max(
        1e-30,
        double(std::abs(*std::max_element(ws_scalar.g.begin(), ws_scalar.g.begin() + Net::inputs,
                                          [](T a, T b) { return std::abs(a) < std::abs(b); }))));
    for (std::size_t i = 0; i < Net::inputs; ++i)
        CHECK(std::abs(double(ws_scalar.g[i] - ws_simd.g[i])) <= tolerance<T> * x_scale);
}

template <auto Act>
using widths = hw::network<hw::input<5>, hw::dense<67, Act>, hw::dense<32, Act>, hw::dense<9, Act>,
                           hw::dense<3, Act>, hw::dense<1>>;

template <auto Act>
void both_precisions() {
    compare_kernels<widths<Act>, float>();
    compare_kernels<widths<Act>, double>();
}

} // namespace

TEST_CASE("simd kernel equals the scalar reference kernel", "[kernels]") {
    both_precisions<hw::identity>();
    both_precisions<hw::relu>();
    both_precisions<hw::leaky_relu<>>();
    both_precisions<hw::sigmoid>();
    both_precisions<hw::tanh>();
    both_precisions<hw::softplus>();
    both_precisions<hw::swish>();
    both_precisions<hw::gelu>();
    both_precisions<hw::elu<>>();
    compare_kernels<hw::network<hw::input<128>, hw::dense<128, hw::tanh>, hw::dense<128, hw::tanh>,
                                hw::dense<16>>,
                    float>();
    // One output: a dot product over contiguous weights, in batches and a scalar rest.
    using one_output =
        hw::network<hw::input<5>, hw::dense<37, hw::tanh>, hw::dense<1, hw::sigmoid>>;
    compare_kernels<one_output, float>();
    compare_kernels<one_output, double>();
    compare_kernels<hw::network<hw::input<3>, hw::dense<64>, hw::dense<1, hw::tanh, hw::no_bias>>,
                    float>();
}

TEST_CASE("the blocks' element-wise passes with the simd kernels equal the reference kernels",
          "[kernels]") {
    // 29 values: with 16 float lanes one batch each of 16, 8 and 4 lanes and a scalar; with 8
    // double lanes three batches, one of 4 lanes and a scalar. The residual's body ends in an
    // activation, whose derivative its backward pass applies in the same passes.
    using blocks =
        hw::network<hw::input<5>, hw::dense<29, hw::tanh>, hw::residual<hw::dense<29, hw::tanh>>,
                    hw::sum<hw::dense<29, hw::tanh>, hw::dense<29>>,
                    hw::product<hw::dense<29, hw::tanh>, hw::dense<29, hw::sigmoid>>, hw::dense<3>>;
    compare_kernels<blocks, float>();
    compare_kernels<blocks, double>();
}

TEST_CASE("forward uses the simd kernel for float and double, the scalar one otherwise",
          "[kernels]") {
    STATIC_REQUIRE(std::is_same_v<hw::kernels::default_kernel<float>, hw::kernels::simd>);
    STATIC_REQUIRE(std::is_same_v<hw::kernels::default_kernel<double>, hw::kernels::simd>);
    STATIC_REQUIRE(std::is_same_v<hw::kernels::default_kernel<long double>, hw::kernels::scalar>);
}

namespace {

/// The layers with state: their SIMD step (hw::step) against their reference kernel, over 40
/// steps from a non-zero state (NonZeroState; else from the start, where a convolution's ring
/// holds its next slot): outputs and the final state, within `tolerance` of the largest value.
/// The steps alternate the order of reading the larger weight products (state::reversed); a
/// second sequence of steps, begun in the other order, must give the same bits.
template <class Net, class T, bool NonZeroState = true>
void compare_recurrent_kernels() {
    hw::params<Net, T> p;
    hw::init::defaults(p, 23);
    hw::state<Net, T> fast, other_order, reference;
    for (std::size_t i = 0; NonZeroState && i < Net::state_count; ++i)
        fast.values[i] = reference.values[i] = T(0.1) * T(i % 7) - T(0.3);
    other_order.values = fast.values;
    other_order.reversed = true;
    hw::detail::forward_scratch<Net, T> ws;
    for (int t = 0; t < 40; ++t) {
        std::array<T, Net::inputs> x;
        for (std::size_t k = 0; k < Net::inputs; ++k)
            x[k] = T(0.05) * T((t * 7 + int(k) * 3) % 23) - T(0.5);
        const auto y = hw::step(p, x, fast);
        CHECK(hw::step(p, x, other_order) == y);
        const auto yr =
            hw::detail::forward_output(p, x, ws, reference.values.data(), hw::kernels::scalar{});
        const double y_scale = scale_of(yr);
        for (std::size_t o = 0; o < Net::outputs; ++o)
            CHECK(std::abs(double(y[o]) - double(yr[o])) <= tolerance<T> * y_scale);
    }
    CHECK(other_order.values == fast.values);
    const double state_scale = std::max(1.0, scale_of(reference.values));
    for (std::size_t i = 0; i < Net::state_count; ++i)
        CHECK(std::abs(double(fast.values[i]) - double(reference.values[i])) <=
              tolerance<T> * state_scale);
}

} // namespace

TEST_CASE("the LSTM's and GRU's simd step equals their reference kernel", "[kernels]") {
    // 5 units leave tails in every gate block (with 16 float lanes the GRU's 15 rows go to an
    // 8-lane and a 4-lane batch and three scalar sums; with 8 double lanes to 8, 4, 2 and 1);
    // 16 and 40 fill whole batches and blocks of 4 and 8 lanes, and with 16 lanes the GRU's
    // 40 units leave 8 rows to an 8-lane batch; 24 (LSTM) and 32 (GRU) give 96 gate rows, which
    // column_product takes as one block (of up to max_block_batches batches).
    using lstms = hw::network<hw::input<3>, hw::lstm<5>, hw::lstm<16>, hw::lstm<24>, hw::lstm<40>,
                              hw::dense<2>>;
    using grus =
        hw::network<hw::input<3>, hw::gru<5>, hw::gru<16>, hw::gru<32>, hw::gru<40>, hw::dense<2>>;
    compare_recurrent_kernels<lstms, float>();
    compare_recurrent_kernels<lstms, double>();
    compare_recurrent_kernels<grus, float>();
    compare_recurrent_kernels<grus, double>();
}

TEST_CASE("grouped and depthwise convolutions' simd step equals their reference kernel",
          "[kernels][conv1d]") {
    // 2 groups of 4 inputs and 8 outputs; 4 of 4 and 3 (rows past whole batches in every group;
    // swish keeps its pre-activations); depthwise, 12 channels (element-wise, with tails);
    // without history, 3 groups of 4 and 2.
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    using convs =
        hw::network<hw::input<8>, hw::conv1d<16, 3, 2, 2, hw::tanh>, hw::conv1d<12, 2, 1, 4, swish>,
                    hw::conv1d<12, 3, 1, 12>, hw::conv1d<6, 1, 1, 3, hw::tanh>, hw::dense<2>>;
    compare_recurrent_kernels<convs, float, false>();
    compare_recurrent_kernels<convs, double, false>();
}

TEST_CASE("one-group convolutions' simd step equals their reference kernel", "[kernels][conv1d]") {
    // A WaveNet's layers: kernel 3 with dilations, 16 channels (one AVX-512 float batch), 8 (half
    // a batch) and a 1×1 layer, whose products take what the layer before has just computed as
    // the compiler sees fit (from registers, where GCC sees it stored); 17 channels and kernel 2
    // leave rows past whole batches; swish keeps its pre-activations.
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    using convs = hw::network<hw::input<1>, hw::conv1d<16, 3, 1, 1, hw::tanh>,
                              hw::conv1d<16, 3, 4, 1, hw::tanh>, hw::conv1d<8, 3, 2, 1, hw::tanh>,
                              hw::conv1d<17, 2, 1, 1, swish>, hw::conv1d<8, 1, 1, 1>, hw::dense<2>>;
    compare_recurrent_kernels<convs, float, false>();
    compare_recurrent_kernels<convs, double, false>();
}

namespace {

/// One step back through a layer kind with state, bound to In inputs: its backward_simd against
/// its reference backward, from the same saved values (the reference forward's), δ of the output
/// and ∂L/∂ of the state after the step. Compared: the parameters' gradients (added to non-zero
/// ones), δ of the input and ∂L/∂ of the state before the step.
template <class Kind, std::size_t In, class T>
void compare_backward_through_time() {
    using L = typename Kind::template bound<In>;
    constexpr std::size_t P = hw::detail::parameter_count<L>, S = hw::detail::state_count<L>;
    hw::splitmix64 rng{31};
    const auto draw = [&] { return T(rng.uniform() - 0.5); };
    std::array<T, P> p, dp_ref, dp_simd;
    for (std::size_t i = 0; i < P; ++i) {
        p[i] = draw();
        dp_ref[i] = dp_simd[i] = draw();
    }
    std::array<T, In> x;
    std::array<T, L::outputs> y, delta;
    std::array<T, S> state, dstate_ref, dstate_simd;
    std::array<T, hw::detail::saved_count<L>> saved;
    for (auto& v : x)
        v = draw();
    for (auto& v : delta)
        v = draw();
    for (std::size_t i = 0; i < S; ++i) {
        state[i] = draw();
        dstate_ref[i] = dstate_simd[i] = draw();
    }
    if constexpr (requires { L::slot; })
        state[S - 1] = T(1); // a convolution's ring: its next slot
    L::forward(p.data(), x.data(), y.data(), saved.data(), state.data());
    std::array<T, In> dx_ref, dx_simd;
    L::backward(p.data(), dp_ref.data(), x.data(), y.data(), saved.data(), delta.data(),
                dx_ref.data(), dstate_ref.data());
    L::backward_simd(p.data(), dp_simd.data(), x.data(), y.data(), saved.data(), delta.data(),
                     dx_simd.data(), dstate_simd.data());
    INFO(sizeof(T) * 8 << "-bit, " << In << " inputs, " << L::outputs << " outputs");
    // Each scale once: computed inside the loops, they made the comparison quadratic in the
    // parameter count.
    const double dp_scale = scale_of(dp_ref), dx_scale = scale_of(dx_ref),
                 dstate_scale = scale_of(dstate_ref);
    for (std::size_t i = 0; i < P; ++i)
        CHECK(std::abs(double(dp_simd[i] - dp_ref[i])) <= tolerance<T> * dp_scale);
    for (std::size_t k = 0; k < In; ++k)
        CHECK(std::abs(double(dx_simd[k] - dx_ref[k])) <= tolerance<T> * dx_scale);
    for (std::size_t i = 0; i < S; ++i)
        CHECK(std::abs(double(dstate_simd[i] - dstate_ref[i])) <= tolerance<T> * dstate_scale);
}

template <class Kind, std::size_t In>
void backward_both_precisions() {
    compare_backward_through_time<Kind, In, float>();
    compare_backward_through_time<Kind, In, double>();
}

} // namespace

TEST_CASE("the recurrent and convolution layers' simd backward pass equals their reference one",
          "[kernels]") {
    // Widths that fill whole batches and that leave rows to every narrower batch and to scalars
    // (a GRU of 5 units: 15 gate rows; of 20: 60; an LSTM of 9: 36; 17 channels), and a gate
    // without an output form (swish), whose derivative reads the saved pre-activations.
    constexpr auto swish = hw::x * hw::sigmoid(hw::x);
    backward_both_precisions<hw::lstm<16>, 3>();
    backward_both_precisions<hw::lstm<9, swish>, 1>();
    backward_both_precisions<hw::lstm<40>, 40>();
    backward_both_precisions<hw::gru<5>, 2>();
    backward_both_precisions<hw::gru<20, swish>, 7>();
    backward_both_precisions<hw::gru<64>, 1>();
    backward_both_precisions<hw::rnn<5>, 2>();
    backward_both_precisions<hw::rnn<20, swish>, 7>();
    backward_both_precisions<hw::rnn<64, hw::relu>, 1>();
    backward_both_precisions<hw::conv1d<17, 3, 2, 1, hw::tanh>, 5>();
    backward_both_precisions<hw::conv1d<16, 2, 4>, 16>();
    // Grouped: 2 groups of 4 inputs and 8 outputs; 4 of 5 and 3; depthwise, 19 channels.
    backward_both_precisions<hw::conv1d<16, 3, 2, 2, hw::tanh>, 8>();
    backward_both_precisions<hw::conv1d<12, 2, 2, 4, swish>, 20>();
    backward_both_precisions<hw::conv1d<19, 3, 4, 19, hw::tanh>, 19>();
}

TEST_CASE("the recurrent steps read weights beyond L1 in parts, in either order, to the same bits",
          "[kernels]") {
    // An LSTM of 48 units on 3 inputs has 51 columns of 192 gate rows (39 KB of floats), a GRU
    // of 64 units 64 hidden columns of 192 rows (48 KB): three parts each, in float and in
    // double. An LSTM of 96 units (149 KB), or of 64 on 64 inputs (131 KB), is beyond three
    // times HARDWIRED_L1D_BYTES: one part.
    using namespace hw::kernels::detail;
    STATIC_REQUIRE(product_parts<float, 51, 192> == 3);
    STATIC_REQUIRE(product_parts<double, 51, 192> == 3);
    STATIC_REQUIRE(product_parts<float, 64, 192> == 3);
    STATIC_REQUIRE(product_parts<float, 97, 384> == 1);
    STATIC_REQUIRE(product_parts<float, 128, 256> == 1);
    STATIC_REQUIRE(product_parts<float, 65, 256> == 3);
    STATIC_REQUIRE(product_parts<float, 64, 256> == 3); // an LSTM of 64 units' W_hh: 64 KB
    STATIC_REQUIRE(product_parts<float, 40, 160> == 1);
    using lstm = hw::network<hw::input<3>, hw::lstm<48>, hw::dense<2>>;
    using gru = hw::network<hw::input<3>, hw::gru<64>, hw::dense<2>>;
    compare_recurrent_kernels<lstm, float>();
    compare_recurrent_kernels<lstm, double>();
    compare_recurrent_kernels<gru, float>();
    compare_recurrent_kernels<gru, double>();
}

namespace {

/// column_product<In, Rows> with its weights starting `phase` values past a 64-byte boundary,
/// against the sums in long double, within `tolerance` of Σ|W(r, k)·a[k]| for each row.
template <class T, std::size_t In, std::size_t Rows>
void compare_column_product(std::size_t phase) {
    alignas(64) std::array<T, In * Rows + 64 / sizeof(T)> storage{};
    T* w = storage.data() + phase;
    std::array<T, In> a;
    std::array<T, Rows> z;
    hw::splitmix64 rng{31};
    for (std::size_t i = 0; i < In * Rows; ++i)
        w[i] = T(2 * rng.uniform() - 1);
    for (auto& v : a)
        v = T(2 * rng.uniform() - 1);
    for (auto& v : z)
        v = T(2 * rng.uniform() - 1);
    std::array<long double, Rows> expected, magnitude;
    for (std::size_t r = 0; r < Rows; ++r) {
        expected[r] = z[r];
        magnitude[r] = std::abs(z[r]);
        for (std::size_t k = 0; k < In; ++k) {
            expected[r] += (long double)w[k * Rows + r] * a[k];
            magnitude[r] += std::abs((long double)w[k * Rows + r] * a[k]);
        }
    }
    hw::kernels::detail::column_product<In, Rows>(w, a.data(), z.data(), false);
    INFO(sizeof(T) * 8 << "-bit, " << In << " columns of " << Rows << " rows, phase " << phase);
    for (std::size_t r = 0; r < Rows; ++r) {
        INFO("row " << r);
        CHECK(std::abs(double(z[r] - expected[r])) <= tolerance<T> * double(magnitude[r]));
    }
}

/// compare_column_product at the phases 0, half a batch and one value (where the halves kernel
/// does not serve), for In = 1, 4 and 5 columns (an odd count leaves a last column alone).
template <class T, std::size_t Rows>
void compare_column_products() {
    for (std::size_t phase : {std::size_t{0}, hw::kernels::detail::lanes<T> / 2, std::size_t{1}}) {
        compare_column_product<T, 1, Rows>(phase);
        compare_column_product<T, 4, Rows>(phase);
        compare_column_product<T, 5, Rows>(phase);
    }
}

} // namespace

TEST_CASE("gate products whose columns start half a batch apart equal the plain sums",
          "[kernels]") {
    // With 64-byte batches (16 floats, 8 doubles), 40 and 120 float rows and 20 and 60 double
    // rows are odd multiples of half a batch: every other column starts half a batch past a
    // boundary (column_rows_halves). 128 and 64 rows are whole batches; 24 float rows too few.
#if defined(__AVX512F__)
    using hw::kernels::detail::halves_product;
    STATIC_REQUIRE(halves_product<float, 4, 40>);
    STATIC_REQUIRE(halves_product<float, 4, 120>);
    STATIC_REQUIRE(halves_product<double, 4, 20>);
    STATIC_REQUIRE(halves_product<double, 4, 60>);
    STATIC_REQUIRE(!halves_product<float, 1, 120>);
    STATIC_REQUIRE(!halves_product<float, 4, 24>);
    STATIC_REQUIRE(!halves_product<float, 4, 128>);
    STATIC_REQUIRE(!halves_product<float, 4, 36>);
#endif
    compare_column_products<float, 40>();
    compare_column_products<float, 120>();
    compare_column_products<float, 128>();
    compare_column_products<double, 20>();
    compare_column_products<double, 60>();
    compare_column_products<double, 64>();
}

TEST_CASE("gate products of many columns, of many batches of rows and beyond L1 equal the plain "
          "sums",
          "[kernels]") {
    // Where the weights fit in L1, column_rows keeps HARDWIRED_FMA_CHAINS_STEP chains: 33 columns
    // of 128 float rows (an LSTM of 32 units) or of 64 double rows split each batch's sum into
    // partial sums, and so do 17 columns of 48 rows. Up to max_block_batches batches of rows are
    // one block (256 and 384 float rows with 16 lanes, 24 batches at most on AVX-512); 400 float
    // and 200 double rows (25 batches of 64 bytes) take more than one block. 200 columns of 136
    // float rows (106 KB) exceed three times HARDWIRED_L1D_BYTES: one part, streamed with
    // HARDWIRED_FMA_CHAINS_STREAMED chains, its last 8 rows in a half batch.
    using namespace hw::kernels::detail;
    STATIC_REQUIRE(step_chains<float, 33, 128> == HARDWIRED_FMA_CHAINS_STEP);
    STATIC_REQUIRE(step_chains<float, 200, 136> == HARDWIRED_FMA_CHAINS_STREAMED);
    STATIC_REQUIRE(product_parts<float, 200, 136> == 1);
    for (std::size_t phase : {std::size_t{0}, std::size_t{1}}) {
        compare_column_product<float, 33, 128>(phase);
        compare_column_product<float, 17, 48>(phase);
        compare_column_product<float, 4, 256>(phase);
        compare_column_product<float, 4, 384>(phase);
        compare_column_product<float, 5, 400>(phase);
        compare_column_product<float, 200, 136>(phase);
        compare_column_product<double, 33, 64>(phase);
        compare_column_product<double, 4, 200>(phase);
    }
}

TEST_CASE("recurrent steps whose gate rows are an odd multiple of half a batch equal their "
          "reference kernel",
          "[kernels]") {
    // A GRU of 40 units first on 3 inputs: W_ih starts on a batch boundary, W_hh 120 floats
    // later, half a batch past one; the LSTM of 10 units (40 rows) after it and the GRU of 24
    // (72 rows) after that start half a batch past one. In double, the LSTM of 5 units has 20
    // rows, the GRUs of 12 and 20 units 36 and 60. A GRU of 56 units (168 rows, 37.6 KB of
    // floats) is read in three parts.
    using floats = hw::network<hw::input<3>, hw::gru<40>, hw::lstm<10>, hw::gru<24>, hw::dense<2>>;
    using doubles = hw::network<hw::input<3>, hw::lstm<5>, hw::gru<12>, hw::gru<20>, hw::dense<2>>;
    using parts = hw::network<hw::input<3>, hw::gru<56>, hw::dense<2>>;
    STATIC_REQUIRE(hw::kernels::detail::product_parts<float, 56, 168> == 3);
    compare_recurrent_kernels<floats, float>();
    compare_recurrent_kernels<floats, double>();
    compare_recurrent_kernels<doubles, double>();
    compare_recurrent_kernels<doubles, float>();
    compare_recurrent_kernels<parts, float>();
    compare_recurrent_kernels<parts, double>();
}
