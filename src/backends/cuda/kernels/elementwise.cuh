// The elementwise engine: one kernel per (op, dtype), in two shapes.
//  - ew_vector: every operand contiguous and aligned: 16-byte loads and
//    stores (V elements per access), one access per thread.
//  - ew_strided: any layout; broadcast inputs arrive with stride 0, so
//    broadcasting never materializes. Offsets come from the linear index
//    (32-bit division when the tensor is small enough).
// An input may also be a scalar held in the kernel's arguments (binary ops
// with a Python scalar), so those need no device memory either.
#pragma once
#include "backends/cuda/kernels/common.cuh"

namespace tsr::gpu {

// Inputs of an elementwise kernel: a pointer each (element 0, offset
// applied), or null with the value to use everywhere.
template <class C, int N> struct Operands {
  const void* p[N];
  C value[N];
};

// Shape and element strides of out (operand 0) and up to 3 inputs.
struct Geometry {
  int ndim;
  bool narrow;  // numel fits in 32 bits: index arithmetic in 32 bits
  int64_t shape[TSR_MAX_DIMS];
  int64_t stride[4][TSR_MAX_DIMS];
};

// `inputs` has n_in entries, null for scalar operands (their strides stay 0).
inline Geometry make_geometry(const TensorDesc& out, const TensorDesc* const* inputs, int n_in) {
  Geometry g{};
  g.ndim = out.ndim > 0 ? out.ndim : 1;
  g.narrow = out.numel() <= int64_t(UINT32_MAX);
  for (int d = 0; d < TSR_MAX_DIMS; ++d) g.shape[d] = 1;
  for (int d = 0; d < out.ndim; ++d) {
    g.shape[d] = out.shape[d];
    g.stride[0][d] = out.strides[d];
    for (int k = 0; k < n_in; ++k) g.stride[k + 1][d] = inputs[k] ? inputs[k]->strides[d] : 0;
  }
  return g;
}

// Element offsets of linear index i for M operands. Loops run over every
// possible axis with constant indices, so the geometry stays in registers
// and parameter space instead of being copied to local memory.
template <int M>
__device__ __forceinline__ void ew_offsets(const Geometry& g, int64_t i, int64_t (&off)[M]) {
#pragma unroll
  for (int k = 0; k < M; ++k) off[k] = 0;
  if (g.narrow) {
    uint32_t rem = uint32_t(i);
#pragma unroll
    for (int d = TSR_MAX_DIMS - 1; d >= 1; --d) {
      if (d >= g.ndim) continue;
      const uint32_t size = uint32_t(g.shape[d]);
      const uint32_t q = rem / size;
      const uint32_t idx = rem - q * size;
      rem = q;
#pragma unroll
      for (int k = 0; k < M; ++k) off[k] += int64_t(idx) * g.stride[k][d];
    }
#pragma unroll
    for (int k = 0; k < M; ++k) off[k] += int64_t(rem) * g.stride[k][0];
  } else {
    int64_t rem = i;
#pragma unroll
    for (int d = TSR_MAX_DIMS - 1; d >= 1; --d) {
      if (d >= g.ndim) continue;
      const int64_t q = rem / g.shape[d];
      const int64_t idx = rem - q * g.shape[d];
      rem = q;
#pragma unroll
      for (int k = 0; k < M; ++k) off[k] += idx * g.stride[k][d];
    }
#pragma unroll
    for (int k = 0; k < M; ++k) off[k] += rem * g.stride[k][0];
  }
}

template <class F, class C, int N>
__device__ __forceinline__ auto ew_apply(const F& f, const C (&x)[N]) {
  if constexpr (N == 1) return f(x[0]);
  else if constexpr (N == 2) return f(x[0], x[1]);
  else return f(x[0], x[1], x[2]);
}

template <class F, class SI, class SO, int N, int V>
__global__ void __launch_bounds__(kThreads)
    ew_vector(SO* __restrict__ out, Operands<compute_t<SI>, N> in, int64_t n, F f) {
  using C = compute_t<SI>;
  const int64_t nvec = n / V;
  const int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = tid; i < nvec; i += step) {
    Vec<SI, V> v[N];
#pragma unroll
    for (int k = 0; k < N; ++k)
      if (in.p[k]) v[k] = static_cast<const Vec<SI, V>*>(in.p[k])[i];
    Vec<SO, V> o;
#pragma unroll
    for (int j = 0; j < V; ++j) {
      C x[N];
#pragma unroll
      for (int k = 0; k < N; ++k) x[k] = in.p[k] ? St<SI>::to_c(v[k].v[j]) : in.value[k];
      o.v[j] = St<SO>::from_c(ew_apply(f, x));
    }
    reinterpret_cast<Vec<SO, V>*>(out)[i] = o;
  }
  // The last n % V elements, one per thread of the first block.
  const int64_t t = nvec * V + tid;
  if (t < n) {
    C x[N];
#pragma unroll
    for (int k = 0; k < N; ++k)
      x[k] = in.p[k] ? load(static_cast<const SI*>(in.p[k]) + t) : in.value[k];
    store(out + t, ew_apply(f, x));
  }
}

template <class F, class SI, class SO, int N>
__global__ void __launch_bounds__(kThreads)
    ew_strided(SO* __restrict__ out, Operands<compute_t<SI>, N> in, const Geometry g, int64_t n, F f) {
  using C = compute_t<SI>;
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    int64_t off[N + 1];
    ew_offsets<N + 1>(g, i, off);
    C x[N];
#pragma unroll
    for (int k = 0; k < N; ++k)
      x[k] = in.p[k] ? load(static_cast<const SI*>(in.p[k]) + off[k + 1]) : in.value[k];
    store(out + off[0], ew_apply(f, x));
  }
}

inline bool ew_contiguous(const TensorDesc& d) {
  return d.ndim <= 1 && (d.ndim == 0 || d.strides[0] == 1 || d.shape[0] <= 1);
}

// out (storage SO) = f(inputs of storage SI). A null entry of `inputs` is a
// scalar operand whose value is the same entry of `values`.
template <class SI, class SO, int N, class F>
Status run_elementwise(const OpCall& c, const LaunchEnv& env, const TensorDesc* const (&inputs)[N],
                       const compute_t<SI> (&values)[N], F f) {
  const int64_t n = c.out.numel();
  if (n == 0) return Status::Ok();
  SO* out = c.out.ptr<SO>();
  Operands<compute_t<SI>, N> in;
  for (int k = 0; k < N; ++k) {
    in.p[k] = inputs[k] ? inputs[k]->template ptr<const SI>() : nullptr;
    in.value[k] = values[k];
  }
  constexpr int kWidest = sizeof(SI) > sizeof(SO) ? sizeof(SI) : sizeof(SO);
  constexpr int V = 16 / kWidest;
  bool vector = V > 1 && ew_contiguous(c.out) && aligned_to(out, V * sizeof(SO));
  for (int k = 0; k < N && vector; ++k)
    if (in.p[k]) vector = ew_contiguous(c.in[k]) && aligned_to(in.p[k], V * sizeof(SI));
  if (vector) {
    if constexpr (V > 1)
      ew_vector<F, SI, SO, N, V><<<grid_full((n + V - 1) / V), kThreads, 0, env.stream>>>(
          out, in, n, f);
  } else {
    ew_strided<F, SI, SO, N><<<grid_full(n), kThreads, 0, env.stream>>>(
        out, in, make_geometry(c.out, inputs, N), n, f);
  }
  return launch_status(c.name);
}

}  // namespace tsr::gpu
