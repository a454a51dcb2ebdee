#include <cmath>

#include "core/dtype.h"
#include "core/error.h"
#include "ops/dispatch.h"
#include "ops/op_table.h"
#include "ops/ops.h"

namespace tsr::ops {

TensorPtr unary(tsr_unary_op op, const Tensor& x_in, Stream& s, const TensorPtr& out) {
  const OpInfo& info = unary_info(op);
  check_same_context(info.name, s.context(), &x_in);
  tsr_dtype rd = unary_result_dtype(op, x_in.dtype());
  // Kernels see one dtype in: math functions of integers read float32.
  InDtype xp(x_in, info.rule == DtypeRule::Float ? rd : x_in.dtype(), s);
  const Tensor& x = *xp;
  TensorPtr y = prepare_output(info.name, s.context(), s, x.shape(), rd, out);
  OpCall call;
  call.kind = OpKind::Unary;
  call.code = op;
  call.name = info.name;
  call.compute_dtype = info.rule == DtypeRule::ToBool || info.rule == DtypeRule::Logical
                           ? x.dtype()
                           : rd;
  call.n_in = 1;
  call.in[0] = x.desc();
  call.out = y->desc();
  coalesce_axes(call);
  launch(call, s, *y, &x);
  return y;
}

TensorPtr binary(tsr_binary_op op, const Tensor& a_in, const Tensor& b_in, Stream& s,
                 const TensorPtr& out) {
  const OpInfo& info = binary_info(op);
  check_same_context(info.name, s.context(), &a_in, &b_in);
  tsr_dtype compute, result;
  binary_dtypes(op, a_in.dtype(), b_in.dtype(), &compute, &result);
  // Kernels see operands in the compute dtype: mixed inputs are cast first.
  InDtype ap(a_in, compute, s), bp(b_in, compute, s);
  const Tensor& a = *ap;
  const Tensor& b = *bp;
  const bool same_shape = a.shape() == b.shape();
  Shape shape = same_shape ? a.shape() : broadcast_shapes(a.shape(), b.shape(), info.name);
  TensorPtr y = prepare_output(info.name, s.context(), s, shape, result, out);
  OpCall call;
  call.kind = OpKind::Binary;
  call.code = op;
  call.name = info.name;
  call.compute_dtype = compute;
  call.n_in = 2;
  if (same_shape && a.is_contiguous() && b.is_contiguous() && y->is_contiguous()) {
    // The common case, in short (host cost per tiny op): no broadcasting,
    // and one flat axis is what coalescing would give.
    set_flat_desc(a, &call.in[0]);
    set_flat_desc(b, &call.in[1]);
    set_flat_desc(*y, &call.out);
  } else {
    call.in[0] = broadcast_desc(a, shape);
    call.in[1] = broadcast_desc(b, shape);
    call.out = y->desc();
    coalesce_axes(call);
  }
  launch(call, s, *y, &a, &b);
  return y;
}

TensorPtr binary_scalar(tsr_binary_op op, const Tensor& a_in, double scalar, bool scalar_first,
                        Stream& s, const TensorPtr& out) {
  const OpInfo& info = binary_info(op);
  check_same_context(info.name, s.context(), &a_in);
  tsr_dtype compute, result;
  binary_scalar_dtypes(op, a_in.dtype(), scalar, &compute, &result);
  InDtype ap(a_in, compute, s);
  const Tensor& a = *ap;
  TensorPtr y = prepare_output(info.name, s.context(), s, a.shape(), result, out);
  OpCall call;
  call.kind = OpKind::BinaryScalar;
  call.code = op;
  call.name = info.name;
  call.compute_dtype = compute;
  call.n_in = 1;
  call.in[0] = a.desc();
  call.out = y->desc();
  call.scalar[0] = scalar;
  call.flags = scalar_first ? 1u : 0u;
  coalesce_axes(call);
  launch(call, s, *y, &a);
  return y;
}

TensorPtr where(const Tensor& cond_in, const Tensor& a_in, const Tensor& b_in, Stream& s,
                const TensorPtr& out) {
  check_same_context("where", s.context(), &cond_in, &a_in, &b_in);
  tsr_dtype result = promote(a_in.dtype(), b_in.dtype(), "where");
  InDtype cp(cond_in, TSR_BOOL, s), ap(a_in, result, s), bp(b_in, result, s);
  const Tensor& cond = *cp;
  const Tensor& a = *ap;
  const Tensor& b = *bp;
  Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(),
                                 "where");
  TensorPtr y = prepare_output("where", s.context(), s, shape, result, out);
  OpCall call;
  call.kind = OpKind::Where;
  call.name = "where";
  call.compute_dtype = result;
  call.n_in = 3;
  call.in[0] = broadcast_desc(cond, shape);
  call.in[1] = broadcast_desc(a, shape);
  call.in[2] = broadcast_desc(b, shape);
  call.out = y->desc();
  coalesce_axes(call);
  launch(call, s, *y, &cond, &a, &b);
  return y;
}

void copy_into(Tensor& dst, const Tensor& src, Stream& s) {
  check_same_context("copy", s.context(), &dst, &src);
  TSR_CHECK(dst.shape() == src.shape(), TSR_ERROR_SHAPE_MISMATCH,
            "copy: destination shape %s differs from source shape %s", dst.shape().str().c_str(),
            src.shape().str().c_str());
  if (dst.numel() == 0) return;
  check_writable("copy", dst);
  OpCall call;
  call.kind = OpKind::Copy;
  call.name = "copy";
  call.compute_dtype = dst.dtype();
  call.n_in = 1;
  call.in[0] = src.desc();
  call.out = dst.desc();
  coalesce_axes(call);
  launch(call, s, dst, &src);
}

TensorPtr astype(const Tensor& x, tsr_dtype dtype, Stream& s, const TensorPtr& out) {
  TSR_CHECK(dtype_valid(dtype), TSR_ERROR_INVALID_ARGUMENT, "astype: invalid dtype %d", int(dtype));
  TensorPtr y = prepare_output("astype", s.context(), s, x.shape(), dtype, out);
  copy_into(*y, x, s);
  return y;
}

TensorPtr fill(Context& ctx, const Shape& shape, tsr_dtype dtype,
               double value, Stream& s) {
  TensorPtr y = Tensor::create(ctx, shape, dtype, s);
  if (y->numel() == 0) return y;
  OpCall call;
  call.kind = OpKind::Fill;
  call.name = "full";
  call.compute_dtype = dtype;
  call.out = y->desc();
  call.scalar[0] = value;
  coalesce_axes(call);
  launch(call, s, *y);
  return y;
}

TensorPtr arange(Context& ctx, double start, double stop, double step,
                 tsr_dtype dtype, Stream& s) {
  TSR_CHECK(step != 0 && std::isfinite(step) && std::isfinite(start) && std::isfinite(stop),
            TSR_ERROR_INVALID_ARGUMENT, "arange: start, stop and step must be finite, step != 0");
  double n = std::ceil((stop - start) / step);
  if (n < 0) n = 0;
  TSR_CHECK(n < 9.0e18, TSR_ERROR_SIZE_OVERFLOW, "arange: %g elements overflow int64", n);
  int64_t count = int64_t(n);
  Shape shape = make_shape(&count, 1, dtype);
  TensorPtr y = Tensor::create(ctx, shape, dtype, s);
  if (count == 0) return y;
  OpCall call;
  call.kind = OpKind::Arange;
  call.name = "arange";
  call.compute_dtype = dtype;
  call.out = y->desc();
  call.scalar[0] = start;
  call.scalar[1] = step;
  launch(call, s, *y);
  return y;
}

TensorPtr random(Context& ctx, const Shape& shape, tsr_dtype dtype,
                 tsr_distribution dist, uint64_t seed, double a, double b, Stream& s) {
  TSR_CHECK(dist == TSR_RANDOM_UNIFORM || dist == TSR_RANDOM_NORMAL, TSR_ERROR_INVALID_ARGUMENT,
            "random: invalid distribution %d", int(dist));
  TSR_CHECK(dtype != TSR_BOOL && (dist == TSR_RANDOM_UNIFORM || is_floating(dtype)),
            TSR_ERROR_DTYPE_MISMATCH, "random: %s draws cannot be %s",
            dist == TSR_RANDOM_UNIFORM ? "uniform" : "normal", dtype_name(dtype));
  TSR_CHECK(std::isfinite(a) && std::isfinite(b), TSR_ERROR_INVALID_ARGUMENT,
            "random: parameters must be finite");
  TSR_CHECK(dist == TSR_RANDOM_UNIFORM ? a <= b : b >= 0, TSR_ERROR_INVALID_ARGUMENT,
            "random: %s", dist == TSR_RANDOM_UNIFORM ? "low must not exceed high"
                                                     : "standard deviation must be >= 0");
  TensorPtr y = Tensor::create(ctx, shape, dtype, s);
  if (y->numel() == 0) return y;
  OpCall call;
  call.kind = OpKind::Random;
  call.code = dist;
  call.name = "random";
  call.compute_dtype = dtype;
  call.out = y->desc();
  call.seed = seed;
  call.scalar[0] = a;
  call.scalar[1] = b;
  launch(call, s, *y);
  return y;
}

}  // namespace tsr::ops

namespace tsr::ops {

TensorPtr contiguous(const Tensor& x, Stream& s) {
  if (x.is_contiguous())
    return std::static_pointer_cast<Tensor>(const_cast<Tensor&>(x).shared_from_this());
  return astype(x, x.dtype(), s, nullptr);
}

TensorPtr as_dtype(const Tensor& x, tsr_dtype dtype, Stream& s) {
  if (x.dtype() == dtype)
    return std::static_pointer_cast<Tensor>(const_cast<Tensor&>(x).shared_from_this());
  return astype(x, dtype, s, nullptr);
}

}  // namespace tsr::ops
