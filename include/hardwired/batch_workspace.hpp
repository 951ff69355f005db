#pragma once
/// The batched path: a network's forward pass and gradients on chunks of
/// `kernels::chunk_samples` samples held with samples in SIMD lanes (kernels/chunk_simd.hpp).
/// `hw::forward_batch`, `hw::batch_gradient` and `hw::fit` use it for float and double; the
/// one-sample functions keep the outputs-in-lanes kernel.
///
/// `hw::batch_workspace<Net, T>` holds one chunk's values (`sizeof(hw::batch_workspace<Net, T>)`
/// bytes). The batch functions make one on the stack unless given one; `hw::fit` allocates one
/// before its first epoch.

#include "sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "diagnostics.hpp"
#include "kernels/chunk_simd.hpp"
#include "kernels/dense_simd.hpp"
#include "loss.hpp"
#include "params.hpp"

namespace hardwired {

/// One chunk's activations, pre-activations, back-propagated signals and targets, each row
/// `kernels::chunk_samples` long. Not initialised: every value is written before it is read.
template <class Net, class T = float>
struct batch_workspace {
    static constexpr std::size_t chunk = kernels::chunk_samples;
    static constexpr std::size_t widest = Net::widest;
    static_assert(
        [] {
            if constexpr (std::is_same_v<kernels::default_kernel<T>, kernels::simd>)
                return chunk % (kernels::detail::block_vectors * xsimd::batch<T>::size) == 0;
            else
                return true; // other types (long double, duals) run one sample at a time
        }(),
        HARDWIRED_MSG_CHUNK_SAMPLES);

    alignas(64) std::array<T, Net::activation_count * chunk> a; // row i: neuron i's values
    alignas(64) std::array<T, Net::activation_count * chunk> z;
    alignas(64) std::array<T, 2 * widest * chunk> g; // δ of two adjacent layers, alternating
    alignas(64) std::array<T, widest * chunk> t; // a layer's δ transposed (kernels/chunk_simd.hpp)
    alignas(64) std::array<T, Net::outputs * chunk> y;

    /// First row of layer l (l = 0: the input).
    static constexpr std::size_t row(std::size_t l) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < l; ++i)
            n += Net::sizes[i];
        return n * chunk;
    }
};

namespace detail {

/// Sample vectors covering n samples, rounded up to whole blocks of vectors.
template <class T>
constexpr std::size_t chunk_vectors(std::size_t n) {
    constexpr std::size_t block = kernels::detail::block_vectors * xsimd::batch<T>::size;
    return (n + block - 1) / block * kernels::detail::block_vectors;
}

/// Writes sample `sample_at(s)`, s < n, transposed into `rows` (N rows), and zeros for the
/// padding up to whole vectors. A sample is a pointer to N values or a class index (one-hot).
template <std::size_t N, class T, class At>
void load_transposed(T* rows, At const& sample_at, std::size_t n) {
    const std::size_t padded = chunk_vectors<T>(n) * xsimd::batch<T>::size;
    for (std::size_t s = 0; s < n; ++s) {
        const auto x = sample_at(s);
        for (std::size_t k = 0; k < N; ++k)
            rows[k * kernels::chunk_samples + s] = target_element<T>(x, k);
    }
    for (std::size_t k = 0; k < N; ++k)
        for (std::size_t s = n; s < padded; ++s)
            rows[k * kernels::chunk_samples + s] = T(0);
}

/// Forward on the chunk in ws (input rows loaded), nv sample vectors. With `training`, keeps the
/// pre-activations the backward pass needs.
template <class Net, class T>
void forward_chunk(params<Net, T> const& p, batch_workspace<Net, T>& ws, std::size_t nv,
                   bool training) {
    using W = batch_workspace<Net, T>;
    kernels::detail::static_for<Net::depth>([&](auto l) {
        constexpr auto act = Net::template layer<l>::activation;
        kernels::dense_forward_chunk<act>(p.template layer<l>(), ws.a.data() + W::row(l),
                                          ws.z.data() + W::row(l + 1), ws.a.data() + W::row(l + 1),
                                          nv, training && !is_output_expressible(act));
    });
}

/// Forward, loss and backward for the n ≤ chunk samples (input_at(s) pointers; target_at(s)
/// pointers or class indices); each sample's loss gradient is multiplied by `scale`. Adds the
/// gradients to `grads`, or writes them there when `overwrite`; returns the sum over the samples
/// of each sample's loss (detail::sample_loss).
template <auto Loss, class Net, class T, class InputAt, class TargetAt>
T accumulate_chunk(params<Net, T> const& p, batch_workspace<Net, T>& ws, InputAt const& input_at,
                   TargetAt const& target_at, std::size_t n, params<Net, T>& grads, T scale,
                   bool overwrite) {
    using B = xsimd::batch<T>;
    using W = batch_workspace<Net, T>;
    constexpr std::size_t L = B::size, C = W::chunk, O = Net::outputs;
    const std::size_t nv = chunk_vectors<T>(n);
    load_transposed<Net::inputs>(ws.a.data(), input_at, n);
    load_transposed<O>(ws.y.data(), target_at, n);
    forward_chunk(p, ws, nv, true);

    // The output layer's δ = ∂L/∂ŷ ⊙ f'(z) into the first g buffer, zero on the padding.
    constexpr auto out_act = Net::template layer<Net::depth - 1>::activation;
    T const* z_out = ws.z.data() + W::row(Net::depth);
    alignas(64) std::array<T, L> lane;
    for (std::size_t i = 0; i < L; ++i)
        lane[i] = T(i);
    const B lanes = B::load_aligned(lane.data());
    T const* yhat = ws.a.data() + W::row(Net::depth);
    T* g = ws.g.data();
    B losses(T(0));
    for (std::size_t v = 0; v < nv; ++v) {
        const bool padded = (v + 1) * L > n;
        const auto only_valid = [&](B x) { // zero in the lanes past the n samples
            return xsimd::select(lanes < B(T(n) - T(v * L)), x, B(T(0)));
        };
        B l = sample_loss<Loss, O>(
            [&](std::size_t o) { return B::load_aligned(yhat + o * C + v * L); },
            [&](std::size_t o) { return B::load_aligned(ws.y.data() + o * C + v * L); }, B(scale),
            [&](std::size_t o, B d) {
                const std::size_t at = o * C + v * L;
                d = kernels::detail::times_derivative<out_act>(d, yhat, z_out, at);
                if (padded)
                    d = only_valid(d);
                d.store_aligned(g + at);
            });
        if (padded)
            l = only_valid(l);
        losses += l;
    }

    // Backward, layer by layer, through two alternating δ buffers; each layer's pass leaves the
    // δ of the layer below (none for the first layer: the inputs' gradient is not needed).
    kernels::detail::static_for<Net::depth>([&](auto r) {
        constexpr std::size_t l = Net::depth - 1 - r;
        constexpr auto below = Net::template layer<(l > 0 ? l - 1 : 0)>::activation;
        T* delta = ws.g.data() + (r % 2) * W::widest * C;
        T* delta_in = l > 0 ? ws.g.data() + ((r + 1) % 2) * W::widest * C : nullptr;
        kernels::dense_backward_chunk<below>(p.template layer<l>(), grads.template layer<l>(),
                                             ws.a.data() + W::row(l), ws.z.data() + W::row(l),
                                             delta, delta_in, ws.t.data(), nv, overwrite);
    });
    return xsimd::hadd(losses);
}

/// outputs_at(s)[o] = the network's output o for input_at(s), s < n ≤ chunk.
template <class Net, class T, class InputAt, class OutputAt>
void forward_chunk_samples(params<Net, T> const& p, batch_workspace<Net, T>& ws,
                           InputAt const& input_at, OutputAt const& output_at, std::size_t n) {
    using W = batch_workspace<Net, T>;
    load_transposed<Net::inputs>(ws.a.data(), input_at, n);
    forward_chunk(p, ws, chunk_vectors<T>(n), false);
    T const* out = ws.a.data() + W::row(Net::depth);
    for (std::size_t s = 0; s < n; ++s) {
        T* y = output_at(s);
        for (std::size_t o = 0; o < Net::outputs; ++o)
            y[o] = out[o * W::chunk + s];
    }
}

} // namespace detail
} // namespace hardwired
