#pragma once
/// Tuning macros of the one-sample SIMD kernels: the dense layer's (layers/dense/simd.hpp) and the
/// recurrent and convolution layers' products (kernels/column_product.hpp). Define one before
/// including any hardwired header to override it; every translation unit of a program must see
/// the same values.

/// Independent FMA chains the one-sample kernel keeps in flight: the FMA latency times the FMA
/// units per core (4 cycles × 2 on current x86 cores).
#ifndef HARDWIRED_FMA_CHAINS
#define HARDWIRED_FMA_CHAINS 8
#endif
#if HARDWIRED_FMA_CHAINS < 1
#error "hardwired: HARDWIRED_FMA_CHAINS must be at least 1"
#undef HARDWIRED_FMA_CHAINS // one error, not a cascade of divisions by zero
#define HARDWIRED_FMA_CHAINS 1
#endif

/// A layer whose weights take more than this many bytes is read from beyond the L1 data cache on
/// every one-sample call (the L1d of current x86 cores holds 32 KiB or more).
#ifndef HARDWIRED_L1D_BYTES
#define HARDWIRED_L1D_BYTES 32768
#endif

/// Independent FMA chains of the one-sample kernel in a layer larger than HARDWIRED_L1D_BYTES:
/// narrower blocks of outputs, each reading fewer cache lines of every weight column, keep such
/// a layer's stream of weights flowing better than the full count (default: half of
/// HARDWIRED_FMA_CHAINS, rounded up).
#ifndef HARDWIRED_FMA_CHAINS_STREAMED
#define HARDWIRED_FMA_CHAINS_STREAMED ((HARDWIRED_FMA_CHAINS + 1) / 2)
#endif
#if HARDWIRED_FMA_CHAINS_STREAMED < 1
#error "hardwired: HARDWIRED_FMA_CHAINS_STREAMED must be at least 1"
#undef HARDWIRED_FMA_CHAINS_STREAMED
#define HARDWIRED_FMA_CHAINS_STREAMED 1
#endif

/// Independent FMA chains of a recurrent or convolution layer's one-sample product whose weights
/// fit in HARDWIRED_L1D_BYTES (kernels::detail::column_product). A time step's product waits for
/// the previous step's outputs, and the out-of-order core loads many of its weights before they
/// arrive, so what the step then waits for is the depth of the chains, not their throughput.
/// Default: twice HARDWIRED_FMA_CHAINS where the 32 vector registers of AVX-512 hold them,
/// HARDWIRED_FMA_CHAINS with the 16 of SSE and AVX2.
#ifndef HARDWIRED_FMA_CHAINS_STEP
#if defined(__AVX512F__)
#define HARDWIRED_FMA_CHAINS_STEP (2 * HARDWIRED_FMA_CHAINS)
#else
#define HARDWIRED_FMA_CHAINS_STEP HARDWIRED_FMA_CHAINS
#endif
#endif
#if HARDWIRED_FMA_CHAINS_STEP < 1
#error "hardwired: HARDWIRED_FMA_CHAINS_STEP must be at least 1"
#undef HARDWIRED_FMA_CHAINS_STEP
#define HARDWIRED_FMA_CHAINS_STEP 1
#endif

/// The one-sample kernel fully unrolls a block of outputs whose product has at most this many
/// FMAs (inputs × SIMD vectors of outputs) and loops over groups of inputs above it: code size
/// against loop overhead.
#ifndef HARDWIRED_UNROLL_LIMIT
#define HARDWIRED_UNROLL_LIMIT 128
#endif

// Internal. HARDWIRED_ALWAYS_INLINE: the kernel's helpers must inline into one function so its
// partial sums stay in registers (GCC otherwise leaves some out of line, the sums in memory).
// HARDWIRED_INLINE_LAMBDA: the same for the kernels' lambdas (written between a lambda's
// parameters and its body), which flatten alone does not always inline: GCC left a product's
// loop over rows out of line where it had cloned the lambda first. HARDWIRED_FLATTEN: a
// one-sample forward pass is compiled as one function, activations included, so no SIMD register
// is spilled around a call. All three are off under AddressSanitizer, where instrumenting the
// forced inlining multiplies compile time (4× for the kernel tests).
#if defined(__SANITIZE_ADDRESS__) // GCC
#define HARDWIRED_UNDER_ASAN_ 1
#elif defined(__has_feature) // Clang
#if __has_feature(address_sanitizer)
#define HARDWIRED_UNDER_ASAN_ 1
#endif
#endif
#if !defined(HARDWIRED_UNDER_ASAN_) && (defined(__GNUC__) || defined(__clang__))
#define HARDWIRED_ALWAYS_INLINE inline __attribute__((always_inline))
#define HARDWIRED_INLINE_LAMBDA __attribute__((always_inline))
#define HARDWIRED_FLATTEN __attribute__((flatten))
#else
#define HARDWIRED_ALWAYS_INLINE inline
#define HARDWIRED_INLINE_LAMBDA
#define HARDWIRED_FLATTEN
#endif
#undef HARDWIRED_UNDER_ASAN_

// Internal. HARDWIRED_SAMPLE_VECTOR_LOOP, before a loop over the sample vectors of a chunk
// (v < nv, at most kernels::chunk_samples / lanes: two on AVX-512): Clang does not unroll it.
// Its trip count is known only at run time, and Clang unrolled each such loop four or eight
// times with a remainder loop, code that no chunk runs. GCC does not unroll these loops by
// itself, and is left as it is.
#if defined(__clang__)
#define HARDWIRED_SAMPLE_VECTOR_LOOP _Pragma("clang loop unroll(disable)")
#else
#define HARDWIRED_SAMPLE_VECTOR_LOOP
#endif

#include <cstddef>

namespace hardwired::kernels {
/// Samples per chunk of the batched kernels (a multiple of two of every SIMD width used: chunks
/// are processed two sample vectors at a time).
inline constexpr std::size_t chunk_samples = 32;
} // namespace hardwired::kernels
