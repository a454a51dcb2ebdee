// The kernels' own view of the device, asked once at context creation. The
// host pass of a HIP build compiles for no particular GPU, so the warp size
// that device code was built with (TSR_WARP_SIZE: 64 on CDNA, 32 on RDNA)
// is known only on the device; host launch arithmetic (rows per block,
// threads per reduced output) must use that value. A GPU whose architecture
// the fatbin lacks fails here, before any op.
#include "backends/cuda/gpu_check.h"
#include "backends/cuda/kernels/launch.h"

namespace tsr::gpu {
namespace {

__global__ void warp_size_kernel(int* out) { *out = TSR_WARP_SIZE; }

}  // namespace

Status probe_kernel_warp_size(int* out) {
  // A stream of its own (non-blocking), so the caller's work on the legacy
  // default stream is neither waited for nor delayed.
  gpuStream_t s = nullptr;
  TSR_GPU_TRY(gpuStreamCreateWithFlags(&s, gpuStreamNonBlocking), "probing the device's kernels");
  int* d = nullptr;
  int host = 0;
  const char* call = "gpuMalloc";
  gpuError_t err = gpuMalloc(reinterpret_cast<void**>(&d), sizeof(int));
  if (err == gpuSuccess) {
    warp_size_kernel<<<1, 1, 0, s>>>(d);
    call = "<<<...>>>";
    err = gpuGetLastError();
  }
  if (err == gpuSuccess) {
    call = "gpuMemcpyAsync";
    err = gpuMemcpyAsync(&host, d, sizeof(int), gpuMemcpyDeviceToHost, s);
  }
  if (err == gpuSuccess) {
    call = "gpuStreamSynchronize";
    err = gpuStreamSynchronize(s);
  }
  // Cleanup failures add nothing to the first error (or to success).
  if (d) (void)gpuFree(d);
  (void)gpuStreamDestroy(s);
  if (err != gpuSuccess) return error_status(err, "running the plugin's probe kernel", call);
  if (host != 32 && host != 64)
    return Status::Err(TSR_ERROR_BACKEND, "the probe kernel reported warp size " + std::to_string(host));
  *out = host;
  return Status::Ok();
}

}  // namespace tsr::gpu
