#pragma once
/// A scoped flush-to-zero / denormals-are-zero mode for the calling thread.
///
///     {
///         hw::flush_denormals guard; // denormal results become 0, denormal inputs read as 0
///         hw::fit<hw::mse_loss>(p, opt, xs, ys);
///     } // the previous mode is back
///
/// Arithmetic on denormal numbers (magnitudes below ~1.2e-38 in float) takes a slow path on
/// most x86 cores, up to ~100× slower per operation. Training drives some values there (tiny
/// gradients, saturated sigmoids); treating them as zero changes results only below that
/// magnitude. On x86 the guard sets the FTZ and DAZ bits of MXCSR, which govern SSE and AVX
/// arithmetic; elsewhere it does nothing and `supported` is false. The comparison benchmarks run
/// every library under it.

#if defined(__SSE__) || defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>
#define HARDWIRED_HAS_MXCSR 1
#else
#define HARDWIRED_HAS_MXCSR 0
#endif

namespace hardwired {

class flush_denormals {
public:
    /// Whether this platform has the mode (x86 with SSE).
    static constexpr bool supported = HARDWIRED_HAS_MXCSR != 0;

#if HARDWIRED_HAS_MXCSR
    flush_denormals() noexcept : saved_(_mm_getcsr()) {
        _mm_setcsr(saved_ | ftz | daz);
    }
    ~flush_denormals() {
        _mm_setcsr(saved_);
    }
#else
    flush_denormals() noexcept = default;
#endif
    flush_denormals(flush_denormals const&) = delete;
    flush_denormals& operator=(flush_denormals const&) = delete;

private:
#if HARDWIRED_HAS_MXCSR
    static constexpr unsigned ftz = 0x8000; // MXCSR bit 15: flush to zero
    static constexpr unsigned daz = 0x0040; // MXCSR bit 6: denormals are zero
    unsigned saved_;
#endif
};

} // namespace hardwired
