// From validated tensors to an OpCall on a backend: output allocation or
// checking, broadcasting of inputs, axis coalescing, and the launch.
#pragma once
#include <memory>

#include "core/op_call.h"
#include "core/tensor.h"

namespace tsr {

// The output tensor of an op: `out` when the caller supplied one (its shape,
// dtype and context must match exactly), else a new one.
std::shared_ptr<Tensor> prepare_output(const char* what, Context& ctx, Stream& stream,
                                       const Shape& shape, tsr_dtype dtype,
                                       const std::shared_ptr<Tensor>& out);

// Throws TSR_ERROR_INVALID_ARGUMENT when `t` has a stride-0 axis of size > 1
// (an expanded view): several elements would be written at one address.
void check_writable(const char* what, const Tensor& t);

// x's desc viewed with the shape `to` (stride 0 on broadcast axes).
TensorDesc broadcast_desc(const Tensor& x, const Shape& to);

// Merges adjacent axes that are contiguous in every operand, so kernels see
// as few axes as possible (elementwise kinds only).
void coalesce_axes(OpCall& call);
// Sets *d (a fresh OpCall's, so its other axes are zero) to x as one
// contiguous axis of x.numel() elements (x must be C-contiguous): what
// coalesce_axes makes of same-shape contiguous operands, built in place.
void set_flat_desc(const Tensor& x, TensorDesc* d);

// Fills the storages from the tensors and enqueues the call on `stream`.
void launch(OpCall& call, Stream& stream, const Tensor& out, const Tensor* in0 = nullptr,
            const Tensor* in1 = nullptr, const Tensor* in2 = nullptr);

// Throws TSR_ERROR_DEVICE_MISMATCH unless every tensor lives in `ctx`.
void check_same_context(const char* what, Context& ctx, const Tensor* a, const Tensor* b = nullptr,
                        const Tensor* c = nullptr);

}  // namespace tsr
