// Unary elementwise ops: one kernel per (op, dtype) that the op table lets
// through. Semantics are the CPU backend's (backends/cpu/scalar_math.h):
// integer abs/negate wrap, round is half-to-even, relu keeps NaN.
#include <cmath>

#include "backends/cuda/kernels/elementwise.cuh"

namespace tsr::gpu {
namespace {

#define TSR_UNARY_FN(Name, expr)                                          \
  struct Name {                                                           \
    template <class C> __device__ __forceinline__ C operator()(C x) const { return expr; } \
  };

TSR_UNARY_FN(Abs, math::absolute(x))
TSR_UNARY_FN(Negative, math::negate(x))
TSR_UNARY_FN(Square, math::wrap_mul(x, x))
TSR_UNARY_FN(Sign, math::sign(x))
TSR_UNARY_FN(Identity, x)
TSR_UNARY_FN(Floor, std::floor(x))
TSR_UNARY_FN(Ceil, std::ceil(x))
TSR_UNARY_FN(Round, std::nearbyint(x))  // half to even in the default rounding mode
TSR_UNARY_FN(Exp, std::exp(x))
TSR_UNARY_FN(Expm1, std::expm1(x))
TSR_UNARY_FN(Log, std::log(x))
TSR_UNARY_FN(Log1p, std::log1p(x))
TSR_UNARY_FN(Sqrt, std::sqrt(x))
TSR_UNARY_FN(Rsqrt, C(1) / std::sqrt(x))
TSR_UNARY_FN(Sin, std::sin(x))
TSR_UNARY_FN(Cos, std::cos(x))
TSR_UNARY_FN(Tan, std::tan(x))
TSR_UNARY_FN(Tanh, std::tanh(x))
TSR_UNARY_FN(Sigmoid, math::sigmoid(x))
TSR_UNARY_FN(Gelu, math::gelu(x))
TSR_UNARY_FN(Silu, math::silu(x))
#undef TSR_UNARY_FN

// NaN propagates (NaN < 0 is false), as on the CPU; unsigned values pass.
struct Relu {
  template <class C> __device__ __forceinline__ C operator()(C x) const {
    if constexpr (std::is_unsigned_v<C>) return x;
    else return x < C(0) ? C(0) : x;
  }
};
struct LogicalNot {
  template <class C> __device__ __forceinline__ bool operator()(C x) const {
    if constexpr (std::is_same_v<C, bool>) return !x;
    else return x == C(0);
  }
};
struct IsNan {
  template <class C> __device__ __forceinline__ bool operator()(C x) const {
    if constexpr (std::is_floating_point_v<C>) return std::isnan(x);
    else return (void)x, false;
  }
};
struct IsInf {
  template <class C> __device__ __forceinline__ bool operator()(C x) const {
    if constexpr (std::is_floating_point_v<C>) return std::isinf(x);
    else return (void)x, false;
  }
};

template <class S>
Status unary_typed(const OpCall& c, const LaunchEnv& env) {
  using C = compute_t<S>;
  const TensorDesc* in[1] = {&c.in[0]};
  const C none[1] = {C()};
  auto same = [&](auto f) { return run_elementwise<S, S, 1>(c, env, in, none, f); };
  auto to_bool = [&](auto f) { return run_elementwise<S, Bool8, 1>(c, env, in, none, f); };
  switch (c.code) {
    case TSR_LOGICAL_NOT: return to_bool(LogicalNot{});
    case TSR_ISNAN: return to_bool(IsNan{});
    case TSR_ISINF: return to_bool(IsInf{});
    default: break;
  }
  if constexpr (!is_bool_v<S>) {
    switch (c.code) {
      case TSR_ABS: return same(Abs{});
      case TSR_NEGATIVE: return same(Negative{});
      case TSR_SQUARE: return same(Square{});
      case TSR_SIGN: return same(Sign{});
      case TSR_RELU: return same(Relu{});
      default: break;
    }
  }
  if constexpr (is_int_storage_v<S>) {
    // Integers are already whole.
    if (c.code == TSR_FLOOR || c.code == TSR_CEIL || c.code == TSR_ROUND) return same(Identity{});
  }
  if constexpr (is_float_storage_v<S>) {
    switch (c.code) {
      case TSR_FLOOR: return same(Floor{});
      case TSR_CEIL: return same(Ceil{});
      case TSR_ROUND: return same(Round{});
      case TSR_EXP: return same(Exp{});
      case TSR_EXPM1: return same(Expm1{});
      case TSR_LOG: return same(Log{});
      case TSR_LOG1P: return same(Log1p{});
      case TSR_SQRT: return same(Sqrt{});
      case TSR_RSQRT: return same(Rsqrt{});
      case TSR_SIN: return same(Sin{});
      case TSR_COS: return same(Cos{});
      case TSR_TAN: return same(Tan{});
      case TSR_TANH: return same(Tanh{});
      case TSR_SIGMOID: return same(Sigmoid{});
      case TSR_GELU: return same(Gelu{});
      case TSR_SILU: return same(Silu{});
      default: break;
    }
  }
  return unsupported_dtype(c.name, c.in[0].dtype);
}

}  // namespace

Status launch_unary(const OpCall& c, const LaunchEnv& env) {
  return dispatch_dtype(c.in[0].dtype, [&](auto tag) { return unary_typed<typename decltype(tag)::type>(c, env); });
}

}  // namespace tsr::gpu
