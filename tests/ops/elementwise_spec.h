// The elementwise semantics restated independently of src/ for the tests:
// result dtypes (the op table's rules), Array API promotion, and float64
// references of every unary and binary op (scalar_math.h semantics: integer
// arithmetic wraps, integer division by zero gives 0, floor_divide and
// remainder follow Python, round is half to even, float -> int saturates,
// maximum/minimum propagate NaN). Header-only: shared by the op test files.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "support/reference.h"
#include "tessera/tessera.h"

namespace tsrtest::spec {

// How an op's result dtype follows from its (promoted) input dtype.
enum class Rule {
  Arith,    // same dtype, bool rejected
  Same,     // same dtype, bool allowed
  Float,    // floating keeps its dtype, integers and bool give float32
  ToBool,   // result bool (comparisons, isnan, isinf)
  Logical,  // operands read as truth values, result bool
  Bitwise,  // integers and bool only
};

struct UnaryCase {
  tsr_unary_op op;
  const char* name;
  Rule rule;
};
struct BinaryCase {
  tsr_binary_op op;
  const char* name;
  Rule rule;
};

inline const std::vector<UnaryCase>& unary_cases() {
  static const std::vector<UnaryCase> v = {
      {TSR_ABS, "abs", Rule::Arith},          {TSR_NEGATIVE, "negative", Rule::Arith},
      {TSR_EXP, "exp", Rule::Float},          {TSR_EXPM1, "expm1", Rule::Float},
      {TSR_LOG, "log", Rule::Float},          {TSR_LOG1P, "log1p", Rule::Float},
      {TSR_SQRT, "sqrt", Rule::Float},        {TSR_RSQRT, "rsqrt", Rule::Float},
      {TSR_SQUARE, "square", Rule::Arith},    {TSR_SIN, "sin", Rule::Float},
      {TSR_COS, "cos", Rule::Float},          {TSR_TAN, "tan", Rule::Float},
      {TSR_TANH, "tanh", Rule::Float},        {TSR_SIGMOID, "sigmoid", Rule::Float},
      {TSR_RELU, "relu", Rule::Arith},        {TSR_GELU, "gelu", Rule::Float},
      {TSR_SILU, "silu", Rule::Float},        {TSR_FLOOR, "floor", Rule::Arith},
      {TSR_CEIL, "ceil", Rule::Arith},        {TSR_ROUND, "round", Rule::Arith},
      {TSR_SIGN, "sign", Rule::Arith},        {TSR_LOGICAL_NOT, "logical_not", Rule::Logical},
      {TSR_ISNAN, "isnan", Rule::ToBool},     {TSR_ISINF, "isinf", Rule::ToBool},
  };
  return v;
}

inline const std::vector<BinaryCase>& binary_cases() {
  static const std::vector<BinaryCase> v = {
      {TSR_ADD, "add", Rule::Arith},
      {TSR_SUBTRACT, "subtract", Rule::Arith},
      {TSR_MULTIPLY, "multiply", Rule::Arith},
      {TSR_DIVIDE, "divide", Rule::Float},
      {TSR_FLOOR_DIVIDE, "floor_divide", Rule::Arith},
      {TSR_REMAINDER, "remainder", Rule::Arith},
      {TSR_POW, "pow", Rule::Arith},
      {TSR_MAXIMUM, "maximum", Rule::Same},
      {TSR_MINIMUM, "minimum", Rule::Same},
      {TSR_EQUAL, "equal", Rule::ToBool},
      {TSR_NOT_EQUAL, "not_equal", Rule::ToBool},
      {TSR_LESS, "less", Rule::ToBool},
      {TSR_LESS_EQUAL, "less_equal", Rule::ToBool},
      {TSR_GREATER, "greater", Rule::ToBool},
      {TSR_GREATER_EQUAL, "greater_equal", Rule::ToBool},
      {TSR_LOGICAL_AND, "logical_and", Rule::Logical},
      {TSR_LOGICAL_OR, "logical_or", Rule::Logical},
      {TSR_LOGICAL_XOR, "logical_xor", Rule::Logical},
      {TSR_BITWISE_AND, "bitwise_and", Rule::Bitwise},
      {TSR_BITWISE_OR, "bitwise_or", Rule::Bitwise},
      {TSR_BITWISE_XOR, "bitwise_xor", Rule::Bitwise},
  };
  return v;
}

inline bool is_signed(tsr_dtype d) { return d >= TSR_INT8 && d <= TSR_INT64; }
inline bool is_unsigned(tsr_dtype d) { return d >= TSR_UINT8 && d <= TSR_UINT64; }
inline int int_bits(tsr_dtype d) { return int(dtype_bytes(d)) * 8; }

// Array API promotion plus the library's extensions (bool yields to the
// other type, integer with floating gives the floating type, float16 with
// bfloat16 gives float32). `ok` is false for int64 with uint64.
inline tsr_dtype promote(tsr_dtype a, tsr_dtype b, bool* ok) {
  *ok = true;
  if (a == b) return a;
  if (a == TSR_BOOL) return b;
  if (b == TSR_BOOL) return a;
  if (is_float(a) && is_float(b)) {
    if ((a == TSR_FLOAT16 && b == TSR_BFLOAT16) || (a == TSR_BFLOAT16 && b == TSR_FLOAT16))
      return TSR_FLOAT32;
    return dtype_bytes(a) >= dtype_bytes(b) ? a : b;
  }
  if (is_float(a)) return a;
  if (is_float(b)) return b;
  if (is_signed(a) == is_signed(b)) return int_bits(a) >= int_bits(b) ? a : b;
  tsr_dtype s = is_signed(a) ? a : b, u = is_signed(a) ? b : a;
  if (int_bits(s) > int_bits(u)) return s;
  switch (int_bits(u)) {
    case 8: return TSR_INT16;
    case 16: return TSR_INT32;
    case 32: return TSR_INT64;
    default: *ok = false; return TSR_BOOL;
  }
}

// The dtype an op computes in and the one it returns, for an input (or
// promoted) dtype `d`; false when the op rejects `d`.
inline bool dtypes_for(Rule rule, tsr_dtype d, tsr_dtype* compute, tsr_dtype* result) {
  switch (rule) {
    case Rule::Arith:
      if (d == TSR_BOOL) return false;
      *compute = *result = d;
      return true;
    case Rule::Same: *compute = *result = d; return true;
    case Rule::Float: *compute = *result = is_float(d) ? d : TSR_FLOAT32; return true;
    case Rule::ToBool: *compute = d; *result = TSR_BOOL; return true;
    case Rule::Logical: *compute = TSR_BOOL; *result = TSR_BOOL; return true;
    case Rule::Bitwise:
      if (is_float(d)) return false;
      *compute = *result = d;
      return true;
  }
  return false;
}

inline double dtype_min(tsr_dtype d) {
  if (is_unsigned(d) || d == TSR_BOOL) return 0;
  return -std::ldexp(1.0, int_bits(d) - 1);
}
inline double dtype_max(tsr_dtype d) {
  if (d == TSR_BOOL) return 1;
  if (is_unsigned(d)) return std::ldexp(1.0, int_bits(d)) - 1;
  return std::ldexp(1.0, int_bits(d) - 1) - 1;
}

// An exact integer `v` (|v| < 2^53) reduced modulo 2^bits into `d`'s range.
inline double wrap_to(double v, tsr_dtype d) {
  if (d == TSR_BOOL) return v != 0;
  if (!is_int(d)) return round_to(v, d);
  // In range (compared with exact powers of two): 64-bit values stay exact.
  const double top = std::ldexp(1.0, is_signed(d) ? int_bits(d) - 1 : int_bits(d));
  if (v >= dtype_min(d) && v < top) return v;
  const double m = std::ldexp(1.0, int_bits(d));
  double r = std::fmod(v, m);
  if (r < 0) r += m;
  if (is_signed(d) && r >= top) r -= m;
  return r;
}

// What storing a value of dtype `from` into dtype `to` gives: bool is
// truthiness, float -> int truncates and saturates (NaN -> 0), int -> int
// wraps, anything -> float rounds.
inline double cast_to(double v, tsr_dtype from, tsr_dtype to) {
  if (to == TSR_BOOL) return v != 0 ? 1 : 0;  // NaN is truthy
  if (is_float(to)) return round_to(v, to);
  if (is_float(from)) {
    if (std::isnan(v)) return 0;
    if (v <= dtype_min(to)) return dtype_min(to);
    if (v >= dtype_max(to)) return dtype_max(to);
    return std::trunc(v);
  }
  return wrap_to(v, to);
}

// Python's floor division and modulo (for exact integer-valued inputs or floats).
inline double py_floor_div(double a, double b, tsr_dtype d) {
  if (is_int(d)) return b == 0 ? 0 : wrap_to(std::floor(a / b), d);
  return std::floor(a / b);
}
inline double py_remainder(double a, double b, tsr_dtype d) {
  if (is_int(d)) {
    if (b == 0) return 0;
    return wrap_to(a - b * std::floor(a / b), d);
  }
  double r = std::fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

// Half to even.
inline double round_half_even(double x) {
  if (!std::isfinite(x)) return x;
  double f = std::floor(x), diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return std::fmod(f, 2.0) == 0 ? f : f + 1;
}

// Integer power with wrapping; negative exponents follow integer rules
// (1 -> 1, -1 -> +-1, anything else -> 0).
inline double int_pow(double a, double b, tsr_dtype d) {
  if (b < 0) return a == 1 ? 1 : (a == -1 ? (std::fmod(-b, 2.0) == 1 ? -1 : 1) : 0);
  double r = 1;
  for (int i = 0; i < int(b); ++i) r = wrap_to(r * a, d);
  return r;
}

inline int64_t as_i64(double v) { return int64_t(v); }

// The float64 reference of a unary op on an input already in `compute`
// dtype; the caller rounds to the result dtype.
inline double unary_ref(tsr_unary_op op, double x, tsr_dtype compute) {
  const bool integer = is_int(compute);
  switch (op) {
    case TSR_ABS: return integer ? wrap_to(std::fabs(x), compute) : std::fabs(x);
    case TSR_NEGATIVE: return integer ? wrap_to(-x, compute) : -x;
    case TSR_EXP: return std::exp(x);
    case TSR_EXPM1: return std::expm1(x);
    case TSR_LOG: return std::log(x);
    case TSR_LOG1P: return std::log1p(x);
    case TSR_SQRT: return std::sqrt(x);
    case TSR_RSQRT: return 1 / std::sqrt(x);
    case TSR_SQUARE: return integer ? wrap_to(x * x, compute) : x * x;
    case TSR_SIN: return std::sin(x);
    case TSR_COS: return std::cos(x);
    case TSR_TAN: return std::tan(x);
    case TSR_TANH: return std::tanh(x);
    case TSR_SIGMOID: return 1 / (1 + std::exp(-x));
    case TSR_RELU: return std::isnan(x) ? x : (x > 0 ? x : 0);
    case TSR_GELU: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    case TSR_SILU: return x / (1 + std::exp(-x));
    case TSR_FLOOR: return std::floor(x);
    case TSR_CEIL: return std::ceil(x);
    case TSR_ROUND: return round_half_even(x);
    case TSR_SIGN: return std::isnan(x) ? x : (x > 0 ? 1 : (x < 0 ? -1 : 0));
    case TSR_LOGICAL_NOT: return x == 0 ? 1 : 0;
    case TSR_ISNAN: return std::isnan(x) ? 1 : 0;
    case TSR_ISINF: return std::isinf(x) ? 1 : 0;
    default: return NAN;
  }
}

// The float64 reference of a binary op on operands already in `compute`.
inline double binary_ref(tsr_binary_op op, double a, double b, tsr_dtype compute) {
  const bool integer = is_int(compute);
  auto truth = [](double v) { return v != 0; };
  switch (op) {
    case TSR_ADD: return integer ? wrap_to(a + b, compute) : a + b;
    case TSR_SUBTRACT: return integer ? wrap_to(a - b, compute) : a - b;
    case TSR_MULTIPLY: return integer ? wrap_to(a * b, compute) : a * b;
    case TSR_DIVIDE: return a / b;
    case TSR_FLOOR_DIVIDE: return py_floor_div(a, b, compute);
    case TSR_REMAINDER: return py_remainder(a, b, compute);
    case TSR_POW: return integer ? int_pow(a, b, compute) : std::pow(a, b);
    case TSR_MAXIMUM:
      if (std::isnan(a) || std::isnan(b)) return NAN;
      return a > b ? a : b;
    case TSR_MINIMUM:
      if (std::isnan(a) || std::isnan(b)) return NAN;
      return a < b ? a : b;
    case TSR_EQUAL: return a == b;
    case TSR_NOT_EQUAL: return a != b;
    case TSR_LESS: return a < b;
    case TSR_LESS_EQUAL: return a <= b;
    case TSR_GREATER: return a > b;
    case TSR_GREATER_EQUAL: return a >= b;
    case TSR_LOGICAL_AND: return truth(a) && truth(b);
    case TSR_LOGICAL_OR: return truth(a) || truth(b);
    case TSR_LOGICAL_XOR: return truth(a) != truth(b);
    case TSR_BITWISE_AND:
      return compute == TSR_BOOL ? double(truth(a) && truth(b)) : double(as_i64(a) & as_i64(b));
    case TSR_BITWISE_OR:
      return compute == TSR_BOOL ? double(truth(a) || truth(b)) : double(as_i64(a) | as_i64(b));
    case TSR_BITWISE_XOR:
      return compute == TSR_BOOL ? double(truth(a) != truth(b)) : double(as_i64(a) ^ as_i64(b));
    default: return NAN;
  }
}

}  // namespace tsrtest::spec
