// Matmul and linear on the GPU. The CUDA build runs float matmuls through
// cuBLASLt (gpu_blaslt.cpp: bias and ReLU/GELU fused in the epilogue, TF32
// only when the context allows it) and everything else through the
// project's own tiled GEMM kernel (kernels/gemm.cu, host side in
// gpu_matmul_tiled.cpp). A context whose gemm_path() is Tiled
// (TESSERA_CUDA_GEMM=tiled) runs everything on the own kernel; the HIP build,
// which has no vendor BLAS, provides these same functions over the own
// kernel alone (src/backends/hip/gpu_matmul_hip.cpp).
#pragma once
#include "backends/cuda/gpu_context.h"
#include "backends/cuda/kernels/launch.h"

namespace tsr::gpu {

Status create_blas(BlasLt** out);
void destroy_blas(BlasLt* blas);  // accepts null

Status run_matmul(GpuContext& ctx, const OpCall& call, GpuStream& stream, const LaunchEnv& env);
Status run_linear(GpuContext& ctx, const OpCall& call, GpuStream& stream, const LaunchEnv& env);

// linear's x [M, K] @ w^T [K, N] as a plain matmul call (alpha 1, beta 0, no bias).
OpCall linear_as_matmul(const OpCall& linear);

// The own-kernel paths (gpu_matmul_tiled.cpp): every dtype and layout.
Status run_matmul_tiled(const OpCall& call, const LaunchEnv& env);
Status run_linear_tiled(const OpCall& call, const LaunchEnv& env);

}  // namespace tsr::gpu
