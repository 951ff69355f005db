#pragma once
/// Classification with a network whose last layer emits logits (no activation), trained with
/// hw::softmax_cross_entropy: probabilities and the predicted class, for one sample and a batch.
///
///     using net = hw::network<hw::input<2>, hw::dense<32, hw::tanh>, hw::dense<3>>;
///     std::array<float, 3> probs = hw::predict_proba(p, x);  // softmax of the logits
///     std::size_t k = hw::predict_class(p, x);               // the most probable class
///     hw::predict_class_batch(p, xs, classes);               // classes: std::vector<int>, ...

#include <array>
#include <cstddef>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>

#include "backprop.hpp"

namespace hardwired {

/// softmax(z)ᵢ = exp(zᵢ − max z) / Σⱼ exp(zⱼ − max z): probabilities that sum to 1, for any
/// finite logits (no overflow).
template <class T, std::size_t N>
std::array<T, N> softmax(std::array<T, N> const& z) {
    std::array<T, N> e;
    T m;
    const T sum = detail::shifted_exp<N>([&](std::size_t i) { return z[i]; }, e, m);
    for (T& v : e)
        v /= sum;
    return e;
}

/// The index of the largest value (the first one on ties).
template <class T, std::size_t N>
constexpr std::size_t argmax(std::array<T, N> const& z) {
    std::size_t k = 0;
    for (std::size_t i = 1; i < N; ++i)
        if (z[i] > z[k])
            k = i;
    return k;
}

/// The class probabilities for one input: softmax of the network's outputs.
template <class Net, class T, class X>
std::array<T, Net::outputs> predict_proba(params<Net, T> const& p, X const& x) {
    return softmax(forward(p, x));
}

/// The predicted class for one input: the index of the largest output.
template <class Net, class T, class X>
std::size_t predict_class(params<Net, T> const& p, X const& x) {
    return argmax(forward(p, x));
}

/// probabilities[i] = predict_proba(p, inputs[i]) for a batch (ranges of std::array, as
/// hw::forward_batch; std::invalid_argument if the lengths differ).
template <class Net, class T, class Inputs, class Outputs>
void predict_proba_batch(params<Net, T> const& p, Inputs const& inputs, Outputs&& probabilities,
                         batch_workspace<Net, T>& ws) {
    forward_batch(p, inputs, probabilities, ws);
    if constexpr (detail::sample_range<std::remove_cvref_t<Outputs>>)
        for (auto& z : probabilities)
            z = softmax(z);
}
template <class Net, class T, class Inputs, class Outputs>
void predict_proba_batch(params<Net, T> const& p, Inputs const& inputs, Outputs&& probabilities) {
    batch_workspace<Net, T> ws;
    predict_proba_batch(p, inputs, probabilities, ws);
}

/// classes[i] = predict_class(p, inputs[i]) for a batch; `classes` is a contiguous range of an
/// integer type (std::vector<int>, std::vector<std::size_t>, ...) as long as the inputs
/// (else std::invalid_argument).
template <class Net, class T, class Inputs, class Classes>
void predict_class_batch(params<Net, T> const& p, Inputs const& inputs, Classes&& classes,
                         batch_workspace<Net, T>& ws) {
    static_assert(detail::label_range<std::remove_cvref_t<Classes>>, HARDWIRED_MSG_CLASSES);
    if constexpr (detail::label_range<std::remove_cvref_t<Classes>> &&
                  detail::check_samples<Net, T, Inputs>()) {
        const auto xs = detail::as_samples(inputs);
        if (xs.size() != std::ranges::size(classes))
            throw std::invalid_argument(
                "hardwired::predict_class_batch: " + std::to_string(xs.size()) +
                " inputs but room for " + std::to_string(std::ranges::size(classes)) + " classes");
        using label = std::ranges::range_value_t<std::remove_cvref_t<Classes>>;
        auto out = std::ranges::data(classes);
        std::array<std::array<T, Net::outputs>, kernels::chunk_samples> logits;
        for (std::size_t c = 0; c < xs.size(); c += logits.size()) {
            const std::size_t m = std::min(logits.size(), xs.size() - c);
            forward_batch(p, xs.subspan(c, m), std::span(logits).first(m), ws);
            for (std::size_t s = 0; s < m; ++s)
                out[c + s] = static_cast<label>(argmax(logits[s]));
        }
    }
}
template <class Net, class T, class Inputs, class Classes>
void predict_class_batch(params<Net, T> const& p, Inputs const& inputs, Classes&& classes) {
    batch_workspace<Net, T> ws;
    predict_class_batch(p, inputs, classes, ws);
}

} // namespace hardwired
