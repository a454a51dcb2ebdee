#include <cmath>

#include "core/dtype.h"
#include "core/error.h"
#include "ops/dispatch.h"
#include "ops/op_table.h"
#include "ops/ops.h"

namespace tsr::ops {

TensorPtr reduce(tsr_reduce_op op, const Tensor& x, const int32_t* axes, int32_t num_axes,
                 bool keepdims, double correction, Stream& s, const TensorPtr& out) {
  const OpInfo& info = reduce_info(op);
  check_same_context(info.name, s.context(), &x);
  const int nd = x.ndim();
  bool mask[TSR_MAX_DIMS] = {};
  int count = 0;
  if (num_axes < 0) {
    TSR_CHECK(num_axes == -1, TSR_ERROR_INVALID_ARGUMENT,
              "%s: num_axes is %d (use -1 for every axis)", info.name, num_axes);
    for (int i = 0; i < nd; ++i) mask[i] = true;
    count = nd;
  } else {
    TSR_CHECK(num_axes == 0 || axes, TSR_ERROR_NULL_POINTER, "%s: axes is null", info.name);
    TSR_CHECK(num_axes <= nd, TSR_ERROR_INVALID_ARGUMENT, "%s: %d axes for a %d-d tensor",
              info.name, num_axes, nd);
    for (int i = 0; i < num_axes; ++i) {
      int a = normalize_axis(axes[i], nd, info.name);
      TSR_CHECK(!mask[a], TSR_ERROR_INVALID_ARGUMENT, "%s: axis %d given twice", info.name, a);
      mask[a] = true;
      ++count;
    }
  }
  if (op == TSR_ARGMIN || op == TSR_ARGMAX)
    TSR_CHECK(count <= 1 || count == nd, TSR_ERROR_UNSUPPORTED,
              "%s: reduces one axis or all axes, not %d of %d", info.name, count, nd);
  TSR_CHECK(std::isfinite(correction) && correction >= 0, TSR_ERROR_INVALID_ARGUMENT,
            "%s: correction must be finite and >= 0", info.name);

  int64_t reduced = 1;
  Shape kept, result;
  kept.ndim = nd;
  for (int i = 0; i < nd; ++i) {
    kept.dims[i] = mask[i] ? 1 : x.shape()[i];
    if (mask[i]) reduced *= x.shape()[i];
    else result.dims[result.ndim++] = x.shape()[i];
  }
  if (keepdims) result = kept;
  if (op == TSR_MIN || op == TSR_MAX || op == TSR_ARGMIN || op == TSR_ARGMAX)
    TSR_CHECK(reduced > 0 || (x.numel() == 0 && result.numel() == 0), TSR_ERROR_INVALID_ARGUMENT,
              "%s: reduction over zero elements of shape %s has no identity", info.name,
              x.shape().str().c_str());

  tsr_dtype rd = reduce_result_dtype(op, x.dtype());
  TensorPtr y = prepare_output(info.name, s.context(), s, result, rd, out);
  OpCall call;
  call.kind = OpKind::Reduce;
  call.code = op;
  call.name = info.name;
  call.compute_dtype = x.dtype();
  call.n_in = 1;
  call.in[0] = x.desc();
  // The backend sees the output in keepdims form: reduced axes of size 1.
  call.out = y->desc();
  call.out.ndim = nd;
  {
    // Map the output's own strides onto the kept axes.
    int j = 0;
    for (int i = 0; i < nd; ++i) {
      call.out.shape[i] = kept.dims[i];
      if (keepdims) call.out.strides[i] = y->strides()[i];
      else call.out.strides[i] = mask[i] ? 0 : y->strides()[j++];
    }
  }
  for (int i = 0; i < nd; ++i) call.reduce_axis[i] = mask[i];
  call.scalar[0] = correction;
  launch(call, s, *y, &x);
  return y;
}

}  // namespace tsr::ops
