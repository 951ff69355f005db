// Role 3, traversal of nested blocks, variant (b): plain C++20. The leaves of a tree of blocks in
// depth-first order as a type list (pack expansion), their sizes, total and offsets (exclusive
// prefix sum) by constexpr functions over std::array, and a run-time visit of every leaf with its
// offset (std::index_sequence).

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

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

template <class... T>
struct type_list {};

template <class... A, class... B>
constexpr type_list<A..., B...> operator+(type_list<A...>, type_list<B...>) {
    return {};
}

// The leaves of a block in depth-first order.
template <std::size_t N>
constexpr type_list<leaf<N>> leaves_of(std::type_identity<leaf<N>>) {
    return {};
}

template <template <class...> class Block, class... C>
constexpr auto leaves_of(std::type_identity<Block<C...>>) {
    return (type_list<>{} + ... + leaves_of(std::type_identity<C>{}));
}

using leaves = decltype(leaves_of(std::type_identity<net>{}));

template <class... L>
constexpr std::array<std::size_t, sizeof...(L)> sizes_of(type_list<L...>) {
    return {L::size...};
}

constexpr auto sizes = sizes_of(leaves{});

template <std::size_t M>
constexpr std::size_t sum_of(std::array<std::size_t, M> const& a) {
    std::size_t s = 0;
    for (std::size_t x : a)
        s += x;
    return s;
}

template <std::size_t M>
constexpr std::array<std::size_t, M> exclusive_prefix_sum(std::array<std::size_t, M> const& a) {
    std::array<std::size_t, M> out{};
    std::size_t s = 0;
    for (std::size_t i = 0; i < M; ++i) {
        out[i] = s;
        s += a[i];
    }
    return out;
}

constexpr std::size_t total = sum_of(sizes);

constexpr auto offsets = exclusive_prefix_sum(sizes);

constexpr std::size_t offset_of_last = offsets.back();

template <class F, class... L, std::size_t... I>
void visit_each(F& f, type_list<L...>, std::index_sequence<I...>) {
    (f(std::type_identity<L>{}, std::integral_constant<std::size_t, offsets[I]>{}), ...);
}

// Calls f(std::type_identity<leaf<N>>, std::integral_constant<std::size_t, offset>) for every
// leaf in depth-first order.
template <class F>
void visit_leaves(F f) {
    visit_each(f, leaves{}, std::make_index_sequence<sizes.size()>{});
}

static_assert(total == 3930);
static_assert(offset_of_last == 3899);

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
