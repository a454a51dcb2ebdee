// sum, prod, mean, var, std, and the layout planning shared by every
// reduction. Floating sums and products accumulate in double; integer ones
// in 64-bit unsigned arithmetic, which wraps exactly like the CPU's int64
// (modular arithmetic does not depend on the order). var/std use Welford's
// update and Chan's merge in double, divided by max(n - correction, 0).
#include <cmath>

#include "backends/cuda/kernels/reduce.cuh"

namespace tsr::gpu {

RedGeom make_red_geom(const OpCall& c) {
  const TensorDesc& x = c.in[0];
  const TensorDesc& y = c.out;
  RedGeom g{};
  g.out_count = 1;
  g.red_count = 1;
  for (int d = 0; d < x.ndim; ++d) {
    const int64_t n = x.shape[d];
    if (c.reduce_axis[d]) {
      g.red_count *= n;
      if (n == 1) continue;
      const int k = g.red_ndim;
      if (k > 0 && g.red_stride[k - 1] == x.strides[d] * n) {  // merge, keeping C order
        g.red_shape[k - 1] *= n;
        g.red_stride[k - 1] = x.strides[d];
        continue;
      }
      g.red_shape[k] = n;
      g.red_stride[k] = x.strides[d];
      g.red_ndim++;
    } else {
      g.out_count *= n;
      if (n == 1) continue;
      const int k = g.kept_ndim;
      if (k > 0 && g.kept_in_stride[k - 1] == x.strides[d] * n &&
          g.kept_out_stride[k - 1] == y.strides[d] * n) {
        g.kept_shape[k - 1] *= n;
        g.kept_in_stride[k - 1] = x.strides[d];
        g.kept_out_stride[k - 1] = y.strides[d];
        continue;
      }
      g.kept_shape[k] = n;
      g.kept_in_stride[k] = x.strides[d];
      g.kept_out_stride[k] = y.strides[d];
      g.kept_ndim++;
    }
  }
  return g;
}

RedPlan plan_reduction(const RedGeom& g, const LaunchEnv& env) {
  RedPlan p;
  const int64_t target = int64_t(env.sm_count) * 4;  // blocks that keep every SM busy
  const bool red_contiguous = g.red_ndim > 0 && g.red_stride[g.red_ndim - 1] == 1;
  const bool kept_contiguous = g.kept_ndim > 0 && g.kept_in_stride[g.kept_ndim - 1] == 1;
  p.rows = red_contiguous || !kept_contiguous;
  int64_t blocks, min_chunk;
  if (p.rows) {
    p.group = g.red_count > 1024 ? kThreads : env.warp_size;
    const int64_t per_block = kThreads / p.group;
    blocks = (g.out_count + per_block - 1) / per_block;
    min_chunk = int64_t(kThreads) * 16;
  } else {
    blocks = (g.out_count + kColsX - 1) / kColsX;
    min_chunk = int64_t(kColsY) * 16;
  }
  int64_t splits = 1;
  if (blocks < target && g.red_count >= 2 * min_chunk) {
    splits = (target + blocks - 1) / blocks;
    const int64_t most = g.red_count / min_chunk;
    if (splits > most) splits = most;
    if (splits > 65535) splits = 65535;
  }
  p.chunk = (g.red_count + splits - 1) / splits;
  if (p.chunk > 0) splits = (g.red_count + p.chunk - 1) / p.chunk;
  p.splits = int(splits < 1 ? 1 : splits);
  p.blocks_x = unsigned(blocks < 1 ? 1 : blocks);
  return p;
}

namespace {

template <class S> using acc_t = std::conditional_t<is_float_storage_v<S>, double, uint64_t>;

template <class S> __device__ __forceinline__ acc_t<S> widen(compute_t<S> x) {
  if constexpr (is_float_storage_v<S>) return double(x);
  else if constexpr (std::is_signed_v<compute_t<S>>) return uint64_t(int64_t(x));  // two's complement
  else return uint64_t(x);
}

template <class S> struct SumOp {
  using State = acc_t<S>;
  __device__ State init() const { return State(0); }
  __device__ void add(State& s, compute_t<S> x, int64_t) const { s += widen<S>(x); }
  __device__ void merge(State& a, State b) const { a += b; }
  template <class SO> __device__ void put(SO* p, State s) const { store(p, compute_t<SO>(s)); }
};

template <class S> struct ProdOp {
  using State = acc_t<S>;
  __device__ State init() const { return State(1); }
  __device__ void add(State& s, compute_t<S> x, int64_t) const { s *= widen<S>(x); }
  __device__ void merge(State& a, State b) const { a *= b; }
  template <class SO> __device__ void put(SO* p, State s) const { store(p, compute_t<SO>(s)); }
};

template <class S> struct MeanOp {
  using State = double;
  double count;
  __device__ State init() const { return 0.0; }
  __device__ void add(State& s, compute_t<S> x, int64_t) const { s += double(x); }
  __device__ void merge(State& a, State b) const { a += b; }
  template <class SO> __device__ void put(SO* p, State s) const {
    store(p, compute_t<SO>(s / count));  // 0 / 0 = NaN for an empty mean
  }
};

struct Moments {
  double n, mean, m2;
};

template <class S> struct VarOp {
  using State = Moments;
  double correction;
  bool take_sqrt;
  __device__ State init() const { return {0.0, 0.0, 0.0}; }
  __device__ void add(State& s, compute_t<S> xv, int64_t) const {
    const double x = double(xv);
    s.n += 1.0;
    const double d = x - s.mean;
    s.mean += d / s.n;
    s.m2 += d * (x - s.mean);
  }
  __device__ void merge(State& a, State b) const {
    if (b.n == 0) return;
    if (a.n == 0) {
      a = b;
      return;
    }
    const double n = a.n + b.n, d = b.mean - a.mean;
    a.mean += d * (b.n / n);
    a.m2 += b.m2 + d * d * (a.n * b.n / n);
    a.n = n;
  }
  template <class SO> __device__ void put(SO* p, State s) const {
    double denom = s.n - correction;
    if (denom < 0) denom = 0;
    const double v = s.m2 / denom;
    store(p, compute_t<SO>(take_sqrt ? std::sqrt(v) : v));
  }
};

template <class S>
Status sum_typed(const OpCall& c, const LaunchEnv& env) {
  const double count = double(make_red_geom(c).red_count);
  switch (c.code) {
    case TSR_SUM: return run_reduction<S, sum_out_t<S>>(c, env, SumOp<S>{});
    case TSR_PROD: return run_reduction<S, sum_out_t<S>>(c, env, ProdOp<S>{});
    case TSR_MEAN: return run_reduction<S, mean_out_t<S>>(c, env, MeanOp<S>{count});
    case TSR_VAR:
    case TSR_STD:
      return run_reduction<S, mean_out_t<S>>(c, env, VarOp<S>{c.scalar[0], c.code == TSR_STD});
    default: return unsupported_dtype(c.name, c.in[0].dtype);
  }
}

}  // namespace

Status launch_reduce(const OpCall& c, const LaunchEnv& env) {
  if (c.code >= TSR_MIN) return launch_reduce_select(c, env);
  return dispatch_dtype(c.in[0].dtype, [&](auto tag) { return sum_typed<typename decltype(tag)::type>(c, env); });
}

}  // namespace tsr::gpu
