// Facts about dtypes and the promotion rules; host-side only.
#pragma once
#include <cstdint>
#include "tessera/tessera.h"

namespace tsr {

inline bool dtype_valid(int d) { return d >= 0 && d < TSR_DTYPE_COUNT; }
int64_t dtype_size(tsr_dtype d);
const char* dtype_name(tsr_dtype d);
inline bool is_floating(tsr_dtype d) {
  return d == TSR_FLOAT16 || d == TSR_BFLOAT16 || d == TSR_FLOAT32 || d == TSR_FLOAT64;
}
inline bool is_signed_int(tsr_dtype d) { return d >= TSR_INT8 && d <= TSR_INT64; }
inline bool is_unsigned_int(tsr_dtype d) { return d >= TSR_UINT8 && d <= TSR_UINT64; }
inline bool is_integer(tsr_dtype d) { return is_signed_int(d) || is_unsigned_int(d); }

// Array API promotion, extended: bool with anything gives the other type;
// integer with floating gives the floating type; int64 with uint64 has no
// common type (throws TSR_ERROR_DTYPE_MISMATCH naming `what`).
tsr_dtype promote(tsr_dtype a, tsr_dtype b, const char* what);

// The dtype math functions of x compute in: x's own when floating, else float32.
inline tsr_dtype float_result(tsr_dtype d) { return is_floating(d) ? d : TSR_FLOAT32; }

}  // namespace tsr
