// maximum/minimum (NaN-propagating), comparisons, logical and bitwise ops.
// Comparisons and logical ops write bool; for bool operands the generic
// definitions give the CPU backend's truth tables (false < true).
#include "backends/cuda/kernels/binary.cuh"

namespace tsr::gpu {
namespace {

#define TSR_BINARY_FN(Name, R, expr)                                               \
  struct Name {                                                                    \
    template <class C> __device__ __forceinline__ R operator()(C a, C b) const { return expr; } \
  };
TSR_BINARY_FN(Maximum, C, math::maximum(a, b))
TSR_BINARY_FN(Minimum, C, math::minimum(a, b))
TSR_BINARY_FN(Equal, bool, a == b)
TSR_BINARY_FN(NotEqual, bool, a != b)
TSR_BINARY_FN(Less, bool, a < b)
TSR_BINARY_FN(LessEqual, bool, a <= b)
TSR_BINARY_FN(Greater, bool, a > b)
TSR_BINARY_FN(GreaterEqual, bool, a >= b)
TSR_BINARY_FN(LogicalAnd, bool, a != C(0) && b != C(0))
TSR_BINARY_FN(LogicalOr, bool, a != C(0) || b != C(0))
TSR_BINARY_FN(LogicalXor, bool, (a != C(0)) != (b != C(0)))
TSR_BINARY_FN(BitwiseAnd, C, C(a & b))
TSR_BINARY_FN(BitwiseOr, C, C(a | b))
TSR_BINARY_FN(BitwiseXor, C, C(a ^ b))
#undef TSR_BINARY_FN

template <class S>
Status compare_typed(const OpCall& c, const LaunchEnv& env) {
  switch (c.code) {
    case TSR_MAXIMUM: return run_binary<S, S>(c, env, Maximum{});
    case TSR_MINIMUM: return run_binary<S, S>(c, env, Minimum{});
    case TSR_EQUAL: return run_binary<S, Bool8>(c, env, Equal{});
    case TSR_NOT_EQUAL: return run_binary<S, Bool8>(c, env, NotEqual{});
    case TSR_LESS: return run_binary<S, Bool8>(c, env, Less{});
    case TSR_LESS_EQUAL: return run_binary<S, Bool8>(c, env, LessEqual{});
    case TSR_GREATER: return run_binary<S, Bool8>(c, env, Greater{});
    case TSR_GREATER_EQUAL: return run_binary<S, Bool8>(c, env, GreaterEqual{});
    default: break;
  }
  // The core casts logical operands to bool first: only bool kernels exist.
  if constexpr (is_bool_v<S>) {
    switch (c.code) {
      case TSR_LOGICAL_AND: return run_binary<S, Bool8>(c, env, LogicalAnd{});
      case TSR_LOGICAL_OR: return run_binary<S, Bool8>(c, env, LogicalOr{});
      case TSR_LOGICAL_XOR: return run_binary<S, Bool8>(c, env, LogicalXor{});
      default: break;
    }
  }
  if constexpr (!is_float_storage_v<S>) {
    switch (c.code) {
      case TSR_BITWISE_AND: return run_binary<S, S>(c, env, BitwiseAnd{});
      case TSR_BITWISE_OR: return run_binary<S, S>(c, env, BitwiseOr{});
      case TSR_BITWISE_XOR: return run_binary<S, S>(c, env, BitwiseXor{});
      default: break;
    }
  }
  return unsupported_dtype(c.name, c.in[0].dtype);
}

}  // namespace

Status launch_binary_compare(const OpCall& c, const LaunchEnv& env) {
  return dispatch_dtype(c.in[0].dtype, [&](auto tag) { return compare_typed<typename decltype(tag)::type>(c, env); });
}

}  // namespace tsr::gpu
