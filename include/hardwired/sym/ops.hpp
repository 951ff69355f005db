#pragma once
// The operations of the algebra. An operation is a tag type with
//   - `apply(values...)`: the numeric evaluation (math.hpp does the work),
//   - `kind` and `name`/`symbol`: how to_string prints it,
// and, in derivative.hpp, a partial-derivative rule. Adding an atom means adding one tag here,
// one rule there, and a named formula in functions.hpp.

#include <cmath>

#include "math.hpp"

namespace hardwired::ops {

enum class op_kind { infix, negate, power, function, condition, select };

// Precedences used by to_string for minimal parentheses.
inline constexpr int prec_add = 1, prec_mul = 2, prec_neg = 2, prec_pow = 4, prec_atom = 5;

struct add {
    static constexpr op_kind kind = op_kind::infix;
    static constexpr const char* symbol = " + ";
    static constexpr int precedence = prec_add;
    template <class T>
    static constexpr T apply(T const& a, T const& b) {
        return a + b;
    }
};
struct sub {
    static constexpr op_kind kind = op_kind::infix;
    static constexpr const char* symbol = " - ";
    static constexpr int precedence = prec_add;
    template <class T>
    static constexpr T apply(T const& a, T const& b) {
        return a - b;
    }
};
struct mul {
    static constexpr op_kind kind = op_kind::infix;
    static constexpr const char* symbol = "*";
    static constexpr int precedence = prec_mul;
    template <class T>
    static constexpr T apply(T const& a, T const& b) {
        return a * b;
    }
};
struct div {
    static constexpr op_kind kind = op_kind::infix;
    static constexpr const char* symbol = "/";
    static constexpr int precedence = prec_mul;
    template <class T>
    static constexpr T apply(T const& a, T const& b) {
        return a / b;
    }
};
struct neg {
    static constexpr op_kind kind = op_kind::negate;
    template <class T>
    static constexpr T apply(T const& a) {
        return -a;
    }
};
/// a^K for an integer K.
template <int K>
struct pow {
    static constexpr op_kind kind = op_kind::power;
    static constexpr int exponent = K;
    template <class T>
    static constexpr T apply(T const& a) {
        return detail::ipow<K>(a);
    }
};

#define HARDWIRED_SYM_FUNCTION(NAME, BODY)                                                         \
    struct NAME {                                                                                  \
        static constexpr op_kind kind = op_kind::function;                                         \
        static constexpr const char* name = #NAME;                                                 \
        template <class T>                                                                         \
        static constexpr T apply(T const& a) {                                                     \
            BODY                                                                                   \
        }                                                                                          \
    };

HARDWIRED_SYM_FUNCTION(exp, using std::exp; return exp(a);)
HARDWIRED_SYM_FUNCTION(expm1, using std::expm1; return expm1(a);)
HARDWIRED_SYM_FUNCTION(log, using std::log; return log(a);)
HARDWIRED_SYM_FUNCTION(log1p, using std::log1p; return log1p(a);)
HARDWIRED_SYM_FUNCTION(tanh, return detail::tanh(a);)
/// tanh by its form of shortest latency (detail::tanh_low_latency); only the recurrent layers'
/// steps build it, from formulas of ops::tanh (kernels::detail::low_latency).
HARDWIRED_SYM_FUNCTION(tanh_low_latency, return detail::tanh_low_latency(a);)
HARDWIRED_SYM_FUNCTION(sqrt, using std::sqrt; return sqrt(a);)
HARDWIRED_SYM_FUNCTION(abs, using std::abs; return abs(a);)
HARDWIRED_SYM_FUNCTION(sigmoid, return detail::sigmoid(a);)
HARDWIRED_SYM_FUNCTION(softplus, return detail::softplus(a);)
HARDWIRED_SYM_FUNCTION(relu, return detail::relu(a);)
#undef HARDWIRED_SYM_FUNCTION

#define HARDWIRED_SYM_COMPARISON(NAME, OP)                                                         \
    struct NAME {                                                                                  \
        static constexpr op_kind kind = op_kind::condition;                                        \
        static constexpr const char* symbol = " " #OP " ";                                         \
        template <class T>                                                                         \
        static constexpr auto apply(T const& a, T const& b) {                                      \
            return a OP b;                                                                         \
        }                                                                                          \
    };

HARDWIRED_SYM_COMPARISON(greater, >)
HARDWIRED_SYM_COMPARISON(greater_equal, >=)
HARDWIRED_SYM_COMPARISON(less, <)
HARDWIRED_SYM_COMPARISON(less_equal, <=)
#undef HARDWIRED_SYM_COMPARISON

/// select(c, a, b): a where c holds, else b. Both branches are evaluated, then chosen lane-wise.
struct select {
    static constexpr op_kind kind = op_kind::select;
    template <class C, class T>
    static constexpr T apply(C const& c, T const& a, T const& b) {
        return detail::select(c, a, b);
    }
};

} // namespace hardwired::ops
