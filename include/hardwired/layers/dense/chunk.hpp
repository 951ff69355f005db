#pragma once
// The dense layer's chunk kernels: samples in SIMD lanes (kernels/chunk_simd.hpp has the
// machinery and its layout). Forward: Z = W·A + b as a register-blocked product, then A' = f(Z)
// on whole vectors. Backward, given δ = ∂L/∂Z: the weight gradients with outputs in lanes from
// δ transposed in registers when the outputs fill whole vectors and the ISA has transpose_block
// (float on SSE2, AVX, AVX-512), else by products reduced with haddp; then δ_in = Wᵀδ by the
// same blocked product as forward, each vector passed through the driver's epilogue (the layer
// below's f′) before it is stored.

#include "../../sym/intrinsics.hpp" // before any intrinsics or xsimd header: see there

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "../../kernels/chunk_simd.hpp"
#include "scalar.hpp"

namespace hardwired::kernels {

/// Forward on a chunk of nv sample vectors: a_in holds In rows, z and a_out Out rows (each row
/// chunk_samples long). z is written only when `keep_z` (the backward pass needs it when f' is
/// not output-expressible).
template <auto Act, class T, std::size_t In, std::size_t Out, bool Bias>
inline void dense_forward_chunk(layer_view<const T, In, Out, Bias> w, T const* a_in, T* z, T* a_out,
                                std::size_t nv, bool keep_z) {
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size;
    // W(j, k) = data[k·Out + j]: row stride 1, reduction stride Out.
    const auto bias = [&](std::size_t j) { return w.bias(j); };
    // With 16 vector registers (SSE2, AVX2) and whole register blocks, f's constants held in
    // registers through the product's loop pushed accumulators out to the stack: then Z first
    // and f(Z) in a pass of its own. Narrow layers' blocks leave room; AVX-512 keeps the fused
    // store too (32 registers; the split is not measured there).
    constexpr bool fused =
        hardwired::detail::register_bytes<B> == 64 || Out < detail::block_rows<B>;
    if constexpr (fused) {
        detail::chunk_product<Out, In, 1, Out>(w.data, a_in, nv, bias,
                                               [&](std::size_t j, std::size_t v, B acc) {
                                                   const std::size_t at = j * chunk_samples + v * L;
                                                   if (keep_z)
                                                       acc.store_aligned(z + at);
                                                   Act(acc).store_aligned(a_out + at);
                                               });
    } else {
        T* const zs = keep_z ? z : a_out;
        detail::chunk_product<Out, In, 1, Out>(
            w.data, a_in, nv, bias, [&](std::size_t j, std::size_t v, B acc) {
                acc.store_aligned(zs + j * chunk_samples + v * L);
            });
        for (std::size_t j = 0; j < Out; ++j) {
            HARDWIRED_SAMPLE_VECTOR_LOOP
            for (std::size_t v = 0; v < nv; ++v) {
                const std::size_t at = j * chunk_samples + v * L;
                Act(B::load_aligned(zs + at)).store_aligned(a_out + at);
            }
        }
    }
}

/// Backward on a chunk: `delta` holds δ = ∂L/∂z (Out rows; zero on padding); the layer's gradients
/// are added to `dw`, or written there when `overwrite`. When delta_in is not null it receives
/// epilogue(at, Wᵀδ) (In rows): the driver's epilogue multiplies by the layer below's f′ before
/// the store, which saves that layer a pass that would load its rows and store them again.
template <class T, std::size_t In, std::size_t Out, bool Bias, class Epilogue>
inline void dense_backward_chunk(layer_view<const T, In, Out, Bias> w,
                                 layer_view<T, In, Out, Bias> dw, T const* a_in, T const* delta,
                                 T* delta_in, T* scratch, std::size_t nv, bool overwrite,
                                 Epilogue const& epilogue) {
    detail::chunk_weight_gradients<In, Out>(a_in, delta, scratch, nv, dw.data,
                                            Bias ? dw.data + In * Out : nullptr, overwrite);
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size;
    if (delta_in) {
        // δ_in[k] = epilogue(Σ_j W(j, k)·δ[j]): row k, reduction over j; W(j, k) = data[k·Out + j].
        detail::chunk_product<In, Out, Out, 1>(
            w.data, delta, nv, [](std::size_t) { return T(0); },
            [&](std::size_t k, std::size_t v, B acc) {
                const std::size_t at = k * chunk_samples + v * L;
                epilogue(at, acc).store_aligned(delta_in + at);
            });
    }
}

} // namespace hardwired::kernels
