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
        for (std::size_t j = 0; j < Out; ++j)
            for (std::size_t v = 0; v < nv; ++v) {
                const std::size_t at = j * chunk_samples + v * L;
                Act(B::load_aligned(zs + at)).store_aligned(a_out + at);
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
    using B = xsimd::batch<T>;
    constexpr std::size_t L = B::size;
    // With outputs a multiple of the width and an in-register transpose, the weight gradients
    // take outputs in lanes (transposed_gradients); otherwise samples in lanes, reduced by haddp.
    constexpr bool transposed = Out % L == 0 && detail::has_transpose<B>;
    if constexpr (Bias && !transposed) // else the biases are sums of Δᵀ rows
        for (std::size_t j = 0; j < Out; ++j) {
            B sum(T(0));
            for (std::size_t v = 0; v < nv; ++v)
                sum += B::load_aligned(delta + j * chunk_samples + v * L);
            detail::add_to(xsimd::hadd(sum), &dw.b(j), overwrite);
        }

    if constexpr (transposed) {
        // Δᵀ into scratch (sample s's δ at s·Out), then the gradients from it.
        for (std::size_t j = 0; j < Out; j += L)
            for (std::size_t v = 0; v < nv; ++v)
                detail::transpose_block<B>(delta + j * chunk_samples + v * L, chunk_samples,
                                           scratch + v * L * Out + j, Out);
        detail::transposed_gradients<In, Out>(a_in, scratch, nv * L, dw.data,
                                              Bias ? dw.data + In * Out : nullptr, overwrite);
    } else {
        // dW in the flat order f = k·Out + j, L entries at a time: L sums of products over the
        // samples, reduced together by haddp. When Out is a multiple of L a group shares its input
        // row k, loaded once per sample vector.
        constexpr std::size_t count = In * Out;
        T* flat = dw.data;
        auto products = [&]<std::size_t N>(std::size_t f0, std::integral_constant<std::size_t, N>) {
            alignas(64) std::array<B, L> acc;
            acc.fill(B(T(0)));
            if constexpr (Out % L == 0) {
                T const* in = a_in + f0 / Out * chunk_samples;
                T const* d = delta + f0 % Out * chunk_samples;
                for (std::size_t v = 0; v < nv; ++v) {
                    const B x = B::load_aligned(in + v * L);
#pragma GCC unroll 16
                    for (std::size_t i = 0; i < L; ++i)
                        acc[i] = hardwired::detail::madd(
                            B::load_aligned(d + i * chunk_samples + v * L), x, acc[i]);
                }
            } else {
#pragma GCC unroll 16
                for (std::size_t i = 0; i < N; ++i) {
                    const std::size_t f = f0 + i;
                    T const* in = a_in + f / Out * chunk_samples;
                    T const* d = delta + f % Out * chunk_samples;
                    for (std::size_t v = 0; v < nv; ++v)
                        acc[i] = hardwired::detail::madd(B::load_aligned(d + v * L),
                                                         B::load_aligned(in + v * L), acc[i]);
                }
            }
            return detail::row_sums(acc);
        };
        constexpr std::size_t full = count / L * L;
        for (std::size_t f0 = 0; f0 < full; f0 += L)
            detail::add_to(products(f0, std::integral_constant<std::size_t, L>{}), flat + f0,
                           overwrite);
        if constexpr (full < count) {
            alignas(64) std::array<T, L> rest;
            products(full, std::integral_constant<std::size_t, count - full>{})
                .store_aligned(rest.data());
            if (overwrite) // a loop each, so that both vectorize (add_to here was slower)
                std::copy_n(rest.data(), count - full, flat + full);
            else
                for (std::size_t i = 0; i < count - full; ++i)
                    flat[full + i] += rest[i];
        }
    }

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
