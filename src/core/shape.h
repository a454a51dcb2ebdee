// Shapes and strides (up to TSR_MAX_DIMS axes) and the rules on them.
#pragma once
#include <cstdint>
#include <string>

#include "tessera/tessera.h"

namespace tsr {

struct Shape {
  int32_t ndim = 0;
  int64_t dims[TSR_MAX_DIMS] = {};
  int64_t operator[](int i) const { return dims[i]; }
  int64_t& operator[](int i) { return dims[i]; }
  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) n *= dims[i];
    return n;
  }
  bool operator==(const Shape& o) const {
    if (ndim != o.ndim) return false;
    for (int i = 0; i < ndim; ++i)
      if (dims[i] != o.dims[i]) return false;
    return true;
  }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "[2, 3]"
};

struct Strides {
  int64_t v[TSR_MAX_DIMS] = {};
  int64_t operator[](int i) const { return v[i]; }
  int64_t& operator[](int i) { return v[i]; }
};

// Validates a caller's shape: ndim in range, no negative dims, element and
// byte counts fit in int64 (TSR_ERROR_TOO_MANY_DIMS, _INVALID_SHAPE, _SIZE_OVERFLOW).
Shape make_shape(const int64_t* dims, int32_t ndim, tsr_dtype dtype);
Strides contiguous_strides(const Shape& s);
// Broadcast two shapes (Array API rules) or throw TSR_ERROR_SHAPE_MISMATCH.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* what);
// Strides of `shape`/`strides` viewed as broadcast to `to` (0 on expanded axes).
Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& to);
// Normalizes an axis in [-ndim, ndim) or throws TSR_ERROR_OUT_OF_RANGE.
int32_t normalize_axis(int64_t axis, int32_t ndim, const char* what);

}  // namespace tsr
