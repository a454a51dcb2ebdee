// Views: new shapes and strides over the same storage, never a copy (except
// reshape of a layout that cannot be viewed, and contiguous).
#include "api/api_util.h"
#include "core/dtype.h"
#include "ops/ops.h"

using namespace tsr;
using namespace tsr::api;

namespace {

// Strides for viewing (shape, strides) as `to`, or false when impossible.
bool view_strides(const Shape& from, const Strides& fs, const Shape& to, Strides* out) {
  // Walk both shapes in chunks whose element counts match; each chunk of
  // `from` must be contiguous within itself.
  int i = 0, j = 0;
  while (i < from.ndim || j < to.ndim) {
    int64_t n_from = 1, n_to = 1;
    int i0 = i, j0 = j;
    if (i < from.ndim) n_from = from[i++];
    if (j < to.ndim) n_to = to[j++];
    while (n_from != n_to) {
      if (n_from < n_to) {
        if (i >= from.ndim) return false;
        n_from *= from[i++];
      } else {
        if (j >= to.ndim) return false;
        n_to *= to[j++];
      }
    }
    // Consecutive non-unit axes of the chunk must be contiguous with each
    // other (unit axes in between do not matter, but must not hide a gap).
    int prev = -1;
    for (int k = i0; k < i; ++k) {
      if (from[k] == 1) continue;
      if (prev >= 0 && fs[prev] != fs[k] * from[k]) return false;
      prev = k;
    }
    // The chunk's innermost stride, from the last non-unit axis.
    int64_t inner = 1;
    for (int k = i - 1; k >= i0; --k)
      if (from[k] != 1) { inner = fs[k]; break; }
    int64_t acc = inner;
    for (int k = j - 1; k >= j0; --k) {
      (*out)[k] = acc;
      acc *= to[k];
    }
  }
  return true;
}

}  // namespace

extern "C" {

TSR_API tsr_status tsr_tensor_reshape(tsr_tensor tensor, const int64_t* shape, int32_t ndim,
                                      tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  TSR_CHECK(ndim >= 0, TSR_ERROR_INVALID_SHAPE, "reshape: negative ndim %d", ndim);
  TSR_CHECK(ndim <= TSR_MAX_DIMS, TSR_ERROR_TOO_MANY_DIMS, "reshape: %d dimensions (at most %d)",
            ndim, TSR_MAX_DIMS);
  TSR_CHECK(ndim == 0 || shape, TSR_ERROR_NULL_POINTER, "shape is null");
  int64_t dims[TSR_MAX_DIMS];
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < ndim; ++i) {
    dims[i] = shape[i];
    if (shape[i] == -1) {
      TSR_CHECK(infer < 0, TSR_ERROR_INVALID_SHAPE, "reshape: more than one -1");
      infer = i;
    } else {
      TSR_CHECK(shape[i] >= 0, TSR_ERROR_INVALID_SHAPE, "reshape: negative dimension %lld",
                (long long)shape[i]);
      TSR_CHECK(shape[i] == 0 || known <= INT64_MAX / shape[i], TSR_ERROR_SIZE_OVERFLOW,
                "reshape: size overflows");
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    TSR_CHECK(known != 0 && t.numel() % known == 0, TSR_ERROR_INVALID_SHAPE,
              "reshape: cannot infer -1 for %lld elements", (long long)t.numel());
    dims[infer] = t.numel() / known;
  }
  Shape to = make_shape(dims, ndim, t.dtype());
  TSR_CHECK(to.numel() == t.numel(), TSR_ERROR_INVALID_SHAPE,
            "reshape: cannot reshape %s (%lld elements) into %s", t.shape().str().c_str(),
            (long long)t.numel(), to.str().c_str());
  Strides st;
  std::shared_ptr<Tensor> r;
  if (t.numel() == 0) r = t.view(t.offset(), to, contiguous_strides(to));
  else if (view_strides(t.shape(), t.strides(), to, &st)) r = t.view(t.offset(), to, st);
  else r = ops::contiguous(t, t.context().default_stream())->view(0, to, contiguous_strides(to));
  *out = new_tensor_handle(r);
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_permute(tsr_tensor tensor, const int32_t* axes, int32_t ndim,
                                      tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  TSR_CHECK(ndim == t.ndim(), TSR_ERROR_INVALID_ARGUMENT,
            "permute: %d axes given for a %d-d tensor", ndim, t.ndim());
  TSR_CHECK(ndim == 0 || axes, TSR_ERROR_NULL_POINTER, "axes is null");
  Shape sh;
  Strides st;
  sh.ndim = ndim;
  bool seen[TSR_MAX_DIMS] = {};
  for (int i = 0; i < ndim; ++i) {
    int a = normalize_axis(axes[i], ndim, "permute");
    TSR_CHECK(!seen[a], TSR_ERROR_INVALID_ARGUMENT, "permute: axis %d repeated", a);
    seen[a] = true;
    sh[i] = t.shape()[a];
    st[i] = t.strides()[a];
  }
  *out = new_tensor_handle(t.view(t.offset(), sh, st));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_transpose(tsr_tensor tensor, int32_t axis0, int32_t axis1,
                                        tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  int a = normalize_axis(axis0, t.ndim(), "transpose"), b = normalize_axis(axis1, t.ndim(), "transpose");
  Shape sh = t.shape();
  Strides st = t.strides();
  std::swap(sh[a], sh[b]);
  std::swap(st[a], st[b]);
  *out = new_tensor_handle(t.view(t.offset(), sh, st));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_slice(tsr_tensor tensor, const int64_t* starts, const int64_t* stops,
                                    const int64_t* steps, tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  TSR_CHECK(t.ndim() == 0 || (starts && stops && steps), TSR_ERROR_NULL_POINTER,
            "starts, stops and steps must not be null");
  Shape sh = t.shape();
  Strides st = t.strides();
  int64_t offset = t.offset();
  const int64_t esize = dtype_size(t.dtype());
  for (int i = 0; i < t.ndim(); ++i) {
    const int64_t n = t.shape()[i], step = steps[i];
    TSR_CHECK(step != 0, TSR_ERROR_INVALID_ARGUMENT, "slice: step of axis %d is 0", i);
    // Python's slice.indices() clamping.
    auto clamp = [&](int64_t v, bool is_start) {
      if (v < 0) v += n;
      if (step > 0) return v < 0 ? 0 : (v > n ? n : v);
      (void)is_start;
      return v < -1 ? -1 : (v > n - 1 ? n - 1 : v);
    };
    int64_t start = starts[i] == INT64_MIN ? (step > 0 ? 0 : n - 1) : clamp(starts[i], true);
    int64_t stop = stops[i] == INT64_MAX ? (step > 0 ? n : -1) : clamp(stops[i], false);
    if (stops[i] == INT64_MIN) stop = -1;
    // In unsigned arithmetic: |step| may be as large as 2^63.
    const uint64_t mag = step > 0 ? uint64_t(step) : uint64_t(0) - uint64_t(step);
    const int64_t span = step > 0 ? stop - start : start - stop;
    int64_t len = span > 0 ? int64_t(uint64_t(span - 1) / mag) + 1 : 0;
    sh[i] = len;
    if (len > 0) offset += start * st[i] * esize;
    if (len > 1) st[i] *= step;  // |step| < n here; a single element keeps any stride
  }
  *out = new_tensor_handle(t.view(offset, sh, st));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_expand(tsr_tensor tensor, const int64_t* shape, int32_t ndim,
                                     tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  Shape to = make_shape(shape, ndim, t.dtype());
  TSR_CHECK(ndim >= t.ndim(), TSR_ERROR_SHAPE_MISMATCH, "expand: cannot expand %s to %s",
            t.shape().str().c_str(), to.str().c_str());
  for (int i = 0; i < t.ndim(); ++i) {
    int64_t d = t.shape()[i], e = to[ndim - t.ndim() + i];
    TSR_CHECK(d == e || d == 1, TSR_ERROR_SHAPE_MISMATCH, "expand: cannot expand %s to %s",
              t.shape().str().c_str(), to.str().c_str());
  }
  *out = new_tensor_handle(t.view(t.offset(), to, broadcast_strides(t.shape(), t.strides(), to)));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_squeeze(tsr_tensor tensor, int32_t axis, tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  int a = normalize_axis(axis, t.ndim(), "squeeze");
  TSR_CHECK(t.shape()[a] == 1, TSR_ERROR_INVALID_SHAPE, "squeeze: axis %d has size %lld, not 1", a,
            (long long)t.shape()[a]);
  Shape sh;
  Strides st;
  for (int i = 0; i < t.ndim(); ++i)
    if (i != a) {
      st[sh.ndim] = t.strides()[i];
      sh[sh.ndim++] = t.shape()[i];
    }
  *out = new_tensor_handle(t.view(t.offset(), sh, st));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_unsqueeze(tsr_tensor tensor, int32_t axis, tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  TSR_CHECK(t.ndim() < TSR_MAX_DIMS, TSR_ERROR_TOO_MANY_DIMS, "unsqueeze: already %d dimensions",
            t.ndim());
  int a = normalize_axis(axis, t.ndim() + 1, "unsqueeze");
  Shape sh;
  Strides st;
  sh.ndim = t.ndim() + 1;
  for (int i = 0, j = 0; i < sh.ndim; ++i) {
    if (i == a) {
      sh[i] = 1;
      st[i] = (j < t.ndim()) ? t.strides()[j] * t.shape()[j] : 1;
    } else {
      sh[i] = t.shape()[j];
      st[i] = t.strides()[j++];
    }
  }
  *out = new_tensor_handle(t.view(t.offset(), sh, st));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_contiguous(tsr_tensor tensor, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& t = tensor_arg(tensor, "tensor");
  *out = new_tensor_handle(ops::contiguous(t, stream_arg(stream, t.context())));
  TSR_API_END
}

}  // extern "C"
