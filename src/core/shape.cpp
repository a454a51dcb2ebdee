#include "core/shape.h"

#include "core/dtype.h"
#include "core/error.h"

namespace tsr {

std::string Shape::str() const {
  std::string s = "[";
  for (int i = 0; i < ndim; ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

Shape make_shape(const int64_t* dims, int32_t ndim, tsr_dtype dtype) {
  TSR_CHECK(dtype_valid(dtype), TSR_ERROR_INVALID_ARGUMENT, "invalid dtype %d", int(dtype));
  TSR_CHECK(ndim >= 0, TSR_ERROR_INVALID_SHAPE, "negative ndim %d", ndim);
  TSR_CHECK(ndim <= TSR_MAX_DIMS, TSR_ERROR_TOO_MANY_DIMS, "%d dimensions, at most %d supported",
            ndim, TSR_MAX_DIMS);
  TSR_CHECK(ndim == 0 || dims, TSR_ERROR_NULL_POINTER, "shape is null with ndim %d", ndim);
  Shape s;
  s.ndim = ndim;
  for (int i = 0; i < ndim; ++i) {
    TSR_CHECK(dims[i] >= 0, TSR_ERROR_INVALID_SHAPE, "dimension %d is negative (%lld)", i,
              (long long)dims[i]);
    s.dims[i] = dims[i];
  }
  // Zero dimensions count as 1 here: strides (and their byte offsets) must
  // fit in int64 even when there are no elements, as in [0, 2^62, 4].
  // Multiplications with an overflow flag, not divisions: this runs on every
  // tensor creation.
  int64_t bytes = dtype_size(dtype);
  for (int i = 0; i < ndim; ++i) {
    const int64_t d = s.dims[i] > 0 ? s.dims[i] : 1;
    TSR_CHECK(!__builtin_mul_overflow(bytes, d, &bytes), TSR_ERROR_SIZE_OVERFLOW,
              "shape %s overflows: its byte size does not fit in int64", s.str().c_str());
  }
  return s;
}

Strides contiguous_strides(const Shape& s) {
  Strides st;
  int64_t acc = 1;
  for (int i = s.ndim - 1; i >= 0; --i) {
    st[i] = acc;
    acc *= s.dims[i] > 0 ? s.dims[i] : 1;
  }
  return st;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* what) {
  Shape out;
  out.ndim = a.ndim > b.ndim ? a.ndim : b.ndim;
  for (int i = 0; i < out.ndim; ++i) {
    int ia = a.ndim - out.ndim + i, ib = b.ndim - out.ndim + i;
    int64_t da = ia >= 0 ? a.dims[ia] : 1, db = ib >= 0 ? b.dims[ib] : 1;
    if (da != db && da != 1 && db != 1)
      fail(TSR_ERROR_SHAPE_MISMATCH, "%s: shapes %s and %s do not broadcast", what,
           a.str().c_str(), b.str().c_str());
    out.dims[i] = da == 1 ? db : da;
  }
  return out;
}

Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& to) {
  Strides out;
  for (int i = 0; i < to.ndim; ++i) {
    int j = shape.ndim - to.ndim + i;
    out[i] = (j < 0 || shape.dims[j] == 1) ? 0 : strides[j];
  }
  return out;
}

int32_t normalize_axis(int64_t axis, int32_t ndim, const char* what) {
  if (axis < -ndim || axis >= ndim)
    fail(TSR_ERROR_OUT_OF_RANGE, "%s: axis %lld is out of range for %d dimensions", what,
         (long long)axis, ndim);
  return int32_t(axis < 0 ? axis + ndim : axis);
}

}  // namespace tsr
