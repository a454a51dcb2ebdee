// Fill (by element size: the value is converted on the host, as the CPU
// backend converts it), arange (per dtype, the shared arange_value), and
// where (by element size; the condition arrives as bool).
#include <cstring>

#include "backends/cuda/kernels/elementwise.cuh"

namespace tsr::gpu {
namespace {

struct Identity {
  template <class C> __device__ __forceinline__ C operator()(C x) const { return x; }
};

template <class U>
Status fill_raw(const OpCall& c, const LaunchEnv& env, U bits) {
  const TensorDesc* in[1] = {nullptr};
  const U values[1] = {bits};
  return run_elementwise<U, U, 1>(c, env, in, values, Identity{});
}

template <class S>
__global__ void __launch_bounds__(kThreads)
    arange_kernel(S* __restrict__ out, int64_t stride, int64_t n, double start, double step) {
  const int64_t grid = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += grid)
    store(out + i * stride, math::arange_value<compute_t<S>>(start, step, i));
}

template <class U>
__global__ void __launch_bounds__(kThreads)
    where_kernel(U* __restrict__ out, const Bool8* cond, const U* a, const U* b, const Geometry g,
                 int64_t n) {
  const int64_t grid = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += grid) {
    int64_t off[4];
    ew_offsets<4>(g, i, off);
    out[off[0]] = cond[off[1]].v ? a[off[2]] : b[off[3]];
  }
}

template <class U>
Status where_raw(const OpCall& c, const LaunchEnv& env) {
  const int64_t n = c.out.numel();
  const TensorDesc* in[3] = {&c.in[0], &c.in[1], &c.in[2]};
  where_kernel<U><<<grid_full(n), kThreads, 0, env.stream>>>(
      c.out.ptr<U>(), c.in[0].ptr<const Bool8>(), c.in[1].ptr<const U>(), c.in[2].ptr<const U>(),
      make_geometry(c.out, in, 3), n);
  return launch_status(c.name);
}

}  // namespace

Status launch_fill(const OpCall& c, const LaunchEnv& env) {
  return dispatch_dtype(c.out.dtype, [&](auto tag) {
    using S = typename decltype(tag)::type;
    const S v = host_storage<S>(c.scalar[0]);
    using U = typename RawOf<sizeof(S)>::type;
    U bits;
    std::memcpy(&bits, &v, sizeof(S));
    return fill_raw<U>(c, env, bits);
  });
}

Status launch_arange(const OpCall& c, const LaunchEnv& env) {
  const int64_t n = c.out.numel();
  return dispatch_dtype(c.out.dtype, [&](auto tag) {
    using S = typename decltype(tag)::type;
    if constexpr (is_bool_v<S>) {
      return unsupported_dtype(c.name, c.out.dtype);
    } else {
      arange_kernel<S><<<grid_full(n), kThreads, 0, env.stream>>>(
          c.out.ptr<S>(), c.out.ndim > 0 ? c.out.strides[0] : 1, n, c.scalar[0], c.scalar[1]);
      return launch_status(c.name);
    }
  });
}

Status launch_where(const OpCall& c, const LaunchEnv& env) {
  switch (dtype_size(c.out.dtype)) {
    case 1: return where_raw<uint8_t>(c, env);
    case 2: return where_raw<uint16_t>(c, env);
    case 4: return where_raw<uint32_t>(c, env);
    default: return where_raw<uint64_t>(c, env);
  }
}

}  // namespace tsr::gpu
