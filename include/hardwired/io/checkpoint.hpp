#pragma once
/// Checkpoints: parameters together with an optimizer's state and settings, in one safetensors
/// file, so that training resumed from it continues bit for bit as if it had never stopped.
///
///     hw::io::save_checkpoint("run.ckpt.safetensors", p, opt);        // after epoch k
///     ...
///     hw::io::load_checkpoint("run.ckpt.safetensors", p, opt);
///     hw::fit<hw::mse_loss>(p, opt, xs, ys, {.epochs = 100, .seed = 1, .first_epoch = k + 1});
///
/// The file holds the parameters under their usual names (io/names.hpp), in their own type (F32
/// for float, F64 for double: exact), each optimizer state array as a tensor of the same shapes
/// named "optimizer.<array>.<tensor>" ("optimizer.m.0.weight"), and in "__metadata__" the
/// optimizer's kind ("hardwired.optimizer": "adam"), its step count and its settings (learning
/// rate, …, written so that they read back exactly). Loading restores all of it, settings
/// included, as torch.optim's load_state_dict does; a checkpoint of another optimizer or network
/// is refused with what differs, and a failed load changes neither the parameters nor the
/// optimizer. hw::sgd, hw::adam and hw::adamw are supported.

#include <charconv>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "../train/optimizers.hpp"
#include "safetensors.hpp"

namespace hardwired::io {

/// What a checkpoint keeps of an optimizer: its kind, its state arrays (each shaped like the
/// parameters), its settings and step count. `optimizer_fields_of(opt)` gives them for hw::sgd,
/// hw::adam and hw::adamw; an overload for another optimizer makes it checkpointable.
template <class T>
struct optimizer_fields {
    std::string kind;
    std::vector<std::pair<std::string, T*>> arrays;
    std::vector<std::pair<std::string, T*>> settings;
    std::vector<std::pair<std::string, bool*>> switches;
    long long* step = nullptr;
};

template <class Net, class T>
optimizer_fields<T> optimizer_fields_of(sgd<Net, T>& o) {
    return {"sgd",
            {{"velocity", o.velocity.data()}},
            {{"lr", &o.lr}, {"momentum", &o.momentum}, {"weight_decay", &o.weight_decay}},
            {{"nesterov", &o.nesterov}},
            nullptr};
}
namespace detail {
/// hw::adam and hw::adamw have the same fields.
template <class T, class Adam>
optimizer_fields<T> adam_fields(std::string kind, Adam& o) {
    return {std::move(kind),
            {{"m", o.m.data()}, {"v", o.v.data()}},
            {{"lr", &o.lr},
             {"beta1", &o.beta1},
             {"beta2", &o.beta2},
             {"eps", &o.eps},
             {"weight_decay", &o.weight_decay}},
            {},
            &o.t};
}
} // namespace detail
template <class Net, class T>
optimizer_fields<T> optimizer_fields_of(adam<Net, T>& o) {
    return detail::adam_fields<T>("adam", o);
}
template <class Net, class T>
optimizer_fields<T> optimizer_fields_of(adamw<Net, T>& o) {
    return detail::adam_fields<T>("adamw", o);
}

namespace detail {
/// The shortest text that reads back as exactly v.
template <class V>
std::string exact_text(V v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}
template <class V>
bool read_exact(std::string const& text, V& v) {
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    return r.ec == std::errc{} && r.ptr == text.data() + text.size();
}
inline std::string const* metadata_of(safetensors_file const& f, std::string const& key) {
    auto it = f.metadata().find(key);
    return it == f.metadata().end() ? nullptr : &it->second;
}
} // namespace detail

/// The parameters and the optimizer's state as a checkpoint file's bytes.
template <class Net, class T, class Optimizer>
std::string to_checkpoint(params<Net, T> const& p, Optimizer const& opt) {
    // optimizer_fields_of gives fields to write into, too; a copy, on the heap as the state of a
    // large network does not fit on a thread's stack.
    const auto copy = std::make_unique<Optimizer>(opt);
    const optimizer_fields<T> f = optimizer_fields_of(*copy);
    const dtype type = detail::own_dtype<T>;
    std::vector<tensor_to_write> tensors;
    detail::add_tensors<Net>(tensors, p.values.data(), type, {});
    for (auto const& [name, array] : f.arrays)
        detail::add_tensors<Net>(tensors, static_cast<T const*>(array), type, {},
                                 "optimizer." + name + ".");
    std::map<std::string, std::string> metadata = detail::own_metadata<Net, T>({});
    metadata["hardwired.optimizer"] = f.kind;
    if (f.step)
        metadata["hardwired.optimizer.step"] = std::to_string(*f.step);
    for (auto const& [name, value] : f.settings)
        metadata["hardwired.optimizer." + name] = detail::exact_text(*value);
    for (auto const& [name, value] : f.switches)
        metadata["hardwired.optimizer." + name] = *value ? "true" : "false";
    return write_safetensors(tensors, metadata);
}

/// Restores the parameters and the optimizer from a checkpoint's bytes. On any error, throws
/// safetensors_error and changes neither.
template <class Net, class T, class Optimizer>
void from_checkpoint(std::string_view bytes, params<Net, T>& p, Optimizer& opt) {
    const safetensors_file file = safetensors_file::parse(bytes);
    auto fail = [](std::string const& what) -> void {
        throw safetensors_error("checkpoint: " + what);
    };
    // Staged copies, committed once everything has been read.
    std::vector<T> staged_p(p.values.begin(), p.values.end());
    const auto staged = std::make_unique<Optimizer>(opt);
    const optimizer_fields<T> f = optimizer_fields_of(*staged);

    std::string const* kind = detail::metadata_of(file, "hardwired.optimizer");
    if (!kind)
        fail("the file has no optimizer state (\"hardwired.optimizer\" in its metadata)");
    if (*kind != f.kind)
        fail("the file holds the state of an optimizer '" + *kind + "', not '" + f.kind + "'");
    if (f.step) {
        std::string const* step = detail::metadata_of(file, "hardwired.optimizer.step");
        if (!step || !detail::read_exact(*step, *f.step) || *f.step < 0)
            fail("the optimizer's step count is missing or not a count");
    }
    for (auto const& [name, value] : f.settings) {
        std::string const* text = detail::metadata_of(file, "hardwired.optimizer." + name);
        if (!text || !detail::read_exact(*text, *value))
            fail("the optimizer setting '" + name + "' is missing or not a number");
    }
    for (auto const& [name, value] : f.switches) {
        std::string const* text = detail::metadata_of(file, "hardwired.optimizer." + name);
        if (!text || (*text != "true" && *text != "false"))
            fail("the optimizer setting '" + name + "' is missing or not true or false");
        *value = *text == "true";
    }
    const load_options options{};
    detail::read_tensors<Net>(file, staged_p.data(), options);
    std::vector<std::string> names = detail::names_read<Net>({});
    for (auto const& [name, array] : f.arrays) {
        detail::read_tensors<Net>(file, array, options, "optimizer." + name + ".");
        for (std::string& n : detail::names_read<Net>({}, "optimizer." + name + "."))
            names.push_back(std::move(n));
    }
    detail::check_all_used(file, names);
    std::copy(staged_p.begin(), staged_p.end(), p.values.begin());
    opt = *staged;
}

/// Saves a checkpoint (replacing the file only once the new one is written).
template <class Net, class T, class Optimizer>
void save_checkpoint(std::filesystem::path const& path, params<Net, T> const& p,
                     Optimizer const& opt) {
    write_file(path, to_checkpoint(p, opt));
}

/// Loads a checkpoint; see from_checkpoint.
template <class Net, class T, class Optimizer>
void load_checkpoint(std::filesystem::path const& path, params<Net, T>& p, Optimizer& opt) {
    detail::from_file<safetensors_error>(
        path, [&](std::string const& bytes) { from_checkpoint(bytes, p, opt); });
}

} // namespace hardwired::io
