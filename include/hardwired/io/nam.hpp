#pragma once
/// The Neural Amp Modeler's `.nam` files (JSON: "architecture", "config", a flat "weights" list,
/// "sample_rate", "version", "metadata") into the matching hardwired types, for its WaveNet and
/// LSTM architectures. Optional header: it needs nlohmann-json (Debian `nlohmann-json3-dev`).
///
///     using a1 = hw::network<hw::input<1>, hw::wavenet::a1_standard>;
///     hw::params<a1> p;
///     hw::io::load_nam("amp.nam", p);                     // checks the file's config first
///
///     using amp = hw::network<hw::input<1>, hw::lstm<16>, hw::dense<1>>;
///     hw::params<amp> q;
///     hw::state<amp> start;                               // NAM's LSTM learns its initial state
///     hw::io::load_nam("lstm.nam", q, start);
///     hw::state<amp> s = start;                           // and starts every stream from it
///
/// WaveNet: the type's layer arrays (channels, head size, kernel size, dilations, activation,
/// gated, head bias), input sizes, head scale and weight count must be the file's. The flat
/// list is the PyTorch module's parameters in state_dict order, row-major, then the head scale.
/// LSTM: the type is `hw::lstm<H>` layers (NAM's num_layers of them; PyTorch's gate functions)
/// then `hw::dense<1>`; per layer the list holds [W_ih | W_hh] as [4H, in + H] row-major, the
/// summed bias b_ih + b_hh, the initial hidden and cell states, then the head's weight and bias.
/// Every mismatch throws hw::io::nam_error naming the layer (array) and both sizes; the
/// parameters and the state are changed only by a load that succeeds.

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../models/wavenet.hpp"
#include "../params.hpp"
#include "../state.hpp"
#include "safetensors.hpp"

namespace hardwired::io {

/// A `.nam` file that cannot be read or does not fit the type; what() says why.
struct nam_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What a `.nam` file says beside its weights.
struct nam_info {
    std::string architecture, version;
    double sample_rate = 0; ///< 0 where the file gives none
};

namespace detail {

[[noreturn]] inline void nam_fail(std::string const& what) {
    throw nam_error("nam: " + what);
}

/// A head scale the same as the type's to float precision (files hold float32 values), and its
/// text.
inline bool same_scale(double in_file, double in_type) {
    return std::abs(in_file - in_type) <= 1e-6 * std::abs(in_type);
}
inline std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

/// NAM's name (PyTorch's module name) of an activation hardwired has, or "" for another formula.
template <auto A>
std::string_view nam_activation_name() {
    constexpr std::string_view ours = activation_name<A>();
    return ours == "tanh" ? "Tanh" : ours == "relu" ? "ReLU" : ours == "sigmoid" ? "Sigmoid" : "";
}

inline nlohmann::json const& member(nlohmann::json const& j, std::string const& key,
                                    std::string const& where) {
    if (!j.is_object() || !j.contains(key))
        nam_fail(where + " has no \"" + key + "\"");
    return j[key];
}
inline long long integer(nlohmann::json const& j, std::string const& key,
                         std::string const& where) {
    nlohmann::json const& v = member(j, key, where);
    if (!v.is_number_integer())
        nam_fail(where + ": \"" + key + "\" is not an integer");
    return v.get<long long>();
}
inline bool boolean(nlohmann::json const& j, std::string const& key, std::string const& where) {
    nlohmann::json const& v = member(j, key, where);
    if (!v.is_boolean())
        nam_fail(where + ": \"" + key + "\" is not true or false");
    return v.get<bool>();
}
/// Equal, or an error naming the value in the type and in the file.
inline void same(long long in_type, long long in_file, std::string const& what) {
    if (in_type != in_file)
        nam_fail(what + " is " + std::to_string(in_type) + " in the type but " +
                 std::to_string(in_file) + " in the file");
}

template <class L>
concept wavenet_model = requires {
    typename L::arrays;
    L::head_scale;
};

/// The file's WaveNet config against the type M (a hw::wavenet::model).
template <class M>
void check_wavenet(nlohmann::json const& config) {
    using arrays = typename M::arrays;
    constexpr std::size_t n = std::tuple_size_v<arrays>;
    nlohmann::json const& layers = member(config, "layers", "the config");
    if (!layers.is_array())
        nam_fail("the config's \"layers\" is not a list");
    same(n, static_cast<long long>(layers.size()), "the number of layer arrays");
    std::size_t previous_channels = 1;
    hardwired::detail::for_index<n>([&](auto i) {
        using A = std::tuple_element_t<i, arrays>;
        const std::string where =
            "layer array " + std::to_string(i + 1) + " (of " + std::to_string(n) + ")";
        nlohmann::json const& l = layers[static_cast<std::size_t>(i)];
        same(static_cast<long long>(previous_channels), integer(l, "input_size", where),
             where + ": input_size");
        same(1, integer(l, "condition_size", where), where + ": condition_size");
        same(A::channels, integer(l, "channels", where), where + ": channels");
        same(A::head_size, integer(l, "head_size", where), where + ": head_size");
        same(A::kernel, integer(l, "kernel_size", where), where + ": kernel_size");
        nlohmann::json const& d = member(l, "dilations", where);
        if (!d.is_array())
            nam_fail(where + ": \"dilations\" is not a list");
        same(A::dilation_list::layers, static_cast<long long>(d.size()),
             where + ": the number of dilations");
        for (std::size_t k = 0; k < d.size(); ++k) {
            if (!d[k].is_number_integer())
                nam_fail(where + ": dilation " + std::to_string(k + 1) + " is not an integer");
            same(A::dilation_list::values[k], d[k].get<long long>(),
                 where + ": dilation " + std::to_string(k + 1));
        }
        nlohmann::json const& act = member(l, "activation", where);
        const std::string_view ours = nam_activation_name<A::activation>();
        if (!act.is_string() || act.get<std::string>() != ours)
            nam_fail(
                where + ": the activation is " +
                (ours.empty() ? std::string("a formula NAM does not name") : std::string(ours)) +
                " in the type but " + act.dump() + " in the file");
        if (boolean(l, "gated", where) != A::gated)
            nam_fail(where + ": gated is " + (A::gated ? "true" : "false") +
                     " in the type but not in the file");
        if (boolean(l, "head_bias", where) != A::head_bias)
            nam_fail(where + ": head_bias is " + (A::head_bias ? "true" : "false") +
                     " in the type but not in the file");
        previous_channels = A::channels;
    });
    if (config.contains("head") && !config["head"].is_null())
        nam_fail("the config has a \"head\"; hardwired's WaveNet has none (head: null)");
    nlohmann::json const& scale = member(config, "head_scale", "the config");
    const double ours = M::head_scale(1.0);
    if (!scale.is_number() || !same_scale(scale.get<double>(), ours))
        nam_fail("the head scale is " + number_text(ours) + " in the type but " + scale.dump() +
                 " in the file");
}

/// The file's flat weight list, every element a finite number, of the expected length.
inline std::vector<double> weights_of(nlohmann::json const& file, std::size_t expected) {
    nlohmann::json const& w = member(file, "weights", "the file");
    if (!w.is_array())
        nam_fail("\"weights\" is not a list");
    if (w.size() != expected)
        nam_fail("the file has " + std::to_string(w.size()) + " weights; the type needs " +
                 std::to_string(expected));
    std::vector<double> v;
    v.reserve(expected);
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (!w[i].is_number() || !std::isfinite(w[i].get<double>()))
            nam_fail("weight " + std::to_string(i) + " is " + w[i].dump() +
                     ", not a finite number");
        v.push_back(w[i].get<double>());
    }
    return v;
}

template <class Net>
inline constexpr std::size_t lstm_layers = [] {
    std::size_t n = 0;
    for (tensor const& t : Net::tensors)
        n += std::string_view(t.name) == "weight_ih_l0";
    return n;
}();

/// Net is L hw::lstm<H> layers then a dense layer of one output: its tensors say so.
template <class Net>
constexpr bool is_nam_lstm() {
    constexpr std::size_t L = lstm_layers<Net>;
    if (L == 0 || Net::tensor_count != 4 * L + 2 || Net::depth != L + 1 || Net::outputs != 1)
        return false;
    const std::size_t H = Net::tensors[1].shape[1];
    for (std::size_t l = 0; l < L; ++l) {
        tensor const* t = &Net::tensors[4 * l];
        const std::string_view names[4] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                           "bias_hh_l0"};
        for (std::size_t k = 0; k < 4; ++k)
            if (std::string_view(t[k].name) != names[k] || t[k].shape[0] != 4 * H)
                return false;
        if (t[1].shape[1] != H)
            return false;
    }
    return Net::tensors[4 * L].shape[1] == H;
}

} // namespace detail

/// Loads a `.nam` file's text into p (and, for an LSTM, its initial state into `initial`;
/// a WaveNet's state is left zero). See the header's comment.
template <class Net, class T>
nam_info from_nam(std::string_view text, params<Net, T>& p, state<Net, T>* initial = nullptr) {
    nlohmann::json file;
    try {
        file = nlohmann::json::parse(text.begin(), text.end());
    } catch (nlohmann::json::exception const& e) {
        detail::nam_fail(std::string("not valid JSON: ") + e.what());
    }
    if (!file.is_object())
        detail::nam_fail("the file is not a JSON object");
    nam_info info;
    nlohmann::json const& arch = detail::member(file, "architecture", "the file");
    if (!arch.is_string())
        detail::nam_fail("\"architecture\" is not a string");
    info.architecture = arch.get<std::string>();
    if (file.contains("version") && file["version"].is_string())
        info.version = file["version"].get<std::string>();
    if (file.contains("sample_rate") && file["sample_rate"].is_number())
        info.sample_rate = file["sample_rate"].get<double>();
    nlohmann::json const& config = detail::member(file, "config", "the file");

    using first = typename Net::template layer<0>;
    std::vector<T> staged(p.values.begin(), p.values.end());
    if constexpr (detail::wavenet_model<first> && Net::depth == 1) {
        if (info.architecture != "WaveNet")
            detail::nam_fail("the file's architecture is " + info.architecture +
                             "; the type is a WaveNet");
        detail::check_wavenet<first>(config);
        const std::vector<double> w = detail::weights_of(file, Net::parameter_count + 1);
        if (!detail::same_scale(w.back(), first::head_scale(1.0)))
            detail::nam_fail("the last weight (the head scale) is " +
                             detail::number_text(w.back()) + ", not the config's head_scale");
        std::size_t at = 0;
        for (tensor const& t : Net::tensors)
            for (std::size_t e = 0; e < t.size(); ++e)
                staged[t.at(e)] = static_cast<T>(w[at++]);
        std::copy(staged.begin(), staged.end(), p.values.begin());
        if (initial)
            initial->reset();
    } else if constexpr (detail::is_nam_lstm<Net>()) {
        constexpr std::size_t L = detail::lstm_layers<Net>;
        constexpr std::size_t H = Net::tensors[1].shape[1];
        if (info.architecture != "LSTM")
            detail::nam_fail("the file's architecture is " + info.architecture +
                             "; the type is an LSTM");
        detail::same(Net::inputs, detail::integer(config, "input_size", "the config"),
                     "input_size");
        detail::same(H, detail::integer(config, "hidden_size", "the config"), "hidden_size");
        detail::same(L, detail::integer(config, "num_layers", "the config"), "num_layers");
        std::size_t expected = H + 1;
        for (std::size_t l = 0; l < L; ++l)
            expected += 4 * H * (Net::tensors[4 * l].shape[1] + H) + 4 * H + 2 * H;
        const std::vector<double> w = detail::weights_of(file, expected);
        std::vector<T> start(Net::state_count, T(0));
        std::size_t at = 0;
        for (std::size_t l = 0; l < L; ++l) {
            tensor const* t = &Net::tensors[4 * l];
            const std::size_t in = t[0].shape[1];
            for (std::size_t r = 0; r < 4 * H; ++r) {
                for (std::size_t k = 0; k < in; ++k)
                    staged[t[0].at(r * in + k)] = static_cast<T>(w[at++]);
                for (std::size_t k = 0; k < H; ++k)
                    staged[t[1].at(r * H + k)] = static_cast<T>(w[at++]);
            }
            for (std::size_t r = 0; r < 4 * H; ++r) {
                staged[t[2].at(r)] = static_cast<T>(w[at++]);
                staged[t[3].at(r)] = T(0);
            }
            const std::size_t s0 = Net::root::state_offset[l];
            for (std::size_t k = 0; k < 2 * H; ++k) // h, then c: hw::lstm's state order
                start[s0 + k] = static_cast<T>(w[at++]);
        }
        tensor const* head = &Net::tensors[4 * L];
        for (std::size_t k = 0; k < H; ++k)
            staged[head[0].at(k)] = static_cast<T>(w[at++]);
        staged[head[1].at(0)] = static_cast<T>(w[at++]);
        if (!initial)
            for (T v : start)
                if (v != T(0))
                    detail::nam_fail("the LSTM has a learned initial state: pass a hw::state "
                                     "to receive it (load_nam(path, p, initial))");
        std::copy(staged.begin(), staged.end(), p.values.begin());
        if (initial)
            std::copy(start.begin(), start.end(), initial->values.begin());
    } else {
        static_assert(detail::wavenet_model<first> || detail::is_nam_lstm<Net>(),
                      "hardwired: load_nam reads NAM's WaveNet (hw::network<hw::input<1>, "
                      "hw::wavenet::model<...>>) and LSTM (hw::network<hw::input<1>, "
                      "hw::lstm<H>..., hw::dense<1>>) models");
    }
    return info;
}

template <class Net, class T>
nam_info from_nam(std::string_view text, params<Net, T>& p, state<Net, T>& initial) {
    return from_nam(text, p, &initial);
}

/// Loads a `.nam` file; see from_nam.
template <class Net, class T>
nam_info load_nam(std::filesystem::path const& path, params<Net, T>& p) {
    return detail::from_file<nam_error>(path, [&](std::string const& text) {
        return from_nam(text, p, static_cast<state<Net, T>*>(nullptr));
    });
}
template <class Net, class T>
nam_info load_nam(std::filesystem::path const& path, params<Net, T>& p, state<Net, T>& initial) {
    return detail::from_file<nam_error>(
        path, [&](std::string const& text) { return from_nam(text, p, &initial); });
}

} // namespace hardwired::io
