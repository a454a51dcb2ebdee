// The GPU backend's devices and its plugin entry point. With no driver or no
// device the entry returns null and a static reason, which the core turns
// into TSR_ERROR_DEVICE_UNAVAILABLE at context creation.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backends/cuda/gpu_check.h"
#include "backends/cuda/gpu_context.h"
#include "backends/cuda/kernels/launch.h"
#include "core/error.h"

namespace tsr::gpu {
namespace {

// The GEMM path a new context takes: TESSERA_CUDA_GEMM (TESSERA_HIP_GEMM)
// = "tiled" for the project's own kernel, "blas" (or unset) for the vendor
// library where the build has one. Read per context, so one process can
// time both (bench/bench_gpu_gemm.cpp).
Status gemm_path_from_env(GemmPath* out) {
  *out = TSR_GPU_HAS_VENDOR_BLAS ? GemmPath::VendorBlas : GemmPath::Tiled;
  const char* v = std::getenv(TSR_GPU_GEMM_ENV);
  if (!v || !*v) return Status::Ok();
  if (!std::strcmp(v, "tiled")) {
    *out = GemmPath::Tiled;
    return Status::Ok();
  }
  if (!std::strcmp(v, "blas") && TSR_GPU_HAS_VENDOR_BLAS) {
    *out = GemmPath::VendorBlas;
    return Status::Ok();
  }
  return Status::Err(TSR_ERROR_INVALID_ARGUMENT,
                     std::string(TSR_GPU_GEMM_ENV "=") + v + ": expected " +
                         (TSR_GPU_HAS_VENDOR_BLAS ? "'tiled' or 'blas'"
                                                  : "'tiled' (this build has no vendor BLAS)"));
}

#if defined(TSR_GPU_BUILT_ARCHS)
constexpr const char* kBuiltArchs = TSR_GPU_BUILT_ARCHS;  // from CMake
#else
constexpr const char* kBuiltArchs = "(unknown)";
#endif

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
    return Status::Ok();
  }

  Status create_context(int32_t index, const ContextConfig& config, BackendContext** out) override {
    if (index < 0 || index >= device_count())
      return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE,
                         "no " TSR_GPU_NAME " device " + std::to_string(index));
    const gpuDeviceProp_t& p = props_[size_t(index)];
    GemmPath gemm;
    Status st = gemm_path_from_env(&gemm);
    if (!st.ok()) return st;
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
    // The warp size the kernels were compiled with on this GPU; also proves
    // that the plugin has code for it.
    st = probe_kernel_warp_size(&f.warp_size);
    if (!st.ok())
      return Status::Err(st.code == TSR_ERROR_OUT_OF_MEMORY ? st.code : TSR_ERROR_DEVICE_UNAVAILABLE,
                         TSR_GPU_NAME " device " + std::to_string(index) + " (" + p.name + ", " +
                             gpu_arch_name(p) + ") did not run the plugin's probe kernel; the plugin's "
                             "kernels were built for " + kBuiltArchs + " (" TSR_GPU_ARCH_OPTION
                             " at build time): " + st.message);
    TSR_GUARD_STATUS(*out = new GpuContext(f, config, gemm));
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
    if (err != gpuSuccess || count == 0) {
      const std::string hint = gpu_driver_hint();
      const std::string what =
          err != gpuSuccess ? "no usable " TSR_GPU_NAME " driver or device: " TSR_GPU_API_PREFIX
                              "GetDeviceCount failed with " + error_text(err)
                            : std::string("the " TSR_GPU_NAME " driver reports no devices");
      return refuse(what + (hint.empty() ? "" : "; " + hint));
    }
    std::vector<gpuDeviceProp_t> props(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      err = gpuGetDeviceProperties(&props[size_t(i)], i);
      if (err != gpuSuccess)
        return refuse(std::string("reading the properties of " TSR_GPU_NAME " device ") +
                      std::to_string(i) + " failed: " + error_text(err));
    }
    DeviceGuard::set_single_device(count == 1);
    static GpuBackend* backend = new GpuBackend(std::move(props));  // lives as long as the process
    return backend;
  } catch (const std::exception& e) {
    return refuse(std::string("the " TSR_GPU_NAME " backend failed to start: ") + e.what());
  }
}
