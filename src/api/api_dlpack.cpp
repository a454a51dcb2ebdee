// DLPack export and import (zero copy), legacy and versioned ABIs.
//
// Export hands out a managed tensor that owns a reference to the Tessera
// tensor (hence its storage and context) until the consumer calls its
// deleter. Import wraps the producer's memory in a CoreStorage whose deleter
// calls the producer's deleter exactly once, when the last tensor using it
// is released.
//
// Neither direction waits for queued work: the caller orders the producer's
// writes before the consumer's reads (the Python layer synchronizes, or uses
// the stream argument of __dlpack__).
//
// Read-only versioned tensors (DLPACK_FLAG_BITMASK_READ_ONLY) are accepted:
// Tessera has no read-only tensors, so the flag is a promise the caller makes
// not to write through the result (ops never write into their inputs, only
// into an explicit `out` or a copy destination).
#include <cstring>
#include <memory>

#include "api/api_util.h"
#include "core/dlpack_abi.h"
#include "core/dtype.h"

using namespace tsr;
using namespace tsr::api;

namespace {

dl::DLDataType to_dl_dtype(tsr_dtype d) {
  const uint8_t bits = uint8_t(dtype_size(d) * 8);
  if (d == TSR_BOOL) return {dl::kDLBool, 8, 1};
  if (is_signed_int(d)) return {dl::kDLInt, bits, 1};
  if (is_unsigned_int(d)) return {dl::kDLUInt, bits, 1};
  if (d == TSR_BFLOAT16) return {dl::kDLBfloat, 16, 1};
  return {dl::kDLFloat, bits, 1};
}

// The Tessera dtype of a DLPack dtype, or throws TSR_ERROR_UNSUPPORTED.
tsr_dtype from_dl_dtype(dl::DLDataType t) {
  TSR_CHECK(t.lanes == 1, TSR_ERROR_UNSUPPORTED,
            "vector dtypes (%u lanes) are not supported", unsigned(t.lanes));
  switch (t.code) {
    case dl::kDLBool:
      if (t.bits == 8) return TSR_BOOL;
      break;
    case dl::kDLInt:
      switch (t.bits) {
        case 8: return TSR_INT8;
        case 16: return TSR_INT16;
        case 32: return TSR_INT32;
        case 64: return TSR_INT64;
      }
      break;
    case dl::kDLUInt:
      switch (t.bits) {
        case 8: return TSR_UINT8;
        case 16: return TSR_UINT16;
        case 32: return TSR_UINT32;
        case 64: return TSR_UINT64;
      }
      break;
    case dl::kDLFloat:
      switch (t.bits) {
        case 16: return TSR_FLOAT16;
        case 32: return TSR_FLOAT32;
        case 64: return TSR_FLOAT64;
      }
      break;
    case dl::kDLBfloat:
      if (t.bits == 16) return TSR_BFLOAT16;
      break;
  }
  fail(TSR_ERROR_UNSUPPORTED, "DLPack dtype (code %u, %u bits) has no Tessera equivalent",
       unsigned(t.code), unsigned(t.bits));
}

dl::DLDevice dl_device_of(const DeviceInfo& info) {
  return {info.dlpack_device_type, info.kind == TSR_DEVICE_CPU ? 0 : info.index};
}

// What an exported tensor owns; the managed struct's manager_ctx points here.
template <typename Managed>
struct Export {
  Managed managed{};
  std::shared_ptr<Tensor> tensor;
  int64_t shape[TSR_MAX_DIMS] = {};
  int64_t strides[TSR_MAX_DIMS] = {};
};

template <typename Managed>
void delete_export(Managed* self) {
  if (self) delete static_cast<Export<Managed>*>(self->manager_ctx);
}

template <typename Managed>
Managed* export_tensor(Tensor& t) {
  auto ex = std::make_unique<Export<Managed>>();
  ex->tensor = shared(t);
  const DeviceInfo& info = t.context().device().info;
  dl::DLTensor& d = ex->managed.dl_tensor;
  char* base = static_cast<char*>(t.storage()->base());
  if (pointer_memory(info)) {
    // Element 0 in `data` and no byte_offset: what PyTorch and NumPy produce,
    // so consumers that ignore byte_offset still read the right elements.
    d.data = base ? base + t.offset() : nullptr;
    d.byte_offset = 0;
  } else {
    d.data = base;
    d.byte_offset = uint64_t(t.offset());
  }
  d.device = dl_device_of(info);
  d.ndim = t.ndim();
  d.dtype = to_dl_dtype(t.dtype());
  for (int i = 0; i < t.ndim(); ++i) {
    ex->shape[i] = t.shape()[i];
    ex->strides[i] = t.strides()[i];
  }
  d.shape = ex->shape;
  d.strides = ex->strides;  // always given: valid for every ABI version
  ex->managed.manager_ctx = ex.get();
  ex->managed.deleter = &delete_export<Managed>;
  return &ex.release()->managed;
}

// The producer's managed tensor, owned by the storage that wraps its memory.
// `armed` is set only once the import has succeeded: on failure the caller
// keeps ownership and the producer's deleter must not run.
struct Import {
  void* managed = nullptr;
  bool versioned = false;
  bool armed = false;
};

void release_import(void* /*data*/, void* user_data) {
  auto* im = static_cast<Import*>(user_data);
  if (im->armed) {
    if (im->versioned) {
      auto* m = static_cast<dl::DLManagedTensorVersioned*>(im->managed);
      if (m->deleter) m->deleter(m);
    } else {
      auto* m = static_cast<dl::DLManagedTensor*>(im->managed);
      if (m->deleter) m->deleter(m);
    }
  }
  delete im;
}

// Lowest and one-past-highest element offsets (from element 0) that the
// strides reach, with overflow checks: a foreign descriptor is untrusted.
void element_extent(const Shape& sh, const int64_t* strides, int64_t* lo, int64_t* hi) {
  *lo = 0;
  *hi = sh.numel() > 0 ? 1 : 0;
  if (sh.numel() == 0) return;
  for (int i = 0; i < sh.ndim; ++i) {
    int64_t span;
    bool bad = __builtin_mul_overflow(sh[i] - 1, strides[i], &span);
    bad = bad || (span < 0 ? __builtin_add_overflow(*lo, span, lo)
                           : __builtin_add_overflow(*hi, span, hi));
    TSR_CHECK(!bad, TSR_ERROR_SIZE_OVERFLOW, "the strides of shape %s overflow int64",
              sh.str().c_str());
  }
}

}  // namespace

extern "C" {

TSR_API tsr_status tsr_tensor_to_dlpack(tsr_tensor tensor, int32_t versioned, void** out_managed) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(tensor, "tensor");
  require(out_managed, "out_managed");
  TSR_CHECK(versioned == 0 || versioned == 1, TSR_ERROR_INVALID_ARGUMENT,
            "versioned is %d, expected 0 (DLManagedTensor) or 1 (DLManagedTensorVersioned)",
            versioned);
  if (versioned) {
    auto* m = export_tensor<dl::DLManagedTensorVersioned>(t);
    m->version = {dl::kMajorVersion, dl::kMinorVersion};
    m->flags = 0;
    *out_managed = m;
  } else {
    *out_managed = export_tensor<dl::DLManagedTensor>(t);
  }
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_from_dlpack(tsr_context context, void* managed, int32_t versioned,
                                          tsr_tensor* out) {
  TSR_API_BEGIN
  require(out, "out");
  Context& ctx = context_arg(context, "context");
  require(managed, "managed");
  TSR_CHECK(versioned == 0 || versioned == 1, TSR_ERROR_INVALID_ARGUMENT,
            "versioned is %d, expected 0 (DLManagedTensor) or 1 (DLManagedTensorVersioned)",
            versioned);
  const dl::DLTensor* d;
  if (versioned) {
    auto* m = static_cast<dl::DLManagedTensorVersioned*>(managed);
    TSR_CHECK(m->version.major == dl::kMajorVersion, TSR_ERROR_UNSUPPORTED,
              "DLPack ABI version %u.%u; this library reads major version %u",
              m->version.major, m->version.minor, dl::kMajorVersion);
    d = &m->dl_tensor;
  } else {
    d = &static_cast<dl::DLManagedTensor*>(managed)->dl_tensor;
  }

  const DeviceInfo& info = ctx.device().info;
  const dl::DLDevice want = dl_device_of(info);
  TSR_CHECK(d->device.device_type == want.device_type && d->device.device_id == want.device_id,
            TSR_ERROR_DEVICE_MISMATCH,
            "the DLPack tensor lives on device (type %d, id %d) but the context's device '%s' "
            "is (type %d, id %d)",
            d->device.device_type, d->device.device_id, info.name.c_str(), want.device_type,
            want.device_id);
  const tsr_dtype dtype = from_dl_dtype(d->dtype);
  const Shape sh = make_shape(d->shape, d->ndim, dtype);
  const int64_t esize = dtype_size(dtype);
  TSR_CHECK(d->data || sh.numel() == 0, TSR_ERROR_NULL_POINTER,
            "the DLPack tensor's data is null but it has %lld elements", (long long)sh.numel());
  TSR_CHECK(d->byte_offset <= uint64_t(INT64_MAX), TSR_ERROR_SIZE_OVERFLOW,
            "byte_offset %llu overflows int64", (unsigned long long)d->byte_offset);

  Strides st = contiguous_strides(sh);
  if (d->strides)
    for (int i = 0; i < sh.ndim; ++i) st[i] = d->strides[i];
  int64_t lo, hi;
  element_extent(sh, st.v, &lo, &hi);
  int64_t lo_bytes, span_bytes;
  TSR_CHECK(!__builtin_mul_overflow(lo, esize, &lo_bytes) &&
                !__builtin_mul_overflow(hi - lo, esize, &span_bytes),
            TSR_ERROR_SIZE_OVERFLOW, "the DLPack tensor's extent overflows int64");

  // Storage covers exactly the bytes the strides reach; the tensor's offset
  // puts element 0 where the producer said.
  void* base;
  int64_t offset;
  if (pointer_memory(info)) {
    char* first = static_cast<char*>(d->data) + d->byte_offset;
    TSR_CHECK(reinterpret_cast<uintptr_t>(first) % uintptr_t(esize) == 0 || sh.numel() == 0,
              TSR_ERROR_INVALID_ARGUMENT,
              "element 0 of the DLPack tensor (%p) is not aligned to its %lld-byte dtype",
              static_cast<void*>(first), (long long)esize);
    base = sh.numel() ? first + lo_bytes : first;
    offset = sh.numel() ? -lo_bytes : 0;
  } else {
    base = d->data;
    offset = int64_t(d->byte_offset);
    TSR_CHECK(offset + lo_bytes >= 0, TSR_ERROR_INVALID_ARGUMENT,
              "negative strides reach before the start of the buffer");
  }

  auto guard = std::make_unique<Import>();
  guard->managed = managed;
  guard->versioned = versioned != 0;
  Import* im = guard.get();
  CoreStorage* storage = CoreStorage::wrap(ctx, base, span_bytes, &release_import, im);
  guard.release();  // the storage frees it now (without calling the producer's deleter)
  std::shared_ptr<Tensor> t;
  try {
    t = std::make_shared<Tensor>(storage, offset, dtype, sh, st);
  } catch (...) {
    storage->release();
    throw;
  }
  storage->release();  // the tensor holds the only reference now
  tsr_tensor h = new_tensor_handle(t);
  im->armed = true;  // success: from here on the producer's deleter is ours to call
  *out = h;
  TSR_API_END
}

TSR_API tsr_status tsr_tensor_dlpack_device(tsr_tensor tensor, int32_t* out_device_type,
                                            int32_t* out_device_id) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(tensor, "tensor");
  require(out_device_type, "out_device_type");
  require(out_device_id, "out_device_id");
  const dl::DLDevice dev = dl_device_of(t.context().device().info);
  *out_device_type = dev.device_type;
  *out_device_id = dev.device_id;
  TSR_API_END
}

}  // extern "C"
