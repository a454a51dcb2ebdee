// The part of linear that no GEMM epilogue fused: out = act(out + bias),
// in place, bias broadcast along rows (stride 0, never materialized).
// Activations are the CPU backend's definitions (scalar_math.h); GELU is
// the tanh approximation, as the linear op specifies.
#include <cmath>

#include "backends/cuda/kernels/elementwise.cuh"

namespace tsr::gpu {
namespace {

template <class C> __device__ __forceinline__ C activate(int act, C x) {
  switch (act) {
    case TSR_ACTIVATION_RELU: return x > C(0) ? x : C(0);
    case TSR_ACTIVATION_GELU: return math::gelu_tanh(x);
    case TSR_ACTIVATION_SILU: return math::silu(x);
    case TSR_ACTIVATION_SIGMOID: return math::sigmoid(x);
    case TSR_ACTIVATION_TANH: return std::tanh(x);
    default: return x;
  }
}

struct Activate {
  int act;
  template <class C> __device__ __forceinline__ C operator()(C x) const { return activate(act, x); }
};
struct BiasActivate {
  int act;
  template <class C> __device__ __forceinline__ C operator()(C x, C b) const { return activate(act, C(x + b)); }
};

}  // namespace

Status launch_bias_activation(const TensorDesc& out, const TensorDesc* bias, int activation,
                              const char* op, const LaunchEnv& env) {
  OpCall c;
  c.kind = OpKind::Binary;
  c.name = op;
  c.out = out;
  c.in[0] = out;
  if (bias) {
    // [N] viewed as [M, N] with stride 0 on rows.
    c.in[1] = *bias;
    c.in[1].ndim = 2;
    c.in[1].shape[0] = out.shape[0];
    c.in[1].shape[1] = out.shape[1];
    c.in[1].strides[1] = bias->strides[0];
    c.in[1].strides[0] = 0;
  }
  // Contiguous out: one axis for the kernels when there is no bias.
  if (!bias) {
    c.out.ndim = c.in[0].ndim = 1;
    c.out.shape[0] = c.in[0].shape[0] = out.shape[0] * out.shape[1];
    c.out.strides[0] = c.in[0].strides[0] = 1;
  }
  return dispatch_float(out.dtype, op, [&](auto tag) {
    using S = typename decltype(tag)::type;
    using C = compute_t<S>;
    if (bias) {
      const TensorDesc* in[2] = {&c.in[0], &c.in[1]};
      const C none[2] = {C(), C()};
      return run_elementwise<S, S, 2>(c, env, in, none, BiasActivate{activation});
    }
    const TensorDesc* in[1] = {&c.in[0]};
    const C none[1] = {C()};
    return run_elementwise<S, S, 1>(c, env, in, none, Activate{activation});
  });
}

}  // namespace tsr::gpu
