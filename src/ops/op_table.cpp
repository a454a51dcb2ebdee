#include "ops/op_table.h"

#include <cmath>

#include "core/dtype.h"
#include "core/error.h"

namespace tsr {

const char* op_kind_name(OpKind kind) {
  static const char* names[] = {"unary",   "binary", "binary_scalar", "where",      "copy",
                                "fill",    "arange", "random",        "reduce",     "matmul",
                                "linear",  "softmax", "log_softmax",  "layer_norm", "rms_norm"};
  int k = int(kind);
  return k >= 0 && k < int(OpKind::Count) ? names[k] : "invalid";
}

static const OpInfo kUnary[] = {
    {"abs", OpKind::Unary, TSR_ABS, 1, DtypeRule::SameNumeric},
    {"negative", OpKind::Unary, TSR_NEGATIVE, 1, DtypeRule::SameNumeric},
    {"exp", OpKind::Unary, TSR_EXP, 1, DtypeRule::Float},
    {"expm1", OpKind::Unary, TSR_EXPM1, 1, DtypeRule::Float},
    {"log", OpKind::Unary, TSR_LOG, 1, DtypeRule::Float},
    {"log1p", OpKind::Unary, TSR_LOG1P, 1, DtypeRule::Float},
    {"sqrt", OpKind::Unary, TSR_SQRT, 1, DtypeRule::Float},
    {"rsqrt", OpKind::Unary, TSR_RSQRT, 1, DtypeRule::Float},
    {"square", OpKind::Unary, TSR_SQUARE, 1, DtypeRule::SameNumeric},
    {"sin", OpKind::Unary, TSR_SIN, 1, DtypeRule::Float},
    {"cos", OpKind::Unary, TSR_COS, 1, DtypeRule::Float},
    {"tan", OpKind::Unary, TSR_TAN, 1, DtypeRule::Float},
    {"tanh", OpKind::Unary, TSR_TANH, 1, DtypeRule::Float},
    {"sigmoid", OpKind::Unary, TSR_SIGMOID, 1, DtypeRule::Float},
    {"relu", OpKind::Unary, TSR_RELU, 1, DtypeRule::SameNumeric},
    {"gelu", OpKind::Unary, TSR_GELU, 1, DtypeRule::Float},
    {"silu", OpKind::Unary, TSR_SILU, 1, DtypeRule::Float},
    {"floor", OpKind::Unary, TSR_FLOOR, 1, DtypeRule::SameNumeric},
    {"ceil", OpKind::Unary, TSR_CEIL, 1, DtypeRule::SameNumeric},
    {"round", OpKind::Unary, TSR_ROUND, 1, DtypeRule::SameNumeric},
    {"sign", OpKind::Unary, TSR_SIGN, 1, DtypeRule::SameNumeric},
    {"logical_not", OpKind::Unary, TSR_LOGICAL_NOT, 1, DtypeRule::Logical},
    {"isnan", OpKind::Unary, TSR_ISNAN, 1, DtypeRule::ToBool},
    {"isinf", OpKind::Unary, TSR_ISINF, 1, DtypeRule::ToBool},
};
static_assert(sizeof(kUnary) / sizeof(kUnary[0]) == TSR_UNARY_OP_COUNT, "unary table");

static const OpInfo kBinary[] = {
    {"add", OpKind::Binary, TSR_ADD, 2, DtypeRule::SameNumeric},
    {"subtract", OpKind::Binary, TSR_SUBTRACT, 2, DtypeRule::SameNumeric},
    {"multiply", OpKind::Binary, TSR_MULTIPLY, 2, DtypeRule::SameNumeric},
    {"divide", OpKind::Binary, TSR_DIVIDE, 2, DtypeRule::Float},
    {"floor_divide", OpKind::Binary, TSR_FLOOR_DIVIDE, 2, DtypeRule::SameNumeric},
    {"remainder", OpKind::Binary, TSR_REMAINDER, 2, DtypeRule::SameNumeric},
    {"pow", OpKind::Binary, TSR_POW, 2, DtypeRule::SameNumeric},
    {"maximum", OpKind::Binary, TSR_MAXIMUM, 2, DtypeRule::Same},
    {"minimum", OpKind::Binary, TSR_MINIMUM, 2, DtypeRule::Same},
    {"equal", OpKind::Binary, TSR_EQUAL, 2, DtypeRule::ToBool},
    {"not_equal", OpKind::Binary, TSR_NOT_EQUAL, 2, DtypeRule::ToBool},
    {"less", OpKind::Binary, TSR_LESS, 2, DtypeRule::ToBool},
    {"less_equal", OpKind::Binary, TSR_LESS_EQUAL, 2, DtypeRule::ToBool},
    {"greater", OpKind::Binary, TSR_GREATER, 2, DtypeRule::ToBool},
    {"greater_equal", OpKind::Binary, TSR_GREATER_EQUAL, 2, DtypeRule::ToBool},
    {"logical_and", OpKind::Binary, TSR_LOGICAL_AND, 2, DtypeRule::Logical},
    {"logical_or", OpKind::Binary, TSR_LOGICAL_OR, 2, DtypeRule::Logical},
    {"logical_xor", OpKind::Binary, TSR_LOGICAL_XOR, 2, DtypeRule::Logical},
    {"bitwise_and", OpKind::Binary, TSR_BITWISE_AND, 2, DtypeRule::Bitwise},
    {"bitwise_or", OpKind::Binary, TSR_BITWISE_OR, 2, DtypeRule::Bitwise},
    {"bitwise_xor", OpKind::Binary, TSR_BITWISE_XOR, 2, DtypeRule::Bitwise},
};
static_assert(sizeof(kBinary) / sizeof(kBinary[0]) == TSR_BINARY_OP_COUNT, "binary table");

static const OpInfo kReduce[] = {
    {"sum", OpKind::Reduce, TSR_SUM, 1, DtypeRule::Same},
    {"prod", OpKind::Reduce, TSR_PROD, 1, DtypeRule::Same},
    {"mean", OpKind::Reduce, TSR_MEAN, 1, DtypeRule::Float},
    {"var", OpKind::Reduce, TSR_VAR, 1, DtypeRule::Float},
    {"std", OpKind::Reduce, TSR_STD, 1, DtypeRule::Float},
    {"min", OpKind::Reduce, TSR_MIN, 1, DtypeRule::Same},
    {"max", OpKind::Reduce, TSR_MAX, 1, DtypeRule::Same},
    {"argmin", OpKind::Reduce, TSR_ARGMIN, 1, DtypeRule::Same},
    {"argmax", OpKind::Reduce, TSR_ARGMAX, 1, DtypeRule::Same},
    {"any", OpKind::Reduce, TSR_ANY, 1, DtypeRule::ToBool},
    {"all", OpKind::Reduce, TSR_ALL, 1, DtypeRule::ToBool},
};
static_assert(sizeof(kReduce) / sizeof(kReduce[0]) == TSR_REDUCE_OP_COUNT, "reduce table");

const OpInfo& unary_info(tsr_unary_op op) {
  TSR_CHECK(op >= 0 && op < TSR_UNARY_OP_COUNT, TSR_ERROR_INVALID_ARGUMENT, "invalid unary op %d",
            int(op));
  return kUnary[op];
}
const OpInfo& binary_info(tsr_binary_op op) {
  TSR_CHECK(op >= 0 && op < TSR_BINARY_OP_COUNT, TSR_ERROR_INVALID_ARGUMENT,
            "invalid binary op %d", int(op));
  return kBinary[op];
}
const OpInfo& reduce_info(tsr_reduce_op op) {
  TSR_CHECK(op >= 0 && op < TSR_REDUCE_OP_COUNT, TSR_ERROR_INVALID_ARGUMENT,
            "invalid reduce op %d", int(op));
  return kReduce[op];
}

bool is_comparison(tsr_binary_op op) { return op >= TSR_EQUAL && op <= TSR_GREATER_EQUAL; }

static void reject_bool(const OpInfo& info, tsr_dtype d) {
  TSR_CHECK(d != TSR_BOOL, TSR_ERROR_DTYPE_MISMATCH, "%s: not defined for bool", info.name);
}

tsr_dtype unary_result_dtype(tsr_unary_op op, tsr_dtype x) {
  const OpInfo& info = unary_info(op);
  switch (info.rule) {
    case DtypeRule::SameNumeric: reject_bool(info, x); return x;
    case DtypeRule::Float: return float_result(x);
    default: return TSR_BOOL;
  }
}

static void finish_binary(const OpInfo& info, tsr_dtype promoted, tsr_dtype* compute,
                          tsr_dtype* result) {
  switch (info.rule) {
    case DtypeRule::SameNumeric:
      reject_bool(info, promoted);
      *compute = *result = promoted;
      return;
    case DtypeRule::Same: *compute = *result = promoted; return;
    case DtypeRule::Float: *compute = *result = float_result(promoted); return;
    case DtypeRule::ToBool: *compute = promoted; *result = TSR_BOOL; return;
    case DtypeRule::Logical: *compute = *result = TSR_BOOL; return;
    case DtypeRule::Bitwise:
      TSR_CHECK(!is_floating(promoted), TSR_ERROR_DTYPE_MISMATCH,
                "%s: needs integer or bool operands, got %s", info.name, dtype_name(promoted));
      *compute = *result = promoted;
      return;
  }
}

void binary_dtypes(tsr_binary_op op, tsr_dtype a, tsr_dtype b, tsr_dtype* compute,
                   tsr_dtype* result) {
  const OpInfo& info = binary_info(op);
  finish_binary(info, promote(a, b, info.name), compute, result);
}

// Whether the whole number v lies in the range of the integer dtype d.
static bool integer_fits(double v, tsr_dtype d) {
  const int bits = int(dtype_size(d)) * 8;
  if (is_unsigned_int(d)) return v >= 0 && v < std::ldexp(1.0, bits);
  return v >= -std::ldexp(1.0, bits - 1) && v < std::ldexp(1.0, bits - 1);
}

void binary_scalar_dtypes(tsr_binary_op op, tsr_dtype a, double scalar, tsr_dtype* compute,
                          tsr_dtype* result) {
  const OpInfo& info = binary_info(op);
  TSR_CHECK(!std::isnan(scalar) || is_floating(a) || is_comparison(op) ||
                info.rule == DtypeRule::Float || info.rule == DtypeRule::Logical,
            TSR_ERROR_INVALID_ARGUMENT, "%s: NaN scalar with a %s tensor", info.name,
            dtype_name(a));
  bool integral = std::isfinite(scalar) && scalar == std::floor(scalar);
  if (is_integer(a) && integral && !integer_fits(scalar, a)) {
    // Saturating the scalar into a's dtype would silently change the result
    // (uint8 x > -1 would be false for x = 0): comparisons compute exactly in
    // float64, ops that would compute in a's dtype refuse.
    if (is_comparison(op)) return finish_binary(info, TSR_FLOAT64, compute, result);
    TSR_CHECK(info.rule == DtypeRule::Float || info.rule == DtypeRule::Logical,
              TSR_ERROR_OUT_OF_RANGE, "%s: the scalar %.17g does not fit in %s", info.name,
              scalar, dtype_name(a));
  }
  tsr_dtype promoted = a;
  if (!is_floating(a) && !integral && info.rule != DtypeRule::Logical)
    promoted = is_comparison(op) ? TSR_FLOAT64 : TSR_FLOAT32;
  else if (a == TSR_BOOL && info.rule != DtypeRule::Logical && info.rule != DtypeRule::Bitwise &&
           !(scalar == 0 || scalar == 1))
    promoted = TSR_INT64;
  else if (a == TSR_BOOL && (info.rule == DtypeRule::SameNumeric || info.rule == DtypeRule::Same))
    promoted = TSR_INT64;
  finish_binary(info, promoted, compute, result);
}

tsr_dtype reduce_result_dtype(tsr_reduce_op op, tsr_dtype x) {
  switch (op) {
    case TSR_SUM:
    case TSR_PROD:
      if (x == TSR_BOOL || is_signed_int(x)) return TSR_INT64;
      if (is_unsigned_int(x)) return TSR_UINT64;
      return x;
    case TSR_MEAN:
    case TSR_VAR:
    case TSR_STD: return float_result(x);
    case TSR_MIN:
    case TSR_MAX: return x;
    case TSR_ARGMIN:
    case TSR_ARGMAX: return TSR_INT64;
    default: return TSR_BOOL;
  }
}

}  // namespace tsr
