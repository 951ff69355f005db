#pragma once
/// The layer concept: what a layer kind provides, and the one place that calls it.
///
/// A layer kind is a type S (such as `hw::dense<16, hw::tanh>`) with a nested template
/// `S::bound<In>`: the layer applied to In inputs per sample. The bound layer L declares
///
///   inputs, outputs          numbers per sample (outputs computed from In)
///   tensors                  its parameter tensors, a std::array of hw::tensor: name, shape in
///                            PyTorch's layout (a dense weight is [out, in]), strides into the
///                            layer's block of the flat parameter array, offset, and the role
///                            that says how it is initialised (optional: no parameters)
///   saved_count              values per sample its forward pass keeps for its backward pass
///                            (optional, 0), in the `saved` array the kernels get
///   chunk_scratch            values per sample of scratch its chunk backward kernel needs
///                            (optional, 0)
///   state_count              values of persistent state (optional, 0): what a recurrent layer
///                            carries from one time step to the next (hw::state holds it)
///   activation               optional: an element-wise tail out = f(z), with z kept as the first
///                            `outputs` values of `saved`. A layer with a tail gets δ = ∂L/∂z in
///                            its backward pass: the driver multiplies by f′, fused into the
///                            producer of δ where it can (the chunk kernel of the layer above).
///   inner_activation         optional: an activation the kernels apply themselves (not a
///                            tail), so that the layer is two PyTorch modules, as nn.Conv1d
///                            then nn.Tanh (hw::io::tensor_names)
///   draws_random             optional, true for a layer whose forward pass is random (dropout):
///                            its forward kernels take a hw::random_draws before the parameters
///   view_offset              optional, for a layer whose output is its inputs [view_offset,
///                            view_offset + outputs) unchanged and that keeps nothing (hw::slice):
///                            a block that places the output itself points at the inputs instead
///                            of running the forward kernels (its backward kernels still run)
///
/// and its kernels, on pointers to its own parameters p (and gradients dp), one sample's inputs
/// `in`, outputs `out` and saved values:
///
///   forward([r,] p, in, out, saved)                      reference kernel, any value type; r the
///                                                        random_draws of a draws_random layer
///   forward(p, in, out, saved, state)                    the same for a layer with state: reads
///                                                        the state before the step, leaves the
///                                                        state after it
///   backward(p, dp, in, out, saved, delta, delta_in)     reference kernel: δ of the output in
///                                                        (∂L/∂z with a tail), dp += ∂L/∂p,
///                                                        delta_in = ∂L/∂in unless null
///   backward(p, dp, in, out, saved, delta, delta_in,     the same for a layer with state:
///            dstate)                                     dstate holds ∂L/∂(state after the
///                                                        step) and is left holding ∂L/∂(state
///                                                        before it); what the step read from
///                                                        the state, it keeps in `saved`
///   forward_simd, backward_simd                          optional: one sample, float/double,
///                                                        same arguments; a layer with state's
///                                                        forward_simd also takes `reversed`,
///                                                        the hint that consecutive steps
///                                                        alternate (reference_mode), and
///                                                        std::bool_constant<training>: false
///                                                        where no backward pass reads `saved`
///                                                        (hw::step)
///   forward_chunk(p, in, out, saved, state, nv,          optional, a layer with state: one time
///                 training)                              step of independent sequences in SIMD
///   backward_chunk(p, dp, in, out, saved, delta,         lanes (hw::step_lanes, training in
///                  delta_in, scratch, dstate, nv, epi)   lanes), each state and ∂L/∂state value
///                                                        a row as the other values; dp always
///                                                        added to, δ_in through epi as below
///   forward_chunk(p, in, out, saved, nv, training)       optional: samples in SIMD lanes, each
///   backward_chunk(p, dp, in, out, saved, delta,         value a row of kernels::chunk_samples,
///                  delta_in, scratch, nv, overwrite,     nv sample vectors; dp written instead of
///                  epilogue)                             added to when `overwrite`; every stored
///                                                        δ_in vector v at element index `at`
///                                                        goes through epilogue(at, v)
///
/// A missing fast kernel falls back, per layer, to the reference kernel; a missing chunk kernel
/// to the one-sample kernels, one sample at a time, gathered from and scattered to the rows (the
/// SIMD ones where the layer has them, else the reference ones). Blocks (graph/) are layers too:
/// they implement the mode-generic `run_forward` and `run_backward` of their children instead.

#include "../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "../config.hpp"
#include "../sym/output_form.hpp"
#include "random.hpp"
#include "tensor.hpp"

namespace hardwired {

namespace kernels {
/// Kernel tags: `scalar` is the reference path; `simd` the xsimd path (float and double).
struct scalar {};
struct simd {};

template <class T>
using default_kernel =
    std::conditional_t<std::is_same_v<T, float> || std::is_same_v<T, double>, simd, scalar>;

/// f(at) for every sample vector of `rows` rows of a chunk, `at` the offset of its first value:
/// nv vectors of xsimd::batch<T> per row of chunk_samples. The loop of element-wise chunk kernels.
template <class T, class F>
HARDWIRED_ALWAYS_INLINE void for_each_chunk_vector(std::size_t rows, std::size_t nv, F&& f) {
    for (std::size_t r = 0; r < rows; ++r) {
        HARDWIRED_SAMPLE_VECTOR_LOOP
        for (std::size_t v = 0; v < nv; ++v)
            f(r * chunk_samples + v * xsimd::batch<T>::size);
    }
}

namespace detail {
template <class T>
using batch = xsimd::batch<T>;
template <class T>
inline constexpr std::size_t lanes = batch<T>::size;
} // namespace detail
} // namespace kernels

/// A layer kind: a type with a nested `bound<In>`, the layer on In inputs.
template <class S>
concept layer = requires {
    typename S::template bound<1>;
};

namespace detail {

/// The layer S on In inputs.
template <class S, std::size_t In>
using bind = typename S::template bound<In>;

template <class L>
constexpr auto tensors_of() {
    if constexpr (requires { L::tensors; })
        return L::tensors;
    else
        return std::array<tensor, 0>{};
}

/// Number of parameters of a bound layer (or block).
template <class L>
inline constexpr std::size_t parameter_count = [] {
    if constexpr (requires { L::parameter_count; })
        return std::size_t{L::parameter_count};
    else {
        std::size_t n = 0;
        for (tensor const& t : tensors_of<L>())
            n += t.size();
        return n;
    }
}();

template <class L>
inline constexpr std::size_t saved_count = [] {
    if constexpr (requires { L::saved_count; })
        return std::size_t{L::saved_count};
    else
        return std::size_t{0};
}();

/// Scratch per sample of the backward pass: in chunks (`chunk`) or one sample at a time.
template <class L, bool Chunk>
inline constexpr std::size_t scratch_count = [] {
    if constexpr (requires { L::template scratch<Chunk>; })
        return std::size_t{L::template scratch<Chunk>};
    else if constexpr (Chunk && requires { L::chunk_scratch; })
        return std::size_t{L::chunk_scratch};
    else
        return std::size_t{0};
}();

template <class L>
inline constexpr std::size_t state_count = [] {
    if constexpr (requires { L::state_count; })
        return std::size_t{L::state_count};
    else
        return std::size_t{0};
}();

template <class L>
inline constexpr bool has_tail = requires {
    L::activation;
};

/// Where the tail's z lies in the saved values (blocks whose last layer has a tail).
template <class L>
inline constexpr std::size_t tail_offset = [] {
    if constexpr (requires { L::tail_offset; })
        return std::size_t{L::tail_offset};
    else
        return std::size_t{0};
}();

template <class L>
inline constexpr bool is_block = requires {
    L::is_block;
};

/// A layer whose output is a range of its inputs (see view_offset above).
template <class L>
inline constexpr bool is_view = requires {
    L::view_offset;
};

/// f'(z) for an activation, from its output a = f(z) where f' can be written in the output alone
/// (σ' = a(1 − a), tanh' = 1 − a², relu' = [a > 0]): no exp is recomputed.
template <auto Act, class T>
constexpr T activation_derivative(T const& z, T const& a) {
    if constexpr (is_output_expressible(Act))
        return output_derivative(Act)(a);
    else
        return derivative(Act)(z);
}

/// The value at `p + at` as V: a number, or a SIMD vector of consecutive values.
template <class V, class T>
constexpr V load_as(T const* p, std::size_t at) {
    if constexpr (std::is_same_v<V, T>)
        return p[at];
    else
        return V::load_unaligned(p + at);
}

/// v into `p + at`: a number, or a SIMD vector of consecutive values.
template <class V, class T>
constexpr void store_as(T* p, std::size_t at, V const& v) {
    if constexpr (std::is_same_v<V, T>)
        p[at] = v;
    else
        v.store_unaligned(p + at);
}

/// Passes δ through unchanged.
struct no_epilogue {
    template <class V>
    inline V operator()(std::size_t, V v) const {
        return v;
    }
};

/// Multiplies δ of a layer's output by the derivative of its tail, read from its outputs `out`
/// or from its z (its saved values at the tail's offset), whichever f' needs.
template <auto Act, class T>
struct tail_epilogue {
    T const* out;
    T const* z;
    template <class V>
    inline V operator()(std::size_t at, V v) const {
        const V a = load_as<V>(is_output_expressible(Act) ? out : z, at);
        return v * activation_derivative<Act>(a, a);
    }
};

/// The epilogue that turns δ of L's output into the δ its backward pass takes.
template <class L, class T, std::size_t Width>
constexpr auto epilogue_for(T const* out, T const* saved) {
    if constexpr (has_tail<L>)
        return tail_epilogue<L::activation, T>{out, saved + tail_offset<L> * Width};
    else
        return no_epilogue{};
}

/// How the kernels run. One sample: with the reference kernels, or with the SIMD ones where a
/// layer has them. A chunk: `nv` vectors of samples in lanes (rows of kernels::chunk_samples);
/// `overwrite`: the parameter gradients are written rather than added to. `training`: a training
/// pass (dropout draws; a chunk keeps what the backward pass needs); `random`: the seed and the
/// stream position of the pass's first sample; `draw()` numbers the drawing layers of one pass.
struct pass_randomness {
    bool training = true;
    random_stream random{};
    mutable std::uint64_t drawing_layers = 0;
    constexpr random_draws draw() const {
        return random_draws::make(training, random.seed, drawing_layers++, random.position);
    }
};
struct reference_mode : pass_randomness {
    static constexpr std::size_t width = 1;
    static constexpr bool chunked = false;
    static constexpr std::size_t lanes() { return 1; }
    /// A step reads the parts of its larger weight products in reverse order
    /// (kernels::detail::column_product); consecutive steps alternate it. No result depends on it.
    bool reversed = false;
};
struct simd_mode : reference_mode {};
template <class T>
struct chunk_mode : pass_randomness {
    static constexpr std::size_t width = kernels::chunk_samples;
    static constexpr bool chunked = true;
    std::size_t nv = 0;
    bool overwrite = false;
    std::size_t lanes() const { return nv * xsimd::batch<T>::size; }
};

template <class L>
inline constexpr bool draws_random = [] {
    if constexpr (requires { L::draws_random; })
        return bool{L::draws_random};
    else
        return false;
}();

/// Applies the epilogue to `rows` rows of δ in place.
template <class T, class Mode, class Epi>
HARDWIRED_ALWAYS_INLINE void apply_epilogue(Mode const& m, T* delta, std::size_t rows,
                                            Epi const& epi) {
    if constexpr (!std::is_same_v<Epi, no_epilogue>) {
        if constexpr (Mode::chunked) {
            using B = xsimd::batch<T>;
            for (std::size_t r = 0; r < rows; ++r) {
                HARDWIRED_SAMPLE_VECTOR_LOOP
                for (std::size_t v = 0; v < m.nv; ++v) {
                    const std::size_t at = r * Mode::width + v * B::size;
                    epi(at, B::load_aligned(delta + at)).store_aligned(delta + at);
                }
            }
        } else {
            for (std::size_t r = 0; r < rows; ++r)
                delta[r] = epi(r, delta[r]);
        }
    }
}

// Sample s of `count` rows at `rows` into one sample's values, and back.
template <class T, std::size_t Count>
void gather(T const* rows, std::size_t s, std::array<T, Count>& one) {
    for (std::size_t i = 0; i < Count; ++i)
        one[i] = rows[i * kernels::chunk_samples + s];
}
template <class T, std::size_t Count>
void scatter(std::array<T, Count> const& one, std::size_t s, T* rows) {
    for (std::size_t i = 0; i < Count; ++i)
        rows[i * kernels::chunk_samples + s] = one[i];
}

// L's forward kernel for the mode, given its random draws `r` if it draws (r is empty otherwise).
// Plain inline, as run_forward: forced, g++ -march=znver3 made one-sample forward passes slower.
template <class L, class Mode, class T, class... R>
inline void forward_kernel(Mode const& m, T const* p, T const* in, T* out, T* saved,
                           R const&... r) {
    if constexpr (Mode::chunked) {
        if constexpr (requires { L::forward_chunk(r..., p, in, out, saved, m.nv, m.training); })
            L::forward_chunk(r..., p, in, out, saved, m.nv, m.training);
        else {
            std::array<T, L::inputs> x;
            std::array<T, L::outputs> y;
            std::array<T, saved_count<L>> sv;
            for (std::size_t s = 0; s < m.lanes(); ++s) {
                gather(in, s, x);
                if constexpr (requires {
                                  L::forward_simd(r.lane(s)..., p, x.data(), y.data(), sv.data());
                              })
                    L::forward_simd(r.lane(s)..., p, x.data(), y.data(), sv.data());
                else
                    L::forward(r.lane(s)..., p, x.data(), y.data(), sv.data());
                scatter(y, s, out);
                scatter(sv, s, saved);
            }
        }
    } else if constexpr (std::is_same_v<Mode, simd_mode> &&
                         requires { L::forward_simd(r..., p, in, out, saved); })
        L::forward_simd(r..., p, in, out, saved);
    else
        L::forward(r..., p, in, out, saved);
}

/// Runs L's forward pass in mode m: a block's own, else the layer's fastest kernel for the mode,
/// falling back to the reference kernel; a drawing layer gets the next draws of the pass.
/// `state` is the layer's persistent state (null when the network has none).
template <class L, class Mode, class T>
inline void run_forward(Mode const& m, T const* p, T const* in, T* out, T* saved, T* state) {
    if constexpr (is_block<L>)
        L::run_forward(m, p, in, out, saved, state);
    else if constexpr (state_count<L> > 0) {
        if constexpr (Mode::chunked) {
            // Independent sequences in lanes (hw::step_lanes): each state value a row.
            if constexpr (requires {
                              L::forward_chunk(p, in, out, saved, state, m.nv, m.training);
                          })
                L::forward_chunk(p, in, out, saved, state, m.nv, m.training);
            else {
                std::array<T, L::inputs> x;
                std::array<T, L::outputs> y;
                std::array<T, saved_count<L>> sv;
                std::array<T, state_count<L>> st;
                for (std::size_t s = 0; s < m.lanes(); ++s) {
                    gather(in, s, x);
                    gather(state, s, st);
                    if constexpr (requires {
                                      L::forward_simd(p, x.data(), y.data(), sv.data(), st.data(),
                                                      false, std::true_type{});
                                  }) {
                        if (m.training)
                            L::forward_simd(p, x.data(), y.data(), sv.data(), st.data(), false,
                                            std::true_type{});
                        else
                            L::forward_simd(p, x.data(), y.data(), sv.data(), st.data(), false,
                                            std::false_type{});
                    } else
                        L::forward(p, x.data(), y.data(), sv.data(), st.data());
                    scatter(y, s, out);
                    scatter(sv, s, saved);
                    scatter(st, s, state);
                }
            }
        } else if constexpr (std::is_same_v<Mode, simd_mode> && requires {
                                 L::forward_simd(p, in, out, saved, state, m.reversed,
                                                 std::true_type{});
                             }) {
            if (m.training)
                L::forward_simd(p, in, out, saved, state, m.reversed, std::true_type{});
            else
                L::forward_simd(p, in, out, saved, state, m.reversed, std::false_type{});
        } else
            L::forward(p, in, out, saved, state);
    } else if constexpr (draws_random<L>)
        forward_kernel<L>(m, p, in, out, saved, m.draw());
    else
        forward_kernel<L>(m, p, in, out, saved);
}

// L's one-sample backward kernel for the mode: backward_simd in simd_mode where L has one, else
// the reference backward; `dstate` is ∂L/∂ of the state for a layer with state, absent otherwise.
template <class L, class Mode, class T, class... State>
HARDWIRED_ALWAYS_INLINE void backward_kernel(T const* p, T* dp, T const* in, T const* out,
                                             T const* saved, T const* delta, T* delta_in,
                                             State... dstate) {
    if constexpr (std::is_same_v<Mode, simd_mode> &&
                  requires { L::backward_simd(p, dp, in, out, saved, delta, delta_in, dstate...); })
        L::backward_simd(p, dp, in, out, saved, delta, delta_in, dstate...);
    else
        L::backward(p, dp, in, out, saved, delta, delta_in, dstate...);
}

/// A chunk's backward pass through L's one-sample kernel (backward_simd where L has one), one
/// sample at a time, gathered from and scattered to the rows, ∂L/∂state's too for a layer with
/// state: the fallback of a layer without a chunk kernel.
template <class L, class T, class Epi>
void backward_lane_by_lane(chunk_mode<T> const& m, T const* p, T* dp, T const* in, T const* out,
                           T const* saved, T const* delta, T* delta_in, Epi const& epi, T* dstate) {
    if (m.overwrite)
        for (std::size_t i = 0; i < parameter_count<L>; ++i)
            dp[i] = T(0);
    std::array<T, L::inputs> x, dx;
    std::array<T, L::outputs> y, d;
    std::array<T, saved_count<L>> sv;
    std::array<T, state_count<L>> ds;
    for (std::size_t s = 0; s < m.lanes(); ++s) {
        gather(in, s, x);
        gather(out, s, y);
        gather(saved, s, sv);
        gather(delta, s, d);
        T* const dx_or_null = delta_in ? dx.data() : nullptr;
        if constexpr (state_count<L> != 0) {
            gather(dstate, s, ds);
            backward_kernel<L, simd_mode>(p, dp, x.data(), y.data(), sv.data(), d.data(),
                                          dx_or_null, ds.data());
            scatter(ds, s, dstate);
        } else
            backward_kernel<L, simd_mode>(p, dp, x.data(), y.data(), sv.data(), d.data(),
                                          dx_or_null);
        if (delta_in)
            scatter(dx, s, delta_in);
    }
    if (delta_in)
        apply_epilogue(m, delta_in, L::inputs, epi);
}

/// Runs L's backward pass in mode m (see the concept above); `epi` is applied to δ_in. `dstate`:
/// ∂L/∂ of the layer's state after the step in, ∂L/∂ of its state before the step out (null
/// when the network has no state).
template <class L, class Mode, class T, class Epi>
HARDWIRED_ALWAYS_INLINE void run_backward(Mode const& m, T const* p, T* dp, T const* in,
                                          T const* out, T const* saved, T const* delta, T* delta_in,
                                          T* scratch, Epi const& epi, T* dstate) {
    if constexpr (is_block<L>)
        L::run_backward(m, p, dp, in, out, saved, delta, delta_in, scratch, epi, dstate);
    else if constexpr (!Mode::chunked) {
        // One sample; a layer with state through time, one sequence at a time
        // (hw::sequence_gradient).
        if constexpr (state_count<L> != 0)
            backward_kernel<L, Mode>(p, dp, in, out, saved, delta, delta_in, dstate);
        else
            backward_kernel<L, Mode>(p, dp, in, out, saved, delta, delta_in);
        if (delta_in)
            apply_epilogue(m, delta_in, L::inputs, epi);
    } else if constexpr (state_count<L> != 0) {
        // Independent sequences in lanes through time: ∂L/∂state a row per value, added to dp.
        if constexpr (requires {
                          L::backward_chunk(p, dp, in, out, saved, delta, delta_in, scratch, dstate,
                                            m.nv, epi);
                      })
            L::backward_chunk(p, dp, in, out, saved, delta, delta_in, scratch, dstate, m.nv, epi);
        else
            backward_lane_by_lane<L>(m, p, dp, in, out, saved, delta, delta_in, epi, dstate);
    } else if constexpr (requires {
                             L::backward_chunk(p, dp, in, out, saved, delta, delta_in, scratch,
                                               m.nv, m.overwrite, epi);
                         })
        L::backward_chunk(p, dp, in, out, saved, delta, delta_in, scratch, m.nv, m.overwrite, epi);
    else
        backward_lane_by_lane<L>(m, p, dp, in, out, saved, delta, delta_in, epi, dstate);
}

} // namespace detail
} // namespace hardwired
