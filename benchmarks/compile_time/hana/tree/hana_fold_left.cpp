// Role 3, traversal of nested blocks, variant (a2): Hana, spelled for compile time. As hana.cpp,
// but the leaves are flattened from hana::make_tuple (no hana::transform over hana::tuple_t), and
// the offsets are computed in the one hana::fold_left that visits the leaves (its state is the
// running offset, a hana::size_c) instead of by hana::scan_left and hana::zip, which cost most of
// hana.cpp's time.

#include <cstddef>

#include <boost/hana/back.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/flatten.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/minus.hpp>
#include <boost/hana/plus.hpp>
#include <boost/hana/transform.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

template <std::size_t N>
struct leaf {
    static constexpr std::size_t size = N;
};

template <class... C>
struct chain {};

template <class... C>
struct residual {};

template <class... C>
struct concat {};

// Depth 5 (the root, three levels of blocks, the leaves), 60 leaves of 3930 in all.
// clang-format off
using net = chain<
    residual<
        chain<
            concat<leaf<8>, leaf<45>, leaf<82>, leaf<119>, leaf<36>>,
            chain<leaf<73>, leaf<110>, leaf<27>, leaf<64>, leaf<101>>>,
        residual<
            chain<leaf<18>, leaf<55>, leaf<92>, leaf<9>, leaf<46>>,
            concat<leaf<83>, leaf<120>, leaf<37>, leaf<74>, leaf<111>>>>,
    concat<
        residual<
            chain<leaf<28>, leaf<65>, leaf<102>, leaf<19>, leaf<56>>,
            concat<leaf<93>, leaf<10>, leaf<47>, leaf<84>, leaf<121>>>,
        chain<
            concat<leaf<38>, leaf<75>, leaf<112>, leaf<29>, leaf<66>>,
            chain<leaf<103>, leaf<20>, leaf<57>, leaf<94>, leaf<11>>>>,
    chain<
        chain<
            concat<leaf<48>, leaf<85>, leaf<122>, leaf<39>, leaf<76>>,
            chain<leaf<113>, leaf<30>, leaf<67>, leaf<104>, leaf<21>>>,
        residual<
            chain<leaf<58>, leaf<95>, leaf<12>, leaf<49>, leaf<86>>,
            concat<leaf<123>, leaf<40>, leaf<77>, leaf<114>, leaf<31>>>>>;
// clang-format on

namespace hana = boost::hana;

// The leaves of a block in depth-first order.
template <std::size_t N>
constexpr auto leaves_of(hana::basic_type<leaf<N>>) {
    return hana::tuple_t<leaf<N>>;
}

template <template <class...> class Block, class... C>
constexpr auto leaves_of(hana::basic_type<Block<C...>>) {
    return hana::flatten(hana::make_tuple(leaves_of(hana::type_c<C>)...));
}

constexpr auto leaves = leaves_of(hana::type_c<net>);

constexpr auto sizes =
    hana::transform(leaves, [](auto leaf) { return hana::size_c<decltype(leaf)::type::size>; });

constexpr auto total = hana::fold_left(sizes, hana::size_c<0>, hana::plus);

constexpr auto offset_of_last = total - hana::back(sizes);

// Calls f(hana::type<leaf<N>>, hana::size_c<offset>) for every leaf in depth-first order, the
// offset being the fold's state.
template <class F>
void visit_leaves(F f) {
    hana::fold_left(leaves, hana::size_c<0>, [&](auto offset, auto leaf) {
        f(leaf, offset);
        return offset + hana::size_c<decltype(leaf)::type::size>;
    });
}

static_assert(total == hana::size_c<3930>);
static_assert(offset_of_last == hana::size_c<3899>);

// Visits every leaf with its offset: adds 1 to each of the leaf's elements of the buffer.
[[gnu::noinline]] void fill(float* buffer) {
    visit_leaves([&](auto leaf, auto offset) {
        using L = typename decltype(leaf)::type;
        for (std::size_t i = 0; i < L::size; ++i)
            buffer[decltype(offset)::value + i] += 1.0f;
    });
}

float g_buffer[total];

// Exit status 0 when the leaves tile the buffer: every element written once.
int main() {
    fill(g_buffer);
    for (float x : g_buffer)
        if (x != 1.0f)
            return 1;
    return 0;
}
