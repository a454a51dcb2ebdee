// Host-side entry points of the kernel families (one .cu file each). Each
// enqueues an OpCall's work on env.stream and returns its launch status;
// none of them synchronizes. Plain host declarations, so the dispatcher and
// the BLAS code are compiled by the host compiler.
#pragma once
#include <cstddef>

#include "backends/cuda/vendor.h"
#include "core/op_call.h"
#include "core/status.h"

namespace tsr::gpu {

// Temporary device memory for ops that need it (reduction partials, copies
// of odd operands); valid for work enqueued on the same stream.
class ScratchSource {
 public:
  virtual ~ScratchSource() = default;
  virtual Status get(size_t bytes, void** out) = 0;
};

struct LaunchEnv {
  gpuStream_t stream = nullptr;
  int sm_count = 1;
  int warp_size = 32;
  ScratchSource* scratch = nullptr;
};

// The status of the launch just made (a bad configuration, or a sticky
// fault left by earlier work), naming `op`.
Status launch_status(const char* op);
// TSR_ERROR_UNSUPPORTED for a dtype that has no kernel of `op`.
Status unsupported_dtype(const char* op, tsr_dtype dtype);

Status launch_unary(const OpCall& call, const LaunchEnv& env);        // Unary
Status launch_binary(const OpCall& call, const LaunchEnv& env);       // Binary, BinaryScalar
Status launch_copy(const OpCall& call, const LaunchEnv& env);         // Copy (casts, layouts)
Status launch_fill(const OpCall& call, const LaunchEnv& env);         // Fill
Status launch_arange(const OpCall& call, const LaunchEnv& env);       // Arange
Status launch_where(const OpCall& call, const LaunchEnv& env);        // Where
Status launch_random(const OpCall& call, const LaunchEnv& env);       // Random
Status launch_reduce(const OpCall& call, const LaunchEnv& env);       // Reduce
Status launch_softmax(const OpCall& call, const LaunchEnv& env);      // Softmax, LogSoftmax
Status launch_norm(const OpCall& call, const LaunchEnv& env);         // LayerNorm, RmsNorm
// The project's own batched GEMM for any layout and every matmul dtype
// (integers wrap); cuBLASLt handles the float layouts it supports.
Status launch_gemm_generic(const OpCall& call, const LaunchEnv& env);
// out[m, n] = act(out[m, n] + bias[n]) in place on a contiguous [M, N]
// (bias may be null): the part of linear that no GEMM epilogue fused.
Status launch_bias_activation(const TensorDesc& out, const TensorDesc* bias, int activation,
                              const char* op, const LaunchEnv& env);

}  // namespace tsr::gpu
