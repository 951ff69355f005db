#pragma once
/// Training a network with state on sequences: hw::fit_sequence on one sequence, hw::fit_sequences
/// on several at once in SIMD lanes, by the recipe recurrent audio models are trained with
/// (sequence_options: a warm-up, chunks of truncated back-propagation through time, the state
/// carried across), optionally learning the initial state. Failure loses nothing, as for hw::fit
/// (train/fit.hpp).
///
///     hw::fit_sequence<hw::mse_loss>(p, opt, xs, ys, {.epochs = 50, .warmup = 64, .chunk = 256});

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "../sequence.hpp"
#include "fit.hpp"

namespace hardwired {

/// Options of hw::fit_sequence (a network with state: hw::lstm, hw::gru, hw::rnn, hw::conv1d),
/// the recipe recurrent audio models are trained with: each epoch starts from the zero state (or
/// a given initial state, which can be learned too), runs the first `warmup` steps without
/// gradients to settle it, then trains on chunks of `chunk` steps by back-propagation through
/// time (truncated at the chunk's start), one update after each chunk, the state carried from
/// one chunk into the next.
struct sequence_options {
    std::size_t epochs = 100;
    /// Steps at the start of the sequence that only settle the state (no loss, no gradient).
    std::size_t warmup = 0;
    /// Steps per chunk; 0 = the whole sequence after the warm-up (full back-propagation through
    /// time). The last chunk of an epoch may be shorter.
    std::size_t chunk = 0;
    /// Seed of the layers that draw random numbers (hw::dropout).
    std::uint64_t seed = 0;
    /// With an initial state given to hw::fit_sequence or hw::fit_sequences: its learning rate
    /// (0, the default: the initial state stays as given). Learned, it takes a step of gradient
    /// descent, initial ← initial − rate·∂L/∂initial, after the first chunk of every epoch, the
    /// only one whose loss depends on it; that needs warmup = 0, since the warm-up passes no
    /// gradient.
    double initial_state_rate = 0;
    callback<void(fit_progress const&)> on_epoch = {};
    callback<bool(fit_progress const&)> stop_when = {};
    bool print_progress = ::isatty(2) != 0;
    /// The first epoch to run (1-based), as fit_options::first_epoch: resumes a run of `epochs`
    /// after epoch first_epoch − 1 bit for bit (a learned initial state is the caller's to keep).
    std::size_t first_epoch = 1;
};

namespace detail {

/// The learned initial state's step after an epoch's first chunk (loss `loss`, ∂L/∂initial in
/// `d`): initial ← initial − rate·d, unless d is not finite (hw::training_error).
template <class Net, class T>
void learn_initial_state(state<Net, T>& initial, state<Net, T> const& d, T loss,
                         sequence_options const& options, std::size_t epoch, std::size_t chunk) {
    check_finite(loss, d, epoch, chunk, "initial state of the chunk");
    for (std::size_t i = 0; i < Net::state_count; ++i)
        initial.values[i] -= static_cast<T>(options.initial_state_rate) * d.values[i];
}

template <auto Loss, class Net, class T, class Optimizer, std::size_t N, class Target>
fit_result<T> fit_sequence_impl(params<Net, T>& p, Optimizer& opt,
                                std::span<const std::array<T, N>> inputs,
                                std::span<const Target> targets, sequence_options const& options,
                                state<Net, T>* initial) {
    const std::size_t n = inputs.size();
    if (n != targets.size())
        throw std::invalid_argument("hardwired::fit_sequence: " + std::to_string(n) +
                                    " time steps but " + std::to_string(targets.size()) +
                                    " targets (one per step)");
    if (options.warmup >= n)
        throw std::invalid_argument("hardwired::fit_sequence: a warm-up of " +
                                    std::to_string(options.warmup) + " steps leaves none of the " +
                                    std::to_string(n) + " to train on");
    const bool learn_initial = initial && options.initial_state_rate != 0;
    if (learn_initial && options.warmup > 0)
        throw std::invalid_argument("hardwired::fit_sequence: a learned initial state needs "
                                    "warmup = 0 (the warm-up passes no gradient back), not " +
                                    std::to_string(options.warmup));
    if (options.first_epoch == 0)
        throw std::invalid_argument(
            "hardwired::fit_sequence: first_epoch is 0 (epochs count from 1)");
    check_class_indices(targets, Net::outputs);
    const std::size_t trained = n - options.warmup;
    const std::size_t chunk = options.chunk == 0 ? trained : std::min(options.chunk, trained);

    // Everything allocated here, before the first epoch; an epoch allocates nothing.
    fit_result<T> result;
    result.loss_history.reserve(options.epochs);
    const auto ws = std::make_unique<sequence_workspace<Net, T>>(chunk);
    ws->random = {options.seed, (options.first_epoch - 1) * trained};
    const auto grads_ptr = std::make_unique<gradients<Net, T>>();
    gradients<Net, T>& grads = *grads_ptr;
    const auto s = std::make_unique<state<Net, T>>();
    const auto ds = std::make_unique<state<Net, T>>(); // ∂L/∂ of the initial state
    const double start = monotonic_seconds();
    auto last_print = start;

    for (std::size_t epoch = options.first_epoch; epoch <= options.epochs; ++epoch) {
        const double epoch_start = monotonic_seconds();
        if (initial)
            *s = *initial;
        else
            s->reset();
        for (std::size_t t = 0; t < options.warmup; ++t)
            (void)step(p, inputs[t], *s);
        double epoch_loss = 0;
        for (std::size_t c0 = options.warmup, c = 1; c0 < n; c0 += chunk, ++c) {
            const std::size_t size = std::min(chunk, n - c0);
            const bool first = learn_initial && c == 1;
            const T loss =
                sequence_gradient<Loss>(p, inputs.subspan(c0, size), targets.subspan(c0, size), *s,
                                        grads, *ws, {}, first ? ds.get() : nullptr);
            check_finite(loss, grads, epoch, c, "chunk");
            if (first)
                learn_initial_state(*initial, *ds, loss, options, epoch, c);
            opt.step(p, grads);
            epoch_loss += static_cast<double>(loss) * static_cast<double>(size);
        }
        if (finish_epoch(result, options, epoch, epoch_loss / static_cast<double>(trained), trained,
                         epoch_start, last_print))
            break;
    }
    result.seconds = monotonic_seconds() - start;
    return result;
}

template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit_sequences_impl(params<Net, T>& p, Optimizer& opt, Inputs const& inputs,
                                 Targets const& targets, sequence_options const& options,
                                 state<Net, T>* initial) {
    constexpr std::size_t C = kernels::chunk_samples;
    const auto fail = [](std::string const& what) {
        throw std::invalid_argument("hardwired::fit_sequences: " + what);
    };
    const std::size_t count = std::ranges::size(inputs);
    if (count == 0 || std::ranges::size(targets) != count)
        fail(std::to_string(count) + " input and " + std::to_string(std::ranges::size(targets)) +
             " target sequences (give at least one, and a target sequence for each)");
    const std::size_t n = sequence_at(inputs, 0).size();
    for (std::size_t q = 0; q < count; ++q) {
        if (sequence_at(inputs, q).size() != n || sequence_at(targets, q).size() != n)
            fail("sequence " + std::to_string(q) + " has " +
                 std::to_string(sequence_at(inputs, q).size()) + " steps and " +
                 std::to_string(sequence_at(targets, q).size()) + " targets, sequence 0 " +
                 std::to_string(n) + " steps (one target per step, all sequences as long)");
        check_class_indices(sequence_at(targets, q), Net::outputs);
    }
    if (options.warmup >= n)
        fail("a warm-up of " + std::to_string(options.warmup) + " steps leaves none of the " +
             std::to_string(n) + " to train on");
    if (options.initial_state_rate != 0 && !initial)
        fail("initial_state_rate needs the initial state to learn: "
             "hw::fit_sequences(p, opt, xs, ys, options, h0)");
    const bool learn_initial = initial && options.initial_state_rate != 0;
    if (learn_initial && options.warmup > 0)
        fail("a learned initial state needs warmup = 0, not " + std::to_string(options.warmup) +
             " (the warm-up passes no gradient back)");
    if (options.first_epoch == 0)
        fail("first_epoch is 0 (epochs count from 1)");
    const std::size_t trained = n - options.warmup;
    const std::size_t chunk = options.chunk == 0 ? trained : std::min(options.chunk, trained);
    const std::size_t lane_chunks = (count + C - 1) / C;

    // Everything allocated here, before the first epoch; an epoch allocates nothing.
    fit_result<T> result;
    result.loss_history.reserve(options.epochs);
    const auto ws = std::make_unique<sequence_lanes_workspace<Net, T>>(chunk);
    ws->random = {options.seed, (options.first_epoch - 1) * trained * count};
    const auto warm = std::make_unique<batch_workspace<Net, T>>();
    const auto grads_ptr = std::make_unique<gradients<Net, T>>();
    gradients<Net, T>& grads = *grads_ptr;
    std::vector<state_lanes<Net, T, C>> states(lane_chunks);
    const auto ds = std::make_unique<state<Net, T>>(); // ∂L/∂ of the shared initial state
    const double start = monotonic_seconds();
    auto last_print = start;

    for (std::size_t epoch = options.first_epoch; epoch <= options.epochs; ++epoch) {
        const double epoch_start = monotonic_seconds();
        for (std::size_t c = 0; c < lane_chunks; ++c) {
            states[c].reset();
            if (initial)
                for (std::size_t q = 0; q < std::min(C, count - c * C); ++q)
                    states[c].set(q, *initial);
        }
        std::array<T, Net::outputs> discarded;
        for (std::size_t t = 0; t < options.warmup; ++t)
            for (std::size_t c = 0; c < lane_chunks; ++c)
                forward_chunk_samples(
                    p, *warm,
                    [&](std::size_t q) { return sequence_at(inputs, c * C + q)[t].data(); },
                    [&](std::size_t) { return discarded.data(); }, std::min(C, count - c * C),
                    states[c].values.data());
        double epoch_loss = 0;
        for (std::size_t c0 = options.warmup, b = 1; c0 < n; c0 += chunk, ++b) {
            const std::size_t size = std::min(chunk, n - c0);
            const T scale = T(1) / static_cast<T>(size * count);
            const bool first = learn_initial && b == 1;
            grads.values.fill(T(0));
            if (first)
                ds->reset();
            T total = 0;
            for (std::size_t c = 0; c < lane_chunks; ++c) {
                const std::size_t lanes = std::min(C, count - c * C);
                total += lanes_through_time<Loss>(
                    p,
                    [&](std::size_t q, std::size_t t) {
                        return sequence_at(inputs, c * C + q)[c0 + t].data();
                    },
                    [&](std::size_t q, std::size_t t) {
                        return target_of(sequence_at(targets, c * C + q)[c0 + t]);
                    },
                    lanes, size, false, states[c].values.data(), grads, *ws, scale);
                // Every sequence starts from the same state: its gradient is the sum of theirs.
                if (first)
                    for (std::size_t i = 0; i < Net::state_count; ++i)
                        for (std::size_t q = 0; q < lanes; ++q)
                            ds->values[i] += ws->dstate[i * C + q];
            }
            const T loss = total * scale;
            check_finite(loss, grads, epoch, b, "chunk");
            if (first)
                learn_initial_state(*initial, *ds, loss, options, epoch, b);
            opt.step(p, grads);
            epoch_loss += static_cast<double>(loss) * static_cast<double>(size);
        }
        if (finish_epoch(result, options, epoch, epoch_loss / static_cast<double>(trained),
                         trained * count, epoch_start, last_print))
            break;
    }
    result.seconds = monotonic_seconds() - start;
    return result;
}

} // namespace detail

namespace detail {
/// fit_sequence after its compile-time checks (one diagnostic each, nothing else after it).
template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit_sequence_checked(params<Net, T>& p, Optimizer& opt, Inputs const& inputs,
                                   Targets const& targets, sequence_options const& options,
                                   state<Net, T>* initial) {
    if constexpr (!check_samples<Net, T, Inputs, false, true>() ||
                  !check_targets<Loss, Net, T, Targets>() || !check_optimizer<Optimizer, Net, T>())
        return {};
    else
        return fit_sequence_impl<Loss>(p, opt, as_samples(inputs), as_samples(targets), options,
                                       initial);
}
} // namespace detail

/// Trains `p` with `opt` on one sequence: inputs[t] and targets[t] are time step t (many to
/// many; the loss is the mean over the trained steps), by sequence_options' recipe (warm-up,
/// chunks of truncated back-propagation through time, the state carried across). For networks
/// with state, and any other network as a sequence of steps. Sizes are checked before any
/// update (std::invalid_argument); a non-finite loss or gradient throws hw::training_error with
/// the parameters as after the last finite update.
///
///     hw::fit_sequence<hw::mse_loss>(p, opt, xs, ys, {.epochs = 50, .warmup = 64, .chunk = 256});
template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit_sequence(params<Net, T>& p, Optimizer& opt, Inputs const& inputs,
                           Targets const& targets, sequence_options const& options = {}) {
    return detail::fit_sequence_checked<Loss>(p, opt, inputs, targets, options,
                                              static_cast<state<Net, T>*>(nullptr));
}

/// The same, every epoch starting from `initial` instead of the zero state; with
/// options.initial_state_rate ≠ 0 the initial state is learned too (sequence_options), and
/// `initial` is left holding the learned one. Use it as the start of a sequence afterwards
/// (`s = initial` rather than `s.reset()`).
///
///     hw::state<amp> h0;                                // zero, then learned
///     hw::fit_sequence<hw::mse_loss>(p, opt, xs, ys, {.epochs = 50, .chunk = 256,
///                                                     .initial_state_rate = 1e-2}, h0);
template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit_sequence(params<Net, T>& p, Optimizer& opt, Inputs const& inputs,
                           Targets const& targets, sequence_options const& options,
                           state<Net, T>& initial) {
    return detail::fit_sequence_checked<Loss>(p, opt, inputs, targets, options, &initial);
}

namespace detail {
/// fit_sequences after its compile-time checks (one diagnostic each, nothing else after it).
template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit_sequences_checked(params<Net, T>& p, Optimizer& opt, Inputs const& inputs,
                                    Targets const& targets, sequence_options const& options,
                                    state<Net, T>* initial) {
    if constexpr (!check_lanes<T>() || !check_sequences<Net, T, Inputs>() ||
                  !check_target_sequences<Loss, Net, T, Targets>() ||
                  !check_optimizer<Optimizer, Net, T>())
        return {};
    else
        return fit_sequences_impl<Loss>(p, opt, inputs, targets, options, initial);
}
} // namespace detail

/// Trains `p` with `opt` on several sequences of equal length at once, with the sequences in
/// SIMD lanes (float and double): `inputs` and `targets` are contiguous ranges of sequences, each
/// as hw::fit_sequence takes one (one target per step). The recipe is hw::fit_sequence's
/// (sequence_options), run on every sequence in step: each chunk of time steps gives one update,
/// by the mean gradient over the sequences and the chunk's steps, and the loss reported is the
/// mean over the sequences and trained steps.
///
///     std::vector<std::vector<std::array<float, 1>>> xs(32), ys(32); // 32 excerpts
///     hw::fit_sequences<hw::mse_loss>(p, opt, xs, ys,
///                                     {.epochs = 30, .warmup = 1000, .chunk = 2048});
template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit_sequences(params<Net, T>& p, Optimizer& opt, Inputs const& inputs,
                            Targets const& targets, sequence_options const& options = {}) {
    return detail::fit_sequences_checked<Loss>(p, opt, inputs, targets, options,
                                               static_cast<state<Net, T>*>(nullptr));
}

/// The same, every sequence starting each epoch from `initial` instead of the zero state; with
/// options.initial_state_rate ≠ 0 the initial state, one for all the sequences, is learned too,
/// as hw::fit_sequence learns it (after each epoch's first chunk; warmup = 0), by the gradient of
/// the chunk's loss with respect to it: the sum over the sequences of ∂L/∂ of each one's start.
///
///     hw::state<amp> h0;                                // zero, then learned
///     hw::fit_sequences<hw::mse_loss>(p, opt, xs, ys, {.epochs = 30, .chunk = 2048,
///                                                      .initial_state_rate = 1e-2}, h0);
template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit_sequences(params<Net, T>& p, Optimizer& opt, Inputs const& inputs,
                            Targets const& targets, sequence_options const& options,
                            state<Net, T>& initial) {
    return detail::fit_sequences_checked<Loss>(p, opt, inputs, targets, options, &initial);
}

} // namespace hardwired
