// hw::io safetensors: the tensor names (io/names.hpp), the bytes written against the format
// assembled by hand, round trips, the dtypes read (F16 and BF16 values from their IEEE
// definitions), topology mismatches, and crafted bad files: each is refused with a message
// naming what is wrong, and the parameters stay as they were, bit for bit.

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/safetensors.hpp>
#include <nlohmann/json.hpp>

namespace hw = hardwired;
using Catch::Matchers::Contains;

namespace {

using mlp = hw::network<hw::input<3>, hw::dense<2, hw::tanh>, hw::dense<1>>;
using mixed =
    hw::network<hw::input<4>, hw::dense<8>, hw::residual<hw::dense<8, hw::tanh>, hw::dense<8>>,
                hw::concat<hw::dense<3>, hw::chain<hw::dense<2, hw::relu>, hw::dense<2>>>,
                hw::layer_norm<>, hw::activation_layer<hw::tanh>, hw::lstm<4>,
                hw::conv1d<3, 2, 1, 1, hw::tanh>, hw::dense<1, hw::identity, hw::no_bias>>;

/// A file from a header text and data bytes: the 8-byte little-endian length, then both.
std::string raw(std::string const& header, std::string const& data = "",
                std::uint64_t length = ~std::uint64_t{0}) {
    if (length == ~std::uint64_t{0})
        length = header.size();
    std::string out;
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>(length >> (8 * i) & 0xff));
    return out + header + data;
}

/// Little-endian bytes of a value of `bytes` bytes.
std::string le(std::uint64_t bits, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i)
        out.push_back(static_cast<char>(bits >> (8 * i) & 0xff));
    return out;
}
std::string f32(float v) {
    return le(std::bit_cast<std::uint32_t>(v), 4);
}

template <class Net, class T>
hw::params<Net, T> initialised(std::uint64_t seed) {
    hw::params<Net, T> p;
    hw::init::xavier(p, seed);
    return p;
}

/// from_safetensors throws a safetensors_error whose message contains `what`, and p is
/// unchanged.
template <class Net, class T>
void refused(std::string const& bytes, hw::params<Net, T>& p, std::string const& what,
             hw::io::load_options const& options = {}) {
    const hw::params<Net, T> before = p;
    CHECK_THROWS_WITH(hw::io::from_safetensors(bytes, p, options), Contains(what));
    CHECK(p == before);
}

} // namespace

TEST_CASE("tensor names are the state_dict names of the equivalent PyTorch module") {
    std::vector<std::string> names;
    std::vector<std::size_t> offsets;
    for (auto const& t : hw::io::tensor_names<mixed>()) {
        names.push_back(t.name);
        offsets.push_back(t.info.offset);
    }
    // dense<8> is one module (no activation); a residual block the Sequential of its body, where
    // dense<8, tanh> is Linear then Tanh; concat a ModuleList; layer_norm, activation_layer one
    // module each; lstm one; conv1d with tanh two.
    CHECK(names == std::vector<std::string>{"0.weight",       "0.bias",       "1.0.weight",
                                            "1.0.bias",       "1.2.weight",   "1.2.bias",
                                            "2.0.weight",     "2.0.bias",     "2.1.0.weight",
                                            "2.1.0.bias",     "2.1.2.weight", "2.1.2.bias",
                                            "3.weight",       "3.bias",       "5.weight_ih_l0",
                                            "5.weight_hh_l0", "5.bias_ih_l0", "5.bias_hh_l0",
                                            "6.weight",       "6.bias",       "8.weight"});
    // In the order of Net::tensors, with its offsets.
    REQUIRE(names.size() == mixed::tensor_count);
    for (std::size_t i = 0; i < names.size(); ++i)
        CHECK(offsets[i] == mixed::tensors[i].offset);
}

TEST_CASE("a name map renames whole leading module paths, the longest first") {
    const auto map = hw::io::renamed({{"2", "branches"}, {"2.1", "deep"}, {"1", "res"}});
    CHECK(map("2.0.weight") == "branches.0.weight");
    CHECK(map("2.1.0.weight") == "deep.0.weight");
    CHECK(map("1.0.bias") == "res.0.bias");
    CHECK(map("12.weight") == "12.weight");
    CHECK(map("0.weight") == "0.weight");
}

TEST_CASE("the bytes written are the format's, tensors row-major in PyTorch's layout") {
    hw::params<mlp> p;
    // w(j, k): input k to neuron j; PyTorch's weight[j][k].
    for (std::size_t j = 0; j < 2; ++j)
        for (std::size_t k = 0; k < 3; ++k)
            p.layer<0>().w(j, k) = static_cast<float>(10 * j + k) + 0.5f;
    p.layer<0>().b(0) = -1;
    p.layer<0>().b(1) = -2;
    p.layer<1>().w(0, 0) = 7;
    p.layer<1>().w(0, 1) = 8;
    p.layer<1>().b(0) = 9;
    const std::string bytes = hw::io::to_safetensors(p, {.metadata = {{"author", "test"}}});

    // The header, read back with the JSON library on its own.
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = n << 8 | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    REQUIRE(n % 8 == 0);
    REQUIRE(bytes.size() == 8 + n + 4 * (6 + 2 + 2 + 1));
    const auto header = nlohmann::json::parse(bytes.substr(8, n));
    CHECK(header["0.weight"]["dtype"] == "F32");
    CHECK(header["0.weight"]["shape"] == nlohmann::json::array({2, 3}));
    CHECK(header["0.weight"]["data_offsets"] == nlohmann::json::array({0, 24}));
    CHECK(header["0.bias"]["data_offsets"] == nlohmann::json::array({24, 32}));
    CHECK(header["2.weight"]["shape"] == nlohmann::json::array({1, 2}));
    CHECK(header["2.weight"]["data_offsets"] == nlohmann::json::array({32, 40}));
    CHECK(header["2.bias"]["data_offsets"] == nlohmann::json::array({40, 44}));
    CHECK(header["__metadata__"]["author"] == "test");
    CHECK(header["__metadata__"]["hardwired.parameters"] == "11");
    CHECK_THAT(header["__metadata__"]["hardwired.network"].get<std::string>(), Contains("dense<2"));

    std::string data;
    for (float v : {0.5f, 1.5f, 2.5f, 10.5f, 11.5f, 12.5f, -1.f, -2.f, 7.f, 8.f, 9.f})
        data += f32(v);
    CHECK(bytes.substr(8 + n) == data);
}

TEST_CASE("round trips are exact: float as F32 or F64, double as F64") {
    const auto pf = initialised<mixed, float>(1);
    hw::params<mixed, float> qf;
    hw::io::from_safetensors(hw::io::to_safetensors(pf), qf);
    CHECK(qf == pf);
    hw::params<mixed, float> rf;
    hw::io::from_safetensors(hw::io::to_safetensors(pf, {.type = hw::io::dtype::f64}), rf);
    CHECK(rf == pf);

    const auto pd = initialised<mixed, double>(2);
    hw::params<mixed, double> qd;
    hw::io::from_safetensors(hw::io::to_safetensors(pd), qd);
    CHECK(qd == pd);
    CHECK(hw::io::safetensors_file::parse(hw::io::to_safetensors(pd)).entries()[0].type ==
          hw::io::dtype::f64);

    // Double written as F32: each value rounded to float.
    hw::params<mixed, double> sd;
    hw::io::from_safetensors(hw::io::to_safetensors(pd, {.type = hw::io::dtype::f32}), sd);
    for (std::size_t i = 0; i < pd.size; ++i)
        CHECK(sd.values[i] == static_cast<double>(static_cast<float>(pd.values[i])));

    // Files on disk: written, replaced, no temporary left.
    const auto dir = std::filesystem::temp_directory_path() / "hardwired_test_safetensors";
    std::filesystem::create_directories(dir);
    const auto path = dir / "mixed.safetensors";
    hw::io::save_safetensors(path, initialised<mixed, float>(5));
    hw::io::save_safetensors(path, pf);
    hw::params<mixed, float> ff;
    hw::io::load_safetensors(path, ff);
    CHECK(ff == pf);
    CHECK(!std::filesystem::exists(dir / "mixed.safetensors.hardwired-tmp"));
    CHECK_THROWS_WITH(hw::io::load_safetensors(dir / "absent.safetensors", ff),
                      Contains("absent.safetensors"));
    CHECK_THROWS_AS(hw::io::save_safetensors(dir / "no" / "such" / "dir.safetensors", pf),
                    hw::io::safetensors_error);
    std::filesystem::remove_all(dir);
}

TEST_CASE("F16, BF16, F32 and F64 are read with their exact values") {
    using one = hw::network<hw::input<4>, hw::dense<1>>;
    auto file = [](std::string const& type, std::string const& w, std::string const& b) {
        const std::size_t wb = w.size();
        return raw("{\"0.weight\":{\"dtype\":\"" + type +
                       "\",\"shape\":[1,4],\"data_offsets\":[0," + std::to_string(wb) +
                       "]},\"0.bias\":{\"dtype\":\"" + type +
                       "\",\"shape\":[1],\"data_offsets\":[" + std::to_string(wb) + "," +
                       std::to_string(wb + b.size()) + "]}}",
                   w + b);
    };
    hw::params<one, double> p;
    // F16: 1 (0x3C00), −2 (0xC000), 65504 (0x7BFF, the largest), 2⁻²⁴ (0x0001, the smallest
    // subnormal); bias 1/3 rounded: 0x3555 = (1024 + 341)·2⁻¹² = 0.333251953125.
    hw::io::from_safetensors(
        file("F16", le(0x3C00, 2) + le(0xC000, 2) + le(0x7BFF, 2) + le(1, 2), le(0x3555, 2)), p);
    CHECK(p.layer<0>().w(0, 0) == 1.0);
    CHECK(p.layer<0>().w(0, 1) == -2.0);
    CHECK(p.layer<0>().w(0, 2) == 65504.0);
    CHECK(p.layer<0>().w(0, 3) == std::ldexp(1.0, -24));
    CHECK(p.layer<0>().b(0) == 0.333251953125);
    // BF16: the top half of a float: 1 (0x3F80), 3.140625 (0x4049), −123.5 (0xC2F7),
    // 2⁻¹³³ (0x0001, subnormal); bias 0x8000 = −0.
    hw::io::from_safetensors(
        file("BF16", le(0x3F80, 2) + le(0x4049, 2) + le(0xC2F7, 2) + le(1, 2), le(0x8000, 2)), p);
    CHECK(p.layer<0>().w(0, 0) == 1.0);
    CHECK(p.layer<0>().w(0, 1) == 3.140625);
    CHECK(p.layer<0>().w(0, 2) == -123.5);
    CHECK(p.layer<0>().w(0, 3) == std::ldexp(1.0, -133));
    CHECK(std::signbit(p.layer<0>().b(0)));
    hw::io::from_safetensors(file("F64",
                                  le(std::bit_cast<std::uint64_t>(0.1), 8) +
                                      le(std::bit_cast<std::uint64_t>(-1e300), 8) + le(0, 8) +
                                      le(0, 8),
                                  le(std::bit_cast<std::uint64_t>(5.0), 8)),
                             p);
    CHECK(p.layer<0>().w(0, 0) == 0.1);
    CHECK(p.layer<0>().w(0, 1) == -1e300);
    CHECK(p.layer<0>().b(0) == 5.0);
    // F64 beyond float's range is infinite in float parameters: refused by default.
    hw::params<one, float> q;
    refused(file("F64", le(std::bit_cast<std::uint64_t>(1e300), 8) + le(0, 8) + le(0, 8) + le(0, 8),
                 le(0, 8)),
            q, "tensor '0.weight' element 0 is inf in the parameters' type");
    // Other dtypes are valid files but not parameters.
    refused(file("I32", le(1, 4) + le(2, 4) + le(3, 4) + le(4, 4), le(5, 4)), q,
            "tensor '0.weight' is I32; parameters load from F16, BF16, F32 or F64");
}

TEST_CASE("a file of another topology names the first tensor that differs and both shapes") {
    using wider = hw::network<hw::input<3>, hw::dense<4, hw::tanh>, hw::dense<1>>;
    using deeper = hw::network<hw::input<3>, hw::dense<2, hw::tanh>, hw::dense<2>, hw::dense<1>>;
    const std::string file = hw::io::to_safetensors(initialised<mlp, float>(3));
    auto p = initialised<wider, float>(4);
    refused(file, p, "tensor '0.weight' is [4, 3] in the network but [2, 3] in the file");
    refused(file, p, "(the file was saved from hardwired::network<");
    auto q = initialised<deeper, float>(4);
    refused(file, q, "tensor '2.weight' is [2, 2] in the network but [1, 2] in the file");
    // Missing and unexpected tensors.
    using no_bias =
        hw::network<hw::input<3>, hw::dense<2, hw::tanh>, hw::dense<1, hw::identity, hw::no_bias>>;
    auto r = initialised<no_bias, float>(4);
    refused(file, r, "the file has a tensor '2.bias' [1] that the network does not have");
    auto s = initialised<mlp, float>(4);
    refused(hw::io::to_safetensors(r), s,
            "the file has no tensor '2.bias' [1], which the network "
            "needs");
    // A name map reads other module paths, and a wrong one is named.
    const std::string renamed = hw::io::to_safetensors(initialised<mlp, float>(3),
                                                       {.names = hw::io::renamed({{"0", "fc1"}})});
    refused(renamed, s, "the file has no tensor '0.weight' [2, 3]");
    hw::io::from_safetensors(renamed, s, {.names = hw::io::renamed({{"0", "fc1"}})});
    CHECK(s == initialised<mlp, float>(3));
}

TEST_CASE("crafted bad files are refused with what is wrong, the parameters unchanged") {
    auto p = initialised<mlp, float>(6);
    const std::string good = hw::io::to_safetensors(initialised<mlp, float>(7));

    SECTION("truncated anywhere, or one byte too long") {
        for (std::size_t n = 0; n < good.size(); ++n) {
            INFO("the first " << n << " bytes");
            const hw::params<mlp> before = p;
            CHECK_THROWS_AS(hw::io::from_safetensors(good.substr(0, n), p),
                            hw::io::safetensors_error);
            CHECK(p == before);
        }
        refused(good.substr(0, 5), p, "the file is 5 bytes, shorter than its 8-byte header length");
        refused(good + '\0', p, "the tensors' data is 44 bytes, but the file has 45 bytes after");
    }
    const std::string w = "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":";
    const std::string rest =
        ",\"0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
        "\"2.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[32,"
        "40]},\"2.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
        "[40,44]}";
    const std::string data(44, '\0');
    SECTION("a valid hand-made file loads") {
        hw::io::from_safetensors(raw("{" + w + "[0,24]}" + rest + "}", data), p);
        CHECK(p == hw::params<mlp>{});
    }
    SECTION("header length past the end, or absurdly large") {
        refused(raw("{}", "", 3), p, "the header length 3 runs past the end of the file (2 bytes");
        refused(raw("{}", "", 100'000'001), p,
                "the header length 100000001 is larger than the limit of 100000000 bytes");
        refused(raw("{}", "", ~std::uint64_t{0} - 1), p, "is larger than the limit");
    }
    SECTION("offsets overlapping, with a gap, reversed, out of range or not the shape's size") {
        std::string overlap = rest;
        overlap.replace(overlap.find("[24,32]"), 7, "[20,28]");
        refused(raw("{" + w + "[0,24]}" + overlap + "}", data), p,
                "tensor '0.bias' has data_offsets [20, 28]; the data must be contiguous, and it "
                "starts at 24");
        refused(raw("{" + w + "[0,20]}" + rest + "}", data), p,
                "tensor '0.weight' of F32 [2, 3] needs 24 bytes, but its data_offsets give 20");
        refused(raw("{" + w + "[4,28]}" + rest + "}", data), p, "it starts at 0");
        refused(raw("{" + w + "[24,0]}" + rest + "}", data), p, "data_offsets [24, 0]");
        refused(raw("{" + w + "[0,24]}" + rest + "}", data.substr(0, 40)), p,
                "the tensors' data is 44 bytes, but the file has 40 bytes after the header");
        refused(raw("{" + w + "[0,-24]}" + rest + "}", data), p,
                "tensor '0.weight': data_offsets is not two non-negative integers");
        refused(raw("{" + w + "[0,24,48]}" + rest + "}", data), p, "data_offsets is not two");
        refused(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":["
                    "0,0]}}"),
                p, "tensor 'x' has a shape [4294967296, 4294967296] whose byte size overflows");
    }
    SECTION("wrong dtype, wrong shape") {
        refused(raw("{\"0.weight\":{\"dtype\":\"F31\",\"shape\":[2,3],\"data_offsets\":[0,24]}" +
                        rest + "}",
                    data),
                p, "tensor '0.weight': unknown dtype \"F31\"");
        refused(raw("{\"0.weight\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]}" +
                        rest + "}",
                    data),
                p, "tensor '0.weight' is [2, 3] in the network but [3] in the file");
        refused(raw("{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,24]}" +
                        rest + "}",
                    data),
                p, "its shape has an element that is not a non-negative integer");
        refused(raw("{\"0.weight\":{\"shape\":[2,3],\"data_offsets\":[0,24]}" + rest + "}", data),
                p, "tensor '0.weight': no dtype");
        refused(raw("{\"0.weight\":[]" + rest + "}", data), p,
                "tensor '0.weight': its entry is not an object");
    }
    SECTION("missing, extra and duplicate tensors") {
        refused(raw("{" + w + "[0,24]}" + rest +
                        ",\"3.weight\":{\"dtype\":\"F32\",\"shape\":[1],"
                        "\"data_offsets\":[44,48]}}",
                    data + f32(1)),
                p, "the file has a tensor '3.weight' [1] that the network does not have");
        refused(raw("{" + w + "[0,24]}" + rest +
                        ",\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],"
                        "\"data_offsets\":[44,68]}}",
                    data + std::string(24, '\0')),
                p, "the header has the key '0.weight' twice in one object");
        refused(raw("{" + w + "[0,24]}}", data.substr(0, 24)), p,
                "the file has no tensor '0.bias' [2], which the network needs");
    }
    SECTION("invalid UTF-8, invalid JSON, not an object, bad metadata") {
        refused(raw("{\"0.weight\xff\":{}}"), p, "the header is not valid JSON");
        refused(raw("{\"0.weight\":"), p, "the header is not valid JSON");
        refused(raw("[1, 2]"), p, "the header does not start with '{'");
        refused(raw(" {}"), p, "the header does not start with '{'");
        refused(raw(""), p, "the header does not start with '{'");
        refused(raw("{\"__metadata__\":[]}"), p, "__metadata__ is not an object of strings");
        refused(raw("{\"__metadata__\":{\"a\":1}}"), p, "__metadata__ entry 'a' is not a string");
    }
    SECTION("NaN and infinity: refused unless allowed") {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        std::string bad = f32(0) + f32(0) + f32(0) + f32(0) + f32(nan) + f32(0) + data.substr(24);
        refused(raw("{" + w + "[0,24]}" + rest + "}", bad), p,
                "tensor '0.weight' element 4 is nan (load_options::allow_non_finite loads such "
                "values)");
        std::string worse = data.substr(0, 40) + f32(-inf);
        refused(raw("{" + w + "[0,24]}" + rest + "}", worse), p,
                "tensor '2.bias' element 0 is -inf");
        hw::io::from_safetensors(raw("{" + w + "[0,24]}" + rest + "}", bad), p,
                                 {.allow_non_finite = true});
        CHECK(std::isnan(p.layer<0>().w(1, 1)));
    }
}

TEST_CASE("the header's JSON is read strictly: escapes, UTF-8, numbers, nesting") {
    auto p = initialised<mlp, float>(8);
    const std::string data(44, '\0');
    const std::string rest =
        ",\"0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
        "\"2.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[32,"
        "40]},\"2.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":"
        "[40,44]}";
    auto with_weight = [&](std::string const& key, std::string const& offsets,
                           std::string const& metadata = "") {
        return raw("{" + metadata + key + ":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":" +
                       offsets + "}" + rest + "}   ",
                   data);
    };
    // Escapes resolve: \u0065 is 'e'; a surrogate pair is one code point, kept as UTF-8.
    hw::io::from_safetensors(with_weight("\"0.w\\u0065ight\"", "[0,24]"), p);
    CHECK(p == hw::params<mlp>{});
    const auto file = hw::io::safetensors_file::parse(
        with_weight("\"0.weight\"", "[0,24]",
                    "\"__metadata__\":{\"smile\":\"\\ud83d\\ude00\",\"tab\":\"a\\tb\\\"c\"},"));
    CHECK(file.metadata().at("smile") == "\xF0\x9F\x98\x80");
    CHECK(file.metadata().at("tab") == "a\tb\"c");
    // What is not JSON, or not UTF-8.
    for (std::string const& key : {std::string("\"0.weight\\ud800\""),          // a lone surrogate
                                   std::string("\"0.weight\xC0\xAF\""),         // an overlong '/'
                                   std::string("\"0.weight\xED\xA0\x80\""),     // a surrogate
                                   std::string("\"0.weight\xF4\x90\x80\x80\""), // > U+10FFFF
                                   std::string("\"0.weight\x01\""), // a control character
                                   std::string("\"0.weight\\x\""),  // an unknown escape
                                   std::string("\"0.weight")})
        refused(with_weight(key, "[0,24]"), p, "the header is not valid JSON");
    // Offsets must be exact non-negative integers.
    for (std::string const& offsets :
         {std::string("[0,24.0]"), std::string("[0,2.4e1]"), std::string("[0,-0]"),
          std::string("[0,18446744073709551640]"), std::string("[0,\"24\"]")})
        refused(with_weight("\"0.weight\"", offsets), p,
                "tensor '0.weight': data_offsets is not two non-negative integers");
    // Nothing after the object but spaces; no nesting past 64.
    refused(raw("{\"a\":1} x"), p, "text after the JSON value");
    std::string deep = "{\"__metadata__\":{\"a\":";
    for (int i = 0; i < 100; ++i)
        deep += "[";
    refused(raw(deep), p, "nested deeper than 64");
    // Writing: metadata with quotes and control characters reads back as it was; invalid UTF-8
    // is refused before anything is written.
    const std::string odd = "quote \" backslash \\ newline \n nul-free \x7f";
    const auto written =
        hw::io::safetensors_file::parse(hw::io::to_safetensors(p, {.metadata = {{"odd", odd}}}));
    CHECK(written.metadata().at("odd") == odd);
    CHECK_THROWS_WITH(hw::io::to_safetensors(p, {.metadata = {{"bad", "\xFF"}}}),
                      Contains("cannot write this header"));
}
