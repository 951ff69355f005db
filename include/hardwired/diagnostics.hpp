#pragma once
/// Every compile-time diagnostic of the library, in one place and in user words.
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
/// False for every message: `static_assert(holds<Message>, ...)` fails with one error and the
/// compiler prints the message type with its numbers.
template <class Message>
inline constexpr bool holds = false;

} // namespace hardwired::diagnostic

#define HARDWIRED_MSG_FIRST_LAYER_INPUT                                                            \
    "hardwired::network: the first layer must be hw::input<N>, the number of inputs"
#define HARDWIRED_MSG_NOT_A_LAYER                                                                  \
    "hardwired::network: after hw::input<N>, every layer must be a hidden or output layer such "   \
    "as hw::dense<N, Activation>"
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
    "hardwired: the loss must be a formula in hw::yhat and hw::y (such as hw::squared_error)"
