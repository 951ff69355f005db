#pragma once
/// Parallel branches on the same input, their outputs combined: concatenated, summed or
/// multiplied element-wise. A branch is one layer kind or a chain of several.
///
///     hw::concat<hw::dense<8, hw::tanh>, hw::dense<4, hw::relu>>          // 12 outputs
///     hw::sum<hw::dense<16>, hw::chain<hw::dense<32, hw::relu>, hw::dense<16>>>
///     hw::product<hw::dense<16, hw::tanh>, hw::dense<16, hw::sigmoid>>    // a gated unit

#include <array>
#include <cstddef>
#include <tuple>

#include "../diagnostics.hpp"
#include "block.hpp"
#include "chain.hpp"

namespace hardwired {

namespace combine {
/// How branches combine: one after the other, or element by element.
struct concat {};
struct sum {};
struct product {};
} // namespace combine

namespace detail {
template <std::size_t First, std::size_t Other>
constexpr bool check_branch() {
    if constexpr (First != Other)
        static_assert(diagnostic::holds<typename diagnostic::element_wise_branches_first_gives<
                          First>::template but_another_gives<Other>>,
                      HARDWIRED_MSG_BRANCH_SIZES);
    return true;
}
} // namespace detail

template <class Combine, class... Branches>
struct branches {
    static_assert(sizeof...(Branches) > 0, "hardwired: a block of branches needs a branch");

    template <std::size_t In>
    struct bound {
        using children = std::tuple<detail::bind<Branches, In>...>;
        static constexpr bool is_block = true;
        static constexpr module_form naming = module_form::list;
        static constexpr std::size_t n = sizeof...(Branches);
        template <std::size_t I>
        using child = std::tuple_element_t<I, children>;
        static constexpr bool concatenated = std::is_same_v<Combine, combine::concat>;
        static_assert([] {
            if constexpr (!concatenated)
                return (detail::check_branch<child<0>::outputs,
                                             detail::bind<Branches, In>::outputs>() &&
                        ...);
            return true;
        }());

        static constexpr std::size_t inputs = In;
        static constexpr std::size_t outputs =
            concatenated ? (detail::bind<Branches, In>::outputs + ...) : child<0>::outputs;

    private:
        template <class F>
        static constexpr std::array<std::size_t, n> each(F f) {
            std::array<std::size_t, n> a{};
            detail::for_index<n>([&](auto i) { a[i] = f(std::type_identity<child<i>>{}); });
            return a;
        }
        /// Whether branch b's output is a view of the input (element-wise blocks only: a
        /// concatenated branch writes its part of the block's output).
        static constexpr auto viewed = [] {
            std::array<bool, n> v{};
            detail::for_index<n>(
                [&](auto i) { v[i] = !concatenated && detail::is_view<child<i>>; });
            return v;
        }();
        // Element-wise: each branch's output (unless a view), then its saved values;
        // concatenated: its saved values (its output is a slice of the block's).
        static constexpr auto saved_sizes = each([](auto c) {
            using C = typename decltype(c)::type;
            return (concatenated || detail::is_view<C> ? 0 : C::outputs) + detail::saved_count<C>;
        });
        static constexpr std::size_t widest =
            detail::largest(each([](auto c) { return decltype(c)::type::outputs; }));

    public:
        static constexpr auto param_offset = detail::offsets(
            each([](auto c) { return detail::parameter_count<typename decltype(c)::type>; }));
        static constexpr std::size_t parameter_count =
            param_offset[n - 1] + detail::parameter_count<child<n - 1>>;
        /// Where branch b's output lies: in the block's output (concatenated), its saved values,
        /// or its input (a view).
        static constexpr auto out_offset =
            concatenated ? detail::offsets(each([](auto c) { return decltype(c)::type::outputs; }))
                         : detail::offsets(saved_sizes);
        static constexpr auto out_place = [] {
            std::array<detail::value_place, n> o{};
            detail::for_index<n>([&](auto i) {
                if constexpr (viewed[i])
                    o[i] = {true, child<i>::view_offset};
                else
                    o[i] = {false, out_offset[i]};
            });
            return o;
        }();
        static constexpr auto saved_offset = [] {
            auto o = detail::offsets(saved_sizes);
            if constexpr (!concatenated)
                for (std::size_t i = 0; i < n; ++i)
                    o[i] +=
                        viewed[i] ? 0 : each([](auto c) { return decltype(c)::type::outputs; })[i];
            return o;
        }();
        static constexpr std::size_t saved_count = [] {
            std::size_t s = 0;
            for (std::size_t v : saved_sizes)
                s += v;
            return s;
        }();
        /// Where branch b's persistent state starts in the block's.
        static constexpr auto state_offset = detail::offsets(
            each([](auto c) { return detail::state_count<typename decltype(c)::type>; }));
        static constexpr std::size_t state_count =
            state_offset[n - 1] + detail::state_count<child<n - 1>>;
        // A branch's δ, a branch's δ of the input, the branches' own scratch.
        template <bool Chunk>
        static constexpr std::size_t
            scratch = widest + In + detail::largest(each([](auto c) {
                          return detail::scratch_count<typename decltype(c)::type, Chunk>;
                      }));

        template <class T>
        using view = block_view<bound, T>;

        template <class Mode, class T>
        inline static void run_forward(Mode const& m, T const* p, T const* in, T* out, T* saved,
                                       T* state) {
            constexpr std::size_t W = Mode::width;
            detail::for_index<n>([&](auto b) {
                if constexpr (!viewed[b]) {
                    T* y = (concatenated ? out : saved) + out_offset[b] * W;
                    detail::run_forward<child<b>>(
                        m, p + param_offset[b], in, y, saved + saved_offset[b] * W,
                        state_count > 0 ? state + state_offset[b] * W : state);
                }
            });
            if constexpr (!concatenated)
                detail::for_each_vector<T, outputs>(m, [&](auto v, std::size_t at) {
                    using V = decltype(v);
                    V acc = detail::load_as<V>(out_place[0].in(in, saved, W), at);
                    detail::for_index<n - 1>([&](auto b) {
                        const V y = detail::load_as<V>(out_place[b + 1].in(in, saved, W), at);
                        if constexpr (std::is_same_v<Combine, combine::sum>)
                            acc = acc + y;
                        else
                            acc = acc * y;
                    });
                    detail::store_as(out, at, acc);
                });
        }

        template <class Mode, class T, class Epi>
        inline static void run_backward(Mode const& m, T const* p, T* dp, T const* in, T const* out,
                                        T const* saved, T const* delta, T* delta_in, T* scratch,
                                        Epi const& epi, T* dstate) {
            constexpr std::size_t W = Mode::width;
            T* d_branch = scratch;
            T* d_in = scratch + widest * W;
            T* inner = scratch + (widest + In) * W;
            detail::for_index<n>([&](auto b) {
                using C = child<b>;
                T const* y = concatenated ? out + out_offset[b] * W : out_place[b].in(in, saved, W);
                T const* sv = saved + saved_offset[b] * W;
                T const* d_out = concatenated ? delta + out_offset[b] * W : delta;
                const auto tail = detail::epilogue_for<C, T, W>(y, sv);
                T const* d = d_out;
                if constexpr (std::is_same_v<Combine, combine::product> || detail::has_tail<C>) {
                    // δ of this branch: δ ⊙ the other branches' outputs (a product), ⊙ f′.
                    detail::for_each_vector<T, C::outputs>(m, [&](auto v, std::size_t at) {
                        using V = decltype(v);
                        V g = detail::load_as<V>(d_out, at);
                        if constexpr (std::is_same_v<Combine, combine::product>)
                            detail::for_index<n>([&](auto c) {
                                if constexpr (c != b)
                                    g = g * detail::load_as<V>(out_place[c].in(in, saved, W), at);
                            });
                        detail::store_as(d_branch, at, tail(at, g));
                    });
                    d = d_branch;
                }
                // The first branch writes δ of the input, the others add to it; a later view adds
                // δ to its range of it alone.
                if constexpr (b > 0 && viewed[b]) {
                    if (delta_in) {
                        T* range = delta_in + C::view_offset * W;
                        detail::for_each_vector<T, C::outputs>(m, [&](auto v, std::size_t at) {
                            using V = decltype(v);
                            detail::store_as(range, at,
                                             detail::load_as<V>(range, at) +
                                                 detail::load_as<V>(d, at));
                        });
                    }
                } else {
                    T* d_x = delta_in ? (b == 0 ? delta_in : d_in) : nullptr;
                    detail::run_backward<C>(m, p + param_offset[b], dp + param_offset[b], in, y, sv,
                                            d, d_x, inner, detail::no_epilogue{},
                                            state_count > 0 ? dstate + state_offset[b] * W
                                                            : dstate);
                    if (delta_in && b > 0)
                        detail::for_each_vector<T, In>(m, [&](auto v, std::size_t at) {
                            using V = decltype(v);
                            detail::store_as(delta_in, at,
                                             detail::load_as<V>(delta_in, at) +
                                                 detail::load_as<V>(d_in, at));
                        });
                }
            });
            if (delta_in)
                detail::apply_epilogue(m, delta_in, In, epi);
        }
    };
};

/// Branches whose outputs are concatenated, in order.
template <class... Branches>
using concat = branches<combine::concat, Branches...>;
/// Branches of equal output size, summed element-wise.
template <class... Branches>
using sum = branches<combine::sum, Branches...>;
/// Branches of equal output size, multiplied element-wise: the gated unit tanh(a) ⊙ σ(b) of
/// WaveNet-style models is `hw::product<hw::dense<N, hw::tanh>, hw::dense<N, hw::sigmoid>>`.
template <class... Branches>
using product = branches<combine::product, Branches...>;

} // namespace hardwired
