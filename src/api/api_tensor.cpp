// Tensor creation, host transfers, copies, lifetime and queries.
#include <cstring>
#include <vector>

#include "api/api_util.h"
#include "core/dtype.h"
#include "ops/ops.h"

using namespace tsr;
using namespace tsr::api;

namespace {

Tensor& t_arg(tsr_tensor h) { return tensor_arg(h, "tensor"); }

// Contiguous bytes of `t` into host memory (waits for `s`).
void download(const Tensor& t, void* dst, Stream& s) {
  auto c = ops::contiguous(t, s);
  if (c->nbytes() == 0) return;
  s.context().synchronizations.fetch_add(1, std::memory_order_relaxed);
  throw_if(s.context().impl().download(dst, c->desc(), size_t(c->nbytes()), &s.impl()), "download");
}

// Host bytes (C order, t's dtype) into `t`, any layout.
void upload(Tensor& t, const void* src, Stream& s) {
  if (t.nbytes() == 0) return;
  if (t.is_contiguous()) {
    throw_if(s.context().impl().upload(t.desc(), src, size_t(t.nbytes()), &s.impl()), "upload");
    return;
  }
  auto tmp = Tensor::create(t.context(), t.shape(), t.dtype(), s);
  throw_if(s.context().impl().upload(tmp->desc(), src, size_t(tmp->nbytes()), &s.impl()), "upload");
  ops::copy_into(t, *tmp, s);
}

// A new tensor filled with `value` (tsr_tensor_full and tsr_tensor_zeros).
void fill_new(tsr_context context, const int64_t* shape, int32_t ndim, tsr_dtype dtype,
              double value, tsr_stream stream, tsr_tensor* out) {
  require(out, "out");
  Context& ctx = context_arg(context, "context");
  Shape sh = make_shape(shape, ndim, dtype);
  Stream& s = stream_arg(stream, ctx);
  *out = new_tensor_handle(ops::fill(ctx, sh, dtype, value, s));
}

}  // namespace

extern "C" {

TSR_API tsr_status tsr_tensor_empty(tsr_context context, const int64_t* shape, int32_t ndim,
                                    tsr_dtype dtype, tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Context& ctx = context_arg(context, "context");
  Shape sh = make_shape(shape, ndim, dtype);
  *out = new_tensor_handle(Tensor::create(ctx, sh, dtype, ctx.default_stream()));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_full(tsr_context context, const int64_t* shape, int32_t ndim,
                                   tsr_dtype dtype, double value, tsr_stream stream,
                                   tsr_tensor* out) {
  TSR_API_BEGIN
  fill_new(context, shape, ndim, dtype, value, stream, out);
  TSR_API_END
}

// Not a call to tsr_tensor_full: its errors must name tsr_tensor_zeros.
TSR_API tsr_status tsr_tensor_zeros(tsr_context context, const int64_t* shape, int32_t ndim,
                                    tsr_dtype dtype, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  fill_new(context, shape, ndim, dtype, 0.0, stream, out);
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_arange(tsr_context context, double start, double stop, double step,
                                     tsr_dtype dtype, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Context& ctx = context_arg(context, "context");
  TSR_CHECK(dtype_valid(dtype) && dtype != TSR_BOOL, TSR_ERROR_INVALID_ARGUMENT,
            "arange: invalid dtype %d", int(dtype));
  Stream& s = stream_arg(stream, ctx);
  *out = new_tensor_handle(ops::arange(ctx, start, stop, step, dtype, s));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_random(tsr_context context, const int64_t* shape, int32_t ndim,
                                     tsr_dtype dtype, tsr_distribution distribution,
                                     uint64_t seed, double a, double b, tsr_stream stream,
                                     tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Context& ctx = context_arg(context, "context");
  Shape sh = make_shape(shape, ndim, dtype);
  Stream& s = stream_arg(stream, ctx);
  *out = new_tensor_handle(ops::random(ctx, sh, dtype, distribution, seed, a, b, s));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_from_host(tsr_context context, const void* data, int64_t bytes,
                                        const int64_t* shape, int32_t ndim, tsr_dtype dtype,
                                        tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Context& ctx = context_arg(context, "context");
  Shape sh = make_shape(shape, ndim, dtype);
  int64_t need = sh.numel() * dtype_size(dtype);
  TSR_CHECK(bytes == need, TSR_ERROR_SHAPE_MISMATCH,
            "%lld bytes given but shape %s of %s needs %lld", (long long)bytes, sh.str().c_str(),
            dtype_name(dtype), (long long)need);
  TSR_CHECK(data || need == 0, TSR_ERROR_NULL_POINTER, "data is null");
  Stream& s = stream_arg(stream, ctx);
  auto t = Tensor::create(ctx, sh, dtype, s);
  upload(*t, data, s);
  *out = new_tensor_handle(t);
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_wrap(tsr_context context, void* data, const int64_t* shape,
                                   const int64_t* strides, int32_t ndim, tsr_dtype dtype,
                                   tsr_deleter deleter, void* user_data, tsr_tensor* out) {
  // Runs the deleter when the call fails before a storage took it over. It
  // lives outside the try block so the error message is already set.
  struct DeleterGuard {
    tsr_deleter deleter;
    void* data;
    void* user_data;
    bool armed = true;
    ~DeleterGuard() {
      if (armed && deleter) deleter(data, user_data);
    }
  } guard{deleter, data, user_data};
  TSR_API_BEGIN
  require(out, "out");
  Context& ctx = context_arg(context, "context");
  Shape sh = make_shape(shape, ndim, dtype);
  TSR_CHECK(data || sh.numel() == 0, TSR_ERROR_NULL_POINTER, "data is null");
  Strides st = contiguous_strides(sh);
  // The extent the strides reach, in elements, so views stay in bounds.
  int64_t lo = 0, hi = sh.numel() > 0 ? 1 : 0;
  if (strides) {
    for (int i = 0; i < ndim; ++i) st[i] = strides[i];
    if (sh.numel() > 0) {
      for (int i = 0; i < ndim; ++i) {
        int64_t span = 0;
        int64_t& end = strides[i] < 0 ? lo : hi;
        bool overflow = __builtin_mul_overflow(sh[i] - 1, strides[i], &span) ||
                        __builtin_add_overflow(end, span, &end);
        TSR_CHECK(!overflow, TSR_ERROR_SIZE_OVERFLOW, "strides reach beyond int64 elements");
      }
    }
    TSR_CHECK(lo == 0, TSR_ERROR_INVALID_ARGUMENT,
              "negative strides reach before `data`; pass the lowest address");
  } else {
    hi = sh.numel();
  }
  int64_t bytes = 0;
  TSR_CHECK(!__builtin_mul_overflow(hi, dtype_size(dtype), &bytes), TSR_ERROR_SIZE_OVERFLOW,
            "strides reach beyond int64 bytes");
  CoreStorage* storage = CoreStorage::wrap(ctx, data, bytes, deleter, user_data);
  guard.armed = false;  // the storage calls the deleter from now on
  std::shared_ptr<Tensor> t;
  try {
    t = std::make_shared<Tensor>(storage, 0, dtype, sh, st);
  } catch (...) {
    storage->release();
    throw;
  }
  storage->release();
  *out = new_tensor_handle(t);
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_to_host(tsr_tensor tensor, void* data, int64_t bytes,
                                      tsr_stream stream) {
  TSR_API_BEGIN
  Tensor& t = t_arg(tensor);
  TSR_CHECK(bytes == t.nbytes(), TSR_ERROR_SHAPE_MISMATCH,
            "%lld bytes given but the tensor (%s %s) has %lld", (long long)bytes,
            t.shape().str().c_str(), dtype_name(t.dtype()), (long long)t.nbytes());
  TSR_CHECK(data || bytes == 0, TSR_ERROR_NULL_POINTER, "data is null");
  download(t, data, stream_arg(stream, t.context()));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_copy(tsr_tensor dst, tsr_tensor src, tsr_stream stream) {
  TSR_API_BEGIN
  Tensor& d = tensor_arg(dst, "dst");
  Tensor& s = tensor_arg(src, "src");
  TSR_CHECK(d.shape() == s.shape(), TSR_ERROR_SHAPE_MISMATCH,
            "destination shape %s differs from source shape %s", d.shape().str().c_str(),
            s.shape().str().c_str());
  if (&d.context() == &s.context()) {
    ops::copy_into(d, s, stream_arg(stream, d.context()));
  } else {
    // Across contexts: through host memory, converted on the source side.
    Stream& ss = s.context().default_stream();
    Stream& ds = stream_arg(stream, d.context());
    auto conv = ops::as_dtype(s, d.dtype(), ss);
    std::vector<unsigned char> host(size_t(conv->nbytes()));
    download(*conv, host.data(), ss);
    ds.synchronize();  // the destination may still be in use by queued work
    upload(d, host.data(), ds);
  }
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_to_context(tsr_tensor src, tsr_context context, tsr_stream stream,
                                         tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Tensor& s = tensor_arg(src, "src");
  Context& ctx = context_arg(context, "context");
  Stream& ds = stream_arg(stream, ctx);
  std::shared_ptr<Tensor> t;
  if (&s.context() == &ctx) {
    t = ops::astype(s, s.dtype(), ds, nullptr);
  } else {
    t = Tensor::create(ctx, s.shape(), s.dtype(), ds);
    std::vector<unsigned char> host(size_t(s.nbytes()));
    download(s, host.data(), s.context().default_stream());
    upload(*t, host.data(), ds);
  }
  *out = new_tensor_handle(t);
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_retain(tsr_tensor tensor) {
  TSR_API_BEGIN
  if (!HandleTable::instance().retain(bits(tensor), HandleKind::Tensor))
    bad_handle(tensor, HandleKind::Tensor, "tensor");
  TSR_API_END
}

TSR_API void tsr_tensor_release(tsr_tensor tensor) {
  HandleTable::instance().release(bits(tensor), HandleKind::Tensor);
}

TSR_API tsr_status tsr_tensor_ndim(tsr_tensor tensor, int32_t* out_ndim) {
  TSR_API_BEGIN
  require(out_ndim, "out_ndim");
  *out_ndim = t_arg(tensor).ndim();
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_shape(tsr_tensor tensor, int64_t* out_shape) {
  TSR_API_BEGIN
  Tensor& t = t_arg(tensor);
  require(out_shape, "out_shape");
  for (int i = 0; i < t.ndim(); ++i) out_shape[i] = t.shape()[i];
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_strides(tsr_tensor tensor, int64_t* out_strides) {
  TSR_API_BEGIN
  Tensor& t = t_arg(tensor);
  require(out_strides, "out_strides");
  for (int i = 0; i < t.ndim(); ++i) out_strides[i] = t.strides()[i];
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_dtype(tsr_tensor tensor, tsr_dtype* out_dtype) {
  TSR_API_BEGIN
  require(out_dtype, "out_dtype");
  *out_dtype = t_arg(tensor).dtype();
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_numel(tsr_tensor tensor, int64_t* out_numel) {
  TSR_API_BEGIN
  require(out_numel, "out_numel");
  *out_numel = t_arg(tensor).numel();
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_nbytes(tsr_tensor tensor, int64_t* out_bytes) {
  TSR_API_BEGIN
  require(out_bytes, "out_bytes");
  *out_bytes = t_arg(tensor).nbytes();
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_context(tsr_tensor tensor, tsr_context* out_context) {
  TSR_API_BEGIN
  require(out_context, "out_context");
  Tensor& t = t_arg(tensor);
  // Contexts have no back-pointer to their handle: a new handle would leak,
  // so the context gets one handle per call that the caller must release.
  *out_context = make_handle<tsr_context>(
      HandleTable::instance().insert(HandleKind::Context, t.context().shared_from_this()));
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_device(tsr_tensor tensor, tsr_device* out_device) {
  TSR_API_BEGIN
  require(out_device, "out_device");
  *out_device = make_handle<tsr_device>(t_arg(tensor).context().device().handle);
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_is_contiguous(tsr_tensor tensor, int32_t* out_contiguous) {
  TSR_API_BEGIN
  require(out_contiguous, "out_contiguous");
  *out_contiguous = t_arg(tensor).is_contiguous();
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_data_pointer(tsr_tensor tensor, void** out_pointer) {
  TSR_API_BEGIN
  require(out_pointer, "out_pointer");
  Tensor& t = t_arg(tensor);
  if (!pointer_memory(t.context().device().info)) {
    // An OpenCL buffer (cl_mem) has no address: the handle itself is handed
    // out, which only means element 0 when the tensor starts at the buffer.
    TSR_CHECK(t.offset() == 0, TSR_ERROR_UNSUPPORTED,
              "this view starts %lld bytes into its cl_mem, which has no address to add that "
              "to; copy it (tsr_astype to its own dtype) for a buffer of its own",
              (long long)t.offset());
    *out_pointer = t.storage()->base();
  } else {
    *out_pointer = static_cast<char*>(t.storage()->base()) + t.offset();
  }
  TSR_API_END
}

}  // extern "C"
