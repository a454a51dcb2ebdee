// Arithmetic binary ops: add, subtract, multiply, divide, floor_divide,
// remainder, pow. Integers wrap, divide by zero gives 0, floor_divide and
// remainder follow Python (backends/cpu/scalar_math.h, shared).
#include "backends/cuda/kernels/binary.cuh"

namespace tsr::gpu {
namespace {

#define TSR_BINARY_FN(Name, expr)                                                  \
  struct Name {                                                                    \
    template <class C> __device__ __forceinline__ C operator()(C a, C b) const { return expr; } \
  };
TSR_BINARY_FN(Add, math::wrap_add(a, b))
TSR_BINARY_FN(Subtract, math::wrap_sub(a, b))
TSR_BINARY_FN(Multiply, math::wrap_mul(a, b))
TSR_BINARY_FN(Divide, a / b)
TSR_BINARY_FN(FloorDivide, math::floor_div(a, b))
TSR_BINARY_FN(Remainder, math::remainder(a, b))
TSR_BINARY_FN(Power, math::power(a, b))
#undef TSR_BINARY_FN

template <class S>
Status arith_typed(const OpCall& c, const LaunchEnv& env) {
  if constexpr (!is_bool_v<S>) {
    switch (c.code) {
      case TSR_ADD: return run_binary<S, S>(c, env, Add{});
      case TSR_SUBTRACT: return run_binary<S, S>(c, env, Subtract{});
      case TSR_MULTIPLY: return run_binary<S, S>(c, env, Multiply{});
      case TSR_FLOOR_DIVIDE: return run_binary<S, S>(c, env, FloorDivide{});
      case TSR_REMAINDER: return run_binary<S, S>(c, env, Remainder{});
      case TSR_POW: return run_binary<S, S>(c, env, Power{});
      default: break;
    }
  }
  if constexpr (is_float_storage_v<S>)
    if (c.code == TSR_DIVIDE) return run_binary<S, S>(c, env, Divide{});
  return unsupported_dtype(c.name, c.in[0].dtype);
}

}  // namespace

Status launch_binary_arith(const OpCall& c, const LaunchEnv& env) {
  return dispatch_dtype(c.in[0].dtype, [&](auto tag) { return arith_typed<typename decltype(tag)::type>(c, env); });
}

Status launch_binary(const OpCall& c, const LaunchEnv& env) {
  return c.code <= TSR_POW ? launch_binary_arith(c, env) : launch_binary_compare(c, env);
}

}  // namespace tsr::gpu
