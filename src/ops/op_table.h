// The op table: every public op's name, kind and dtype rule, in one place.
// Dispatch (src/ops/*_ops.cpp), error messages and the tests all read it.
#pragma once
#include "core/op_call.h"
#include "tessera/tessera.h"

namespace tsr {

enum class DtypeRule : int32_t {
  Same,         // result dtype = (promoted) input dtype
  SameNumeric,  // as Same, bool rejected
  Float,        // floating inputs keep their dtype; integers and bool give float32
  ToBool,       // result is bool whatever the inputs
  Logical,      // inputs read as bool, result bool
  Bitwise,      // promoted, integer or bool only
};

struct OpInfo {
  const char* name;
  OpKind kind;
  int32_t code;
  int32_t arity;
  DtypeRule rule;
};

const OpInfo& unary_info(tsr_unary_op op);
const OpInfo& binary_info(tsr_binary_op op);
const OpInfo& reduce_info(tsr_reduce_op op);
bool is_comparison(tsr_binary_op op);

// The dtype a unary op returns for x (throws TSR_ERROR_DTYPE_MISMATCH).
tsr_dtype unary_result_dtype(tsr_unary_op op, tsr_dtype x);
// The dtype a binary op computes in, and the one it returns.
void binary_dtypes(tsr_binary_op op, tsr_dtype a, tsr_dtype b, tsr_dtype* compute,
                   tsr_dtype* result);
// As binary_dtypes with a Python-style "weak" scalar on one side.
void binary_scalar_dtypes(tsr_binary_op op, tsr_dtype a, double scalar, tsr_dtype* compute,
                          tsr_dtype* result);
tsr_dtype reduce_result_dtype(tsr_reduce_op op, tsr_dtype x);

}  // namespace tsr
