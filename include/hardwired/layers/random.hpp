#pragma once
/// The random numbers of layers whose forward pass draws them (hw::dropout): a counter-based
/// stream, so that a sample draws the same numbers alone or in a chunk, with any kernel.

#include <cstddef>
#include <cstdint>

namespace hardwired {

/// Where the random numbers of layers that draw them (hw::dropout) come from: a seed, and the
/// number of samples that training passes have drawn for so far. Each workspace has one. The
/// numbers of a sample are a function of (seed, its position in the stream, the layer, the
/// element) alone: the same for a seed whether the sample runs alone or in a chunk, with any
/// kernel, so that training is bit-reproducible and the fast kernels equal the reference ones.
struct random_stream {
    std::uint64_t seed = 0;
    std::uint64_t position = 0; ///< the stream position of the next training pass's first sample
};

/// The random numbers one drawing layer gets for one sample (or, in a chunk kernel, for the
/// chunk's first sample: `lane(s)` gives sample s's). `training` is false in inference passes,
/// where a dropout layer is the identity. The hash of (seed, layer) is taken once per pass and
/// the sample's once per sample, so an element's bits cost one hash step.
struct random_draws {
    bool training = false;
    std::uint64_t layer_key = 0;  ///< the seed and the layer's number, hashed
    std::uint64_t sample = 0;     ///< the sample's position in the stream
    std::uint64_t sample_key = 0; ///< layer_key and sample, hashed

    static constexpr random_draws make(bool training, std::uint64_t seed, std::uint64_t layer,
                                       std::uint64_t sample) {
        return at(training, mix(mix(seed) ^ layer), sample);
    }
    /// The draws of the sample `s` places further in the stream.
    constexpr random_draws lane(std::size_t s) const { return at(training, layer_key, sample + s); }
    /// 64 random bits for element i: a counter-based hash (splitmix64's finalizer, chained).
    constexpr std::uint64_t bits(std::size_t i) const { return mix(sample_key ^ i); }

private:
    static constexpr random_draws at(bool training, std::uint64_t layer_key, std::uint64_t sample) {
        return {training, layer_key, sample, mix(layer_key ^ sample)};
    }
    static constexpr std::uint64_t mix(std::uint64_t z) {
        z += 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

} // namespace hardwired
