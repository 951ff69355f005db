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
#include "loss.hpp"
#include "params.hpp"

namespace hardwired {

/// One chunk's values (the layout of detail::sample_layout, each value a row of
/// `kernels::chunk_samples`), back-propagated signals and scratch, and targets. Not initialised:
/// every value is written before it is read.
template <class Net, class T = float>
struct batch_workspace {
    static constexpr std::size_t chunk = kernels::chunk_samples;
    using layout = detail::sample_layout<typename Net::root>;
    static_assert(
        [] {
            if constexpr (std::is_same_v<kernels::default_kernel<T>, kernels::simd>)
                return chunk % (kernels::detail::block_vectors * xsimd::batch<T>::size) == 0;
            else
                return true; // other types (long double, duals) run one sample at a time
        }(),
        HARDWIRED_MSG_CHUNK_SAMPLES);

    alignas(64) std::array<T, layout::values * chunk> a; // row i: value i of every sample
    alignas(64) std::array<T, layout::template deltas<true> * chunk> g;
    alignas(64) std::array<T, Net::outputs * chunk> y;
    /// The random numbers of drawing layers (hw::dropout): each training chunk takes the next
    /// samples'. hw::fit seeds it from its options' seed.
    alignas(64) random_stream random{};
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

/// Forward on the chunk in ws (input rows loaded) of n samples, in nv sample vectors. With
/// `training`, keeps the values the backward pass needs and takes the next n samples of the
/// workspace's random stream. `state`: one time step of independent sequences in the lanes, each
/// state value a row (hw::step_lanes); null for a network without state. Inlined into its two
/// callers, as the forward pass was before the layer drivers.
template <class Net, class T>
HARDWIRED_ALWAYS_INLINE void forward_chunk(params<Net, T> const& p, batch_workspace<Net, T>& ws,
                                           std::size_t n, std::size_t nv, bool training,
                                           T* state = nullptr) {
    using lay = typename batch_workspace<Net, T>::layout;
    constexpr std::size_t C = kernels::chunk_samples;
    chunk_mode<T> m{};
    m.training = training;
    m.nv = nv;
    if (training) {
        m.random = ws.random;
        ws.random.position += n;
    }
    run_forward<typename Net::root>(m, p.values.data(), ws.a.data() + lay::in * C,
                                    ws.a.data() + lay::out * C, ws.a.data() + lay::saved * C,
                                    state);
}

/// The loss of a chunk's n samples in nv sample vectors, given their outputs `yhat` (with the
/// root's saved values `saved`, for its tail) and targets `y` (rows of the chunk): δ of the
/// output (each sample's loss gradient times `scale`, through the root's tail, zero on the
/// padding) into `g`; returns the sum over the samples of each sample's loss (sample_loss).
template <auto Loss, class Net, class T>
HARDWIRED_ALWAYS_INLINE T chunk_loss(T const* yhat, T const* saved, T const* y, T* g, std::size_t n,
                                     std::size_t nv, T scale) {
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size, C = kernels::chunk_samples, O = Net::outputs;
    const auto tail = epilogue_for<typename Net::root, T, C>(yhat, saved);
    alignas(64) std::array<T, L> lane;
    for (std::size_t i = 0; i < L; ++i)
        lane[i] = T(i);
    const B lanes = B::load_aligned(lane.data());
    B losses(T(0));
    HARDWIRED_SAMPLE_VECTOR_LOOP
    for (std::size_t v = 0; v < nv; ++v) {
        const bool padded = (v + 1) * L > n;
        const auto only_valid = [&](B x) { // zero in the lanes past the n samples
            return xsimd::select(lanes < B(T(n) - T(v * L)), x, B(T(0)));
        };
        B l = sample_loss<Loss, O>(
            [&](std::size_t o) { return B::load_aligned(yhat + o * C + v * L); },
            [&](std::size_t o) { return B::load_aligned(y + o * C + v * L); }, B(scale),
            [&](std::size_t o, B d) {
                const std::size_t at = o * C + v * L;
                d = tail(at, d);
                if (padded)
                    d = only_valid(d);
                d.store_aligned(g + at);
            });
        if (padded)
            l = only_valid(l);
        losses += l;
    }
    return xsimd::hadd(losses);
}

/// Forward, loss and backward for the n ≤ chunk samples (input_at(s) pointers; target_at(s)
/// pointers or class indices); each sample's loss gradient is multiplied by `scale`. Adds the
/// gradients to `grads`, or writes them there when `overwrite`; returns the sum over the samples
/// of each sample's loss (detail::sample_loss).
template <auto Loss, class Net, class T, class InputAt, class TargetAt>
HARDWIRED_ALWAYS_INLINE T accumulate_chunk(params<Net, T> const& p, batch_workspace<Net, T>& ws,
                                           InputAt const& input_at, TargetAt const& target_at,
                                           std::size_t n, params<Net, T>& grads, T scale,
                                           bool overwrite) {
    using lay = typename batch_workspace<Net, T>::layout;
    constexpr std::size_t C = kernels::chunk_samples;
    const std::size_t nv = chunk_vectors<T>(n);
    T const* in = ws.a.data() + lay::in * C;
    T const* yhat = ws.a.data() + lay::out * C;
    T const* saved = ws.a.data() + lay::saved * C;
    load_transposed<Net::inputs>(ws.a.data() + lay::in * C, input_at, n);
    load_transposed<Net::outputs>(ws.y.data(), target_at, n);
    forward_chunk(p, ws, n, nv, true);
    T* g = ws.g.data() + lay::delta_out * C;
    const T loss = chunk_loss<Loss, Net>(yhat, saved, ws.y.data(), g, n, nv, scale);

    // Backward through the root layer; the inputs' gradient is not needed.
    chunk_mode<T> m{};
    m.nv = nv;
    m.overwrite = overwrite;
    run_backward<typename Net::root>(
        m, p.values.data(), grads.values.data(), in, yhat, saved, g, static_cast<T*>(nullptr),
        ws.g.data() + lay::template scratch<true> * C, no_epilogue{}, static_cast<T*>(nullptr));
    return loss;
}

/// outputs_at(s)[o] = the network's output o for input_at(s), s < n ≤ chunk.
template <class Net, class T, class InputAt, class OutputAt>
HARDWIRED_ALWAYS_INLINE void
forward_chunk_samples(params<Net, T> const& p, batch_workspace<Net, T>& ws, InputAt const& input_at,
                      OutputAt const& output_at, std::size_t n, T* state = nullptr) {
    using lay = typename batch_workspace<Net, T>::layout;
    constexpr std::size_t C = kernels::chunk_samples;
    load_transposed<Net::inputs>(ws.a.data() + lay::in * C, input_at, n);
    forward_chunk(p, ws, n, chunk_vectors<T>(n), false, state);
    T const* out = ws.a.data() + lay::out * C;
    for (std::size_t s = 0; s < n; ++s) {
        T* y = output_at(s);
        for (std::size_t o = 0; o < Net::outputs; ++o)
            y[o] = out[o * C + s];
    }
}

} // namespace detail
} // namespace hardwired
