#pragma once
// The x86 intrinsics (<immintrin.h>) on AVX-512 targets, for the AVX-512 multiply-add (math.hpp),
// the kernels and xsimd, which hardwired's headers include after this one.
//
// GCC 12 with -Wall reports "'__Y' is used uninitialized" (-Wuninitialized, -Wmaybe-uninitialized)
// inside its own avx512fintrin.h wherever an AVX-512 intrinsic is inlined into code outside the
// system headers: most of them pass `_mm512_undefined_ps()` (`__m512 __Y = __Y;`) as the
// pass-through operand of a masked builtin whose mask is all ones, and in C++ -Wall turns on
// -Winit-self, under which that self-initialisation no longer silences the warning (GCC PR
// c++/105593; later GCCs wrap it in a pragma). Through xsimd (haddp, exp, log1p, sqrt, …) and the
// kernels' own intrinsics, each example drew 4 to 59 of them. These warnings come from the
// optimizer, after inlining, and GCC looks up the pragmas in effect at each location of the
// inlining stack, innermost first: that is the intrinsic's line in its header, so ignoring them
// around the inclusion of <immintrin.h> silences exactly these, wherever the intrinsic is inlined,
// while an uninitialised variable in hardwired's or the user's code is still reported at its own
// line. (Pragmas around hardwired's callers would have to cover every caller of every intrinsic.)
// Every hardwired header that uses intrinsics or xsimd includes this header first, so this is the
// first inclusion of <immintrin.h> unless the translation unit included it (or xsimd) before
// hardwired; then the warnings come back, and -Wno-init-self avoids them.
// Only where the AVX-512 headers are in play: without them xsimd includes just the smaller
// headers of the instruction sets it uses, and <immintrin.h> would cost every translation unit
// 0.4 s and 90 MB of compiler memory.
#if defined(__AVX512F__)
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif
// Without optimization (-O0) GCC's avx512bwintrin.h defines _mm512_mask_blend_epi8 and
// _mm512_mask_blend_epi16 as macros that cast their operands with C casts to GCC's vector types,
// which a class cannot be cast to; xsimd 8.1's AVX-512BW `select` of integer batches (used by
// xsimd::log and others) passes its batch objects to them, so every -O0 build on an AVX-512BW
// target failed to compile. The same macros with each operand first converted to __m512i, as
// GCC's other macros there do: xsimd's batches convert to it. (Clang's are inline functions.)
// Like the pragmas above, this reaches xsimd only when hardwired is included before xsimd: a
// macro is expanded where xsimd's template is defined.
#if defined(__AVX512BW__) && defined(__GNUC__) && !defined(__clang__) && !defined(__OPTIMIZE__)
#undef _mm512_mask_blend_epi8
#undef _mm512_mask_blend_epi16
#define _mm512_mask_blend_epi8(U, A, W)                                                            \
    ((__m512i)__builtin_ia32_blendmb_512_mask((__v64qi)(__m512i)(A), (__v64qi)(__m512i)(W),        \
                                              (__mmask64)(U)))
#define _mm512_mask_blend_epi16(U, A, W)                                                           \
    ((__m512i)__builtin_ia32_blendmw_512_mask((__v32hi)(__m512i)(A), (__v32hi)(__m512i)(W),        \
                                              (__mmask32)(U)))
#endif
#endif
