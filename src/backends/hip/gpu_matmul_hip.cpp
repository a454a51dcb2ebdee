// The HIP build's matmul and linear: Debian 12 packages neither rocBLAS nor
// hipBLASLt, so both run on the project's own tiled GEMM kernel, compiled
// from the same source as on CUDA (gpu_matmul_tiled.cpp, kernels/gemm.cu).
// This file stands in for the CUDA build's gpu_blaslt.cpp; it is the place
// a rocBLAS/hipBLASLt path would go.
#include "backends/cuda/gpu_matmul.h"

namespace tsr::gpu {

class BlasLt {};  // no vendor BLAS state

Status create_blas(BlasLt** /*out*/) {
  return Status::Err(TSR_ERROR_UNSUPPORTED, "the HIP backend was built without a vendor BLAS");
}

void destroy_blas(BlasLt* blas) { delete blas; }

Status run_matmul(GpuContext& /*ctx*/, const OpCall& c, GpuStream& /*s*/, const LaunchEnv& env) {
  return run_matmul_tiled(c, env);
}

Status run_linear(GpuContext& /*ctx*/, const OpCall& c, GpuStream& /*s*/, const LaunchEnv& env) {
  return run_linear_tiled(c, env);
}

}  // namespace tsr::gpu
