// hw::flush_denormals: inside the guard a denormal result is flushed to zero and a denormal
// input reads as zero (x86); after it the previous mode is back.

#include <catch2/catch.hpp>

#include <hardwired/flush_denormals.hpp>
#include <limits>

namespace {
volatile float tiny = 1e-30f;     // normal
volatile float denormal = 1e-40f; // below float's smallest normal, 1.18e-38
} // namespace

TEST_CASE("flush_denormals flushes inside its scope and restores the mode", "[ftz]") {
    REQUIRE(float(denormal) > 0.f);
    REQUIRE(float(tiny) * 1e-10f > 0.f); // 1e-40: a denormal result by default
    {
        const hardwired::flush_denormals guard;
        if constexpr (hardwired::flush_denormals::supported) {
            CHECK(float(tiny) * 1e-10f == 0.f);  // FTZ: the result is flushed
            CHECK(float(denormal) * 1.f == 0.f); // DAZ: the input reads as zero
            CHECK(float(tiny) * 1e-5f > 0.f);    // a normal result (1e-35) is kept
        }
        {
            const hardwired::flush_denormals nested;
            if constexpr (hardwired::flush_denormals::supported)
                CHECK(float(tiny) * 1e-10f == 0.f);
        }
        if constexpr (hardwired::flush_denormals::supported)
            CHECK(float(tiny) * 1e-10f == 0.f); // the inner guard restored the outer mode
    }
    CHECK(float(tiny) * 1e-10f > 0.f);
    CHECK(float(denormal) * 1.f > 0.f);
}
