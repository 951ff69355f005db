#pragma once
/// The WaveNet of the Neural Amp Modeler (NAM), its "A1" models among them, written as a type
/// from the library's blocks: layer arrays of dilated causal convolutions whose input is mixed
/// with the model's input, a gated or plain activation, 1×1 residual paths and skip sums into a
/// head. Each convolution is a hw::conv1d with PyTorch's tensors, in the order of the PyTorch
/// module's state_dict:
///
///     for each layer array:  rechannel (1×1, no bias)
///                            for each dilation: conv (K taps, bias), input_mixer (1×1 on the
///                                model's input, no bias), _1x1 (bias)
///                            head_rechannel (1×1, bias if the array has head_bias)
///
///     using a1 = hw::network<hw::input<1>, hw::wavenet::a1_standard>;
///     hw::state<a1> s;                      // every convolution's past inputs, zero
///     float y = hw::step(p, {x}, s)[0];     // one sample in, one out

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include "../activation.hpp"
#include "../diagnostics.hpp"
#include "../graph/branches.hpp"
#include "../graph/chain.hpp"
#include "../layers/activation_layer.hpp"
#include "../layers/conv1d.hpp"
#include "../layers/slice.hpp"

namespace hardwired::wavenet {

/// The dilations of a layer array's convolutions, one layer each: `dilations<1, 2, 4, 8>`.
template <std::size_t... D>
struct dilations {
    static constexpr std::size_t layers = sizeof...(D);
    static constexpr std::array<std::size_t, sizeof...(D)> values{D...};
};

namespace detail {
/// One diagnostic, with the numbers, for an empty size; true, so that the array stays a valid
/// type and nothing else fails after it.
template <std::size_t Channels, std::size_t HeadSize, std::size_t Kernel, std::size_t Layers>
constexpr bool check_layer_array() {
    if constexpr (Channels == 0 || HeadSize == 0 || Kernel == 0 || Layers == 0)
        static_assert(diagnostic::holds<typename diagnostic::wavenet_layer_array<
                          Channels, HeadSize, Kernel>::template with_dilations<Layers>>,
                      HARDWIRED_MSG_WAVENET_SHAPE);
    return true;
}
} // namespace detail

/// A layer array: `Channels` channels, a head of `HeadSize` values, kernel size `Kernel`, one
/// layer per dilation. Each layer, on the array's channels x and the model's input u:
///
///     z = conv_d(x) + input_mixer(u)                    (2·Channels values if Gated)
///     post = Activation(z)                              or, Gated, Activation(z[:C]) ⊙ σ(z[C:])
///     x ← x + _1x1(post),   head ← head + post
///
/// The array's input is rechanneled to `Channels` first (1×1, no bias); its head starts at the
/// previous array's head (zero for the first array) and leaves through head_rechannel (1×1 to
/// `HeadSize`, with a bias if `HeadBias`). The next array's channels must equal `HeadSize`.
template <std::size_t Channels, std::size_t HeadSize, std::size_t Kernel, class Dilations,
          auto Activation = tanh, bool Gated = false, bool HeadBias = false>
struct layer_array {
    static_assert(detail::check_layer_array<Channels, HeadSize, Kernel, Dilations::layers>());
    static_assert(hardwired::activation<decltype(Activation)>, HARDWIRED_MSG_ACTIVATION);
    static constexpr std::size_t channels = Channels, head_size = HeadSize, kernel = Kernel;
    using dilation_list = Dilations;
    static constexpr auto activation = Activation;
    static constexpr bool gated = Gated, head_bias = HeadBias;
    static constexpr bool valid =
        Channels > 0 && HeadSize > 0 && Kernel > 0 && Dilations::layers > 0;
};

namespace detail {

template <std::size_t N, bool Bias = false>
using one_by_one = conv1d<N, 1, 1, 1, x, Bias>;

/// z ↦ post: the activation, or the gated unit on z's two halves.
template <std::size_t C, auto A, bool Gated>
using activation = std::conditional_t<
    Gated,
    product<chain<slice<0, C>, activation_layer<A>>, chain<slice<C, C>, activation_layer<sigmoid>>>,
    activation_layer<A>>;

/// [head (H values), x (C values), u] ↦ post.
template <std::size_t H, std::size_t C, std::size_t K, std::size_t D, auto A, bool Gated>
using post = chain<sum<chain<slice<H, C>, conv1d<(Gated ? 2 : 1) * C, K, D>>,
                       chain<slice<H + C, 1>, one_by_one<(Gated ? 2 : 1) * C>>>,
                   activation<C, A, Gated>>;

/// The head after a layer, from [head, x, u, post]: head + post, or post for the first layer of
/// the first array (H = 0, no head yet).
template <std::size_t H, std::size_t C>
struct next_head {
    using type = sum<slice<0, C>, slice<2 * C + 1, C>>;
};
template <std::size_t C>
struct next_head<0, C> {
    using type = slice<C + 1, C>;
};

/// One layer: [head, x, u] ↦ [head + post, x + _1x1(post), u]. The model's input u comes last,
/// so that every vector a layer reads starts where one the layer before stored starts (a load
/// across two stores waits for both to reach the cache, on the path of every step).
template <std::size_t H, std::size_t C, std::size_t K, std::size_t D, auto A, bool Gated>
using layer = chain<
    concat<slice<0, H + C + 1>, post<H, C, K, D, A, Gated>>,
    concat<typename next_head<H, C>::type,
           sum<slice<H, C>, chain<slice<H + C + 1, C>, one_by_one<C, true>>>, slice<H + C, 1>>>;

/// An array's layers; the first array's first layer starts the head.
template <bool First, class Array>
struct layers_of;
template <bool First, std::size_t C, std::size_t Hd, std::size_t K, std::size_t D0,
          std::size_t... Ds, auto A, bool G, bool HB>
struct layers_of<First, layer_array<C, Hd, K, dilations<D0, Ds...>, A, G, HB>> {
    using type = chain<layer<First ? 0 : C, C, K, D0, A, G>, layer<C, C, K, Ds, A, G>...>;
};

template <std::size_t HeadSize, std::size_t NextChannels>
constexpr bool check_head_size() {
    if constexpr (HeadSize != NextChannels)
        static_assert(diagnostic::holds<typename diagnostic::wavenet_array_head_size<
                          HeadSize>::template but_next_array_channels<NextChannels>>,
                      HARDWIRED_MSG_WAVENET_HEAD_SIZE);
    return true;
}

/// What follows an array's layers, from [head, x, u]: the next array, or the model's head.
template <class... Arrays>
struct after;
template <std::size_t C, std::size_t Hd, std::size_t K, class Ds, auto A, bool G, bool HB>
struct after<layer_array<C, Hd, K, Ds, A, G, HB>> {
    using type = chain<slice<0, C>, one_by_one<Hd, HB>>;
};
template <std::size_t C, std::size_t Hd, std::size_t K, class Ds, auto A, bool G, bool HB,
          class Next, class... Rest>
struct after<layer_array<C, Hd, K, Ds, A, G, HB>, Next, Rest...> {
    static_assert(check_head_size<Hd, Next::channels>());
    using type = chain<concat<chain<slice<0, C>, one_by_one<Hd, HB>>,
                              chain<slice<C, C>, one_by_one<Next::channels>>, slice<2 * C, 1>>,
                       typename layers_of<false, Next>::type, typename after<Next, Rest...>::type>;
};

/// The samples back an array's layers reach: Σ (kernel − 1)·dilation.
template <class Array>
constexpr std::size_t reach() {
    std::size_t r = 0;
    for (std::size_t d : Array::dilation_list::values)
        r += (Array::kernel - 1) * d;
    return r;
}

/// The model, or, when an array has an empty size (its one diagnostic), a layer that fails
/// nothing else.
template <bool Valid, auto HeadScale, class First, class... Rest>
struct model_of {
    using type = slice<0, 1>;
};
template <auto HeadScale, class First, class... Rest>
struct model_of<true, HeadScale, First, Rest...> {
    using type = chain<concat<one_by_one<First::channels>, slice<0, 1>>,
                       typename layers_of<true, First>::type, typename after<First, Rest...>::type,
                       activation_layer<HeadScale * x>>;
};

} // namespace detail

/// NAM's WaveNet on one input channel: the layer arrays in order, the output (the last array's
/// head) times `HeadScale`, an exact constant such as `hw::c<1, 50>` (0.02). A layer kind: use it
/// as `hw::network<hw::input<1>, hw::wavenet::model<...>>`. Its configuration stays readable
/// (`arrays`, `head_scale`), for the `.nam` loader (hw::io::load_nam) to check a file against.
template <auto HeadScale, class First, class... Rest>
struct model
    : detail::model_of<(First::valid && ... && Rest::valid), HeadScale, First, Rest...>::type {
    using arrays = std::tuple<First, Rest...>;
    static constexpr auto head_scale = HeadScale;
    /// Inputs an output depends on: 1 + Σ (kernel − 1)·dilation over every layer. NAM's plugins
    /// run a model on that many samples of silence, less one, before use ("prewarm").
    static constexpr std::size_t receptive_field =
        1 + detail::reach<First>() + (std::size_t{0} + ... + detail::reach<Rest>());
};

/// Dilations 1, 2, 4, …, 512.
using dilations_1_to_512 = dilations<1, 2, 4, 8, 16, 32, 64, 128, 256, 512>;

/// The "standard" A1 model of NAM: arrays of 16 and 8 channels, kernel 3, dilations 1 … 512 each,
/// tanh, not gated; head 8 then 1 with a bias; head scale 0.02. 13,801 parameters.
using a1_standard = model<c<1, 50>, layer_array<16, 8, 3, dilations_1_to_512, tanh, false, false>,
                          layer_array<8, 1, 3, dilations_1_to_512, tanh, false, true>>;

} // namespace hardwired::wavenet
