#include <cmath>
#include <utility>

#include "core/dtype.h"
#include "core/error.h"
#include "ops/dispatch.h"
#include "ops/ops.h"

namespace tsr::ops {

namespace {
// A desc of x with the last two axes swapped.
void swap_last(TensorDesc& d) {
  if (d.ndim < 2) return;
  std::swap(d.shape[d.ndim - 1], d.shape[d.ndim - 2]);
  std::swap(d.strides[d.ndim - 1], d.strides[d.ndim - 2]);
}
}  // namespace

TensorPtr matmul(const Tensor& a_in, const Tensor& b_in, bool trans_a, bool trans_b, double alpha,
                 double beta, Stream& s, const TensorPtr& out) {
  const char* what = "matmul";
  check_same_context(what, s.context(), &a_in, &b_in);
  TSR_CHECK(a_in.ndim() >= 1 && b_in.ndim() >= 1, TSR_ERROR_INVALID_SHAPE,
            "matmul: operands must have at least one axis, got %s and %s",
            a_in.shape().str().c_str(), b_in.shape().str().c_str());
  TSR_CHECK(std::isfinite(alpha) && std::isfinite(beta), TSR_ERROR_INVALID_ARGUMENT,
            "matmul: alpha and beta must be finite");
  TSR_CHECK(beta == 0 || out, TSR_ERROR_INVALID_ARGUMENT,
            "matmul: beta = %g needs a caller-supplied output", beta);
  tsr_dtype dt = promote(a_in.dtype(), b_in.dtype(), what);
  TSR_CHECK(dt != TSR_BOOL, TSR_ERROR_DTYPE_MISMATCH, "matmul: not defined for bool");
  // As in torch.addmm: integer products take integer scale factors only,
  // rather than truncating 0.5 to 0 without a word.
  TSR_CHECK(is_floating(dt) || (alpha == std::trunc(alpha) && beta == std::trunc(beta)),
            TSR_ERROR_INVALID_ARGUMENT,
            "matmul: %s operands need integral alpha and beta, got %g and %g", dtype_name(dt),
            alpha, beta);
  TensorPtr a = as_dtype(a_in, dt, s), b = as_dtype(b_in, dt, s);

  // Work on descs in [batch..., rows, cols] form.
  TensorDesc da = a->desc(), db = b->desc();
  const bool a_vec = da.ndim == 1, b_vec = db.ndim == 1;
  if (a_vec) {  // [K] -> [1, K]
    da.ndim = 2;
    da.shape[1] = da.shape[0];
    da.strides[1] = da.strides[0];
    da.shape[0] = 1;
    da.strides[0] = 0;
  } else if (trans_a) {
    swap_last(da);
  }
  if (b_vec) {  // [K] -> [K, 1]
    db.ndim = 2;
    db.shape[1] = 1;
    db.strides[1] = 0;
  } else if (trans_b) {
    swap_last(db);
  }
  const int64_t M = da.shape[da.ndim - 2], K = da.shape[da.ndim - 1];
  const int64_t K2 = db.shape[db.ndim - 2], N = db.shape[db.ndim - 1];
  TSR_CHECK(K == K2, TSR_ERROR_SHAPE_MISMATCH,
            "matmul: inner dimensions differ: %s%s @ %s%s (%lld vs %lld)",
            a_in.shape().str().c_str(), trans_a ? "^T" : "", b_in.shape().str().c_str(),
            trans_b ? "^T" : "", (long long)K, (long long)K2);

  Shape ba, bb;
  ba.ndim = da.ndim - 2;
  bb.ndim = db.ndim - 2;
  for (int i = 0; i < ba.ndim; ++i) ba.dims[i] = da.shape[i];
  for (int i = 0; i < bb.ndim; ++i) bb.dims[i] = db.shape[i];
  Shape batch = broadcast_shapes(ba, bb, what);

  Shape result = batch;
  if (!a_vec) result.dims[result.ndim++] = M;
  if (!b_vec) result.dims[result.ndim++] = N;
  TSR_CHECK(result.ndim <= TSR_MAX_DIMS, TSR_ERROR_TOO_MANY_DIMS, "matmul: result has too many axes");
  TensorPtr y = prepare_output(what, s.context(), s, result, dt, out);

  // Full descs: batch axes broadcast (stride 0), then the two matrix axes.
  auto expand = [&](const TensorDesc& d, int64_t r, int64_t c) {
    TensorDesc e = d;
    e.ndim = batch.ndim + 2;
    int off = (d.ndim - 2) - batch.ndim;
    for (int i = 0; i < batch.ndim; ++i) {
      int j = i + off;
      e.shape[i] = batch.dims[i];
      e.strides[i] = (j < 0 || d.shape[j] == 1) ? 0 : d.strides[j];
    }
    e.shape[batch.ndim] = r;
    e.strides[batch.ndim] = d.strides[d.ndim - 2];
    e.shape[batch.ndim + 1] = c;
    e.strides[batch.ndim + 1] = d.strides[d.ndim - 1];
    return e;
  };
  OpCall call;
  call.kind = OpKind::Matmul;
  call.name = what;
  call.compute_dtype = dt;
  call.n_in = 2;
  call.in[0] = expand(da, M, K);
  call.in[1] = expand(db, K, N);
  TensorDesc dy = y->desc();
  TensorDesc full = dy;
  full.ndim = batch.ndim + 2;
  for (int i = 0; i < batch.ndim; ++i) {
    full.shape[i] = batch.dims[i];
    full.strides[i] = dy.strides[i];
  }
  full.shape[batch.ndim] = M;
  full.shape[batch.ndim + 1] = N;
  full.strides[batch.ndim] = a_vec ? 0 : dy.strides[batch.ndim];
  full.strides[batch.ndim + 1] = b_vec ? 0 : dy.strides[dy.ndim - 1];
  if (a_vec && !b_vec) full.strides[batch.ndim + 1] = dy.strides[dy.ndim - 1];
  call.out = full;
  call.scalar[0] = alpha;
  call.scalar[1] = beta;
  if (K == 0 && beta == 0) {
    // An empty inner dimension: the product is all zeros (no backend call).
    call.kind = OpKind::Fill;
    call.name = "matmul";
    call.n_in = 0;
    call.scalar[0] = 0;
    launch(call, s, *y);
    return y;
  }
  launch(call, s, *y, a.get(), b.get());
  return y;
}

TensorPtr linear(const Tensor& x_in, const Tensor& w, const Tensor* bias, tsr_activation act,
                 Stream& s, const TensorPtr& out) {
  const char* what = "linear";
  check_same_context(what, s.context(), &x_in, &w, bias);
  TSR_CHECK(act >= TSR_ACTIVATION_NONE && act <= TSR_ACTIVATION_TANH, TSR_ERROR_INVALID_ARGUMENT,
            "linear: invalid activation %d", int(act));
  TSR_CHECK(x_in.ndim() >= 1 && w.ndim() == 2, TSR_ERROR_INVALID_SHAPE,
            "linear: x must have at least 1 axis and weight exactly 2, got %s and %s",
            x_in.shape().str().c_str(), w.shape().str().c_str());
  TSR_CHECK(is_floating(x_in.dtype()) && x_in.dtype() == w.dtype() &&
                (!bias || bias->dtype() == x_in.dtype()),
            TSR_ERROR_DTYPE_MISMATCH,
            "linear: x, weight and bias must share one floating dtype, got %s, %s and %s",
            dtype_name(x_in.dtype()), dtype_name(w.dtype()),
            bias ? dtype_name(bias->dtype()) : "none");
  const int64_t K = x_in.shape()[x_in.ndim() - 1], N = w.shape()[0];
  TSR_CHECK(w.shape()[1] == K, TSR_ERROR_SHAPE_MISMATCH,
            "linear: x %s has %lld features but weight %s expects %lld",
            x_in.shape().str().c_str(), (long long)K, w.shape().str().c_str(),
            (long long)w.shape()[1]);
  TSR_CHECK(!bias || (bias->ndim() == 1 && bias->shape()[0] == N), TSR_ERROR_SHAPE_MISMATCH,
            "linear: bias %s must have shape [%lld]", bias ? bias->shape().str().c_str() : "",
            (long long)N);
  TensorPtr x = contiguous(x_in, s);
  Shape result = x->shape();
  result.dims[result.ndim - 1] = N;
  TensorPtr y = prepare_output(what, s.context(), s, result, x->dtype(), out);
  TensorPtr yc = y->is_contiguous() ? y : Tensor::create(y->context(), result, y->dtype(), s);
  const int64_t M = K > 0 ? x->numel() / K : result.numel() / (N > 0 ? N : 1);

  OpCall call;
  call.kind = OpKind::Linear;
  call.code = act;
  call.name = what;
  call.compute_dtype = x->dtype();
  call.n_in = bias ? 3 : 2;
  TensorDesc dx = x->desc();
  dx.ndim = 2;
  dx.shape[0] = M;
  dx.shape[1] = K;
  dx.strides[0] = K;
  dx.strides[1] = 1;
  call.in[0] = dx;
  TensorDesc dw = w.desc();  // [N, K] viewed as w^T [K, N]
  swap_last(dw);
  call.in[1] = dw;
  if (bias) call.in[2] = bias->desc();
  TensorDesc dy = yc->desc();
  dy.ndim = 2;
  dy.shape[0] = M;
  dy.shape[1] = N;
  dy.strides[0] = N;
  dy.strides[1] = 1;
  call.out = dy;
  launch(call, s, *yc, x.get(), &w, bias);
  if (yc != y) copy_into(*y, *yc, s);
  return y;
}

}  // namespace tsr::ops
