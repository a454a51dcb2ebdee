// min and max (NaN-propagating, as the CPU's math::maximum/minimum),
// argmin and argmax (the first extreme; a NaN counts as the extreme, the
// first NaN wins), any and all.
#include <cmath>
#include <limits>

#include "backends/cuda/kernels/reduce.cuh"

namespace tsr::gpu {
namespace {

template <class C> __device__ __forceinline__ bool is_nan(C v) {
  if constexpr (std::is_floating_point_v<C>) return v != v;
  else return (void)v, false;
}

template <class S> struct MinMaxOp {
  using C = compute_t<S>;
  using State = C;
  bool max;
  __device__ State init() const {
    if constexpr (std::is_same_v<C, bool>) return !max;
    else if constexpr (std::is_floating_point_v<C>)
      return max ? -std::numeric_limits<C>::infinity() : std::numeric_limits<C>::infinity();
    else return max ? std::numeric_limits<C>::lowest() : std::numeric_limits<C>::max();
  }
  __device__ void add(State& s, C x, int64_t) const { merge(s, x); }
  __device__ void merge(State& a, State b) const { a = max ? math::maximum(a, b) : math::minimum(a, b); }
  template <class SO> __device__ void put(SO* p, State s) const { store(p, s); }
};

template <class C> struct ArgState {
  C v;
  int64_t i;  // -1: nothing seen yet
};

template <class S> struct ArgOp {
  using C = compute_t<S>;
  using State = ArgState<C>;
  bool max;
  __device__ State init() const { return {C(), -1}; }
  // Whether b should replace a; a total order on (value, index), so the
  // result does not depend on the order in which states meet.
  __device__ bool better(const State& a, const State& b) const {
    if (b.i < 0) return false;
    if (a.i < 0) return true;
    const bool an = is_nan(a.v), bn = is_nan(b.v);
    if (an || bn) return an && bn ? b.i < a.i : bn;
    if (max ? b.v > a.v : b.v < a.v) return true;
    return b.v == a.v && b.i < a.i;
  }
  __device__ void add(State& s, C x, int64_t r) const { merge(s, State{x, r}); }
  __device__ void merge(State& a, State b) const {
    if (better(a, b)) a = b;
  }
  template <class SO> __device__ void put(SO* p, State s) const { store(p, SO(s.i)); }
};

template <class S> struct AnyAllOp {
  using C = compute_t<S>;
  using State = bool;
  bool all;
  __device__ State init() const { return all; }
  __device__ void add(State& s, C x, int64_t) const { merge(s, x != C(0)); }
  __device__ void merge(State& a, State b) const { a = all ? (a && b) : (a || b); }
  template <class SO> __device__ void put(SO* p, State s) const { store(p, s); }
};

template <class S>
Status select_typed(const OpCall& c, const LaunchEnv& env) {
  switch (c.code) {
    case TSR_MIN: return run_reduction<S, S>(c, env, MinMaxOp<S>{false});
    case TSR_MAX: return run_reduction<S, S>(c, env, MinMaxOp<S>{true});
    case TSR_ARGMIN: return run_reduction<S, int64_t>(c, env, ArgOp<S>{false});
    case TSR_ARGMAX: return run_reduction<S, int64_t>(c, env, ArgOp<S>{true});
    case TSR_ANY: return run_reduction<S, Bool8>(c, env, AnyAllOp<S>{false});
    case TSR_ALL: return run_reduction<S, Bool8>(c, env, AnyAllOp<S>{true});
    default: return unsupported_dtype(c.name, c.in[0].dtype);
  }
}

}  // namespace

Status launch_reduce_select(const OpCall& c, const LaunchEnv& env) {
  return dispatch_dtype(c.in[0].dtype, [&](auto tag) { return select_typed<typename decltype(tag)::type>(c, env); });
}

}  // namespace tsr::gpu
