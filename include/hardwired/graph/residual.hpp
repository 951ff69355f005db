#pragma once
/// A residual block: y = x + f(x), f the chain of the given layers, whose output must have the
/// input's size.
///
///     hw::residual<hw::dense<64, hw::tanh>, hw::dense<64, hw::tanh>>

#include <cstddef>
#include <tuple>

#include "../diagnostics.hpp"
#include "block.hpp"
#include "chain.hpp"

namespace hardwired {

namespace detail {
template <std::size_t In, std::size_t Out>
constexpr bool check_residual() {
    if constexpr (In != Out)
        static_assert(
            diagnostic::holds<
                typename diagnostic::residual_block_takes<In>::template but_its_layers_give<Out>>,
            HARDWIRED_MSG_RESIDUAL_SIZE);
    return true;
}
} // namespace detail

template <class... Layers>
struct residual {
    template <std::size_t In>
    struct bound {
        using body = detail::bind<chain<Layers...>, In>;
        static_assert(detail::check_residual<In, body::outputs>());
        using children = std::tuple<body>;
        static constexpr bool is_block = true;
        static constexpr module_form naming = module_form::same;
        static constexpr std::size_t inputs = In, outputs = In;
        static constexpr std::array<std::size_t, 1> param_offset{0};
        static constexpr std::size_t parameter_count = detail::parameter_count<body>;
        // f(x), then f's saved values.
        static constexpr std::size_t saved_count = In + detail::saved_count<body>;
        static constexpr std::size_t state_count = detail::state_count<body>;
        // δ of f's output through its tail, f's δ of x, f's scratch.
        template <bool Chunk>
        static constexpr std::size_t scratch = 2 * In + detail::scratch_count<body, Chunk>;

        template <class T>
        using view = typename body::template view<T>;

        template <class Mode, class T>
        inline static void run_forward(Mode const& m, T const* p, T const* in, T* out, T* saved,
                                       T* state) {
            constexpr std::size_t W = Mode::width;
            T* f = saved;
            detail::run_forward<body>(m, p, in, f, saved + In * W, state);
            detail::for_each_vector<T, In>(m, [&](auto v, std::size_t at) {
                using V = decltype(v);
                detail::store_as(out, at, detail::load_as<V>(in, at) + detail::load_as<V>(f, at));
            });
        }

        template <class Mode, class T, class Epi>
        inline static void run_backward(Mode const& m, T const* p, T* dp, T const* in, T const*,
                                        T const* saved, T const* delta, T* delta_in, T* scratch,
                                        Epi const& epi, T* dstate) {
            constexpr std::size_t W = Mode::width;
            T const* f = saved;
            T const* f_saved = saved + In * W;
            T* d_f = scratch;
            T* d_x = scratch + In * W;
            T const* d = delta;
            if constexpr (detail::has_tail<body>) {
                const auto tail = detail::epilogue_for<body, T, W>(f, f_saved);
                detail::for_each_vector<T, In>(m, [&](auto v, std::size_t at) {
                    using V = decltype(v);
                    detail::store_as(d_f, at, tail(at, detail::load_as<V>(delta, at)));
                });
                d = d_f;
            }
            detail::run_backward<body>(m, p, dp, in, f, f_saved, d, delta_in ? d_x : nullptr,
                                       scratch + 2 * In * W, detail::no_epilogue{}, dstate);
            if (delta_in)
                detail::for_each_vector<T, In>(m, [&](auto v, std::size_t at) {
                    using V = decltype(v);
                    detail::store_as(
                        delta_in, at,
                        epi(at, detail::load_as<V>(delta, at) + detail::load_as<V>(d_x, at)));
                });
        }
    };
};

} // namespace hardwired
