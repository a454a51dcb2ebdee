// The op entry points: handles in, the C++ op front (src/ops) in between.
#include "api/api_util.h"
#include "ops/ops.h"

using namespace tsr;
using namespace tsr::api;

extern "C" {

TSR_API tsr_status tsr_unary(tsr_unary_op op, tsr_tensor x, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(x, "x");
  auto o = out_tensor(out);
  set_out(out, ops::unary(op, t, stream_arg(stream, t.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_binary(tsr_binary_op op, tsr_tensor a, tsr_tensor b, tsr_stream stream,
                              tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& ta = tensor_arg(a, "a");
  Tensor& tb = tensor_arg(b, "b");
  auto o = out_tensor(out);
  set_out(out, ops::binary(op, ta, tb, stream_arg(stream, ta.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_binary_scalar(tsr_binary_op op, tsr_tensor a, double scalar,
                                     int32_t scalar_first, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& ta = tensor_arg(a, "a");
  auto o = out_tensor(out);
  set_out(out, ops::binary_scalar(op, ta, scalar, scalar_first != 0, stream_arg(stream, ta.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_where(tsr_tensor cond, tsr_tensor a, tsr_tensor b, tsr_stream stream,
                             tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& tc = tensor_arg(cond, "cond");
  Tensor& ta = tensor_arg(a, "a");
  Tensor& tb = tensor_arg(b, "b");
  auto o = out_tensor(out);
  set_out(out, ops::where(tc, ta, tb, stream_arg(stream, ta.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_astype(tsr_tensor x, tsr_dtype dtype, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(x, "x");
  auto o = out_tensor(out);
  set_out(out, ops::astype(t, dtype, stream_arg(stream, t.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_reduce(tsr_reduce_op op, tsr_tensor x, const int32_t* axes,
                              int32_t num_axes, int32_t keepdims, double correction,
                              tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(x, "x");
  auto o = out_tensor(out);
  set_out(out, ops::reduce(op, t, axes, num_axes, keepdims != 0, correction,
                           stream_arg(stream, t.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_matmul(tsr_tensor a, tsr_tensor b, int32_t trans_a, int32_t trans_b,
                              double alpha, double beta, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& ta = tensor_arg(a, "a");
  Tensor& tb = tensor_arg(b, "b");
  auto o = out_tensor(out);
  set_out(out, ops::matmul(ta, tb, trans_a != 0, trans_b != 0, alpha, beta,
                           stream_arg(stream, ta.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_linear(tsr_tensor x, tsr_tensor weight, tsr_tensor bias,
                              tsr_activation activation, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& tx = tensor_arg(x, "x");
  Tensor& tw = tensor_arg(weight, "weight");
  Tensor* tb = optional_tensor(bias, "bias");
  auto o = out_tensor(out);
  set_out(out, ops::linear(tx, tw, tb, activation, stream_arg(stream, tx.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_softmax(tsr_tensor x, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(x, "x");
  auto o = out_tensor(out);
  set_out(out, ops::softmax(t, false, stream_arg(stream, t.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_log_softmax(tsr_tensor x, tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(x, "x");
  auto o = out_tensor(out);
  set_out(out, ops::softmax(t, true, stream_arg(stream, t.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_layer_norm(tsr_tensor x, tsr_tensor gamma, tsr_tensor beta, double eps,
                                  tsr_stream stream, tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(x, "x");
  Tensor* g = optional_tensor(gamma, "gamma");
  Tensor* b = optional_tensor(beta, "beta");
  auto o = out_tensor(out);
  set_out(out, ops::layer_norm(t, g, b, eps, stream_arg(stream, t.context()), o));
  TSR_API_END
}

TSR_API tsr_status tsr_rms_norm(tsr_tensor x, tsr_tensor gamma, double eps, tsr_stream stream,
                                tsr_tensor* out) {
  TSR_API_BEGIN
  Tensor& t = tensor_arg(x, "x");
  Tensor* g = optional_tensor(gamma, "gamma");
  auto o = out_tensor(out);
  set_out(out, ops::rms_norm(t, g, eps, stream_arg(stream, t.context()), o));
  TSR_API_END
}

}  // extern "C"
