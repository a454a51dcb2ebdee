// softmax, log_softmax, layer_norm and rms_norm over the last axis of a
// C-contiguous [rows, cols] tensor, one pass over memory per row: the row is
// read once into registers or shared memory, reduced (warp shuffles, then shared memory
// across warps), and written once. Three shapes:
//  - a warp per row for rows of up to 1024 elements;
//  - a block per row with 16-byte accesses for longer aligned rows of up to
//    64 KiB, cached in shared memory between the passes;
//  - a block per row that streams longer or unaligned rows from memory
//    (two or three reads).
// Half types compute in float, float64 in double. Row maxima propagate NaN.
#include <cmath>
#include <limits>

#include "backends/cuda/gpu_check.h"
#include "backends/cuda/kernels/common.cuh"

namespace tsr::gpu {
namespace {

template <class S> using acc_of = std::conditional_t<std::is_same_v<S, double>, double, float>;

template <class A> __device__ __forceinline__ A max_nan(A a, A b) {
  if (a != a) return a;
  if (b != b) return b;
  return a > b ? a : b;
}

template <class A> struct WarpReduce {
  __device__ A sum(A v) const {
#pragma unroll
    for (int m = TSR_WARP_SIZE / 2; m > 0; m /= 2) v += gpu_shfl_xor(v, m);
    return v;
  }
  __device__ A max(A v) const {
#pragma unroll
    for (int m = TSR_WARP_SIZE / 2; m > 0; m /= 2) v = max_nan(v, gpu_shfl_xor(v, m));
    return v;
  }
};

// Whole-block reductions; every thread of the block must call them.
template <class A> struct BlockReduce {
  A* shared;  // one slot per warp
  template <class F> __device__ A combine(A v, F f) const {
#pragma unroll
    for (int m = TSR_WARP_SIZE / 2; m > 0; m /= 2) v = f(v, gpu_shfl_xor(v, m));
    const int warps = (blockDim.x + TSR_WARP_SIZE - 1) / TSR_WARP_SIZE;
    if (threadIdx.x % TSR_WARP_SIZE == 0) shared[threadIdx.x / TSR_WARP_SIZE] = v;
    __syncthreads();
    A r = shared[0];
    for (int w = 1; w < warps; ++w) r = f(r, shared[w]);
    __syncthreads();  // the slots are reused by the next reduction
    return r;
  }
  __device__ A sum(A v) const { return combine(v, [](A a, A b) { return a + b; }); }
  __device__ A max(A v) const { return combine(v, [](A a, A b) { return max_nan(a, b); }); }
};

// ------------------------------------------------------------ row math

struct SoftmaxParams {
  bool log;
};
struct NormParams {
  bool rms;
  double eps;
  const void* gamma;  // storage S, or null
  const void* beta;
};

// Softmax of the K values a thread holds (ok[j]: the value exists).
template <class A, int K, class Red>
__device__ __forceinline__ void softmax_regs(A (&v)[K], const bool (&ok)[K], bool log, const Red& red) {
  A m = -std::numeric_limits<A>::infinity();
#pragma unroll
  for (int j = 0; j < K; ++j)
    if (ok[j]) m = max_nan(m, v[j]);
  m = red.max(m);
  A s = 0;
#pragma unroll
  for (int j = 0; j < K; ++j)
    if (ok[j]) {
      v[j] -= m;
      s += std::exp(v[j]);
    }
  s = red.sum(s);
  if (log) {
    const A ls = std::log(s);
#pragma unroll
    for (int j = 0; j < K; ++j) v[j] -= ls;
  } else {
    const A inv = A(1) / s;
#pragma unroll
    for (int j = 0; j < K; ++j) v[j] = std::exp(v[j]) * inv;
  }
}

// Normalizes the values in place: (v - mean) / sqrt(var + eps), or
// v / sqrt(mean(v^2) + eps) for RMS norm; gamma and beta come after.
template <class A, int K, class Red>
__device__ __forceinline__ void norm_regs(A (&v)[K], const bool (&ok)[K], int64_t cols, bool rms,
                                          A eps, const Red& red) {
  const A n = A(cols);
  A mean = 0;
  if (!rms) {
    A s = 0;
#pragma unroll
    for (int j = 0; j < K; ++j)
      if (ok[j]) s += v[j];
    mean = red.sum(s) / n;
  }
  A q = 0;
#pragma unroll
  for (int j = 0; j < K; ++j)
    if (ok[j]) {
      const A d = v[j] - mean;
      q += d * d;
    }
  const A scale = A(1) / std::sqrt(red.sum(q) / n + eps);
#pragma unroll
  for (int j = 0; j < K; ++j) v[j] = (v[j] - mean) * scale;
}

template <class S, class A>
__device__ __forceinline__ A affine(const NormParams& p, int64_t col, A v) {
  if (p.gamma) v *= A(load(static_cast<const S*>(p.gamma) + col));
  if (p.beta) v += A(load(static_cast<const S*>(p.beta) + col));
  return v;
}

// ------------------------------------------------------------ warp per row

template <class S, int K, bool kNorm>
__global__ void __launch_bounds__(kThreads)
    rows_warp(const S* __restrict__ x, S* __restrict__ y, int64_t rows, int64_t cols,
              SoftmaxParams sp, NormParams np) {
  using A = acc_of<S>;
  const int lane = threadIdx.x % TSR_WARP_SIZE;
  const int64_t row = int64_t(blockIdx.x) * (blockDim.x / TSR_WARP_SIZE) + threadIdx.x / TSR_WARP_SIZE;
  if (row >= rows) return;  // whole warps leave together
  const S* xr = x + row * cols;
  S* yr = y + row * cols;
  A v[K];
  bool ok[K];
#pragma unroll
  for (int j = 0; j < K; ++j) {
    const int64_t c = int64_t(j) * TSR_WARP_SIZE + lane;
    ok[j] = c < cols;
    v[j] = ok[j] ? A(load(xr + c)) : A(0);
  }
  if constexpr (kNorm) norm_regs(v, ok, cols, np.rms, A(np.eps), WarpReduce<A>{});
  else softmax_regs(v, ok, sp.log, WarpReduce<A>{});
#pragma unroll
  for (int j = 0; j < K; ++j) {
    const int64_t c = int64_t(j) * TSR_WARP_SIZE + lane;
    if (!ok[j]) continue;
    if constexpr (kNorm) store(yr + c, compute_t<S>(affine<S>(np, c, v[j])));
    else store(yr + c, compute_t<S>(v[j]));
  }
}

// ------------------------------------------------------------ block per row, row in shared memory

// Rows are cached in shared memory rather than registers, so how many rows
// an SM keeps in flight depends on their size (7 rows of 32 KiB on a
// Hopper SM), not on register pressure: the reductions of one row overlap
// the loads of others. Global memory is read once and written once.
constexpr int kSmemThreads = 256;
constexpr size_t kSmemRowBytes = size_t(64) << 10;  // larger rows are streamed

template <class S, bool kNorm>
__global__ void __launch_bounds__(kSmemThreads)
    rows_smem(const S* __restrict__ x, S* __restrict__ y, int64_t cols, SoftmaxParams sp,
              NormParams np) {
  using A = acc_of<S>;
  constexpr int V = 16 / sizeof(S);
  using VecS = Vec<S, V>;
  extern __shared__ float4 smem_raw[];  // 16-byte aligned
  VecS* row = reinterpret_cast<VecS*>(smem_raw);
  __shared__ A slots[kSmemThreads / TSR_WARP_SIZE];
  BlockReduce<A> red{slots};
  const int64_t nvec = cols / V;
  const VecS* xr = reinterpret_cast<const VecS*>(x + int64_t(blockIdx.x) * cols);
  VecS* yr = reinterpret_cast<VecS*>(y + int64_t(blockIdx.x) * cols);
  const int t = threadIdx.x, step = blockDim.x;
  const A n = A(cols);
  if constexpr (kNorm) {
    A s = 0;
#pragma unroll 4
    for (int64_t i = t; i < nvec; i += step) {
      const VecS v = xr[i];
      row[i] = v;
#pragma unroll
      for (int j = 0; j < V; ++j) s += A(St<S>::to_c(v.v[j]));
    }
    const A mean = np.rms ? A(0) : red.sum(s) / n;  // red.sum also orders the shared stores
    if (np.rms) __syncthreads();
    A q = 0;
    for (int64_t i = t; i < nvec; i += step) {
      const VecS v = row[i];
#pragma unroll
      for (int j = 0; j < V; ++j) {
        const A d = A(St<S>::to_c(v.v[j])) - mean;
        q += d * d;
      }
    }
    const A scale = A(1) / std::sqrt(red.sum(q) / n + A(np.eps));
    for (int64_t i = t; i < nvec; i += step) {
      const VecS v = row[i];
      VecS o;
#pragma unroll
      for (int j = 0; j < V; ++j)
        o.v[j] = St<S>::from_c(compute_t<S>(affine<S>(np, i * V + j, (A(St<S>::to_c(v.v[j])) - mean) * scale)));
      yr[i] = o;
    }
  } else {
    A m = -std::numeric_limits<A>::infinity();
#pragma unroll 4
    for (int64_t i = t; i < nvec; i += step) {
      const VecS v = xr[i];
      row[i] = v;
#pragma unroll
      for (int j = 0; j < V; ++j) m = max_nan(m, A(St<S>::to_c(v.v[j])));
    }
    m = red.max(m);
    A s = 0;
    for (int64_t i = t; i < nvec; i += step) {
      const VecS v = row[i];
#pragma unroll
      for (int j = 0; j < V; ++j) s += std::exp(A(St<S>::to_c(v.v[j])) - m);
    }
    s = red.sum(s);
    const A ls = std::log(s), inv = A(1) / s;
    for (int64_t i = t; i < nvec; i += step) {
      const VecS v = row[i];
      VecS o;
#pragma unroll
      for (int j = 0; j < V; ++j) {
        const A d = A(St<S>::to_c(v.v[j])) - m;
        o.v[j] = St<S>::from_c(compute_t<S>(sp.log ? d - ls : std::exp(d) * inv));
      }
      yr[i] = o;
    }
  }
}

// Lets rows_smem use up to kSmemRowBytes of dynamic shared memory (once).
template <class S, bool kNorm>
Status allow_row_smem() {
  static const gpuError_t err = gpuFuncSetAttribute(reinterpret_cast<const void*>(&rows_smem<S, kNorm>),
                                                    gpuFuncAttributeMaxDynamicSharedMemorySize,
                                                    int(kSmemRowBytes));
  if (err != gpuSuccess) return error_status(err, "raising the row kernel's shared memory limit", "gpuFuncSetAttribute");
  return Status::Ok();
}

// ------------------------------------------------------------ block per row, streamed

template <class S, bool kNorm>
__global__ void __launch_bounds__(1024)
    rows_stream(const S* __restrict__ x, S* __restrict__ y, int64_t cols, SoftmaxParams sp,
                NormParams np) {
  using A = acc_of<S>;
  __shared__ A shared[1024 / TSR_WARP_SIZE];
  BlockReduce<A> red{shared};
  const int64_t row = blockIdx.x;
  const S* xr = x + row * cols;
  S* yr = y + row * cols;
  const int t = threadIdx.x, step = blockDim.x;
  if constexpr (kNorm) {
    const A n = A(cols);
    A mean = 0;
    if (!np.rms) {
      A s = 0;
      for (int64_t c = t; c < cols; c += step) s += A(load(xr + c));
      mean = red.sum(s) / n;
    }
    A q = 0;
    for (int64_t c = t; c < cols; c += step) {
      const A d = A(load(xr + c)) - mean;
      q += d * d;
    }
    const A scale = A(1) / std::sqrt(red.sum(q) / n + A(np.eps));
    for (int64_t c = t; c < cols; c += step)
      store(yr + c, compute_t<S>(affine<S>(np, c, (A(load(xr + c)) - mean) * scale)));
  } else {
    // Online max and sum in one read, then the write.
    const A neg_inf = -std::numeric_limits<A>::infinity();
    A m = neg_inf, s = 0;
    for (int64_t c = t; c < cols; c += step) {
      const A v = A(load(xr + c));
      const A nm = max_nan(m, v);
      if (!(nm == m)) {  // a new maximum (or a NaN): rescale what was summed
        s = m == neg_inf ? A(0) : s * std::exp(m - nm);
        m = nm;
      }
      s += v == neg_inf ? A(0) : std::exp(v - m);
    }
    const A gm = red.max(m);
    s = m == neg_inf ? A(0) : s * std::exp(m - gm);
    s = red.sum(s);
    if (sp.log) {
      const A ls = std::log(s);
      for (int64_t c = t; c < cols; c += step) store(yr + c, compute_t<S>(A(load(xr + c)) - gm - ls));
    } else {
      const A inv = A(1) / s;
      for (int64_t c = t; c < cols; c += step)
        store(yr + c, compute_t<S>(std::exp(A(load(xr + c)) - gm) * inv));
    }
  }
}

// ------------------------------------------------------------ host side

template <class S, bool kNorm>
Status run_rows(const OpCall& c, const LaunchEnv& env, SoftmaxParams sp, NormParams np) {
  const int64_t rows = c.out.shape[0], cols = c.out.shape[1];
  if (rows == 0 || cols == 0) return Status::Ok();
  const S* x = c.in[0].ptr<const S>();
  S* y = c.out.ptr<S>();
  constexpr int V = 16 / sizeof(S);
  const int warp = env.warp_size;
  if (cols <= 1024) {
    const int64_t per_block = kThreads / warp;
    const unsigned blocks = unsigned((rows + per_block - 1) / per_block);
    if (cols <= 4 * warp)
      rows_warp<S, 4, kNorm><<<blocks, kThreads, 0, env.stream>>>(x, y, rows, cols, sp, np);
    else if (cols <= 16 * warp)
      rows_warp<S, 16, kNorm><<<blocks, kThreads, 0, env.stream>>>(x, y, rows, cols, sp, np);
    else
      rows_warp<S, 32, kNorm><<<blocks, kThreads, 0, env.stream>>>(x, y, rows, cols, sp, np);
    return launch_status(c.name);
  }
  const bool vectors = cols % V == 0 && aligned_to(x, 16) && aligned_to(y, 16);
  const size_t row_bytes = size_t(cols) * sizeof(S);
  if (vectors && row_bytes <= kSmemRowBytes) {
    Status st = allow_row_smem<S, kNorm>();
    if (!st.ok()) return st;
    const int64_t nvec = cols / V;
    int64_t threads = nvec < kSmemThreads ? (nvec + warp - 1) / warp * warp : kSmemThreads;
    rows_smem<S, kNorm><<<unsigned(rows), unsigned(threads), row_bytes, env.stream>>>(x, y, cols, sp, np);
    return launch_status(c.name);
  }
  rows_stream<S, kNorm><<<unsigned(rows), 1024, 0, env.stream>>>(x, y, cols, sp, np);
  return launch_status(c.name);
}

// A parameter as storage S: the same tensor when its dtype is x's, else a
// converted copy in `scratch` (the core does not unify parameter dtypes).
Status param_as(const OpCall& c, const TensorDesc& p, tsr_dtype dtype, char* scratch,
                const LaunchEnv& env, const void** out) {
  if (p.dtype == dtype) {
    *out = p.ptr();
    return Status::Ok();
  }
  OpCall cast;
  cast.kind = OpKind::Copy;
  cast.name = c.name;
  cast.n_in = 1;
  cast.in[0] = p;
  cast.out = p;
  cast.out.base = scratch;
  cast.out.offset = 0;
  cast.out.dtype = dtype;
  cast.out.strides[0] = 1;
  *out = scratch;
  return launch_copy(cast, env);
}

}  // namespace

Status launch_softmax(const OpCall& c, const LaunchEnv& env) {
  const SoftmaxParams sp{c.kind == OpKind::LogSoftmax};
  return dispatch_float(c.out.dtype, c.name, [&](auto tag) {
    return run_rows<typename decltype(tag)::type, false>(c, env, sp, NormParams{});
  });
}

Status launch_norm(const OpCall& c, const LaunchEnv& env) {
  NormParams np{c.kind == OpKind::RmsNorm, c.scalar[0], nullptr, nullptr};
  const TensorDesc* gamma = (c.flags & 1u) ? &c.in[1] : nullptr;
  const TensorDesc* beta = (c.flags & 2u) ? &c.in[gamma ? 2 : 1] : nullptr;
  const int64_t cols = c.out.shape[1];
  const int64_t esize = dtype_size(c.out.dtype);
  char* scratch = nullptr;
  if ((gamma && gamma->dtype != c.out.dtype) || (beta && beta->dtype != c.out.dtype)) {
    void* s = nullptr;
    Status st = env.scratch->get(size_t(2 * cols * esize + 16), &s);
    if (!st.ok()) return st;
    scratch = static_cast<char*>(s);
  }
  if (gamma) {
    Status st = param_as(c, *gamma, c.out.dtype, scratch, env, &np.gamma);
    if (!st.ok()) return st;
  }
  if (beta) {
    Status st = param_as(c, *beta, c.out.dtype, scratch ? scratch + cols * esize : nullptr, env, &np.beta);
    if (!st.ok()) return st;
  }
  return dispatch_float(c.out.dtype, c.name, [&](auto tag) {
    return run_rows<typename decltype(tag)::type, true>(c, env, SoftmaxParams{}, np);
  });
}

}  // namespace tsr::gpu
