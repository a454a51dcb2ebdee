#include <cmath>

#include "core/dtype.h"
#include "core/error.h"
#include "ops/dispatch.h"
#include "ops/ops.h"

namespace tsr::ops {

namespace {

void check_row_op(const char* what, const Tensor& x) {
  TSR_CHECK(x.ndim() >= 1, TSR_ERROR_INVALID_SHAPE, "%s: needs at least one axis, got %s", what,
            x.shape().str().c_str());
  TSR_CHECK(is_floating(x.dtype()), TSR_ERROR_DTYPE_MISMATCH,
            "%s: needs a floating dtype, got %s", what, dtype_name(x.dtype()));
}

void check_param(const char* what, const char* name, const Tensor& x, const Tensor* p) {
  if (!p) return;
  int64_t last = x.shape()[x.ndim() - 1];
  TSR_CHECK(p->ndim() == 1 && p->shape()[0] == last, TSR_ERROR_SHAPE_MISMATCH,
            "%s: %s has shape %s, expected [%lld]", what, name, p->shape().str().c_str(),
            (long long)last);
}

// Row ops take x in any layout; kernels see a C-contiguous [rows, cols] x and
// output, and contiguous 1-D parameters.
TensorPtr row_op(OpKind kind, const char* what, const Tensor& x_in, const Tensor* p0,
                 const Tensor* p1, double eps, Stream& s, const TensorPtr& out) {
  check_row_op(what, x_in);
  check_same_context(what, s.context(), &x_in, p0, p1);
  TSR_CHECK(std::isfinite(eps) && eps >= 0, TSR_ERROR_INVALID_ARGUMENT,
            "%s: eps must be finite and >= 0", what);
  TensorPtr x = contiguous(x_in, s);
  TensorPtr g = p0 ? contiguous(*p0, s) : nullptr, b = p1 ? contiguous(*p1, s) : nullptr;
  TensorPtr y = prepare_output(what, s.context(), s, x->shape(), x->dtype(), out);
  TensorPtr yc = y->is_contiguous() ? y : Tensor::create(y->context(), y->shape(), y->dtype(), s);
  const int64_t cols = x->shape()[x->ndim() - 1];
  const int64_t rows = cols > 0 ? x->numel() / cols : 0;
  OpCall call;
  call.kind = kind;
  call.name = what;
  call.compute_dtype = x->dtype();
  auto as2d = [&](TensorDesc d) {
    d.ndim = 2;
    d.shape[0] = rows;
    d.shape[1] = cols;
    d.strides[0] = cols;
    d.strides[1] = 1;
    return d;
  };
  call.in[0] = as2d(x->desc());
  call.out = as2d(yc->desc());
  call.n_in = 1;
  if (g) {
    call.in[call.n_in++] = g->desc();
    call.flags |= 1u;
  }
  if (b) {
    call.in[call.n_in++] = b->desc();
    call.flags |= 2u;
  }
  call.scalar[0] = eps;
  launch(call, s, *yc, x.get(), g.get(), b.get());
  if (yc != y) copy_into(*y, *yc, s);
  return y;
}

}  // namespace

TensorPtr softmax(const Tensor& x, bool log, Stream& s, const TensorPtr& out) {
  return row_op(log ? OpKind::LogSoftmax : OpKind::Softmax, log ? "log_softmax" : "softmax", x,
                nullptr, nullptr, 0, s, out);
}

TensorPtr layer_norm(const Tensor& x, const Tensor* gamma, const Tensor* beta, double eps,
                     Stream& s, const TensorPtr& out) {
  check_row_op("layer_norm", x);
  check_param("layer_norm", "gamma", x, gamma);
  check_param("layer_norm", "beta", x, beta);
  return row_op(OpKind::LayerNorm, "layer_norm", x, gamma, beta, eps, s, out);
}

TensorPtr rms_norm(const Tensor& x, const Tensor* gamma, double eps, Stream& s,
                   const TensorPtr& out) {
  check_row_op("rms_norm", x);
  check_param("rms_norm", "gamma", x, gamma);
  return row_op(OpKind::RmsNorm, "rms_norm", x, gamma, nullptr, eps, s, out);
}

}  // namespace tsr::ops
