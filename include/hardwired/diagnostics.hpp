#pragma once
/// Every compile-time diagnostic of the library, in one place and in user words (the one
/// exception is config.hpp's #error on a bad HARDWIRED_FMA_CHAINS, which the preprocessor must
/// raise before any of this is read). The header depends on nothing, so the algebra (sym/)
/// includes it too.
///
/// A C++20 static_assert message cannot contain numbers, so where sizes matter the asserted
/// condition is `holds<Message>` for a "message type" whose template arguments carry them; the
/// compiler prints it in the one error, e.g.
/// `hardwired::diagnostic::network_takes_inputs<2>::but_was_given<3>`.

#include <cstddef>

namespace hardwired::diagnostic {

template <std::size_t Expected>
struct network_takes_inputs {
    template <std::size_t Given>
    struct but_was_given;
};
template <std::size_t Expected>
struct network_produces_outputs {
    template <std::size_t Given>
    struct but_target_has;
};
template <class Parameters>
struct parameters_hold {
    template <class Data>
    struct but_data_holds;
};
template <class Optimizer>
struct optimizer_was_declared_as {
    template <class Parameters>
    struct but_parameters_are;
};
template <std::size_t Inputs>
struct residual_block_takes {
    template <std::size_t Outputs>
    struct but_its_layers_give;
};
template <std::size_t Groups>
struct convolution_groups {
    template <std::size_t InputChannels, std::size_t OutputChannels>
    struct do_not_divide_the_channels;
};
template <std::size_t Parameters>
struct prelu_with_parameters {
    template <std::size_t Inputs>
    struct on_inputs;
};
template <std::size_t Begin, std::size_t Count>
struct slice_of {
    template <std::size_t Inputs>
    struct does_not_fit_in_inputs;
};
template <std::size_t Channels, std::size_t HeadSize, std::size_t Kernel>
struct wavenet_layer_array {
    template <std::size_t Dilations>
    struct with_dilations;
};
template <std::size_t HeadSize>
struct wavenet_array_head_size {
    template <std::size_t NextChannels>
    struct but_next_array_channels;
};
template <std::size_t First>
struct element_wise_branches_first_gives {
    template <std::size_t Other>
    struct but_another_gives;
};
/// False for every message: `static_assert(holds<Message>, ...)` fails with one error and the
/// compiler prints the message type with its numbers.
template <class Message>
inline constexpr bool holds = false;

} // namespace hardwired::diagnostic

#define HARDWIRED_MSG_FIRST_LAYER_INPUT                                                            \
    "hardwired::network: the first layer must be hw::input<N>, the number of inputs"
#define HARDWIRED_MSG_NOT_A_LAYER                                                                  \
    "hardwired::network: after hw::input<N>, every layer must be a hidden or output layer such "   \
    "as hw::dense<N, Activation> or a block such as hw::residual<...>"
#define HARDWIRED_MSG_EMPTY_LAYER "hardwired::network: a layer must have at least one neuron"
#define HARDWIRED_MSG_NO_LAYERS                                                                    \
    "hardwired::network: a network needs at least one layer after hw::input<N>"
#define HARDWIRED_MSG_ACTIVATION                                                                   \
    "hardwired::dense<N, Activation>: Activation must be a formula in hw::x (such as hw::tanh "    \
    "or hw::x * hw::sigmoid(hw::x))"
#define HARDWIRED_MSG_INPUT_SIZE                                                                   \
    "hardwired: the input array's size is not the network's number of inputs"
#define HARDWIRED_MSG_TARGET_SIZE                                                                  \
    "hardwired: the target (or output) array's size is not the network's number of outputs"
#define HARDWIRED_MSG_LOSS                                                                         \
    "hardwired: the loss must be a formula in hw::yhat and hw::y (such as hw::squared_error) or "  \
    "a "                                                                                           \
    "vector loss (hw::softmax_cross_entropy)"
#define HARDWIRED_MSG_INPUT_NOT_ARRAY                                                              \
    "hardwired: one sample's input must be a std::array<T, N> (or a braced list), N the "          \
    "network's "                                                                                   \
    "inputs: a std::vector's size is not known at compile time; copy it into a std::array, or "    \
    "pass many samples to hw::forward_batch"
#define HARDWIRED_MSG_VALUE_TYPE                                                                   \
    "hardwired: the data's value type is not the parameters' (such as double data for "            \
    "hw::params<Net, float>): convert the data, or declare hw::params<Net, double>"
#define HARDWIRED_MSG_SAMPLES                                                                      \
    "hardwired: the samples must be a contiguous range (std::vector, std::array, std::span) of "   \
    "std::array<T, N>, one array per sample"
#define HARDWIRED_MSG_TARGETS                                                                      \
    "hardwired: the targets must be a contiguous range of std::array<T, outputs>, or of integer "  \
    "class indices for hw::softmax_cross_entropy"
#define HARDWIRED_MSG_CLASS_INDEX                                                                  \
    "hardwired: integer class labels need a loss that takes class indices "                        \
    "(hw::softmax_cross_entropy); an element-wise loss takes targets as std::array<T, outputs>"
#define HARDWIRED_MSG_OPTIMIZER                                                                    \
    "hardwired: the optimizer was declared for another network or value type than the "            \
    "parameters: declare it as hw::sgd<Net, T> (or hw::adam, hw::adamw) with the parameters' Net " \
    "and T"
#define HARDWIRED_MSG_CHUNK_SAMPLES                                                                \
    "hardwired: kernels::chunk_samples must be a multiple of two SIMD widths"
#define HARDWIRED_MSG_CLASSES                                                                      \
    "hardwired::predict_class_batch: the classes must be a contiguous range of an integer type "   \
    "(such as std::vector<int>), one per input"
#define HARDWIRED_MSG_NO_PRE_ACTIVATIONS                                                           \
    "hardwired::workspace: the input layer has no pre-activations"
#define HARDWIRED_MSG_RESIDUAL_SIZE                                                                \
    "hardwired::residual: the layers of a residual block must give as many outputs as the block "  \
    "takes inputs (y = x + f(x)); end the block with a layer of the input's size"
#define HARDWIRED_MSG_BRANCH_SIZES                                                                 \
    "hardwired::sum / hw::product: branches combined element-wise must give the same number of "   \
    "outputs"
#define HARDWIRED_MSG_ACTIVATION_LAYER                                                             \
    "hardwired::activation_layer<F>: F must be a formula in hw::x (such as hw::tanh or "           \
    "hw::x * hw::sigmoid(hw::x))"
#define HARDWIRED_MSG_LAYER_NORM_EPS                                                               \
    "hardwired::layer_norm<EpsNum, EpsDen>: epsilon = EpsNum / EpsDen must be positive"
#define HARDWIRED_MSG_PRELU_PARAMETERS                                                             \
    "hardwired::prelu<NumParameters>: a PReLU has one slope shared by all its inputs (1, the "     \
    "default) or one per input (the previous layer's size)"
#define HARDWIRED_MSG_BATCH_NORM_EPS                                                               \
    "hardwired::frozen_batch_norm<EpsNum, EpsDen>: epsilon = EpsNum / EpsDen must be positive"
#define HARDWIRED_MSG_DROPOUT_P                                                                    \
    "hardwired::dropout<PNum, PDen>: the drop probability p = PNum / PDen must be in [0, 1)"
#define HARDWIRED_MSG_PARAMS_NETWORK "hardwired::params<Net>: Net must be a hw::network"
#define HARDWIRED_MSG_STATEFUL                                                                     \
    "hardwired: this network has state (recurrent or convolution layers): run it one time step "   \
    "at a time with hw::step(params, input, state), state a hw::state<Net>, and train it through " \
    "time with hw::sequence_gradient or hw::fit_sequence; hw::forward, the batch functions, "      \
    "hw::gradient and hw::fit take networks without state"
#define HARDWIRED_MSG_CONV_SHAPE                                                                   \
    "hardwired::conv1d<Out, K, Dilation, Groups>: output channels, kernel size, dilation and "     \
    "groups must each be at least 1"
#define HARDWIRED_MSG_CONV_GROUPS                                                                  \
    "hardwired::conv1d: the groups must divide both the input channels (the previous layer's "     \
    "size) and the output channels"
#define HARDWIRED_MSG_SLICE                                                                        \
    "hardwired::slice<Begin, Count>: the inputs Begin, ..., Begin + Count - 1 must exist (Count "  \
    "at least 1, Begin + Count at most the previous layer's size)"
#define HARDWIRED_MSG_WAVENET_SHAPE                                                                \
    "hardwired::wavenet::layer_array<Channels, HeadSize, Kernel, Dilations>: channels, head "      \
    "size, kernel size and the number of dilations must each be at least 1"
#define HARDWIRED_MSG_WAVENET_HEAD_SIZE                                                            \
    "hardwired::wavenet::model: a layer array's head continues as the next array's head, so its "  \
    "head size must equal the next array's channels"
#define HARDWIRED_MSG_STATE_LANES                                                                  \
    "hardwired::state_lanes<Net, T, N>: N, the number of sequences, must be at least 1"
#define HARDWIRED_MSG_SEQUENCES                                                                    \
    "hardwired: sequences in lanes must be a contiguous range (std::vector, std::array, "          \
    "std::span) of sequences, each a contiguous range of std::array<T, N>, one array per step"
#define HARDWIRED_MSG_LANES_VALUE_TYPE                                                             \
    "hardwired: training sequences in SIMD lanes needs float or double parameters (other value "   \
    "types train one sequence at a time: hw::sequence_gradient with a hw::state)"
#define HARDWIRED_MSG_RECURRENT_HIDDEN                                                             \
    "hardwired::lstm<H> / hw::gru<H> / hw::rnn<H>: a recurrent layer needs at least one hidden "   \
    "unit (H)"

// The algebra (sym/).
#define HARDWIRED_MSG_COMPOSE_POSITIONS                                                            \
    "hardwired: composing f(g...) needs one expression per variable position of f"
#define HARDWIRED_MSG_DERIVATIVE_VARIABLES                                                         \
    "hardwired::derivative(e): e has several variables; name the one to differentiate by, as in "  \
    "hw::derivative(e, hw::yhat)"
#define HARDWIRED_MSG_LITERAL                                                                      \
    "hardwired: write constants in a formula as exact rationals, hw::c<N> or hw::c<N, D> (for "    \
    "example hw::c<1, 2> * hw::x), not as numbers"
#define HARDWIRED_MSG_SELECT_CONDITION                                                             \
    "hardwired::select(cond, a, b) needs a comparison such as hw::x > hw::c<0> as its first "      \
    "argument"
#define HARDWIRED_MSG_OUTPUT_DERIVATIVE                                                            \
    "hardwired::output_derivative(f): f' cannot be written in f's output alone; check "            \
    "hw::is_output_expressible(f) first"
#define HARDWIRED_MSG_CALL_NO_ARGUMENTS "hardwired: an expression needs at least one argument"
#define HARDWIRED_MSG_CALL_MIXED                                                                   \
    "hardwired: call an expression either with numbers (evaluate) or with expressions "            \
    "(substitute), not a mix of both"
#define HARDWIRED_MSG_RATIONAL_SIGN "hardwired: rational constants keep their sign in the numerator"
#define HARDWIRED_MSG_CALL_MISSING_POSITION                                                        \
    "hardwired: the expression has a variable at a position that was not given a value; pass one " \
    "number per variable position (hw::yhat, then hw::y)"
#define HARDWIRED_MSG_CALL_MISSING_BINDING                                                         \
    "hardwired: no value was bound to one of the expression's variables"
