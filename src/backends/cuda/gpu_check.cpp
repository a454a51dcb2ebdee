#include "backends/cuda/gpu_check.h"

#include <string>

#include "backends/cuda/kernels/launch.h"
#include "core/dtype.h"

namespace tsr::gpu {

// "gpuMalloc(...)" as the runtime calls it: "cudaMalloc(...)".
std::string vendor_call(const char* call) {
  std::string s = call;
  if (s.rfind("gpu", 0) == 0) s = TSR_GPU_API_PREFIX + s.substr(3);
  return s;
}

Status error_status(gpuError_t err, const char* what, const char* call) {
  tsr_status code = TSR_ERROR_BACKEND;
  if (err == gpuErrorMemoryAllocation) code = TSR_ERROR_OUT_OF_MEMORY;
  if (err == gpuErrorNoDevice || err == gpuErrorInsufficientDriver)
    code = TSR_ERROR_DEVICE_UNAVAILABLE;
  std::string msg = std::string(what) + ": " + vendor_call(call) + " failed: " + gpuGetErrorName(err) + " (" +
                    gpuGetErrorString(err) + ")";
  if (is_sticky(err)) msg += "; the " TSR_GPU_NAME " context is unusable from now on";
  return Status::Err(code, msg);
}

bool is_sticky(gpuError_t err) {
#if defined(TSR_GPU_HIP)
  return err == hipErrorIllegalAddress || err == hipErrorLaunchFailure ||
         err == hipErrorAssert;
#else
  return err == cudaErrorIllegalAddress || err == cudaErrorLaunchFailure ||
         err == cudaErrorAssert || err == cudaErrorHardwareStackError ||
         err == cudaErrorIllegalInstruction || err == cudaErrorMisalignedAddress ||
         err == cudaErrorInvalidAddressSpace || err == cudaErrorInvalidPc ||
         err == cudaErrorLaunchTimeout;
#endif
}

bool DeviceGuard::single_device_ = false;

DeviceGuard::DeviceGuard(int device) {
  if (single_device_) return;
  gpuError_t err = gpuGetDevice(&previous_);
  if (err != gpuSuccess) {
    status_ = error_status(err, "selecting the device", "gpuGetDevice");
    return;
  }
  if (previous_ == device) return;
  err = gpuSetDevice(device);
  if (err != gpuSuccess) {
    status_ = error_status(err, "selecting the device", "gpuSetDevice");
    return;
  }
  switched_ = true;
}

DeviceGuard::~DeviceGuard() {
  // Restoring can only fail if the caller's device vanished; nothing to report to.
  if (switched_) (void)gpuSetDevice(previous_);
}

Status launch_status(const char* op) {
  gpuError_t err = gpuGetLastError();
  if (err == gpuSuccess) return Status::Ok();
  return error_status(err, (std::string("launching the kernel of '") + op + "'").c_str(),
                      "<<<...>>>");
}

Status unsupported_dtype(const char* op, tsr_dtype dtype) {
  return Status::Err(TSR_ERROR_UNSUPPORTED, std::string(op) + ": no " TSR_GPU_NAME
                                                " kernel for dtype " + dtype_name(dtype));
}

}  // namespace tsr::gpu
