#pragma once
/// Parameters in and out as safetensors files, the library's own weight format (and
/// Hugging Face's): 8 bytes of little-endian header length N, N bytes of JSON header (tensor name
/// → dtype, shape, data_offsets; an optional "__metadata__" of strings), then the tensors'
/// bytes, little-endian, row-major. Optional header (the library's umbrella header does not
/// include it); it reads its JSON header with io/json_lite.hpp and needs no other library.
///
///     hw::io::save_safetensors("model.safetensors", p);              // F32 for float params
///     hw::io::load_safetensors("model.safetensors", p);              // F16, BF16, F32, F64 read
///     hw::io::load_safetensors("torch.safetensors", p,
///                              {.names = hw::io::renamed({{"0", "fc1"}, {"2", "fc2"}})});
///
/// Tensor names are PyTorch's `state_dict` names of the equivalent module (io/names.hpp).
/// Files are validated as the format's reference implementation does; every failure throws
/// hw::io::safetensors_error, naming what is wrong, and leaves the parameters as they were.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../params.hpp"
#include "json_lite.hpp"
#include "names.hpp"

namespace hardwired::io {

/// A file that cannot be read, written or loaded into the parameters; what() says why.
struct safetensors_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The element types of the format (safetensors' dtype names). hardwired loads F16, BF16, F32
/// and F64 into its parameters and writes F32 or F64; the others are valid in a file (its sizes
/// are checked) but not loadable as parameters.
enum class dtype {
    boolean,
    u8,
    i8,
    f8_e5m2,
    f8_e4m3,
    i16,
    u16,
    f16,
    bf16,
    i32,
    u32,
    f32,
    f64,
    i64,
    u64
};

namespace detail {
struct dtype_info {
    dtype type;
    std::string_view name;
    std::size_t bytes;
};
inline constexpr dtype_info dtypes[] = {
    {dtype::boolean, "BOOL", 1},    {dtype::u8, "U8", 1},           {dtype::i8, "I8", 1},
    {dtype::f8_e5m2, "F8_E5M2", 1}, {dtype::f8_e4m3, "F8_E4M3", 1}, {dtype::i16, "I16", 2},
    {dtype::u16, "U16", 2},         {dtype::f16, "F16", 2},         {dtype::bf16, "BF16", 2},
    {dtype::i32, "I32", 4},         {dtype::u32, "U32", 4},         {dtype::f32, "F32", 4},
    {dtype::f64, "F64", 8},         {dtype::i64, "I64", 8},         {dtype::u64, "U64", 8},
};
} // namespace detail

/// The format's name of a dtype ("F32").
constexpr std::string_view name_of(dtype t) {
    for (auto const& d : detail::dtypes)
        if (d.type == t)
            return d.name;
    return "?";
}
/// Bytes per element.
constexpr std::size_t bytes_of(dtype t) {
    for (auto const& d : detail::dtypes)
        if (d.type == t)
            return d.bytes;
    return 0;
}

/// "[16, 2]".
inline std::string shape_text(std::vector<std::uint64_t> const& shape) {
    std::string s = "[";
    for (std::size_t k = 0; k < shape.size(); ++k)
        s += (k ? ", " : "") + std::to_string(shape[k]);
    return s + "]";
}

/// One tensor of a file: name, dtype, shape and its bytes' range in the data section.
struct safetensors_entry {
    std::string name;
    dtype type = dtype::f32;
    std::vector<std::uint64_t> shape;
    std::uint64_t begin = 0, end = 0;

    std::uint64_t elements() const {
        std::uint64_t n = 1;
        for (std::uint64_t d : shape)
            n *= d;
        return n;
    }
};

/// A parsed and validated safetensors file: its tensors in data order and its metadata, viewing
/// the bytes it was parsed from (which must outlive it).
class safetensors_file {
public:
    /// The largest header accepted, as the reference implementation (100 MB).
    static constexpr std::uint64_t max_header_bytes = 100'000'000;

    /// Parses and validates the whole file: the header length within the limit and the file,
    /// a JSON object (starting with '{') of tensors and an optional "__metadata__" of strings,
    /// no duplicate names, every dtype known, offsets contiguous from 0 in data order and each
    /// range the byte size of its shape, and the data ending exactly at the end of the file.
    static safetensors_file parse(std::string_view bytes) {
        auto fail = [](std::string const& what) -> void {
            throw safetensors_error("safetensors: " + what);
        };
        if (bytes.size() < 8)
            fail("the file is " + std::to_string(bytes.size()) +
                 " bytes, shorter than its 8-byte header length");
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = n << 8 | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
        if (n > max_header_bytes)
            fail("the header length " + std::to_string(n) + " is larger than the limit of " +
                 std::to_string(max_header_bytes) + " bytes");
        if (n > bytes.size() - 8)
            fail("the header length " + std::to_string(n) + " runs past the end of the file (" +
                 std::to_string(bytes.size() - 8) + " bytes after the length)");
        const std::string_view text = bytes.substr(8, static_cast<std::size_t>(n));
        if (text.empty() || text.front() != '{')
            fail("the header does not start with '{'");

        json_lite::value header;
        try {
            header = json_lite::parse(text);
        } catch (json_lite::error const& e) {
            const std::string what = e.what();
            if (what.rfind("the key '", 0) == 0) // a name twice: valid JSON, not a header
                fail("the header has " + what);
            fail("the header is not valid JSON: " + what);
        }
        if (!header.is_object())
            fail("the header is not a JSON object");

        safetensors_file file;
        file.header_bytes_ = n;
        for (std::size_t i = 0; i < header.keys.size(); ++i) {
            std::string const& name = header.keys[i];
            json_lite::value const& value = header.items[i];
            if (name == "__metadata__") {
                if (!value.is_object())
                    fail("__metadata__ is not an object of strings");
                for (std::size_t k = 0; k < value.keys.size(); ++k) {
                    if (!value.items[k].is_string())
                        fail("__metadata__ entry '" + value.keys[k] + "' is not a string");
                    file.metadata_[value.keys[k]] = value.items[k].text;
                }
                continue;
            }
            file.entries_.push_back(entry_of(name, value));
        }
        std::sort(file.entries_.begin(), file.entries_.end(), [](auto const& a, auto const& b) {
            return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
        });
        std::uint64_t at = 0;
        for (auto const& e : file.entries_) {
            if (e.begin != at || e.end < e.begin)
                fail("tensor '" + e.name + "' has data_offsets [" + std::to_string(e.begin) + ", " +
                     std::to_string(e.end) + "]; the data must be contiguous, and it starts at " +
                     std::to_string(at));
            std::uint64_t count = 1;
            bool overflow = false;
            for (std::uint64_t d : e.shape)
                overflow |= __builtin_mul_overflow(count, d, &count);
            std::uint64_t size = 0;
            overflow |= __builtin_mul_overflow(count, std::uint64_t{bytes_of(e.type)}, &size);
            if (overflow)
                fail("tensor '" + e.name + "' has a shape " + shape_text(e.shape) +
                     " whose byte size overflows");
            if (e.end - e.begin != size)
                fail("tensor '" + e.name + "' of " + std::string(name_of(e.type)) + " " +
                     shape_text(e.shape) + " needs " + std::to_string(size) +
                     " bytes, but its data_offsets give " + std::to_string(e.end - e.begin));
            at = e.end;
        }
        const std::uint64_t data = bytes.size() - 8 - n;
        if (at != data)
            fail("the tensors' data is " + std::to_string(at) + " bytes, but the file has " +
                 std::to_string(data) + " bytes after the header");
        file.data_ = bytes.substr(8 + static_cast<std::size_t>(n));
        return file;
    }

    /// The tensors, in the order of their data.
    std::vector<safetensors_entry> const& entries() const { return entries_; }
    std::map<std::string, std::string> const& metadata() const { return metadata_; }
    std::uint64_t header_bytes() const { return header_bytes_; }

    /// The tensor of that name, or null.
    safetensors_entry const* find(std::string const& name) const {
        for (auto const& e : entries_)
            if (e.name == name)
                return &e;
        return nullptr;
    }

    /// Element i (row-major) of a tensor of F16, BF16, F32 or F64, as a double (exactly).
    double value(safetensors_entry const& e, std::uint64_t i) const {
        const std::size_t size = bytes_of(e.type);
        const auto* b = reinterpret_cast<unsigned char const*>(data_.data() + e.begin + i * size);
        std::uint64_t bits = 0;
        for (std::size_t k = size; k-- > 0;)
            bits = bits << 8 | b[k];
        switch (e.type) {
        case dtype::f16:
            return from_half(static_cast<std::uint16_t>(bits));
        case dtype::bf16:
            return std::bit_cast<float>(static_cast<std::uint32_t>(bits << 16));
        case dtype::f32:
            return std::bit_cast<float>(static_cast<std::uint32_t>(bits));
        case dtype::f64:
            return std::bit_cast<double>(bits);
        default:
            throw safetensors_error("safetensors: tensor '" + e.name + "' is " +
                                    std::string(name_of(e.type)) +
                                    "; parameters load from F16, BF16, F32 or F64");
        }
    }

private:
    static safetensors_entry entry_of(std::string const& name, json_lite::value const& v) {
        auto fail = [&](std::string const& what) -> void {
            throw safetensors_error("safetensors: tensor '" + name + "': " + what);
        };
        if (!v.is_object())
            fail("its entry is not an object");
        safetensors_entry e;
        e.name = name;
        json_lite::value const* dt = v.find("dtype");
        if (!dt || !dt->is_string())
            fail("no dtype");
        const std::string type = dt->text;
        auto const known = std::find_if(std::begin(detail::dtypes), std::end(detail::dtypes),
                                        [&](auto const& d) { return d.name == type; });
        if (known == std::end(detail::dtypes))
            fail("unknown dtype \"" + type + "\"");
        e.type = known->type;
        json_lite::value const* shape = v.find("shape");
        if (!shape || !shape->is_array())
            fail("no shape");
        for (auto const& d : shape->items) {
            std::uint64_t n = 0;
            if (!d.unsigned_value(n))
                fail("its shape has an element that is not a non-negative integer");
            e.shape.push_back(n);
        }
        json_lite::value const* off = v.find("data_offsets");
        if (!off || !off->is_array() || off->items.size() != 2 ||
            !off->items[0].unsigned_value(e.begin) || !off->items[1].unsigned_value(e.end))
            fail("data_offsets is not two non-negative integers");
        return e;
    }

    static double from_half(std::uint16_t h) {
        const int exponent = (h >> 10) & 0x1f;
        const int mantissa = h & 0x3ff;
        double v;
        if (exponent == 0)
            v = std::ldexp(mantissa, -24);
        else if (exponent == 31)
            v = mantissa ? std::numeric_limits<double>::quiet_NaN()
                         : std::numeric_limits<double>::infinity();
        else
            v = std::ldexp(mantissa | 0x400, exponent - 25);
        return h & 0x8000 ? -v : v;
    }

    std::vector<safetensors_entry> entries_;
    std::map<std::string, std::string> metadata_;
    std::uint64_t header_bytes_ = 0;
    std::string_view data_;
};

/// One tensor to write: its name, shape and values in row-major order, written as `type`
/// (F32 or F64).
struct tensor_to_write {
    std::string name;
    std::vector<std::uint64_t> shape;
    std::vector<double> values;
    dtype type = dtype::f32;
};

/// A safetensors file's bytes, the tensors in the given order (data contiguous from 0), the
/// header padded with spaces to a multiple of 8 bytes as the reference implementation does.
inline std::string write_safetensors(std::vector<tensor_to_write> const& tensors,
                                     std::map<std::string, std::string> const& metadata) {
    // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict overlap in
    // `(c ? "" : ",") + std::string`.
    std::string text = "{";
    const auto member = [&text](std::string const& name) { // a comma before all but the first
        if (text.back() != '{')
            text += ',';
        text += json_lite::quoted(name);
        text += ':';
    };
    if (!metadata.empty()) {
        text += "\"__metadata__\":{";
        for (auto const& [k, v] : metadata) {
            member(k);
            text += json_lite::quoted(v);
        }
        text += "}";
    }
    std::uint64_t at = 0;
    for (auto const& t : tensors) {
        if (t.type != dtype::f32 && t.type != dtype::f64)
            throw safetensors_error("safetensors: hardwired writes F32 or F64, not " +
                                    std::string(name_of(t.type)));
        const std::uint64_t size = t.values.size() * bytes_of(t.type);
        member(t.name);
        text += "{\"dtype\":\"";
        text += name_of(t.type);
        text += "\",\"shape\":[";
        for (std::size_t k = 0; k < t.shape.size(); ++k) {
            if (k > 0)
                text += ',';
            text += std::to_string(t.shape[k]);
        }
        text += "],\"data_offsets\":[";
        text += std::to_string(at);
        text += ',';
        text += std::to_string(at + size);
        text += "]}";
        at += size;
    }
    text += "}";
    // What was written reads back: names twice or invalid UTF-8 in a name are refused here.
    try {
        (void)json_lite::parse(text);
    } catch (json_lite::error const& e) {
        throw safetensors_error(std::string("safetensors: cannot write this header: ") + e.what());
    }
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string out;
    out.reserve(8 + text.size() + at);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>(static_cast<std::uint64_t>(text.size()) >> (8 * i) & 0xff));
    out += text;
    for (auto const& t : tensors)
        for (double v : t.values) {
            const std::uint64_t bits =
                t.type == dtype::f64
                    ? std::bit_cast<std::uint64_t>(v)
                    : std::uint64_t{std::bit_cast<std::uint32_t>(static_cast<float>(v))};
            for (std::size_t k = 0; k < bytes_of(t.type); ++k)
                out.push_back(static_cast<char>(bits >> (8 * k) & 0xff));
        }
    return out;
}

/// The whole file, or safetensors_error naming it.
inline std::string read_file(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw safetensors_error("cannot open " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad())
        throw safetensors_error("cannot read " + path.string());
    return std::move(s).str();
}

namespace detail {
/// load(the file's bytes); what it or the reading throws comes out as an Error whose message
/// starts with the path.
template <class Error, class Load>
auto from_file(std::filesystem::path const& path, Load&& load) {
    std::string bytes;
    try {
        bytes = read_file(path);
    } catch (std::runtime_error const& e) {
        throw Error(e.what());
    }
    try {
        return load(bytes);
    } catch (std::runtime_error const& e) {
        throw Error(path.string() + ": " + e.what());
    }
}
} // namespace detail

/// Writes `bytes` to `path` through a temporary file in the same folder renamed over it, so that
/// a failed write leaves an existing file as it was.
inline void write_file(std::filesystem::path const& path, std::string const& bytes) {
    std::filesystem::path tmp = path;
    tmp += ".hardwired-tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(tmp, ignored);
            throw safetensors_error("safetensors: cannot write " + tmp.string());
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw safetensors_error("safetensors: cannot write " + path.string());
    }
}

/// How parameters are written.
struct save_options {
    /// F32 or F64; by default the parameters' own type (F64 for double, else F32).
    std::optional<dtype> type = {};
    /// Names in the file (default: tensor_names' rule).
    name_map names = {};
    /// More "__metadata__" entries, beside hardwired's own ("hardwired.network",
    /// "hardwired.parameters").
    std::map<std::string, std::string> metadata = {};
};

/// How parameters are read.
struct load_options {
    /// Names in the file (default: tensor_names' rule).
    name_map names = {};
    /// NaN and infinity are refused by default (the tensor and element are named); true loads
    /// them as they are.
    bool allow_non_finite = false;
};

namespace detail {
template <class T>
constexpr dtype own_dtype = std::is_same_v<T, double> ? dtype::f64 : dtype::f32;

inline std::vector<std::uint64_t> shape_of(tensor const& t) {
    return {t.shape.begin(), t.shape.begin() + static_cast<std::ptrdiff_t>(t.rank)};
}

/// The named tensors of `values` (a flat array laid out as Net's parameters), as tensors to
/// write, each name prefixed.
template <class Net, class T>
void add_tensors(std::vector<tensor_to_write>& out, T const* values, dtype type,
                 name_map const& names, std::string const& prefix = "") {
    for (named_tensor const& t : tensor_names<Net>(names)) {
        tensor_to_write w{prefix + t.name, shape_of(t.info), {}, type};
        w.values.reserve(t.info.size());
        for (std::size_t e = 0; e < t.info.size(); ++e)
            w.values.push_back(static_cast<double>(values[t.info.at(e)]));
        out.push_back(std::move(w));
    }
}

/// Reads Net's named tensors (each name prefixed) from `file` into `values`, a staging copy.
template <class Net, class T>
void read_tensors(safetensors_file const& file, T* values, load_options const& options,
                  std::string const& prefix = "") {
    auto fail = [&](std::string const& what) -> void {
        std::string msg = "safetensors: " + what;
        if (auto it = file.metadata().find("hardwired.network"); it != file.metadata().end())
            msg += " (the file was saved from " + it->second + ")";
        throw safetensors_error(msg);
    };
    for (named_tensor const& t : tensor_names<Net>(options.names)) {
        const std::string name = prefix + t.name;
        const std::vector<std::uint64_t> shape = shape_of(t.info);
        safetensors_entry const* e = file.find(name);
        if (!e)
            fail("the file has no tensor '" + name + "' " + shape_text(shape) +
                 ", which the network needs");
        if (e->shape != shape)
            fail("tensor '" + name + "' is " + shape_text(shape) + " in the network but " +
                 shape_text(e->shape) + " in the file");
        if (e->type != dtype::f16 && e->type != dtype::bf16 && e->type != dtype::f32 &&
            e->type != dtype::f64)
            fail("tensor '" + name + "' is " + std::string(name_of(e->type)) +
                 "; parameters load from F16, BF16, F32 or F64");
        for (std::size_t i = 0; i < t.info.size(); ++i) {
            const T v = static_cast<T>(file.value(*e, i));
            if (!options.allow_non_finite && !std::isfinite(static_cast<double>(v)))
                fail("tensor '" + name + "' element " + std::to_string(i) + " is " +
                     std::to_string(static_cast<double>(v)) +
                     (std::isfinite(file.value(*e, i)) ? " in the parameters' type" : "") +
                     " (load_options::allow_non_finite loads such values)");
            values[t.info.at(i)] = v;
        }
    }
}

/// Every tensor of the file is one of `read_names`, or an error naming the first that is not.
inline void check_all_used(safetensors_file const& file,
                           std::vector<std::string> const& read_names) {
    for (auto const& e : file.entries())
        if (std::find(read_names.begin(), read_names.end(), e.name) == read_names.end())
            throw safetensors_error("safetensors: the file has a tensor '" + e.name + "' " +
                                    shape_text(e.shape) + " that the network does not have");
}

/// The names read_tensors reads.
template <class Net>
std::vector<std::string> names_read(name_map const& names, std::string const& prefix = "") {
    std::vector<std::string> all;
    for (named_tensor const& t : tensor_names<Net>(names))
        all.push_back(prefix + t.name);
    return all;
}

template <class Net, class T>
std::map<std::string, std::string> own_metadata(save_options const& options) {
    std::map<std::string, std::string> m = options.metadata;
    m["hardwired.network"] = describe<Net>();
    m["hardwired.parameters"] = std::to_string(Net::parameter_count);
    return m;
}
} // namespace detail

/// The parameters as a safetensors file's bytes.
template <class Net, class T>
std::string to_safetensors(params<Net, T> const& p, save_options const& options = {}) {
    std::vector<tensor_to_write> tensors;
    detail::add_tensors<Net>(tensors, p.values.data(), options.type.value_or(detail::own_dtype<T>),
                             options.names);
    return write_safetensors(tensors, detail::own_metadata<Net, T>(options));
}

/// Loads the parameters from a safetensors file's bytes: every tensor of the network, by name
/// and shape, and nothing else. On any error, throws safetensors_error and p is unchanged.
template <class Net, class T>
void from_safetensors(std::string_view bytes, params<Net, T>& p, load_options const& options = {}) {
    const safetensors_file file = safetensors_file::parse(bytes);
    std::vector<T> staged(p.values.begin(), p.values.end());
    detail::read_tensors<Net>(file, staged.data(), options);
    detail::check_all_used(file, detail::names_read<Net>(options.names));
    std::copy(staged.begin(), staged.end(), p.values.begin());
}

/// Saves the parameters to a safetensors file (replacing it only once the new one is written).
template <class Net, class T>
void save_safetensors(std::filesystem::path const& path, params<Net, T> const& p,
                      save_options const& options = {}) {
    write_file(path, to_safetensors(p, options));
}

/// Loads the parameters from a safetensors file; see from_safetensors.
template <class Net, class T>
void load_safetensors(std::filesystem::path const& path, params<Net, T>& p,
                      load_options const& options = {}) {
    detail::from_file<safetensors_error>(
        path, [&](std::string const& bytes) { from_safetensors(bytes, p, options); });
}

} // namespace hardwired::io
