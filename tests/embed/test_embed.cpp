// Weights baked into the binary (hardwired_embed_weights, hw::io::embedded_header): each
// embedded object is a constant expression, lies in read-only memory, equals the parameters the
// loader reads from the same file bit for bit, and gives the same outputs bit for bit.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

#include <a1_weights.hpp>
#include <hardwired/io/embed.hpp>
#include <hardwired/io/nam.hpp>
#include <hardwired/io/rtneural.hpp>
#include <hardwired/io/safetensors.hpp>
#include <lstm_weights.hpp>
#include <mlp_tanh.hpp>

namespace {

// Constant expressions: usable where the compiler needs a value.
static_assert(mlp_tanh.values[0] == mlp_tanh.values[0]);
static_assert(models::lstm_weights.size == 4 * 8 * (1 + 8) + 2 * 4 * 8 + 8 + 1);
static_assert(
    std::is_same_v<decltype(models::lstm_weights),
                   hw::params<hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>, double> const>);

/// Whether the address lies in a mapping of this process that cannot be written.
bool read_only(void const* address) {
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
        std::uintptr_t from = 0, to = 0;
        char perms[5] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %4s", &from, &to, perms) == 3 && at >= from &&
            at < to)
            return perms[1] != 'w';
    }
    FAIL("no mapping holds the address");
    return false;
}

} // namespace

TEST_CASE("an embedded model equals the loaded one bit for bit and lies in read-only memory") {
    using mlp = std::remove_const_t<decltype(mlp_tanh)>;
    mlp loaded;
    hw::io::load_safetensors(std::string(HARDWIRED_SAFETENSORS_FIXTURES) + "/mlp_tanh.safetensors",
                             loaded);
    CHECK(loaded == mlp_tanh);
    for (float x = -2; x <= 2; x += 0.25f) {
        const std::array<float, 3> in{x, 0.5f * x, 1 - x};
        const auto a = hw::forward(mlp_tanh, in), b = hw::forward(loaded, in);
        CHECK(std::memcmp(a.data(), b.data(), sizeof a) == 0);
    }

    auto a1 = std::make_unique<hw::params<amp::a1>>();
    hw::io::load_nam(std::string(HARDWIRED_NAM_FIXTURES) + "/wavenet_a1_standard.nam", *a1);
    CHECK(*a1 == a1_weights);
    auto s = std::make_unique<hw::state<amp::a1>>(), t = std::make_unique<hw::state<amp::a1>>();
    bool same = true;
    for (int i = 0; i < 2000; ++i) {
        const std::array<float, 1> x{std::sin(0.01f * static_cast<float>(i))};
        same &= hw::step(a1_weights, x, *s)[0] == hw::step(*a1, x, *t)[0];
    }
    CHECK(same);

    using lstm = std::remove_const_t<decltype(models::lstm_weights)>;
    lstm from_json;
    hw::io::load_rtneural(std::string(HARDWIRED_RTNEURAL_FIXTURES) + "/models/lstm_1d.json",
                          from_json);
    CHECK(from_json == models::lstm_weights);

    CHECK(read_only(&mlp_tanh));
    CHECK(read_only(&a1_weights));
    CHECK(read_only(&models::lstm_weights));
    CHECK(!read_only(a1.get()));
}

TEST_CASE("embedded_header writes every value exactly, and refuses what it cannot write") {
    // The expected texts are Python's float.hex of the same doubles.
    using net = hw::network<hw::input<2>, hw::dense<2>>;
    hw::params<net, double> p;
    p.values = {0.1, -0.0, 1e-310, -1.7976931348623157e308, 3.0, 2.5};
    const std::string text =
        hw::io::embedded_header(p, {.name = "w", .type = "net", .value_type = "double"});
    CHECK_THAT(
        text,
        Catch::Matchers::Contains(
            "0x1.999999999999ap-4, -0x0p+0, 0x0.012688b70e62bp-1022, -0x1.fffffffffffffp+1023,"));
    CHECK_THAT(text,
               Catch::Matchers::Contains("inline constexpr hardwired::params<net, double> w{{{"));
    p.values[0] = std::nan("");
    CHECK_THROWS_AS(hw::io::embedded_header(p, {.name = "w", .type = "net"}),
                    std::invalid_argument);
    p.values[0] = 0;
    CHECK_THROWS_AS(hw::io::embedded_header(p, {.name = "2w", .type = "net"}),
                    std::invalid_argument);
}
