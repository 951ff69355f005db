#pragma once
// The random numbers both suites draw their weights and inputs from (comparison/common.hpp,
// recurrent/common.hpp): splitmix64, so every library gets the same bits on every platform.
// The same generator as hw::splitmix64 (include/hardwired/init.hpp), kept apart so that the
// other libraries' adapters do not include the library under test.

#include <cstdint>

namespace bench_shared {

/// splitmix64 from the seed s.
struct splitmix64 {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// A double in [lo, hi) from the top 53 bits of the next number.
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53;
    }
};

} // namespace bench_shared
