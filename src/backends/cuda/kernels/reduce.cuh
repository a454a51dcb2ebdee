// Reductions over any set of axes of any layout, shared by reduce_sum.cu and
// reduce_select.cu. The input is split into kept and reduced axes (each
// merged where the layout allows, reduced axes in C order, so a flattened
// reduced index r is the one argmin/argmax report). Two kernels:
//  - reduce_rows: the reduced axes are the contiguous ones; a warp (short
//    rows) or a whole block (long rows) per output, combined with warp
//    shuffles and then shared memory;
//  - reduce_cols: the kept axes are the contiguous ones; a thread per
//    output, coalesced across the warp, 8 threads deep along r.
// When there are too few outputs to fill the device, the reduced range is
// split over gridDim.y; partial states go to stream scratch and a third
// kernel combines them in a fixed order (deterministic results).
#pragma once
#include "backends/cuda/kernels/common.cuh"

namespace tsr::gpu {

struct RedGeom {
  int kept_ndim, red_ndim;
  int64_t kept_shape[TSR_MAX_DIMS], kept_in_stride[TSR_MAX_DIMS], kept_out_stride[TSR_MAX_DIMS];
  int64_t red_shape[TSR_MAX_DIMS], red_stride[TSR_MAX_DIMS];
  int64_t out_count, red_count;
};

RedGeom make_red_geom(const OpCall& c);  // reduce_sum.cu

__device__ __forceinline__ void kept_offsets(const RedGeom& g, int64_t o, int64_t& in_off,
                                             int64_t& out_off) {
  in_off = 0;
  out_off = 0;
#pragma unroll
  for (int d = TSR_MAX_DIMS - 1; d >= 0; --d) {
    if (d >= g.kept_ndim) continue;
    const int64_t q = d > 0 ? o / g.kept_shape[d] : 0;
    const int64_t idx = d > 0 ? o - q * g.kept_shape[d] : o;
    o = q;
    in_off += idx * g.kept_in_stride[d];
    out_off += idx * g.kept_out_stride[d];
  }
}

__device__ __forceinline__ int64_t red_offset(const RedGeom& g, int64_t r) {
  if (g.red_ndim <= 1) return r * g.red_stride[0];
  int64_t off = 0;
#pragma unroll
  for (int d = TSR_MAX_DIMS - 1; d >= 0; --d) {
    if (d >= g.red_ndim) continue;
    const int64_t q = d > 0 ? r / g.red_shape[d] : 0;
    const int64_t idx = d > 0 ? r - q * g.red_shape[d] : r;
    r = q;
    off += idx * g.red_stride[d];
  }
  return off;
}

// Warp shuffle of any trivially copyable state, 32 bits at a time.
template <class T>
__device__ __forceinline__ T shfl_xor_state(const T& v, int mask) {
  constexpr int W = (sizeof(T) + 3) / 4;
  int w[W] = {};
  memcpy(w, &v, sizeof(T));
#pragma unroll
  for (int i = 0; i < W; ++i) w[i] = gpu_shfl_xor(w[i], mask);
  T r;
  memcpy(&r, w, sizeof(T));
  return r;
}

template <class Op, class State>
__device__ __forceinline__ void warp_merge(const Op& op, State& s) {
#pragma unroll
  for (int m = TSR_WARP_SIZE / 2; m > 0; m /= 2) op.merge(s, shfl_xor_state(s, m));
}

constexpr int kColsX = 32, kColsY = 8;

// Op: State init(); add(State&, C, int64 r); merge(State&, State); put(SO*, State).
template <class S, class SO, class Op>
__global__ void __launch_bounds__(kThreads)
    reduce_rows(const S* __restrict__ in, SO* __restrict__ out, typename Op::State* partials,
                const RedGeom g, Op op, int group, int64_t chunk) {
  using State = typename Op::State;
  const int tid = threadIdx.x;
  const int lane = tid % group;
  const int64_t o = int64_t(blockIdx.x) * (blockDim.x / group) + tid / group;
  const int64_t r0 = int64_t(blockIdx.y) * chunk;
  const int64_t r1 = r0 + chunk < g.red_count ? r0 + chunk : g.red_count;
  State s = op.init();
  int64_t in_off = 0, out_off = 0;
  const bool valid = o < g.out_count;
  if (valid) {
    kept_offsets(g, o, in_off, out_off);
    const S* base = in + in_off;
    for (int64_t r = r0 + lane; r < r1; r += group) op.add(s, load(base + red_offset(g, r)), r);
  }
  warp_merge(op, s);
  if (group > TSR_WARP_SIZE) {
    __shared__ State shared[kThreads / TSR_WARP_SIZE];
    const int warps = blockDim.x / TSR_WARP_SIZE;
    if (tid % TSR_WARP_SIZE == 0) shared[tid / TSR_WARP_SIZE] = s;
    __syncthreads();
    if (tid < TSR_WARP_SIZE) {
      s = tid < warps ? shared[tid] : op.init();
      warp_merge(op, s);
    }
  }
  if (lane == 0 && valid) {
    if (gridDim.y == 1) op.put(out + out_off, s);
    else partials[int64_t(blockIdx.y) * g.out_count + o] = s;
  }
}

template <class S, class SO, class Op>
__global__ void __launch_bounds__(kColsX * kColsY)
    reduce_cols(const S* __restrict__ in, SO* __restrict__ out, typename Op::State* partials,
                const RedGeom g, Op op, int64_t chunk) {
  using State = typename Op::State;
  __shared__ State shared[kColsY][kColsX + 1];
  const int64_t o = int64_t(blockIdx.x) * kColsX + threadIdx.x;
  const int64_t r0 = int64_t(blockIdx.y) * chunk;
  const int64_t r1 = r0 + chunk < g.red_count ? r0 + chunk : g.red_count;
  State s = op.init();
  int64_t in_off = 0, out_off = 0;
  const bool valid = o < g.out_count;
  if (valid) {
    kept_offsets(g, o, in_off, out_off);
    const S* base = in + in_off;
    for (int64_t r = r0 + threadIdx.y; r < r1; r += kColsY) op.add(s, load(base + red_offset(g, r)), r);
  }
  shared[threadIdx.y][threadIdx.x] = s;
  __syncthreads();
  if (threadIdx.y == 0 && valid) {
    for (int k = 1; k < kColsY; ++k) op.merge(s, shared[k][threadIdx.x]);
    if (gridDim.y == 1) op.put(out + out_off, s);
    else partials[int64_t(blockIdx.y) * g.out_count + o] = s;
  }
}

template <class SO, class Op>
__global__ void __launch_bounds__(kThreads)
    reduce_finish(SO* __restrict__ out, const typename Op::State* partials, const RedGeom g, Op op,
                  int splits) {
  const int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (o >= g.out_count) return;
  typename Op::State s = partials[o];
  for (int k = 1; k < splits; ++k) op.merge(s, partials[int64_t(k) * g.out_count + o]);
  int64_t in_off, out_off;
  kept_offsets(g, o, in_off, out_off);
  op.put(out + out_off, s);
}

// How a reduction is laid out over the device.
struct RedPlan {
  bool rows = true;
  int group = 32;  // threads per output (rows)
  unsigned blocks_x = 1;
  int splits = 1;
  int64_t chunk = 0;
};
RedPlan plan_reduction(const RedGeom& g, const LaunchEnv& env);  // reduce_sum.cu

template <class S, class SO, class Op>
Status run_reduction(const OpCall& c, const LaunchEnv& env, Op op) {
  using State = typename Op::State;
  const RedGeom g = make_red_geom(c);
  const RedPlan p = plan_reduction(g, env);
  const S* in = c.in[0].ptr<const S>();
  SO* out = c.out.ptr<SO>();
  State* partials = nullptr;
  if (p.splits > 1) {
    void* scratch = nullptr;
    Status st = env.scratch->get(size_t(p.splits) * size_t(g.out_count) * sizeof(State), &scratch);
    if (!st.ok()) return st;
    partials = static_cast<State*>(scratch);
  }
  const dim3 grid(p.blocks_x, unsigned(p.splits));
  if (p.rows)
    reduce_rows<S, SO, Op><<<grid, kThreads, 0, env.stream>>>(in, out, partials, g, op, p.group, p.chunk);
  else
    reduce_cols<S, SO, Op><<<grid, dim3(kColsX, kColsY), 0, env.stream>>>(in, out, partials, g, op, p.chunk);
  Status st = launch_status(c.name);
  if (!st.ok() || p.splits == 1) return st;
  const unsigned finish_blocks = unsigned((g.out_count + kThreads - 1) / kThreads);
  reduce_finish<SO, Op><<<finish_blocks, kThreads, 0, env.stream>>>(out, partials, g, op, p.splits);
  return launch_status(c.name);
}

// The output storage of a sum or prod of S (bool and signed -> int64,
// unsigned -> uint64, floats keep their type), and of mean/var/std.
template <class S>
using sum_out_t = std::conditional_t<is_float_storage_v<S>, S,
                                     std::conditional_t<std::is_unsigned_v<S>, uint64_t, int64_t>>;
template <class S>
using mean_out_t = std::conditional_t<is_float_storage_v<S>, S, float>;

Status launch_reduce_select(const OpCall& c, const LaunchEnv& env);  // min, max, arg*, any, all

}  // namespace tsr::gpu
