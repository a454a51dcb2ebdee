// Random tensors: element i is math::random_value(i, seed, ...), the very
// function the CPU backend runs (counter-based Philox, core/philox.h), so a
// seeded tensor is the same on both. Uniform draws are bit-identical;
// normal draws go through log1p and cos, whose last bit may differ between
// the host's and the device's math libraries (float64 only, in practice).
#include "backends/cuda/kernels/common.cuh"

namespace tsr::gpu {
namespace {

template <class S>
__global__ void __launch_bounds__(kThreads)
    random_kernel(S* __restrict__ out, int64_t n, uint64_t seed, bool normal, double a, double b) {
  const int64_t grid = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += grid)
    store(out + i, math::random_value<compute_t<S>>(uint64_t(i), seed, normal, a, b));
}

}  // namespace

Status launch_random(const OpCall& c, const LaunchEnv& env) {
  const int64_t n = c.out.numel();
  return dispatch_dtype(c.out.dtype, [&](auto tag) {
    using S = typename decltype(tag)::type;
    if constexpr (is_bool_v<S>) {
      return unsupported_dtype(c.name, c.out.dtype);
    } else {
      // Random tensors are created fresh by the core: contiguous.
      random_kernel<S><<<grid_full(n), kThreads, 0, env.stream>>>(
          c.out.ptr<S>(), n, c.seed, c.code == TSR_RANDOM_NORMAL, c.scalar[0], c.scalar[1]);
      return launch_status(c.name);
    }
  });
}

}  // namespace tsr::gpu
