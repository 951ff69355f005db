// Role 2, heterogeneous per-layer state, variant (c): the states in a recursive aggregate (first
// and rest), empty states marked [[no_unique_address]].

#include <array>
#include <cstddef>

// A layer's state: every 3rd layer has parameters (a std::array of a length of its own), the
// others an empty struct, a type of their own each.
template <std::size_t I, bool = I % 3 == 0>
struct state {
    void reset() {}
    float sum() const { return 0.0f; }
};

template <std::size_t I>
struct state<I, true> {
    std::array<float, 4 + 3 * I> w;
    void reset() { w.fill(0.0f); }
    float sum() const {
        float s = 0.0f;
        for (float x : w)
            s += x;
        return s;
    }
};

template <std::size_t I>
struct layer {
    using state_type = state<I>;
};

template <class... L>
struct network {};

using net =
    network<layer<0>, layer<1>, layer<2>, layer<3>, layer<4>, layer<5>, layer<6>, layer<7>,
            layer<8>, layer<9>, layer<10>, layer<11>, layer<12>, layer<13>, layer<14>, layer<15>,
            layer<16>, layer<17>, layer<18>, layer<19>, layer<20>, layer<21>, layer<22>, layer<23>,
            layer<24>, layer<25>, layer<26>, layer<27>, layer<28>, layer<29>, layer<30>, layer<31>,
            layer<32>, layer<33>, layer<34>, layer<35>, layer<36>, layer<37>, layer<38>, layer<39>>;

// 14 layers with parameters, 4 + 3 * I floats each: 875 floats in all.
constexpr std::size_t parameter_bytes = 875 * sizeof(float);

template <class... S>
struct state_list {
    template <class F>
    void for_each(F) {}
    template <class F>
    void for_each(F) const {}
};

template <class S, class... R>
struct state_list<S, R...> {
    [[no_unique_address]] S first;
    [[no_unique_address]] state_list<R...> rest;

    template <class F>
    void for_each(F f) {
        f(first);
        rest.for_each(f);
    }
    template <class F>
    void for_each(F f) const {
        f(first);
        rest.for_each(f);
    }
};

template <class... L>
state_list<typename L::state_type...> states_of(network<L...>);

using states = decltype(states_of(net{}));

[[gnu::noinline]] void reset(states& s) {
    s.for_each([](auto& x) { x.reset(); });
}

[[gnu::noinline]] float sum(states const& s) {
    float total = 0.0f;
    s.for_each([&](auto const& x) { total += x.sum(); });
    return total;
}

// Empty states must cost nothing.
static_assert(sizeof(states) == parameter_bytes);

states g_states;

int main() {
    reset(g_states);
    return sum(g_states) == 0.0f ? 0 : 1;
}
