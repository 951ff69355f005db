#pragma once
/// A small, strict JSON reader and string writer for the safetensors header (io/safetensors.hpp),
/// so that reading and writing weights does not cost every translation unit the compile time of
/// a general JSON library (nlohmann-json adds seconds to every translation unit at -O2; the
/// RTNeural and NAM loaders, whose files are general JSON, use it).
///
/// RFC 8259 JSON: objects, arrays, strings (escapes, \u surrogate pairs; UTF-8 validated: no
/// overlong forms, surrogates or code points past U+10FFFF), numbers, true, false, null;
/// whitespace around. A key twice in one object, nesting deeper than 64, or anything after the
/// value is an error. Numbers keep their text; `unsigned_value` reads a non-negative integer
/// exactly.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hardwired::io::json_lite {

/// A parse error: what is wrong and at which byte.
struct error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct value {
    enum class kind { null, boolean, number, string, array, object };
    kind type = kind::null;
    bool flag = false;
    std::string text; ///< a string's contents, a number's text
    /// An array's elements, or an object's member values (in the order of the text).
    std::vector<value> items;
    std::vector<std::string> keys; ///< an object's member names: keys[i] names items[i]

    bool is_object() const { return type == kind::object; }
    bool is_array() const { return type == kind::array; }
    bool is_string() const { return type == kind::string; }
    /// The member of that name, or null.
    value const* find(std::string_view key) const {
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == key)
                return &items[i];
        return nullptr;
    }
    /// A number that is a non-negative integer without fraction or exponent, and fits, into v.
    bool unsigned_value(std::uint64_t& v) const {
        if (type != kind::number || text.empty() || text[0] == '-')
            return false;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        return r.ec == std::errc{} && r.ptr == text.data() + text.size();
    }
};

namespace detail {
class parser {
public:
    explicit parser(std::string_view s) : s_(s) {}

    value document() {
        value v = parse(0);
        skip_space();
        if (at_ != s_.size())
            fail("text after the JSON value");
        return v;
    }

private:
    static constexpr int max_depth = 64;
    std::string_view s_;
    std::size_t at_ = 0;

    [[noreturn]] void fail(std::string const& what) const {
        throw error(what + " at byte " + std::to_string(at_));
    }
    void skip_space() {
        while (at_ < s_.size() &&
               (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r'))
            ++at_;
    }
    bool literal(std::string_view word) {
        if (s_.substr(at_, word.size()) != word)
            return false;
        at_ += word.size();
        return true;
    }

    value parse(int depth) {
        if (depth > max_depth)
            fail("JSON nested deeper than 64");
        skip_space();
        if (at_ == s_.size())
            fail("the JSON text ends where a value should be");
        value v;
        const char c = s_[at_];
        if (c == '{') {
            v.type = value::kind::object;
            ++at_;
            skip_space();
            if (at_ < s_.size() && s_[at_] == '}') {
                ++at_;
                return v;
            }
            for (;;) {
                skip_space();
                if (at_ == s_.size() || s_[at_] != '"')
                    fail("an object key is not a string");
                std::string key = string();
                for (std::string const& k : v.keys)
                    if (k == key)
                        fail("the key '" + key + "' twice in one object");
                skip_space();
                if (at_ == s_.size() || s_[at_] != ':')
                    fail("no ':' after an object key");
                ++at_;
                v.items.push_back(parse(depth + 1));
                v.keys.push_back(std::move(key));
                skip_space();
                if (at_ < s_.size() && s_[at_] == ',') {
                    ++at_;
                    continue;
                }
                if (at_ < s_.size() && s_[at_] == '}') {
                    ++at_;
                    return v;
                }
                fail("no ',' or '}' after an object member");
            }
        }
        if (c == '[') {
            v.type = value::kind::array;
            ++at_;
            skip_space();
            if (at_ < s_.size() && s_[at_] == ']') {
                ++at_;
                return v;
            }
            for (;;) {
                v.items.push_back(parse(depth + 1));
                skip_space();
                if (at_ < s_.size() && s_[at_] == ',') {
                    ++at_;
                    continue;
                }
                if (at_ < s_.size() && s_[at_] == ']') {
                    ++at_;
                    return v;
                }
                fail("no ',' or ']' after an array element");
            }
        }
        if (c == '"') {
            v.type = value::kind::string;
            v.text = string();
            return v;
        }
        if (literal("true") || literal("false")) {
            v.type = value::kind::boolean;
            v.flag = s_[at_ - 1] == 'e' && s_[at_ - 4] == 't';
            return v;
        }
        if (literal("null"))
            return v;
        if (c == '-' || (c >= '0' && c <= '9')) {
            v.type = value::kind::number;
            v.text = number();
            return v;
        }
        fail("an unexpected character");
    }

    std::string number() {
        const std::size_t from = at_;
        auto digits = [&] {
            const std::size_t start = at_;
            while (at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9')
                ++at_;
            return at_ - start;
        };
        if (s_[at_] == '-')
            ++at_;
        if (at_ < s_.size() && s_[at_] == '0')
            ++at_;
        else if (digits() == 0)
            fail("a number without digits");
        if (at_ < s_.size() && s_[at_] == '.') {
            ++at_;
            if (digits() == 0)
                fail("a number without digits after '.'");
        }
        if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
            ++at_;
            if (at_ < s_.size() && (s_[at_] == '+' || s_[at_] == '-'))
                ++at_;
            if (digits() == 0)
                fail("a number without exponent digits");
        }
        return std::string(s_.substr(from, at_ - from));
    }

    unsigned hex4() {
        if (s_.size() - at_ < 4)
            fail("a \\u escape without four hexadecimal digits");
        unsigned u = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[at_++];
            u <<= 4;
            if (h >= '0' && h <= '9')
                u |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
                u |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                u |= static_cast<unsigned>(h - 'A' + 10);
            else
                fail("a \\u escape without four hexadecimal digits");
        }
        return u;
    }
    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    /// A string at at_ (its opening quote): its contents, escapes resolved, UTF-8 validated.
    std::string string() {
        ++at_;
        std::string out;
        for (;;) {
            if (at_ == s_.size())
                fail("a string without its closing quote");
            const auto c = static_cast<unsigned char>(s_[at_]);
            if (c == '"') {
                ++at_;
                return out;
            }
            if (c < 0x20)
                fail("a control character in a string");
            if (c == '\\') {
                ++at_;
                if (at_ == s_.size())
                    fail("a string without its closing quote");
                const char e = s_[at_++];
                switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xDC00 && cp <= 0xDFFF)
                        fail("a lone low surrogate in a \\u escape");
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (!literal("\\u"))
                            fail("a high surrogate without its low surrogate");
                        const unsigned low = hex4();
                        if (low < 0xDC00 || low > 0xDFFF)
                            fail("a high surrogate without its low surrogate");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    append_utf8(out, cp);
                    break;
                }
                default:
                    fail("an unknown escape in a string");
                }
                continue;
            }
            if (c < 0x80) {
                out += static_cast<char>(c);
                ++at_;
                continue;
            }
            // A multi-byte UTF-8 sequence: its length from the lead byte, continuation bytes,
            // no overlong form, no surrogate, nothing past U+10FFFF.
            const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
            if (n == 0 || c > 0xF4 || s_.size() - at_ < n)
                fail("invalid UTF-8 in a string");
            unsigned cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
            for (std::size_t k = 1; k < n; ++k) {
                const auto b = static_cast<unsigned char>(s_[at_ + k]);
                if ((b & 0xC0) != 0x80)
                    fail("invalid UTF-8 in a string");
                cp = cp << 6 | (b & 0x3F);
            }
            const unsigned least = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
            if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                fail("invalid UTF-8 in a string");
            out.append(s_.substr(at_, n));
            at_ += n;
        }
    }
};
} // namespace detail

/// Parses a whole JSON text; throws json_lite::error.
inline value parse(std::string_view text) {
    return detail::parser(text).document();
}

/// A string as a JSON string literal: quotes, `"` and `\` escaped, control characters as \u00XX,
/// the rest as it is (UTF-8).
inline std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

} // namespace hardwired::io::json_lite
