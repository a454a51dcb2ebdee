// Copy: layout changes (contiguous(), strided writes) and dtype casts.
// Same-dtype copies move raw bits by element size (a plain device memcpy
// when both sides are contiguous); casts convert as the CPU backend does
// (saturating float -> int, NaN -> 0, anything -> bool is "!= 0").
#include "backends/cuda/gpu_check.h"
#include "backends/cuda/kernels/elementwise.cuh"

namespace tsr::gpu {
namespace {

struct Identity {
  template <class C> __device__ __forceinline__ C operator()(C x) const { return x; }
};

template <class CO> struct Convert {
  template <class CI> __device__ __forceinline__ CO operator()(CI x) const { return math::convert<CO>(x); }
};

template <class U>
Status copy_raw(const OpCall& c, const LaunchEnv& env) {
  const TensorDesc* in[1] = {&c.in[0]};
  const U none[1] = {U()};
  return run_elementwise<U, U, 1>(c, env, in, none, Identity{});
}

template <class SO, class SI>
Status cast_typed(const OpCall& c, const LaunchEnv& env) {
  const TensorDesc* in[1] = {&c.in[0]};
  const compute_t<SI> none[1] = {compute_t<SI>()};
  return run_elementwise<SI, SO, 1>(c, env, in, none, Convert<compute_t<SO>>{});
}

}  // namespace

Status launch_copy(const OpCall& c, const LaunchEnv& env) {
  const int64_t n = c.out.numel();
  if (n == 0) return Status::Ok();
  if (c.out.dtype == c.in[0].dtype) {
    const int64_t size = dtype_size(c.out.dtype);
    if (ew_contiguous(c.out) && ew_contiguous(c.in[0])) {
      TSR_GPU_TRY(gpuMemcpyAsync(c.out.ptr(), c.in[0].ptr(), size_t(n * size),
                                 gpuMemcpyDeviceToDevice, env.stream),
                  c.name);
      return Status::Ok();
    }
    switch (size) {
      case 1: return copy_raw<uint8_t>(c, env);
      case 2: return copy_raw<uint16_t>(c, env);
      case 4: return copy_raw<uint32_t>(c, env);
      default: return copy_raw<uint64_t>(c, env);
    }
  }
  return dispatch_dtype(c.out.dtype, [&](auto out_tag) {
    using SO = typename decltype(out_tag)::type;
    return dispatch_dtype(c.in[0].dtype, [&](auto in_tag) {
      using SI = typename decltype(in_tag)::type;
      if constexpr (std::is_same_v<SO, SI>) return Status::Err(TSR_ERROR_INTERNAL, "cast to the same dtype");
      else return cast_typed<SO, SI>(c, env);
    });
  });
}

}  // namespace tsr::gpu
