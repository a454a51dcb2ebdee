// Binary elementwise ops, shared by binary_arith.cu and binary_compare.cu
// (split so the two halves compile in parallel). A BinaryScalar call runs
// the same kernels with the scalar held in the kernel's arguments.
#pragma once
#include "backends/cuda/kernels/elementwise.cuh"

namespace tsr::gpu {

// Runs `f` for the call (Binary or BinaryScalar) with output storage SO.
template <class S, class SO, class F>
Status run_binary(const OpCall& c, const LaunchEnv& env, F f) {
  using C = compute_t<S>;
  if (c.kind == OpKind::Binary) {
    const TensorDesc* in[2] = {&c.in[0], &c.in[1]};
    const C none[2] = {C(), C()};
    return run_elementwise<S, SO, 2>(c, env, in, none, f);
  }
  const C s = math::convert<C>(c.scalar[0]);
  if (c.flags & 1u) {  // scalar first: op(scalar, a)
    const TensorDesc* in[2] = {nullptr, &c.in[0]};
    const C values[2] = {s, C()};
    return run_elementwise<S, SO, 2>(c, env, in, values, f);
  }
  const TensorDesc* in[2] = {&c.in[0], nullptr};
  const C values[2] = {C(), s};
  return run_elementwise<S, SO, 2>(c, env, in, values, f);
}

Status launch_binary_arith(const OpCall& c, const LaunchEnv& env);    // add .. pow
Status launch_binary_compare(const OpCall& c, const LaunchEnv& env);  // maximum .. bitwise_xor

}  // namespace tsr::gpu
