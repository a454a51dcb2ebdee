// One op as the core hands it to a backend: already validated, shapes
// resolved, output allocated. Elementwise inputs arrive broadcast to the
// output's shape (stride 0 on expanded axes), so backends never broadcast.
#pragma once
#include <cstdint>
#include "core/tensor_desc.h"

namespace tsr {

class Storage;

enum class OpKind : int32_t {
  Unary,        // code = tsr_unary_op; in[0] -> out
  Binary,       // code = tsr_binary_op; in[0], in[1] (same shape as out) -> out
  BinaryScalar, // code = tsr_binary_op; in[0] op scalar[0] (or reversed when flags&1)
  Where,        // in[0] cond, in[1] a, in[2] b -> out
  Copy,         // in[0] -> out, any dtypes (astype, contiguous, copy)
  Fill,         // out = scalar[0]
  Arange,       // out[i] = scalar[0] + i * scalar[1]
  Random,       // code = tsr_distribution; seed; scalar[0] a, scalar[1] b
  Reduce,       // code = tsr_reduce_op; in[0] -> out (keepdims shape); reduce_axis[] marks axes
  Matmul,       // in[0] [..,M,K], in[1] [..,K,N] (batch axes broadcast) -> out [..,M,N];
                // scalar[0] alpha, scalar[1] beta
  Linear,       // in[0] x [..,K] viewed as [M,K], in[1] w^T [K,N], in[2] bias [N] or
                // absent (n_in == 2); code = tsr_activation -> out [M,N]
  Softmax,      // last axis
  LogSoftmax,   // last axis
  LayerNorm,    // in[0] x, in[1] gamma?, in[2] beta? (flags bit0/bit1 say present); scalar[0] eps
  RmsNorm,      // in[0] x, in[1] gamma? (flags bit0); scalar[0] eps
  Count
};

const char* op_kind_name(OpKind kind);

struct OpCall {
  OpKind kind = OpKind::Unary;
  int32_t code = 0;
  const char* name = "";       // for error messages, e.g. "add"
  tsr_dtype compute_dtype = TSR_FLOAT32;  // what the op computes in
  int32_t n_in = 0;
  TensorDesc in[3];
  TensorDesc out;
  double scalar[2] = {0, 0};
  uint64_t seed = 0;
  uint32_t flags = 0;
  bool reduce_axis[TSR_MAX_DIMS] = {};
  uint32_t context_flags = 0;  // TSR_CONTEXT_* of the owning context
  // Storages the descs point into, so an asynchronous backend can keep them
  // alive until the work runs (null where absent).
  Storage* storages[4] = {};
};

}  // namespace tsr
