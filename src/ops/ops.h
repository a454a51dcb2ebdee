// The C++ front of every op: validate, resolve shapes and dtypes through the
// op table, prepare the output and launch. The C shims in src/api call these.
#pragma once
#include <memory>

#include "core/tensor.h"

namespace tsr::ops {

using TensorPtr = std::shared_ptr<Tensor>;

TensorPtr unary(tsr_unary_op op, const Tensor& x, Stream& s, const TensorPtr& out);
TensorPtr binary(tsr_binary_op op, const Tensor& a, const Tensor& b, Stream& s,
                 const TensorPtr& out);
TensorPtr binary_scalar(tsr_binary_op op, const Tensor& a, double scalar, bool scalar_first,
                        Stream& s, const TensorPtr& out);
TensorPtr where(const Tensor& cond, const Tensor& a, const Tensor& b, Stream& s,
                const TensorPtr& out);
TensorPtr astype(const Tensor& x, tsr_dtype dtype, Stream& s, const TensorPtr& out);
// dst = src converted, same shape; both in dst's context.
void copy_into(Tensor& dst, const Tensor& src, Stream& s);

TensorPtr fill(Context& ctx, const Shape& shape, tsr_dtype dtype,
               double value, Stream& s);
TensorPtr arange(Context& ctx, double start, double stop, double step,
                 tsr_dtype dtype, Stream& s);
TensorPtr random(Context& ctx, const Shape& shape, tsr_dtype dtype,
                 tsr_distribution dist, uint64_t seed, double a, double b, Stream& s);

TensorPtr reduce(tsr_reduce_op op, const Tensor& x, const int32_t* axes, int32_t num_axes,
                 bool keepdims, double correction, Stream& s, const TensorPtr& out);

TensorPtr matmul(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b, double alpha,
                 double beta, Stream& s, const TensorPtr& out);
TensorPtr linear(const Tensor& x, const Tensor& w, const Tensor* bias, tsr_activation act,
                 Stream& s, const TensorPtr& out);

TensorPtr softmax(const Tensor& x, bool log, Stream& s, const TensorPtr& out);
TensorPtr layer_norm(const Tensor& x, const Tensor* gamma, const Tensor* beta, double eps,
                     Stream& s, const TensorPtr& out);
TensorPtr rms_norm(const Tensor& x, const Tensor* gamma, double eps, Stream& s,
                   const TensorPtr& out);

}  // namespace tsr::ops

namespace tsr::ops {
// x itself when C-contiguous, else a contiguous copy on `s`.
TensorPtr contiguous(const Tensor& x, Stream& s);
// x itself when of dtype `dtype`, else a converted copy.
TensorPtr as_dtype(const Tensor& x, tsr_dtype dtype, Stream& s);

// As as_dtype, for an operand used only during the call: x itself is not
// referenced again (the caller's handle keeps it alive), so the common case
// takes no reference count round trip; a converted copy lives in here.
class InDtype {
 public:
  InDtype(const Tensor& x, tsr_dtype dtype, Stream& s)
      : copy_(x.dtype() == dtype ? nullptr : as_dtype(x, dtype, s)), t_(copy_ ? copy_.get() : &x) {}
  const Tensor& operator*() const { return *t_; }

 private:
  TensorPtr copy_;
  const Tensor* t_;
};
}  // namespace tsr::ops
