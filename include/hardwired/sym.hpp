#pragma once
/// The symbolic scalar algebra: expressions as types, derivatives, simplification, evaluation
/// (scalars and xsimd batches, with type-level common-subexpression elimination) and printing.

#include "sym/derivative.hpp"
#include "sym/evaluate.hpp"
#include "sym/expr.hpp"
#include "sym/functions.hpp"
#include "sym/output_form.hpp"
#include "sym/print.hpp"
#include "sym/rational.hpp"
#include "sym/rewrite.hpp"
#include "sym/substitute.hpp"
