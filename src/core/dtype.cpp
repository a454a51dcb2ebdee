#include "core/dtype.h"

#include "core/error.h"

namespace tsr {

int64_t dtype_size(tsr_dtype d) {
  switch (d) {
    case TSR_BOOL: case TSR_INT8: case TSR_UINT8: return 1;
    case TSR_INT16: case TSR_UINT16: case TSR_FLOAT16: case TSR_BFLOAT16: return 2;
    case TSR_INT32: case TSR_UINT32: case TSR_FLOAT32: return 4;
    case TSR_INT64: case TSR_UINT64: case TSR_FLOAT64: return 8;
    default: return 0;
  }
}

const char* dtype_name(tsr_dtype d) {
  static const char* names[] = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                                "uint32", "uint64", "float16", "bfloat16", "float32", "float64"};
  return dtype_valid(d) ? names[d] : "invalid";
}

static int int_bits(tsr_dtype d) { return int(dtype_size(d)) * 8; }

tsr_dtype promote(tsr_dtype a, tsr_dtype b, const char* what) {
  if (a == b) return a;
  if (a == TSR_BOOL) return b;
  if (b == TSR_BOOL) return a;
  if (is_floating(a) && is_floating(b)) {
    // float16 with bfloat16 has no exact common half type: float32.
    if ((a == TSR_FLOAT16 && b == TSR_BFLOAT16) || (a == TSR_BFLOAT16 && b == TSR_FLOAT16))
      return TSR_FLOAT32;
    return dtype_size(a) >= dtype_size(b) ? a : b;
  }
  if (is_floating(a)) return a;
  if (is_floating(b)) return b;
  if (is_signed_int(a) == is_signed_int(b)) return int_bits(a) >= int_bits(b) ? a : b;
  tsr_dtype s = is_signed_int(a) ? a : b, u = is_signed_int(a) ? b : a;
  if (int_bits(s) > int_bits(u)) return s;
  switch (int_bits(u)) {
    case 8: return TSR_INT16;
    case 16: return TSR_INT32;
    case 32: return TSR_INT64;
    default:
      fail(TSR_ERROR_DTYPE_MISMATCH, "%s: %s and %s have no common dtype", what, dtype_name(a),
           dtype_name(b));
  }
}

}  // namespace tsr
