// The GPU backend's devices and its plugin entry point. With no driver or no
// device the entry returns null and a static reason, which the core turns
// into TSR_ERROR_DEVICE_UNAVAILABLE at context creation.
#include <string>
#include <vector>

#include "backends/cuda/gpu_check.h"
#include "backends/cuda/gpu_context.h"
#include "core/error.h"

namespace tsr::gpu {
namespace {

class GpuBackend : public Backend {
 public:
  explicit GpuBackend(std::vector<gpuDeviceProp_t> props) : props_(std::move(props)) {}
  const char* name() override { return TSR_GPU_NAME; }
  tsr_device_kind kind() override { return TSR_GPU_DEVICE_KIND; }
  int32_t device_count() override { return int32_t(props_.size()); }

  Status device_info(int32_t index, DeviceInfo* out) override {
    if (index < 0 || index >= device_count())
      return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE,
                         "no " TSR_GPU_NAME " device " + std::to_string(index));
    const gpuDeviceProp_t& p = props_[size_t(index)];
    out->kind = TSR_GPU_DEVICE_KIND;
    out->index = index;
    out->name = p.name;
    out->total_memory = int64_t(p.totalGlobalMem);
    // Free memory needs a device context; creating one for every process
    // that loads the plugin would cost hundreds of MB per GPU, so: unknown.
    out->free_memory = -1;
    out->compute_units = p.multiProcessorCount;
    out->supports_float64 = true;
    out->supports_float16 = true;
    out->score = 100 + p.multiProcessorCount;  // any GPU over the CPU (score 1)
    out->dlpack_device_type = TSR_GPU_DLPACK_DEVICE;
    out->host_addressable = false;
    return Status::Ok();
  }

  Status create_context(int32_t index, const ContextConfig& config, BackendContext** out) override {
    if (index < 0 || index >= device_count())
      return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE,
                         "no " TSR_GPU_NAME " device " + std::to_string(index));
    const gpuDeviceProp_t& p = props_[size_t(index)];
    DeviceFacts f;
    f.index = index;
    f.sm_count = p.multiProcessorCount;
    f.warp_size = p.warpSize;
    f.max_threads_per_sm = p.maxThreadsPerMultiProcessor;
    f.major = p.major;
    f.minor = p.minor;
    TSR_GPU_DEVICE_SCOPE(index);
    // Touch the device so a broken driver fails here, with a clear status,
    // rather than at the first op.
    TSR_GPU_TRY(gpuFree(nullptr), "creating a " TSR_GPU_NAME " context");
    TSR_GUARD_STATUS(*out = new GpuContext(f, config));
  }

 private:
  std::vector<gpuDeviceProp_t> props_;
};

std::string& reason_storage() {
  static std::string* reason = new std::string();  // lives as long as the process
  return *reason;
}

}  // namespace
}  // namespace tsr::gpu

extern "C" __attribute__((visibility("default"))) tsr::Backend* tessera_backend_entry(
    const tsr::HostServices* host, int32_t api_version, const char** reason) {
  using namespace tsr::gpu;
  std::string& why = reason_storage();
  auto refuse = [&](std::string text) -> tsr::Backend* {
    why = std::move(text);
    if (reason) *reason = why.c_str();
    return nullptr;
  };
  if (api_version != tsr::kBackendApiVersion || !host)
    return refuse("the " TSR_GPU_NAME " plugin was built for backend API version " +
                  std::to_string(tsr::kBackendApiVersion) + ", the library offers " +
                  std::to_string(api_version));
  try {
    int count = 0;
    gpuError_t err = gpuGetDeviceCount(&count);
    if (err != gpuSuccess) {
      int driver = 0;
      (void)gpuDriverGetVersion(&driver);
      return refuse(std::string("no usable " TSR_GPU_NAME " driver or device: " TSR_GPU_API_PREFIX
                                "GetDeviceCount failed with ") +
                    gpuGetErrorName(err) + " (" + gpuGetErrorString(err) + ")" +
                    (driver == 0 ? "; no " TSR_GPU_NAME " driver is installed" : ""));
    }
    if (count == 0) return refuse("the " TSR_GPU_NAME " driver reports no devices");
    std::vector<gpuDeviceProp_t> props(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      err = gpuGetDeviceProperties(&props[size_t(i)], i);
      if (err != gpuSuccess)
        return refuse(std::string("reading the properties of " TSR_GPU_NAME " device ") +
                      std::to_string(i) + " failed: " + gpuGetErrorName(err));
    }
    DeviceGuard::set_single_device(count == 1);
    static GpuBackend* backend = new GpuBackend(std::move(props));  // lives as long as the process
    return backend;
  } catch (const std::exception& e) {
    return refuse(std::string("the " TSR_GPU_NAME " backend failed to start: ") + e.what());
  }
}
