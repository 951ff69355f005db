#pragma once
/// RTNeural's JSON model files, which GuitarML, AIDA-X and many audio plugins ship, into the
/// hardwired type that matches the file. Optional header: it needs nlohmann-json (Debian
/// `nlohmann-json3-dev`).
///
///     // {"in_shape": [null, null, 1], "layers": [{"type": "lstm", "shape": [null, null, 16],
///     //  ...}, {"type": "dense", "activation": "", "shape": [null, null, 1], ...}]}
///     using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;
///     hw::params<amp> p;
///     hw::io::load_rtneural("model.json", p);
///
/// Two layouts are read:
/// - Keras-exported ("in_shape", "layers"): file layer i is the network's layer i (a block is
///   not one), of the same kind and sizes: "dense" and "time-distributed-dense" a `hw::dense`
///   (kernel [in, out], the bias if the layer has one, the activation as the file names it:
///   "" or "linear" the identity, "tanh", "relu", "sigmoid", "elu"); "activation" a
///   `hw::activation_layer` ("softmax": `hw::softmax_layer`); "lstm" a `hw::lstm<H>` (Keras's
///   gates i, f, c, o are PyTorch's i, f, g, o; one bias); "gru" a `hw::gru<H>` (Keras's z, r, h
///   reordered to PyTorch's r, z, n; the two biases of reset_after); "conv1d" a `hw::conv1d`
///   (kernel [K, in/groups, out], "kernel_size", "dilation", "groups", its activation);
///   "batchnorm" a `hw::frozen_batch_norm` of the file's "epsilon" (gamma, beta, moving mean and
///   variance, or the last two alone for a `hw::frozen_batch_norm<…, false>`); "prelu" a
///   `hw::prelu` (alpha [1, C] per channel, or [1, 1] for `hw::prelu<1>`). Other kinds are
///   refused by name.
///   AIDA-X's `.aidax` files are this layout with "in_skip" (the input added to the output),
///   "in_gain" and "out_gain" (dB), and "samplerate" (or "metadata": {"samplerate"}):
///   rtneural_info returns them for the caller to apply. The two AIDA players differ: the AIDA-X
///   plugin computes y = info.output_gain · f(x) + (info.input_skip ? x : 0) (it reads no
///   in_gain); aidadsp-lv2 computes x' = info.input_gain · x, then
///   y = info.output_gain · (f(x') + (info.input_skip ? x' : 0)).
/// - A PyTorch state_dict dumped to JSON (name → nested lists): its tensors in file order are
///   the network's tensors in order, shape for shape (the names are the module's own:
///   "lstm2.weight_ih_l1" for the second layer of an nn.LSTM(num_layers=3) is the third
///   `hw::lstm`'s weight_ih_l0).
///
/// Every mismatch throws hw::io::rtneural_error naming the layer and both sizes; the parameters
/// change only when the whole file loads.

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../activation.hpp"
#include "../layers/softmax_layer.hpp"
#include "../params.hpp"
#include "safetensors.hpp"

namespace hardwired::io {

/// An RTNeural file that cannot be read or does not fit the type; what() says why.
struct rtneural_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What an RTNeural file says beside its weights.
struct rtneural_info {
    std::string layout;      ///< "keras" or "pytorch"
    bool input_skip = false; ///< .aidax "in_skip": the input is added to the output
    double input_gain = 1;   ///< .aidax "in_gain", as a factor (10^(dB/20))
    double output_gain = 1;  ///< .aidax "out_gain", as a factor (10^(dB/20))
    double sample_rate = 0;  ///< .aidax "samplerate" (Hz), 0 when the file gives none
};

namespace detail {

[[noreturn]] inline void rtneural_fail(std::string const& what) {
    throw rtneural_error("rtneural: " + what);
}

/// One layer of a network's root chain as the loaders see it.
struct layer_info {
    std::string kind; ///< dense, activation, softmax, lstm, gru, conv1d, batchnorm, prelu, or what
                      ///< it is not
    std::string activation; ///< activation_name of its own activation, "linear" for none
    std::size_t inputs = 0, outputs = 0, hidden = 0, kernel = 0, dilation = 1, groups = 1;
    bool bias = false;            ///< a bias; for a batch norm, weight and bias (affine)
    double epsilon = 0;           ///< a batch norm's ε
    std::size_t first_tensor = 0; ///< its first tensor in Net::tensors
};

template <class C>
layer_info info_of() {
    layer_info i;
    i.inputs = C::inputs;
    i.outputs = C::outputs;
    if constexpr (hardwired::detail::is_block<C>) {
        i.kind = "a block";
    } else {
        constexpr auto t = hardwired::detail::tensors_of<C>();
        if constexpr (hardwired::detail::has_tail<C>)
            i.activation = std::string(activation_name<C::activation>());
        else if constexpr (requires { C::inner_activation; })
            i.activation = std::string(activation_name<C::inner_activation>());
        else
            i.activation = "linear";
        if constexpr (std::is_same_v<C, softmax_layer::bound<C::inputs>>) {
            i.kind = "softmax";
        } else if constexpr (t.size() == 0) {
            i.kind = hardwired::detail::has_tail<C> ? "activation" : "a layer without weights";
        } else if constexpr (requires { C::epsilon; }) {
            i.kind = "batchnorm";
            i.epsilon = C::epsilon;
            i.bias = t.size() == 4;
        } else if constexpr (requires { C::slopes; }) {
            i.kind = "prelu";
            i.hidden = C::slopes;
        } else if (std::string_view(t[0].name) == "weight_ih_l0") {
            i.hidden = t[1].shape[1];
            i.kind = t[0].shape[0] == 4 * i.hidden ? "lstm" : "gru";
            i.bias = true;
        } else if (std::string_view(t[0].name) == "weight" && t[0].rank == 3) {
            i.kind = "conv1d";
            i.kernel = t[0].shape[2];
            i.groups = C::inputs / t[0].shape[1];
            if constexpr (requires { C::past; })
                i.dilation = i.kernel > 1 ? C::past / (i.kernel - 1) : 1;
            i.bias = t.size() == 2;
        } else if (std::string_view(t[0].name) == "weight" && t[0].rank == 2) {
            i.kind = "dense";
            i.bias = t.size() == 2;
        } else {
            i.kind = std::string("a layer with tensor '") + t[0].name + "'";
        }
    }
    return i;
}

/// The layers of Net's root chain, each with its first tensor.
template <class Net>
std::vector<layer_info> root_layers() {
    std::vector<layer_info> all;
    std::size_t next = 0;
    hardwired::detail::for_index<Net::depth>([&](auto l) {
        using C = typename Net::root::template child<l>;
        layer_info i = info_of<C>();
        i.first_tensor = next;
        hardwired::detail::visit_tensors<C>(0, [&](tensor const&) { ++next; });
        all.push_back(std::move(i));
    });
    return all;
}

inline std::string dims_text(std::vector<std::size_t> const& d) {
    std::string s = "[";
    for (std::size_t k = 0; k < d.size(); ++k)
        s += (k ? ", " : "") + std::to_string(d[k]);
    return s + "]";
}

/// The shape of a nested list of numbers (its first elements').
template <class Json>
std::vector<std::size_t> dims_of(Json const& j) {
    std::vector<std::size_t> d;
    Json const* at = &j;
    while (at->is_array()) {
        d.push_back(at->size());
        if (at->empty())
            break;
        at = &(*at)[0];
    }
    return d;
}

/// A nested list of numbers of exactly the shape `dims`, row-major, each finite; `what` names it.
template <class Json>
std::vector<double> values_of(Json const& j, std::vector<std::size_t> const& dims,
                              std::string const& what) {
    if (dims_of(j) != dims)
        rtneural_fail(what + " is " + dims_text(dims_of(j)) + " in the file; the type needs " +
                      dims_text(dims));
    std::vector<double> out;
    auto walk = [&](auto&& self, Json const& v, std::size_t depth) -> void {
        if (depth == dims.size()) {
            if (!v.is_number() || !std::isfinite(v.template get<double>()))
                rtneural_fail(what + " has " + v.dump() + ", not a finite number");
            out.push_back(v.template get<double>());
            return;
        }
        if (!v.is_array() || v.size() != dims[depth])
            rtneural_fail(what + " is not a regular " + dims_text(dims) + " list");
        for (auto const& e : v)
            self(self, e, depth + 1);
    };
    walk(walk, j, 0);
    return out;
}

/// The member `key` of an object, or null.
template <class Json>
Json const& member_or_null(Json const& j, char const* key) {
    static const Json null;
    auto it = j.is_object() ? j.find(key) : j.end();
    return j.is_object() && it != j.end() ? *it : null;
}

/// Element `index` (row-major) of tensor t, in the staged parameters.
template <class T>
void set(std::vector<T>& staged, tensor const& t, std::size_t index, double v) {
    staged[t.at(index)] = static_cast<T>(v);
}

template <class Net, class T, class Json>
void load_keras(Json const& file, std::vector<T>& staged) {
    Json const& in_shape = member_or_null(file, "in_shape");
    if (!in_shape.is_array() || in_shape.empty() || !in_shape.back().is_number_integer())
        rtneural_fail("\"in_shape\" is not a list ending in the number of inputs");
    if (in_shape.back().template get<long long>() != static_cast<long long>(Net::inputs))
        rtneural_fail("the file's model takes " + in_shape.back().dump() +
                      " inputs; the type takes " + std::to_string(Net::inputs));
    Json const& layers = member_or_null(file, "layers");
    if (!layers.is_array())
        rtneural_fail("\"layers\" is not a list");
    const std::vector<layer_info> ours = root_layers<Net>();
    if (layers.size() != ours.size())
        rtneural_fail("the file has " + std::to_string(layers.size()) + " layers; the type has " +
                      std::to_string(ours.size()));
    for (std::size_t l = 0; l < ours.size(); ++l) {
        Json const& f = layers[l];
        layer_info const& h = ours[l];
        if (!member_or_null(f, "type").is_string())
            rtneural_fail("layer " + std::to_string(l + 1) + " has no \"type\"");
        std::string type = member_or_null(f, "type").template get<std::string>();
        const std::string where = "layer " + std::to_string(l + 1) + " (" + type + ")";
        auto fail = [&](std::string const& what) { rtneural_fail(where + ": " + what); };
        Json const& act = member_or_null(f, "activation");
        std::string activation = act.is_string() ? act.template get<std::string>() : "";
        if (activation.empty())
            activation = "linear";
        if (type == "time-distributed-dense")
            type = "dense";
        if (type == "activation" && activation == "softmax")
            type = "softmax";
        if (type != "dense" && type != "activation" && type != "softmax" && type != "lstm" &&
            type != "gru" && type != "conv1d" && type != "batchnorm" && type != "prelu")
            fail("hardwired has no layer kind for it");
        if (type != h.kind)
            fail("the type's layer " + std::to_string(l + 1) + " is " +
                 (h.kind.find(' ') == std::string::npos ? "of kind " + h.kind : h.kind));
        Json const& shape = member_or_null(f, "shape");
        if (!shape.is_array() || shape.empty() || !shape.back().is_number_integer())
            fail("\"shape\" is not a list ending in the layer's size");
        if (shape.back().template get<long long>() != static_cast<long long>(h.outputs))
            fail("the file gives it " + shape.back().dump() + " outputs, the type " +
                 std::to_string(h.outputs));
        const bool own_activation = type == "dense" || type == "activation" || type == "conv1d";
        if (own_activation && activation != h.activation)
            fail("the activation is " + activation + " in the file but " +
                 (h.activation.empty() ? std::string("a formula RTNeural does not name")
                                       : h.activation) +
                 " in the type");
        if ((type == "lstm" || type == "gru") && activation != "linear" && activation != "tanh")
            fail("the activation " + activation + " is not the recurrent layers' tanh");
        if (type == "activation" || type == "softmax")
            continue;
        Json const& w = member_or_null(f, "weights");
        if (!w.is_array())
            fail("no \"weights\" list");
        auto weight = [&](std::size_t k, std::vector<std::size_t> const& dims) {
            if (k >= w.size())
                fail("weights[" + std::to_string(k) + "] is missing");
            return values_of(w[k], dims, where + ": weights[" + std::to_string(k) + "]");
        };
        // The layer's k-th tensor (checked: the kinds above fix how many a layer has).
        auto t = [&](std::size_t k) -> tensor const& {
            if (h.first_tensor + k >= Net::tensor_count)
                fail("the type's layer has too few tensors");
            return Net::tensors[h.first_tensor + k];
        };
        const std::size_t in = h.inputs, out = h.outputs;
        const std::size_t expected_weights = type == "lstm" || type == "gru" ? 3
                                             : type == "batchnorm"           ? (h.bias ? 4 : 2)
                                             : type == "prelu"               ? 1
                                             : h.bias                        ? 2
                                                                             : 1;
        if (w.size() != expected_weights)
            fail("the file has " + std::to_string(w.size()) + " weight tensors; the type's layer " +
                 std::to_string(expected_weights) +
                 (type == "batchnorm" ? (h.bias ? " (affine)" : " (not affine)")
                  : h.bias            ? ""
                                      : " (no bias)"));
        if (type == "batchnorm") {
            Json const& eps = member_or_null(f, "epsilon");
            if (!eps.is_number())
                fail("no \"epsilon\" number");
            const double e = eps.template get<double>();
            if (!(std::abs(e - h.epsilon) <= 1e-6 * h.epsilon))
                fail("epsilon is " + eps.dump() + " in the file but " + std::to_string(h.epsilon) +
                     " in the type");
            // gamma, beta, moving mean, moving variance (or the last two): the type's tensors in
            // order; the variance must keep running_var + ε positive.
            for (std::size_t k = 0; k < expected_weights; ++k) {
                const auto v = weight(k, {out});
                for (std::size_t j = 0; j < out; ++j) {
                    if (k + 1 == expected_weights && !(v[j] + h.epsilon > 0))
                        fail("the moving variance of channel " + std::to_string(j) + " is " +
                             std::to_string(v[j]) + ": variance + epsilon is not positive");
                    set(staged, t(k), j, v[j]);
                }
            }
        } else if (type == "prelu") {
            const auto a = weight(0, {1, h.hidden});
            for (std::size_t j = 0; j < h.hidden; ++j)
                set(staged, t(0), j, a[j]);
        } else if (type == "dense") {
            const auto k = weight(0, {in, out});
            for (std::size_t i = 0; i < in; ++i)
                for (std::size_t j = 0; j < out; ++j)
                    set(staged, t(0), j * in + i, k[i * out + j]);
            if (h.bias) {
                const auto b = weight(1, {out});
                for (std::size_t j = 0; j < out; ++j)
                    set(staged, t(1), j, b[j]);
            }
        } else if (type == "conv1d") {
            auto number = [&](char const* key, std::size_t fallback) -> long long {
                Json const& m = member_or_null(f, key);
                if (m.is_null())
                    return static_cast<long long>(fallback);
                Json const& v = m.is_array() && m.size() == 1 ? m[0] : m;
                if (!v.is_number_integer())
                    fail(std::string("\"") + key + "\" is not an integer");
                return v.template get<long long>();
            };
            const long long K = number("kernel_size", 0), D = number("dilation", 1),
                            G = number("groups", 1);
            if (K != static_cast<long long>(h.kernel) || D != static_cast<long long>(h.dilation) ||
                G != static_cast<long long>(h.groups))
                fail("kernel size, dilation and groups are " + std::to_string(K) + ", " +
                     std::to_string(D) + ", " + std::to_string(G) + " in the file but " +
                     std::to_string(h.kernel) + ", " + std::to_string(h.dilation) + ", " +
                     std::to_string(h.groups) + " in the type");
            const std::size_t gin = in / h.groups;
            const auto k = weight(0, {h.kernel, gin, out});
            for (std::size_t o = 0; o < out; ++o)
                for (std::size_t c = 0; c < gin; ++c)
                    for (std::size_t tap = 0; tap < h.kernel; ++tap)
                        set(staged, t(0), (o * gin + c) * h.kernel + tap,
                            k[(tap * gin + c) * out + o]);
            if (h.bias) {
                const auto b = weight(1, {out});
                for (std::size_t o = 0; o < out; ++o)
                    set(staged, t(1), o, b[o]);
            }
        } else {
            const std::size_t H = h.hidden, G = type == "lstm" ? 4 : 3, rows = G * H;
            // Row r of PyTorch's gates is row keras(r) of Keras's: the LSTM's order is the
            // same; the GRU's z, r, h become r, z, n.
            auto keras = [&](std::size_t r) {
                constexpr std::size_t from[3] = {1, 0, 2};
                return G == 4 ? r : from[r / H] * H + r % H;
            };
            const auto wi = weight(0, {in, rows});
            const auto wh = weight(1, {H, rows});
            for (std::size_t r = 0; r < rows; ++r) {
                for (std::size_t k = 0; k < in; ++k)
                    set(staged, t(0), r * in + k, wi[k * rows + keras(r)]);
                for (std::size_t k = 0; k < H; ++k)
                    set(staged, t(1), r * H + k, wh[k * rows + keras(r)]);
            }
            if (G == 4) {
                const auto b = weight(2, {rows});
                for (std::size_t r = 0; r < rows; ++r) {
                    set(staged, t(2), r, b[r]);
                    set(staged, t(3), r, 0.0);
                }
            } else {
                if (dims_of(w[2]) == std::vector<std::size_t>{rows})
                    fail("one bias vector: a GRU with reset_after=False, whose equations "
                         "hardwired's (PyTorch's) GRU does not have");
                const auto b = weight(2, {2, rows});
                for (std::size_t r = 0; r < rows; ++r) {
                    set(staged, t(2), r, b[keras(r)]);
                    set(staged, t(3), r, b[rows + keras(r)]);
                }
            }
        }
    }
}

template <class Net, class T>
void load_torch_json(nlohmann::ordered_json const& file, std::vector<T>& staged) {
    if (file.size() != Net::tensor_count)
        rtneural_fail("the state_dict has " + std::to_string(file.size()) +
                      " tensors; the type has " + std::to_string(Net::tensor_count));
    std::size_t i = 0;
    for (auto const& item : file.items()) {
        tensor const& t = Net::tensors[i];
        const std::vector<std::size_t> dims(t.shape.begin(),
                                            t.shape.begin() + static_cast<std::ptrdiff_t>(t.rank));
        const std::string what = "tensor " + std::to_string(i + 1) + " '" + item.key() + "' (" +
                                 t.name + " of the type)";
        const auto v = values_of(item.value(), dims, what);
        for (std::size_t e = 0; e < v.size(); ++e)
            set(staged, t, e, v[e]);
        ++i;
    }
}

} // namespace detail

/// Loads an RTNeural JSON model's text into p; see the header's comment.
template <class Net, class T>
rtneural_info from_rtneural(std::string_view text, params<Net, T>& p) {
    nlohmann::ordered_json file;
    try {
        file = nlohmann::ordered_json::parse(text.begin(), text.end());
    } catch (nlohmann::json::exception const& e) {
        detail::rtneural_fail(std::string("not valid JSON: ") + e.what());
    }
    if (!file.is_object())
        detail::rtneural_fail("the file is not a JSON object");
    rtneural_info info;
    std::vector<T> staged(p.values.begin(), p.values.end());
    if (file.contains("layers")) {
        info.layout = "keras";
        detail::load_keras<Net>(file, staged);
        if (file.contains("in_skip")) {
            if (!file["in_skip"].is_number_integer() || file["in_skip"].get<long long>() < 0 ||
                file["in_skip"].get<long long>() > 1)
                detail::rtneural_fail("\"in_skip\" is not 0 or 1");
            info.input_skip = file["in_skip"].get<long long>() == 1;
        }
        auto gain = [&](char const* key) {
            if (!file.contains(key))
                return 1.0;
            if (!file[key].is_number() || !std::isfinite(file[key].get<double>()))
                detail::rtneural_fail(std::string("\"") + key + "\" is not a number (dB)");
            return std::pow(10.0, file[key].get<double>() / 20);
        };
        info.input_gain = gain("in_gain");
        info.output_gain = gain("out_gain");
        nlohmann::ordered_json const& meta = detail::member_or_null(file, "metadata");
        nlohmann::ordered_json const& rate = file.contains("samplerate")
                                                 ? file["samplerate"]
                                                 : detail::member_or_null(meta, "samplerate");
        if (!rate.is_null()) {
            if (!rate.is_number() || !(rate.get<double>() > 0) ||
                !std::isfinite(rate.get<double>()))
                detail::rtneural_fail("\"samplerate\" is not a positive number (Hz)");
            info.sample_rate = rate.get<double>();
        }
    } else {
        info.layout = "pytorch";
        detail::load_torch_json<Net>(file, staged);
    }
    std::copy(staged.begin(), staged.end(), p.values.begin());
    return info;
}

/// Loads an RTNeural JSON model file (`.json`, `.aidax`); see from_rtneural.
template <class Net, class T>
rtneural_info load_rtneural(std::filesystem::path const& path, params<Net, T>& p) {
    return detail::from_file<rtneural_error>(
        path, [&](std::string const& text) { return from_rtneural(text, p); });
}

} // namespace hardwired::io
