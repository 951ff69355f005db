// Build smoke test: proves the third-party dependencies are found, usable
// and warning-clean under the project's warning flags.
#include <boost/hana.hpp>
#include <catch2/catch.hpp>
#include <xsimd/xsimd.hpp>

#include <array>
#include <cstddef>

namespace hana = boost::hana;

TEST_CASE("xsimd batch is usable", "[build]") {
    using batch = xsimd::batch<float>;
    STATIC_REQUIRE(batch::size >= 1);

    std::array<float, batch::size> in{};
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<float>(i);
    auto const b = batch::load_unaligned(in.data()) + batch(1.0f);

    std::array<float, batch::size> out{};
    b.store_unaligned(out.data());
    for (std::size_t i = 0; i < out.size(); ++i)
        REQUIRE(out[i] == static_cast<float>(i) + 1.0f);
}

TEST_CASE("boost.hana tuple is usable", "[build]") {
    constexpr auto t = hana::make_tuple(1, 2.0, 'c');
    STATIC_REQUIRE(hana::size(t) == hana::size_c<3>);
    STATIC_REQUIRE(hana::at_c<0>(t) == 1);
    REQUIRE(hana::at_c<2>(t) == 'c');
}
