#pragma once
/// The names of a network's parameter tensors in files: the `state_dict` names of the
/// equivalent PyTorch module, so that the obvious PyTorch model's weights load as they are.
///
/// The rule (hw::io::tensor_names):
/// - the network is an `nn.Sequential`: its layers are numbered from 0; a layer with parameters
///   and an activation of its own (not the identity) takes two numbers, as `nn.Linear` followed
///   by `nn.Tanh` does, so `hw::dense<16, hw::tanh>, hw::dense<1>` is
///   `nn.Sequential(nn.Linear(in, 16), nn.Tanh(), nn.Linear(16, 1))`: "0.weight", "0.bias",
///   "2.weight", "2.bias";
/// - a tensor's name is its layer's number, a dot and the tensor's own name from the layer's
///   tensor table ("weight", "bias", "weight_ih_l0", …);
/// - a `hw::chain` inside is an `nn.Sequential` at its number ("1.0.weight");
/// - a `hw::residual` block is the `nn.Sequential` of its layers (y = x + body(x)): "1.0.weight";
/// - a block of branches (`hw::concat`, `hw::sum`, `hw::product`) holds its branches as an
///   `nn.ModuleList`: branch i is number i, a one-layer branch is that layer's module
///   ("1.0.weight"), a chain branch an `nn.Sequential` ("1.1.0.weight").
///
/// Stacked recurrent layers are separate modules ("0.weight_ih_l0", "1.weight_ih_l0"); a file
/// with one `nn.LSTM(num_layers = 2)` names them "0.weight_ih_l0", "0.weight_ih_l1": load it with
/// a name map (hw::io::name_map).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../activation.hpp"
#include "../graph/block.hpp"
#include "../network.hpp"

namespace hardwired::io {

/// A tensor of the network with its name in files.
struct named_tensor {
    std::string name;
    tensor info; ///< shape, strides and offset in the flat parameter array (Net::tensors)
};

/// Maps a tensor's hardwired name (tensor_names) to its name in a file. Empty: the same name.
using name_map = std::function<std::string(std::string const&)>;

/// A name map that replaces leading module paths: `renamed({{"0", "fc1"}, {"2", "fc2"}})` maps
/// "0.weight" to "fc1.weight" and "2.bias" to "fc2.bias"; a path is replaced only as whole
/// components ("1" does not match "12.weight"); the longest matching path wins; names no pair
/// matches stay as they are.
inline name_map renamed(std::vector<std::pair<std::string, std::string>> paths) {
    return [paths = std::move(paths)](std::string const& name) {
        std::size_t best = 0;
        std::string const* to = nullptr;
        for (auto const& [from, into] : paths)
            if (from.size() > best && name.size() > from.size() &&
                name.compare(0, from.size(), from) == 0 && name[from.size()] == '.') {
                best = from.size();
                to = &into;
            }
        return to ? *to + name.substr(best) : name;
    };
}

namespace detail {

/// The name files give an activation hardwired has ("linear" for the identity, "tanh", "relu",
/// "sigmoid", "elu"), or "" for another formula.
template <auto A>
constexpr std::string_view activation_name() {
    using F = std::remove_cv_t<decltype(A)>;
    auto is = [](auto const& g) { return std::is_same_v<F, std::remove_cvref_t<decltype(g)>>; };
    if (is(hardwired::identity))
        return "linear";
    if (is(hardwired::tanh))
        return "tanh";
    if (is(hardwired::relu))
        return "relu";
    if (is(hardwired::sigmoid))
        return "sigmoid";
    if (is(hardwired::elu<>))
        return "elu";
    return "";
}

template <auto F>
inline constexpr bool is_identity =
    std::is_same_v<std::remove_cv_t<decltype(F)>, std::remove_cv_t<decltype(hardwired::identity)>>;

/// A layer that takes two numbers in an nn.Sequential: parameters and an activation of its own
/// (its tail, or one its kernels apply).
template <class L>
inline constexpr bool two_modules = [] {
    if constexpr (hardwired::detail::is_block<L> || hardwired::detail::parameter_count<L> == 0)
        return false;
    else if constexpr (hardwired::detail::has_tail<L>)
        return !is_identity<L::activation>;
    else if constexpr (requires { L::inner_activation; })
        return !is_identity<L::inner_activation>;
    else
        return false;
}();

template <class L, class F>
void visit_named(std::string const& path, std::size_t offset, F& f) {
    using hardwired::detail::for_index;
    if constexpr (hardwired::detail::is_block<L>) {
        using children = typename L::children;
        constexpr module_form form = L::naming;
        if constexpr (form == module_form::same) {
            visit_named<std::tuple_element_t<0, children>>(path, offset + L::param_offset[0], f);
        } else {
            std::size_t number = 0;
            for_index<std::tuple_size_v<children>>([&](auto i) {
                using C = std::tuple_element_t<i, children>;
                visit_named<C>(path + std::to_string(number) + ".", offset + L::param_offset[i], f);
                number += form == module_form::sequential && two_modules<C> ? 2 : 1;
            });
        }
    } else {
        for (tensor t : hardwired::detail::tensors_of<L>()) {
            t.offset += offset;
            f(named_tensor{path + t.name, t});
        }
    }
}

} // namespace detail

/// Every parameter tensor of Net with its name in files (the rule above), in the order of
/// Net::tensors; each name mapped through `names` when one is given.
template <class Net>
std::vector<named_tensor> tensor_names(name_map const& names = {}) {
    std::vector<named_tensor> all;
    all.reserve(Net::tensor_count);
    auto add = [&](named_tensor t) {
        if (names)
            t.name = names(t.name);
        all.push_back(std::move(t));
    };
    detail::visit_named<typename Net::root>("", 0, add);
    return all;
}

/// A readable description of the network type, as the compiler spells it (informative: it
/// differs between compilers; files are checked tensor by tensor, not by this text).
template <class Net>
std::string describe() {
    std::string_view s = __PRETTY_FUNCTION__;
#if defined(__clang__)
    constexpr std::string_view key = "Net = ";
    const std::size_t from = s.find(key) + key.size();
    return std::string(s.substr(from, s.rfind(']') - from));
#else
    constexpr std::string_view key = "with Net = ";
    const std::size_t from = s.find(key) + key.size();
    const std::size_t end = s.find(';', from);
    return std::string(s.substr(from, (end == std::string_view::npos ? s.rfind(']') : end) - from));
#endif
}

} // namespace hardwired::io
