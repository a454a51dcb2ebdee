// matmul and linear on the project's own tiled GEMM kernel (kernels/gemm.cu):
// the only GEMM of the HIP build, and the CUDA build's path for what
// cuBLASLt does not take, or for everything when TESSERA_CUDA_GEMM=tiled.
// Linear's bias and activation follow in one elementwise kernel.
#include "backends/cuda/gpu_matmul.h"

namespace tsr::gpu {

OpCall linear_as_matmul(const OpCall& c) {
  OpCall mm = c;
  mm.kind = OpKind::Matmul;
  mm.n_in = 2;
  mm.scalar[0] = 1;
  mm.scalar[1] = 0;
  return mm;
}

Status run_matmul_tiled(const OpCall& c, const LaunchEnv& env) { return launch_gemm_generic(c, env); }

Status run_linear_tiled(const OpCall& c, const LaunchEnv& env) {
  // K = 0 needs no case of its own: the kernel writes the empty sum, 0.
  Status st = launch_gemm_generic(linear_as_matmul(c), env);
  if (!st.ok()) return st;
  const TensorDesc* bias = c.n_in > 2 ? &c.in[2] : nullptr;
  if (!bias && c.code == TSR_ACTIVATION_NONE) return Status::Ok();
  return launch_bias_activation(c.out, bias, c.code, c.name, env);
}

}  // namespace tsr::gpu
