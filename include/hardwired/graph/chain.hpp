#pragma once
/// A chain of layers, each taking the previous one's output: the body of a network, of a
/// residual block, or a branch of several layers. `a >> b` on layer kinds makes one.
///
///     hw::chain<hw::dense<64, hw::tanh>, hw::dense<64, hw::tanh>>
///     hw::dense<64, hw::tanh>{} >> hw::dense<64, hw::tanh>{}      // the same type

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include "block.hpp"

namespace hardwired {

namespace detail {
/// The tuple type Tuple with T put first.
template <class T, class Tuple>
struct tuple_prepend;
template <class T, class... Ts>
struct tuple_prepend<T, std::tuple<Ts...>> {
    using type = std::tuple<T, Ts...>;
};

/// The layers of a chain bound one after the other, from In inputs: a std::tuple of types.
template <std::size_t In, class... S>
struct bind_chain {
    using type = std::tuple<>;
};
template <std::size_t In, class S, class... Rest>
struct bind_chain<In, S, Rest...> {
    using first = bind<S, In>;
    using type =
        typename tuple_prepend<first, typename bind_chain<first::outputs, Rest...>::type>::type;
};
} // namespace detail

template <class... Layers>
struct chain {
    static_assert(sizeof...(Layers) > 0, "hardwired::chain: a chain needs at least one layer");

    template <std::size_t In>
    struct bound;
};

namespace detail {
/// Where a chain keeps its values: the outputs that flow between its layers, one after the
/// other (the last layer's output is the chain's own; a view's output is a range of its input),
/// then each layer's saved values, so that a forward pass that keeps nothing (inference) touches
/// one contiguous run of rows.
template <class Children, std::size_t N = std::tuple_size_v<Children>>
struct chain_layout {
    template <std::size_t I>
    using child = std::tuple_element_t<I, Children>;
    template <class F>
    static constexpr std::array<std::size_t, N> each(F f) {
        std::array<std::size_t, N> a{};
        for_index<N>([&](auto i) { a[i] = f(std::type_identity<child<i>>{}, std::size_t{i}); });
        return a;
    }
    /// Whether layer i's output is a view of its input that the chain keeps nowhere.
    static constexpr auto viewed = [] {
        std::array<bool, N> v{};
        for_index<N>([&](auto i) { v[i] = i + 1 < N && is_view<child<i>>; });
        return v;
    }();
    static constexpr auto out_offset = offsets(each([](auto c, std::size_t i) {
        return i + 1 < N && !viewed[i] ? decltype(c)::type::outputs : std::size_t{0};
    }));
    static constexpr std::size_t outputs_between = out_offset[N - 1];
    /// Where layer i's output lies (i < N − 1): in the chain's input or its saved values.
    static constexpr auto out_place = [] {
        std::array<value_place, N> o{};
        for_index<N>([&](auto i) {
            if constexpr (viewed[i]) {
                o[i] = i == 0 ? value_place{true, 0} : o[i - 1];
                o[i].offset += child<i>::view_offset;
            } else
                o[i] = {false, out_offset[i]};
        });
        return o;
    }();
    static constexpr auto saved_offset =
        offsets(each([](auto c, std::size_t) { return saved_count<typename decltype(c)::type>; }),
                outputs_between);
    static constexpr std::size_t saved = saved_offset[N - 1] + saved_count<child<N - 1>>;
    /// The widest output that flows between two layers: the two δ buffers' size.
    static constexpr std::size_t between = largest(each([](auto c, std::size_t i) {
        return i + 1 < N ? decltype(c)::type::outputs : std::size_t{0};
    }));
};
} // namespace detail

template <class... Layers>
template <std::size_t In>
struct chain<Layers...>::bound
    : detail::tail_at<std::tuple_element_t<sizeof...(Layers) - 1,
                                           typename detail::bind_chain<In, Layers...>::type>,
                      detail::chain_layout<typename detail::bind_chain<In, Layers...>::type>::
                          saved_offset[sizeof...(Layers) - 1]> {
    using children = typename detail::bind_chain<In, Layers...>::type;
    static constexpr bool is_block = true;
    static constexpr module_form naming = module_form::sequential;
    static constexpr std::size_t n = sizeof...(Layers);
    template <std::size_t I>
    using child = std::tuple_element_t<I, children>;

    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = child<n - 1>::outputs;

private:
    using layout = detail::chain_layout<children>;
    static constexpr std::size_t between = layout::between;
    template <class F>
    static constexpr std::array<std::size_t, n> each(F f) {
        return layout::each(f);
    }

public:
    static constexpr auto param_offset = detail::offsets(each(
        [](auto c, std::size_t) { return detail::parameter_count<typename decltype(c)::type>; }));
    static constexpr std::size_t parameter_count =
        param_offset[n - 1] + detail::parameter_count<child<n - 1>>;
    /// Where layer i's output (i < n − 1) and its own saved values start.
    static constexpr auto out_offset = layout::out_offset;
    static constexpr auto out_place = layout::out_place;
    static constexpr auto saved_offset = layout::saved_offset;
    static constexpr std::size_t saved_count = layout::saved;
    /// Where layer i's persistent state starts in the chain's.
    static constexpr auto state_offset = detail::offsets(
        each([](auto c, std::size_t) { return detail::state_count<typename decltype(c)::type>; }));
    static constexpr std::size_t state_count =
        state_offset[n - 1] + detail::state_count<child<n - 1>>;
    /// Two δ buffers that alternate between the layers, then the layers' own scratch.
    template <bool Chunk>
    static constexpr std::size_t
        scratch = 2 * between + detail::largest(each([](auto c, std::size_t) {
                      return detail::scratch_count<typename decltype(c)::type, Chunk>;
                  }));

    template <class T>
    using view = block_view<bound, T>;

    template <class Mode, class T>
    inline static void run_forward(Mode const& m, T const* p, T const* in, T* out, T* saved,
                                   T* state) {
        constexpr std::size_t W = Mode::width;
        detail::for_index<n>([&](auto i) {
            if constexpr (!layout::viewed[i]) {
                T const* x = i == 0 ? in : out_place[i - 1].in(in, saved, W);
                T* y = i + 1 == n ? out : saved + out_offset[i] * W;
                detail::run_forward<child<i>>(
                    m, p + param_offset[i], x, y, saved + saved_offset[i] * W,
                    state_count > 0 ? state + state_offset[i] * W : state);
            }
        });
    }

    template <class Mode, class T, class Epi>
    HARDWIRED_ALWAYS_INLINE static void
    run_backward(Mode const& m, T const* p, T* dp, T const* in, T const* out, T const* saved,
                 T const* delta, T* delta_in, T* scratch, Epi const& epi, T* dstate) {
        constexpr std::size_t W = Mode::width;
        T* buffer[2] = {scratch, scratch + between * W};
        T* inner = scratch + 2 * between * W;
        detail::for_index<n>([&](auto r) {
            constexpr std::size_t i = n - 1 - r;
            using C = child<i>;
            T const* x = i == 0 ? in : out_place[i - 1].in(in, saved, W);
            T const* y = i + 1 == n ? out : out_place[i].in(in, saved, W);
            T const* d = i + 1 == n ? delta : buffer[(n - 2 - i) % 2];
            T* ds = state_count > 0 ? dstate + state_offset[i] * W : dstate;
            if constexpr (i == 0) {
                detail::run_backward<C>(m, p + param_offset[i], dp + param_offset[i], x, y,
                                        saved + saved_offset[i] * W, d, delta_in, inner, epi, ds);
            } else {
                // δ of the layer below, through its tail's f′ (fused where its kernel can).
                const auto below =
                    detail::epilogue_for<child<i - 1>, T, W>(x, saved + saved_offset[i - 1] * W);
                detail::run_backward<C>(m, p + param_offset[i], dp + param_offset[i], x, y,
                                        saved + saved_offset[i] * W, d, buffer[(n - 1 - i) % 2],
                                        inner, below, ds);
            }
        });
    }
};

namespace detail {
template <class A, class B>
struct join {
    using type = hardwired::chain<A, B>;
};
template <class... A, class B>
struct join<hardwired::chain<A...>, B> {
    using type = hardwired::chain<A..., B>;
};
template <class A, class... B>
struct join<A, hardwired::chain<B...>> {
    using type = hardwired::chain<A, B...>;
};
template <class... A, class... B>
struct join<hardwired::chain<A...>, hardwired::chain<B...>> {
    using type = hardwired::chain<A..., B...>;
};
} // namespace detail

} // namespace hardwired
