#pragma once
/// Training over a data set: epochs of (mini-)batches, seeded shuffling, a progress callback,
/// and loss history.
///
///     std::array<std::array<float, 2>, 4> xs{...};
///     std::array<std::array<float, 1>, 4> ys{...};
///     hw::sgd<net> opt{.lr = 0.5f};
///     auto result = hw::fit<hw::squared_error>(p, opt, xs, ys,
///                                              {.epochs = 2000, .batch_size = 4, .seed = 1});
///
/// Failure loses nothing: sizes are checked before any update (std::invalid_argument), and a
/// non-finite loss or gradient stops training with hw::training_error naming the epoch and
/// batch, with the parameters as they were after the last finite step.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <numeric>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <time.h>
#include <unistd.h>
#include <vector>

#include "../backprop.hpp"
#include "../init.hpp"
#include "callback.hpp"
#include "optimizers.hpp"

namespace hardwired {

/// `batch_size = hw::full_batch` trains on the whole data set per step.
inline constexpr std::size_t full_batch = std::numeric_limits<std::size_t>::max();

/// What the progress callback receives after each epoch.
struct fit_progress {
    std::size_t epoch;  ///< 1-based
    std::size_t epochs; ///< total requested
    double loss;        ///< mean loss over the epoch's samples (before each sample's update)
    double samples_per_second;
};

struct fit_options {
    std::size_t epochs = 100;
    /// 1 = stochastic, hw::full_batch = full batch, anything between = mini-batch. The last
    /// batch of an epoch may be smaller. 0 is an error.
    std::size_t batch_size = 32;
    /// Seed of the shuffling and of the layers that draw random numbers (hw::dropout): same seed,
    /// same data, same build ⇒ the same result, bit for bit.
    std::uint64_t seed = 0;
    bool shuffle = true;
    /// Called after every epoch.
    callback<void(fit_progress const&)> on_epoch = {};
    /// Called after every epoch (after on_epoch); returning true ends training there.
    callback<bool(fit_progress const&)> stop_when = {};
    /// Print a compact progress line (epoch, loss, samples/s) on stderr: by default only when
    /// stderr is a terminal.
    bool print_progress = ::isatty(2) != 0;
    /// The first epoch to run (1-based) of the `epochs`: resuming from a checkpoint saved after
    /// epoch k (hw::io::save_checkpoint), first_epoch = k + 1 replays the shuffles of the epochs
    /// before (without training) and the random numbers they drew, so that training continues
    /// bit for bit as if it had never stopped.
    std::size_t first_epoch = 1;
};

/// Thrown when training produces a non-finite loss or gradient.
struct training_error : std::runtime_error {
    std::size_t epoch, batch;
    training_error(std::size_t e, std::size_t b, std::string const& what)
        : std::runtime_error(what), epoch(e), batch(b) {}
};

template <class T>
struct fit_result {
    std::vector<T> loss_history; ///< one mean loss per epoch
    double seconds = 0;
};

namespace detail {

/// Seconds on the monotonic clock (POSIX clock_gettime: <chrono> cost 0.06 s of compile time in
/// every translation unit).
inline double monotonic_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// The end of an epoch of `samples` samples (or time steps) and mean loss `loss`: the history,
/// the callbacks, the progress line. True when training stops there.
template <class T, class Options>
bool finish_epoch(fit_result<T>& result, Options const& options, std::size_t epoch, double loss,
                  std::size_t samples, double epoch_start, double& last_print) {
    const double now = monotonic_seconds();
    const double secs = now - epoch_start;
    const fit_progress progress{epoch, options.epochs, loss,
                                secs > 0 ? static_cast<double>(samples) / secs : 0.0};
    result.loss_history.push_back(static_cast<T>(progress.loss));
    if (options.on_epoch)
        options.on_epoch(progress);
    const bool stop = options.stop_when && options.stop_when(progress);
    if (options.print_progress && (epoch == options.epochs || stop || now - last_print > 0.1)) {
        last_print = now;
        std::fprintf(stderr, "\repoch %zu/%zu  loss %.6g  %.3g samples/s%s", epoch, options.epochs,
                     progress.loss, progress.samples_per_second,
                     epoch == options.epochs || stop ? "\n" : "");
    }
    return stop;
}

/// Throws training_error unless the loss and every gradient (`grads.values`: of the parameters,
/// or of an initial state) are finite.
template <class T, class Gradients>
void check_finite(T loss, Gradients const& grads, std::size_t epoch, std::size_t batch,
                  char const* what) {
    bool finite = std::isfinite(static_cast<double>(loss));
    for (T g : grads.values)
        finite = finite && std::isfinite(static_cast<double>(g));
    if (!finite)
        throw training_error(epoch, batch,
                             std::string("hardwired::fit: non-finite loss or gradient in epoch ") +
                                 std::to_string(epoch) + ", " + what + " " + std::to_string(batch) +
                                 "; parameters are as after the last finite step");
}

template <auto Loss, class Net, class T, class Optimizer, std::size_t N, class Target>
fit_result<T> fit_impl(params<Net, T>& p, Optimizer& opt, std::span<const std::array<T, N>> inputs,
                       std::span<const Target> targets, fit_options const& options) {
    const std::size_t n = inputs.size();
    if (n != targets.size())
        throw std::invalid_argument("hardwired::fit: " + std::to_string(n) + " inputs but " +
                                    std::to_string(targets.size()) + " targets");
    if (n == 0)
        throw std::invalid_argument("hardwired::fit: the data set is empty");
    if (options.batch_size == 0)
        throw std::invalid_argument("hardwired::fit: batch_size is 0");
    if (options.first_epoch == 0)
        throw std::invalid_argument("hardwired::fit: first_epoch is 0 (epochs count from 1)");
    if (options.batch_size != full_batch && options.batch_size > n)
        throw std::invalid_argument("hardwired::fit: batch_size " +
                                    std::to_string(options.batch_size) + " exceeds the " +
                                    std::to_string(n) + " samples (use hw::full_batch)");
    check_class_indices(targets, Net::outputs);
    const std::size_t batch = std::min(options.batch_size, n);

    // Everything allocated here, before the first epoch; an epoch allocates nothing.
    fit_result<T> result;
    result.loss_history.reserve(options.epochs);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    splitmix64 rng{options.seed};
    auto shuffle = [&] {
        if (options.shuffle)
            for (std::size_t i = n - 1; i > 0; --i)
                std::swap(order[i], order[rng.below(i + 1)]);
    };
    for (std::size_t epoch = 1; epoch < options.first_epoch; ++epoch)
        shuffle();
    // On the heap, as the gradients of a large network do not fit on a thread's stack.
    const auto ws = std::make_unique<batch_workspace<Net, T>>();
    ws->random = {options.seed, (options.first_epoch - 1) * n};
    const auto grads_ptr = std::make_unique<gradients<Net, T>>();
    gradients<Net, T>& grads = *grads_ptr;
    const double start = monotonic_seconds();
    auto last_print = start;

    for (std::size_t epoch = options.first_epoch; epoch <= options.epochs; ++epoch) {
        const double epoch_start = monotonic_seconds();
        shuffle();
        double epoch_loss = 0;
        for (std::size_t b0 = 0, b = 1; b0 < n; b0 += batch, ++b) {
            const std::size_t size = std::min(batch, n - b0);
            const std::size_t* batch_order = order.data() + b0;
            const T batch_loss = detail::accumulate_batch<Loss>(
                p, *ws, [&](std::size_t i) { return inputs[batch_order[i]].data(); },
                [&](std::size_t i) { return target_of(targets[batch_order[i]]); }, size, grads);
            check_finite(batch_loss, grads, epoch, b, "batch");
            opt.step(p, grads);
            // The batch's mean, weighted by its samples: the last batch may be short.
            epoch_loss += static_cast<double>(batch_loss) * static_cast<double>(size);
        }
        if (finish_epoch(result, options, epoch, epoch_loss / static_cast<double>(n), n,
                         epoch_start, last_print))
            break;
    }
    result.seconds = monotonic_seconds() - start;
    return result;
}

} // namespace detail

/// Trains `p` with `opt` on (inputs[i], targets[i]) pairs, minimising the mean of `Loss`.
/// `inputs` is a contiguous range (std::vector, std::array, std::span, C array) of
/// std::array<T, N>, N the network's inputs; `targets` one of std::array<T, M>, M its outputs, or,
/// for hw::softmax_cross_entropy, of integer class indices.
template <auto Loss, class Net, class T, class Optimizer, class Inputs, class Targets>
fit_result<T> fit(params<Net, T>& p, Optimizer& opt, Inputs const& inputs, Targets const& targets,
                  fit_options const& options = {}) {
    if constexpr (!detail::check_samples<Net, T, Inputs>() ||
                  !detail::check_targets<Loss, Net, T, Targets>() ||
                  !detail::check_optimizer<Optimizer, Net, T>())
        return {};
    else
        return detail::fit_impl<Loss>(p, opt, detail::as_samples(inputs),
                                      detail::as_samples(targets), options);
}

} // namespace hardwired
