// How Tessera dtypes appear in the OpenCL kernels: the tag each program is
// specialised with (-DT=<tag>, see kernels/common.cl) and host encodings of
// scalars passed as kernel arguments.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "backends/cpu/scalar_math.h"
#include "core/dtype.h"
#include "core/half.h"

namespace tsr::opencl {

// "f32" for TSR_FLOAT32, etc. (never a real OpenCL type name, so tags cannot
// clash with built-in types such as float16).
inline const char* dtype_tag(tsr_dtype d) {
  static const char* tags[TSR_DTYPE_COUNT] = {"b8",  "i8",  "i16", "i32",  "i64", "u8", "u16",
                                              "u32", "u64", "f16", "bf16", "f32", "f64"};
  return dtype_valid(d) ? tags[d] : "invalid";
}

// The program defines for dtype d: "-DT=f32".
inline std::string dtype_define(tsr_dtype d) { return std::string("-DT=") + dtype_tag(d); }
// ... and for one op of a family: "-DT=f32 -DOP_add=1".
inline std::string op_defines(tsr_dtype d, const std::string& op) {
  return dtype_define(d) + " -DOP_" + op + "=1";
}

// A scalar encoded for a kernel argument of some OpenCL type.
struct ScalarArg {
  unsigned char bytes[8] = {};
  size_t size = 0;
  template <typename V>
  static ScalarArg of(V v) {
    ScalarArg s;
    std::memcpy(s.bytes, &v, sizeof(V));
    s.size = sizeof(V);
    return s;
  }
};

// `v` converted (as scalar_math.h's convert<>) to the compute type of d:
// the `C s` argument of the bscalar kernels (halves compute in float).
inline ScalarArg compute_scalar(tsr_dtype d, double v) {
  using math::convert;
  switch (d) {
    case TSR_BOOL: return ScalarArg::of<uint8_t>(convert<bool>(v) ? 1 : 0);
    case TSR_INT8: return ScalarArg::of(convert<int8_t>(v));
    case TSR_INT16: return ScalarArg::of(convert<int16_t>(v));
    case TSR_INT32: return ScalarArg::of(convert<int32_t>(v));
    case TSR_INT64: return ScalarArg::of(convert<int64_t>(v));
    case TSR_UINT8: return ScalarArg::of(convert<uint8_t>(v));
    case TSR_UINT16: return ScalarArg::of(convert<uint16_t>(v));
    case TSR_UINT32: return ScalarArg::of(convert<uint32_t>(v));
    case TSR_UINT64: return ScalarArg::of(convert<uint64_t>(v));
    case TSR_FLOAT16:
    case TSR_BFLOAT16:
    case TSR_FLOAT32: return ScalarArg::of(convert<float>(v));
    default: return ScalarArg::of(v);
  }
}

// An integral scalar for integer matmul: through int64 (saturating, as
// scalar_math.h's convert<>), then the low bits of dtype d (wrapping, like
// the rest of integer arithmetic; what the CPU's GEMM does).
inline ScalarArg wrapped_int_scalar(tsr_dtype d, double v) {
  const int64_t w = math::convert<int64_t>(v);
  switch (dtype_size(d)) {
    case 1: return ScalarArg::of(uint8_t(w));
    case 2: return ScalarArg::of(uint16_t(w));
    case 4: return ScalarArg::of(uint32_t(w));
    default: return ScalarArg::of(w);
  }
}

// `v` stored as dtype d (the bits a fill writes), as the CPU's fill does.
inline ScalarArg storage_scalar(tsr_dtype d, double v) {
  switch (d) {
    case TSR_FLOAT16: return ScalarArg::of(to_float16(math::convert<float>(v)).bits);
    case TSR_BFLOAT16: return ScalarArg::of(to_bfloat16(math::convert<float>(v)).bits);
    default: return compute_scalar(d, v);
  }
}

// Size of the accumulation type of floating kernels (float, or double for float64).
inline size_t acc_size(tsr_dtype d) { return d == TSR_FLOAT64 ? 8 : 4; }
inline ScalarArg acc_scalar(tsr_dtype d, double v) {
  return d == TSR_FLOAT64 ? ScalarArg::of(v) : ScalarArg::of(float(v));
}

}  // namespace tsr::opencl
