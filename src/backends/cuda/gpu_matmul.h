// Matmul and linear on the GPU. The CUDA build runs float matmuls through
// cuBLASLt (gpu_blaslt.cpp: bias and ReLU/GELU fused in the epilogue, TF32
// only when the context allows it) and everything else through the
// project's own GEMM kernel; a build without cuBLASLt provides these same
// functions over the own kernel alone.
#pragma once
#include "backends/cuda/gpu_context.h"
#include "backends/cuda/kernels/launch.h"

namespace tsr::gpu {

Status create_blas(BlasLt** out);
void destroy_blas(BlasLt* blas);  // accepts null

Status run_matmul(GpuContext& ctx, const OpCall& call, GpuStream& stream, const LaunchEnv& env);
Status run_linear(GpuContext& ctx, const OpCall& call, GpuStream& stream, const LaunchEnv& env);

}  // namespace tsr::gpu
