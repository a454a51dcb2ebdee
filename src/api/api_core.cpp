// Version, errors, dtypes and devices.
#include <cstring>

#include "api/api_util.h"
#include "core/dtype.h"
#include "core/registry.h"

using namespace tsr;
using namespace tsr::api;

extern "C" {

TSR_API tsr_status tsr_version(int32_t* major, int32_t* minor, int32_t* patch) {
  TSR_API_BEGIN
  if (major) *major = TSR_VERSION_MAJOR;
  if (minor) *minor = TSR_VERSION_MINOR;
  if (patch) *patch = TSR_VERSION_PATCH;
  TSR_API_END
}

TSR_API const char* tsr_last_error_message(void) { return last_error(); }

TSR_API const char* tsr_status_string(tsr_status status) {
  switch (status) {
#define CASE(x) \
  case x: return #x;
    CASE(TSR_OK)
    CASE(TSR_ERROR_INVALID_ARGUMENT)
    CASE(TSR_ERROR_INVALID_HANDLE)
    CASE(TSR_ERROR_NULL_POINTER)
    CASE(TSR_ERROR_OUT_OF_RANGE)
    CASE(TSR_ERROR_SHAPE_MISMATCH)
    CASE(TSR_ERROR_DTYPE_MISMATCH)
    CASE(TSR_ERROR_INVALID_SHAPE)
    CASE(TSR_ERROR_TOO_MANY_DIMS)
    CASE(TSR_ERROR_OUT_OF_MEMORY)
    CASE(TSR_ERROR_QUOTA_EXCEEDED)
    CASE(TSR_ERROR_SIZE_OVERFLOW)
    CASE(TSR_ERROR_DEVICE_UNAVAILABLE)
    CASE(TSR_ERROR_DEVICE_MISMATCH)
    CASE(TSR_ERROR_BACKEND)
    CASE(TSR_ERROR_ASYNC)
    CASE(TSR_ERROR_UNSUPPORTED)
    CASE(TSR_ERROR_INTERNAL)
#undef CASE
  }
  return "TSR_ERROR_UNKNOWN";
}

TSR_API const char* tsr_dtype_name(tsr_dtype dtype) { return dtype_name(dtype); }

TSR_API tsr_status tsr_dtype_size(tsr_dtype dtype, int64_t* out_bytes) {
  TSR_API_BEGIN
  require(out_bytes, "out_bytes");
  TSR_CHECK(dtype_valid(dtype), TSR_ERROR_INVALID_ARGUMENT, "invalid dtype %d", int(dtype));
  *out_bytes = dtype_size(dtype);
  TSR_API_END
}

TSR_API tsr_status tsr_result_type(tsr_dtype a, tsr_dtype b, tsr_dtype* out) {
  TSR_API_BEGIN
  require(out, "out");
  TSR_CHECK(dtype_valid(a) && dtype_valid(b), TSR_ERROR_INVALID_ARGUMENT, "invalid dtype");
  *out = promote(a, b, "result_type");
  TSR_API_END
}

TSR_API tsr_status tsr_device_count(int32_t* out_count) {
  TSR_API_BEGIN
  require(out_count, "out_count");
  *out_count = int32_t(Registry::get().devices().size());
  TSR_API_END
}

TSR_API tsr_status tsr_device_get(int32_t index, tsr_device* out_device) {
  TSR_API_BEGIN
  require(out_device, "out_device");
  const auto& devs = Registry::get().devices();
  TSR_CHECK(index >= 0 && size_t(index) < devs.size(), TSR_ERROR_OUT_OF_RANGE,
            "device index %d out of range (%zu devices)", index, devs.size());
  *out_device = make_handle<tsr_device>(devs[size_t(index)]->handle);
  TSR_API_END
}

TSR_API tsr_status tsr_device_get_info(tsr_device device, tsr_device_info* info) {
  TSR_API_BEGIN
  require(info, "info");
  auto& d = lookup<DeviceEntry>(device, HandleKind::Device, "device");
  TSR_CHECK(info->size >= sizeof(tsr_device_info), TSR_ERROR_INVALID_ARGUMENT,
            "info->size is %zu, expected at least %zu", info->size, sizeof(tsr_device_info));
  tsr_device_info r{};
  r.size = sizeof(tsr_device_info);
  r.kind = d.info.kind;
  r.index = d.info.index;
  std::strncpy(r.name, d.info.name.c_str(), sizeof(r.name) - 1);
  r.total_memory = d.info.total_memory;
  r.free_memory = d.info.free_memory;
  r.compute_units = d.info.compute_units;
  r.supports_float64 = d.info.supports_float64;
  r.supports_float16 = d.info.supports_float16;
  *info = r;
  TSR_API_END
}

// Devices live as long as the library: retain validates, release is a no-op.
TSR_API tsr_status tsr_device_retain(tsr_device device) {
  TSR_API_BEGIN
  lookup<DeviceEntry>(device, HandleKind::Device, "device");
  TSR_API_END
}

TSR_API void tsr_device_release(tsr_device) {}

TSR_API tsr_status tsr_backend_available(tsr_device_kind kind, int32_t* out_available,
                                         const char** out_reason) {
  TSR_API_BEGIN
  require(out_available, "out_available");
  const BackendSlot* slot = Registry::get().backend(kind);
  TSR_CHECK(slot, TSR_ERROR_INVALID_ARGUMENT, "unknown device kind %d", int(kind));
  *out_available = slot->backend != nullptr;
  if (out_reason) *out_reason = slot->reason.c_str();
  TSR_API_END
}

}  // extern "C"
