// Turning GPU runtime error codes into Statuses with a message that names
// the operation, the runtime call and the runtime's own text.
#pragma once
#include <string>

#include "backends/cuda/vendor.h"
#include "core/status.h"

namespace tsr::gpu {

// The status for a failed runtime call: out of memory, device unavailable,
// or TSR_ERROR_BACKEND for everything else.
Status error_status(gpuError_t err, const char* what, const char* call);

// A runtime call's name as the vendor spells it ("gpuMalloc" -> "cudaMalloc").
std::string vendor_call(const char* call);

// A sticky error (the device faulted) leaves the runtime context unusable.
bool is_sticky(gpuError_t err);

// Makes `device` current for the scope and restores the caller's device
// afterwards, so Tessera never changes the device the caller's own GPU code
// runs on. Check status() before relying on it.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;
  const Status& status() const { return status_; }
  // With a single device in the process it is always the current one, and
  // the guard costs nothing (set once by the backend at startup).
  static void set_single_device(bool single) { single_device_ = single; }

 private:
  int previous_ = -1;
  bool switched_ = false;
  Status status_;
  static bool single_device_;
};

}  // namespace tsr::gpu

// Returns a Status from the enclosing function when `call` fails.
#define TSR_GPU_TRY(call, what)                                             \
  do {                                                                      \
    gpuError_t tsr_err_ = (call);                                           \
    if (tsr_err_ != gpuSuccess) return ::tsr::gpu::error_status(tsr_err_, what, #call); \
  } while (0)

#define TSR_GPU_DEVICE_SCOPE(device)                                        \
  ::tsr::gpu::DeviceGuard tsr_device_guard_(device);                        \
  if (!tsr_device_guard_.status().ok()) return tsr_device_guard_.status()
