// A hand-written fixed-size Eigen 3.4 LSTM and GRU in the style of audio libraries (RTNeural's
// Eigen backend): every size a compile-time constant, the gate rows of each side in one stacked
// matrix (column-major, Eigen's default) times an extended vector carrying the bias column —
// the LSTM's [x; h; 1] against [W_ih | W_hh | b_ih + b_hh] with the rows reordered i, f, o, g so
// that one sigmoid covers the first 3H; the GRU's input side [x; 1] and hidden side [h; 1]
// apart, as its n gate needs — and the gate math in Eigen array operations (sigmoid as
// 1/(1 + exp(−x)), tanh with .tanh()). Forward only. Single-threaded: EIGEN_DONT_PARALLELIZE.

#include "../eigen_dense.hpp"

#include <cstddef>

#include "bench_main.hpp"

namespace {

template <class X>
auto sigmoid(const Eigen::ArrayBase<X>& x) {
    return (1.f + (-x).exp()).inverse();
}

template <rnn::cell K, int H>
struct eigen_cell;

template <int H>
struct eigen_cell<rnn::cell::lstm, H> {
    Eigen::Matrix<float, 4 * H, H + 2> w; // [W_ih | W_hh | b_ih + b_hh], rows i, f, o, g
    Eigen::Matrix<float, H + 2, 1> ext;   // [x; h; 1]
    Eigen::Matrix<float, 4 * H, 1> z;     // the gates' pre-activations, then their values
    Eigen::Array<float, H, 1> c;          // the cell state

    explicit eigen_cell(rnn::weights const& p) {
        constexpr int from[4] = {0, 1, 3, 2}; // PyTorch's block of rows i, f, o, g
        for (int b = 0; b < 4; ++b)
            for (int j = 0; j < H; ++j) {
                const int r = from[b] * H + j;
                w(b * H + j, 0) = p.weight_ih[r];
                for (int k = 0; k < H; ++k)
                    w(b * H + j, 1 + k) = p.weight_hh[r * H + k];
                w(b * H + j, H + 1) = p.bias_ih[r] + p.bias_hh[r];
            }
        ext.setZero();
        ext(H + 1) = 1;
        c.setZero();
    }

    auto h() const { return ext.template segment<H>(1); }

    void step(float x) {
        ext(0) = x;
        z.noalias() = w * ext;
        z.template head<3 * H>() = sigmoid(z.template head<3 * H>().array()).matrix();
        z.template tail<H>() = z.template tail<H>().array().tanh().matrix();
        const auto i = z.template segment<H>(0).array(), f = z.template segment<H>(H).array(),
                   o = z.template segment<H>(2 * H).array(),
                   g = z.template segment<H>(3 * H).array();
        c = f * c + i * g;
        ext.template segment<H>(1) = (o * c.tanh()).matrix();
    }
};

template <int H>
struct eigen_cell<rnn::cell::gru, H> {
    Eigen::Matrix<float, 3 * H, 2> wi;     // [W_ih | b_ih], rows r, z, n
    Eigen::Matrix<float, 3 * H, H + 1> wh; // [W_hh | b_hh]
    Eigen::Matrix<float, 2, 1> xe;         // [x; 1]
    Eigen::Matrix<float, H + 1, 1> he;     // [h; 1]
    Eigen::Matrix<float, 3 * H, 1> zi, zh; // the input and the hidden side
    Eigen::Array<float, 2 * H, 1> rz;      // the gates r, z

    explicit eigen_cell(rnn::weights const& p) {
        for (int r = 0; r < 3 * H; ++r) {
            wi(r, 0) = p.weight_ih[r];
            wi(r, 1) = p.bias_ih[r];
            for (int k = 0; k < H; ++k)
                wh(r, k) = p.weight_hh[r * H + k];
            wh(r, H) = p.bias_hh[r];
        }
        xe << 0, 1;
        he.setZero();
        he(H) = 1;
    }

    auto h() const { return he.template head<H>(); }

    void step(float x) {
        xe(0) = x;
        zi.noalias() = wi * xe;
        zh.noalias() = wh * he;
        rz = sigmoid(zi.template head<2 * H>().array() + zh.template head<2 * H>().array());
        const auto r = rz.template head<H>(), z = rz.template tail<H>();
        const Eigen::Array<float, H, 1> n =
            (zi.template tail<H>().array() + r * zh.template tail<H>().array()).tanh();
        he.template head<H>() = ((1 - z) * n + z * he.template head<H>().array()).matrix();
    }
};

template <rnn::cell K, std::size_t H>
struct eigen_model {
    static constexpr const char* library = "eigen";
    eigen_cell<K, int(H)> cell;
    Eigen::Matrix<float, 1, int(H)> w_out; // the dense head
    float b_out;

    explicit eigen_model(rnn::weights const& w)
        : cell(w), w_out(Eigen::Map<const Eigen::Matrix<float, 1, int(H)>>(w.weight.data())),
          b_out(w.bias[0]) {}

    float step(float x) {
        cell.step(x);
        return w_out.dot(cell.h()) + b_out;
    }
};

} // namespace

int main(int argc, char** argv) {
    return rnn::main<eigen_model>(argc, argv);
}
