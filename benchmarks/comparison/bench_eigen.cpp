// Eigen 3.4 with fixed-size matrices and hand-written backprop: the strongest general-purpose
// baseline. Every layer size is a compile-time constant (Eigen::Matrix<float, Out, In>), W is
// stored in Eigen's default column-major order, and a batch is a matrix with one sample per
// column, so forward_batch and train_step are matrix products (GEMM). Batch matrices have a
// fixed maximum of `chunk` columns (inline storage, no heap); larger batches go through in
// chunks. Nothing is allocated after the constructor. Single-threaded: EIGEN_DONT_PARALLELIZE.
// Residual spans (net G) are compile-time too: the layer a skip ends at keeps f(z) for its
// derivative and f(z) + a[first] as its output, and in backward ∂L/∂(its output) is added to
// the gradient of the span's input.

#include "../eigen_dense.hpp"

#include <algorithm>
#include <tuple>
#include <type_traits>
#include <utility>

#include "bench_main.hpp"

namespace {

constexpr Eigen::Index chunk = 64; // samples per batch matrix

/// Rows × (up to `chunk`) samples, one per column; a single row must be declared row-major.
template <int Rows>
using batch_matrix = Eigen::Matrix<float, Rows, Eigen::Dynamic,
                                   Rows == 1 ? Eigen::RowMajor : Eigen::ColMajor, Rows, chunk>;

/// A dense layer Out × In with activation F, and its buffers.
template <int In, int Out, bench::act F>
struct dense {
    using row_major = Eigen::Matrix<float, Out, In, Eigen::RowMajor>; // bench::weights' layout
    Eigen::Matrix<float, Out, In> w, dw;
    Eigen::Matrix<float, Out, 1> b, db;
    Eigen::Matrix<float, Out, 1> a; // forward1's output
    batch_matrix<Out> A, D;         // a batch's outputs and δ = ∂L/∂z

    template <class Z>
    static auto f(const Eigen::ArrayBase<Z>& z) {
        if constexpr (F == bench::act::tanh)
            return z.tanh();
        else if constexpr (F == bench::act::sigmoid)
            return z.logistic();
        else
            return z.derived();
    }

    template <class X>
    void forward1(const Eigen::MatrixBase<X>& x) {
        a.noalias() = w * x;
        a = f((a + b).array()).matrix();
    }

    template <class X>
    void forward_batch(const Eigen::MatrixBase<X>& x) {
        A.noalias() = w * x;
        A = f((A.colwise() + b).array()).matrix();
    }

    /// D ⊙= f'(A), f' from the output value.
    void multiply_by_derivative() {
        if constexpr (F == bench::act::tanh)
            D.array() *= 1 - A.array().square();
        else if constexpr (F == bench::act::sigmoid)
            D.array() *= A.array() * (1 - A.array());
    }

    /// dW, db from D and the layer's input x: assigned for the first chunk, accumulated after.
    template <class X>
    void gradients(const Eigen::MatrixBase<X>& x, bool first) {
        if (first) {
            dw.noalias() = D * x.transpose();
            db = D.rowwise().sum();
        } else {
            dw.noalias() += D * x.transpose();
            db += D.rowwise().sum();
        }
    }

    void sgd(float lr) {
        w -= lr * dw;
        b -= lr * db;
    }

    // a batch's output (the next layer's input), and ∂L/∂ of it, which to_delta turns into D
    batch_matrix<Out>& out() { return A; }
    batch_matrix<Out>& out_gradient() { return D; }
    void to_delta() { multiply_by_derivative(); }
};

/// The last layer of a residual span: its output is f(z) + a[first], in `a` for forward1 (the
/// adapter adds the skip) and in R for a batch, A keeping f(z) for the derivative.
template <int In, int Out, bench::act F>
struct residual_dense : dense<In, Out, F> {
    batch_matrix<Out> R, G; // a batch's outputs f(z) + a[first], and ∂L/∂R

    batch_matrix<Out>& out() { return R; }
    batch_matrix<Out>& out_gradient() { return G; }
    void to_delta() {
        this->D = G;
        this->multiply_by_derivative();
    }
};

template <class S, std::size_t L, int In = S::sizes[L], int Out = S::sizes[L + 1]>
using layer_of =
    std::conditional_t<bench::skip_source<S>(L + 1) == bench::no_skip,
                       dense<In, Out, S::activation(L)>, residual_dense<In, Out, S::activation(L)>>;

template <class S, class = std::make_index_sequence<S::layers>>
struct layers_of;
template <class S, std::size_t... L>
struct layers_of<S, std::index_sequence<L...>> {
    using type = std::tuple<layer_of<S, L>...>;
};

template <class S>
struct eigen_adapter {
    static constexpr const char* library = "eigen";
    static constexpr int In = S::inputs, Out = S::outputs;
    static constexpr std::size_t last = S::layers - 1;

    typename layers_of<S>::type layers;

    using inputs = Eigen::Map<const Eigen::Matrix<float, In, Eigen::Dynamic>>;
    using targets = Eigen::Map<const Eigen::Matrix<float, Out, Eigen::Dynamic>>;
    using outputs = Eigen::Map<Eigen::Matrix<float, Out, Eigen::Dynamic>>;

    explicit eigen_adapter(bench::weights const& init) {
        for_each_layer([&]<std::size_t l>(auto& layer) {
            using L = std::remove_reference_t<decltype(layer)>;
            layer.w = Eigen::Map<const typename L::row_major>(init.w[l].data());
            layer.b = Eigen::Map<const decltype(layer.b)>(init.b[l].data());
        });
    }

    void forward1(const float* x, float* y) {
        forward1_from<0>(Eigen::Map<const Eigen::Matrix<float, In, 1>>(x));
        Eigen::Map<Eigen::Matrix<float, Out, 1>> out(y);
        out = std::get<last>(layers).a;
    }

    // Row-major n × In is column-major In × n: the samples map to columns without a copy.
    void forward_batch(const float* x, std::size_t n, float* y) {
        const inputs X(x, In, Eigen::Index(n));
        outputs Y(y, Out, Eigen::Index(n));
        for (Eigen::Index c = 0; c < X.cols(); c += chunk) {
            const Eigen::Index m = std::min(chunk, X.cols() - c);
            forward_batch_from<0>(X.middleCols(c, m));
            Y.middleCols(c, m) = std::get<last>(layers).out();
        }
    }

    void train_step(const float* x, const float* y, std::size_t n, float lr) {
        const inputs X(x, In, Eigen::Index(n));
        const targets T(y, Out, Eigen::Index(n));
        const float scale = 2.f / float(n * S::outputs); // d mean((ŷ - y)²) / dŷ = scale·(ŷ - y)
        for (Eigen::Index c = 0; c < X.cols(); c += chunk) {
            const Eigen::Index m = std::min(chunk, X.cols() - c);
            forward_batch_from<0>(X.middleCols(c, m));
            auto& top = std::get<last>(layers);
            top.out_gradient() = scale * (top.out() - T.middleCols(c, m));
            top.to_delta();
            backward_from<last>(X.middleCols(c, m), c == 0);
        }
        for_each_layer([&]<std::size_t>(auto& layer) { layer.sgd(lr); });
    }

    bench::weights get_weights() {
        bench::weights r;
        r.w.resize(S::layers);
        r.b.resize(S::layers);
        for_each_layer([&]<std::size_t l>(auto& layer) {
            using L = std::remove_reference_t<decltype(layer)>;
            r.w[l].resize(std::size_t(layer.w.size()));
            Eigen::Map<typename L::row_major>(r.w[l].data()) = layer.w;
            r.b[l].assign(layer.b.begin(), layer.b.end());
        });
        return r;
    }

private:
    template <class Fn>
    void for_each_layer(Fn fn) {
        [&]<std::size_t... L>(std::index_sequence<L...>) {
            (fn.template operator()<L>(std::get<L>(layers)), ...);
        }
        (std::make_index_sequence<S::layers>{});
    }

    static constexpr std::size_t skip_into(std::size_t l) { return bench::skip_source<S>(l + 1); }

    // a[i] for forward1, x0 being a[0]: the input of layer i
    template <std::size_t i, class X0>
    decltype(auto) input1(const X0& x0) {
        if constexpr (i == 0)
            return x0;
        else
            return (std::get<i - 1>(layers).a);
    }

    // a[i] for a batch, x0 being a[0]
    template <std::size_t i, class X0>
    decltype(auto) input(const X0& x0) {
        if constexpr (i == 0)
            return x0;
        else
            return std::get<i - 1>(layers).out();
    }

    template <std::size_t l, class X0>
    void forward1_from(const X0& x0) {
        auto& layer = std::get<l>(layers);
        layer.forward1(input1<l>(x0));
        if constexpr (skip_into(l) != bench::no_skip)
            layer.a += input1<skip_into(l)>(x0);
        if constexpr (l < last)
            forward1_from<l + 1>(x0);
    }

    template <std::size_t l, class X0>
    void forward_batch_from(const X0& x0) {
        auto& layer = std::get<l>(layers);
        layer.forward_batch(input<l>(x0));
        if constexpr (skip_into(l) != bench::no_skip)
            layer.R = layer.A + input<skip_into(l)>(x0);
        if constexpr (l < last)
            forward_batch_from<l + 1>(x0);
    }

    // Layer l's D is set; its gradients, then ∂L/∂a[l] = Wᵀ D plus ∂L/∂a[end] of every span
    // starting at a[l], and from it δ for the layer below.
    template <std::size_t l, class X0>
    void backward_from(const X0& x0, bool first) {
        auto& layer = std::get<l>(layers);
        layer.gradients(input<l>(x0), first);
        if constexpr (l > 0) {
            auto& below = std::get<l - 1>(layers);
            below.out_gradient().noalias() = layer.w.transpose() * layer.D;
            [&]<std::size_t... R>(std::index_sequence<R...>) {
                (
                    [&] {
                        constexpr bench::residual r = S::residuals[R];
                        if constexpr (r.first == l)
                            below.out_gradient() += std::get<r.end - 1>(layers).G;
                    }(),
                    ...);
            }
            (std::make_index_sequence<S::residuals.size()>{});
            below.to_delta();
            backward_from<l - 1>(x0, first);
        }
    }
};

} // namespace

template <class S>
inline constexpr bool bench::runs<eigen_adapter, S> = true; // residual spans too

BENCH_MAIN(eigen_adapter)
