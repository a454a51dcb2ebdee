#include "ops/dispatch.h"

#include "core/dtype.h"
#include "core/error.h"

namespace tsr {

std::shared_ptr<Tensor> prepare_output(const char* what, Context& ctx, Stream& stream,
                                       const Shape& shape, tsr_dtype dtype,
                                       const std::shared_ptr<Tensor>& out) {
  if (!out)
    return Tensor::create(ctx, shape, dtype, stream);
  TSR_CHECK(&out->context() == &ctx, TSR_ERROR_DEVICE_MISMATCH,
            "%s: the output tensor belongs to another context", what);
  TSR_CHECK(out->shape() == shape, TSR_ERROR_SHAPE_MISMATCH,
            "%s: the output has shape %s but the result has shape %s", what,
            out->shape().str().c_str(), shape.str().c_str());
  TSR_CHECK(out->dtype() == dtype, TSR_ERROR_DTYPE_MISMATCH,
            "%s: the output has dtype %s but the result has dtype %s", what,
            dtype_name(out->dtype()), dtype_name(dtype));
  check_writable(what, *out);
  return out;
}

void check_writable(const char* what, const Tensor& t) {
  for (int i = 0; i < t.ndim(); ++i)
    TSR_CHECK(t.shape()[i] <= 1 || t.strides()[i] != 0, TSR_ERROR_INVALID_ARGUMENT,
              "%s: the output %s is a broadcast view (stride 0 on axis %d): its elements share "
              "memory, so writing them is a race",
              what, t.shape().str().c_str(), i);
}

TensorDesc broadcast_desc(const Tensor& x, const Shape& to) {
  TensorDesc d = x.desc();
  Strides s = broadcast_strides(x.shape(), x.strides(), to);
  d.ndim = to.ndim;
  for (int i = 0; i < to.ndim; ++i) {
    d.shape[i] = to.dims[i];
    d.strides[i] = s[i];
  }
  return d;
}

void set_flat_desc(const Tensor& x, TensorDesc* d) {
  d->base = x.storage()->base();
  d->offset = x.offset();
  d->dtype = x.dtype();
  d->ndim = 1;
  d->shape[0] = x.numel();
  d->strides[0] = 1;
}

void coalesce_axes(OpCall& call) {
  TensorDesc* all[4] = {&call.out, &call.in[0], &call.in[1], &call.in[2]};
  int n = 1 + call.n_in;
  int nd = call.out.ndim;
  if (nd <= 1) return;
  // Drop size-1 axes first (their strides do not matter).
  int w = 0;
  for (int i = 0; i < nd; ++i) {
    if (call.out.shape[i] == 1) continue;
    for (int k = 0; k < n; ++k) {
      all[k]->shape[w] = all[k]->shape[i];
      all[k]->strides[w] = all[k]->strides[i];
    }
    ++w;
  }
  if (w == 0) {
    for (int k = 0; k < n; ++k) {
      all[k]->ndim = 1;
      all[k]->shape[0] = 1;
      all[k]->strides[0] = 1;
    }
    return;
  }
  nd = w;
  // Merge axis i into i+1 when every operand steps over it contiguously.
  int out_nd = 0;
  for (int i = 0; i < nd; ++i) {
    if (out_nd > 0) {
      bool merge = true;
      for (int k = 0; k < n && merge; ++k)
        merge = all[k]->strides[out_nd - 1] == all[k]->strides[i] * all[k]->shape[i];
      if (merge) {
        for (int k = 0; k < n; ++k) {
          all[k]->shape[out_nd - 1] *= all[k]->shape[i];
          all[k]->strides[out_nd - 1] = all[k]->strides[i];
        }
        continue;
      }
    }
    for (int k = 0; k < n; ++k) {
      all[k]->shape[out_nd] = all[k]->shape[i];
      all[k]->strides[out_nd] = all[k]->strides[i];
    }
    ++out_nd;
  }
  for (int k = 0; k < n; ++k) all[k]->ndim = out_nd;
}

void launch(OpCall& call, Stream& stream, const Tensor& out, const Tensor* in0, const Tensor* in1,
            const Tensor* in2) {
  if (call.out.numel() == 0) return;  // nothing to write
  Context& ctx = stream.context();
  call.context_flags = ctx.flags();
  const Tensor* ts[4] = {&out, in0, in1, in2};
  for (int i = 0; i < 4; ++i)
    if (ts[i]) {
      call.storages[i] = ts[i]->storage();
      ts[i]->storage()->note_use(stream);
    }
  ctx.ops_launched.fetch_add(1, std::memory_order_relaxed);
  throw_if(ctx.impl().run(call, &stream.impl()), call.name);
}

void check_same_context(const char* what, Context& ctx, const Tensor* a, const Tensor* b,
                        const Tensor* c) {
  for (const Tensor* t : {a, b, c})
    if (t && &t->context() != &ctx)
      fail(TSR_ERROR_DEVICE_MISMATCH, "%s: operands belong to different contexts (devices)", what);
}

}  // namespace tsr
