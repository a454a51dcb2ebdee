// The op families of the OpenCL backend, one file each. Every function
// enqueues the whole op on the launch's stream, or fails before enqueueing
// anything it cannot finish (unsupported dtype, missing kernel).
#pragma once
#include "cl_launch.h"
#include "core/op_call.h"

namespace tsr::opencl {

// Unary, Binary, BinaryScalar, Where, Copy, Fill (cl_elementwise.cpp).
Status run_elementwise(Launch& L, const OpCall& call);
// Arange, Random (cl_sequence.cpp).
Status run_sequence(Launch& L, const OpCall& call);
// Reduce (cl_reduce.cpp).
Status run_reduce(Launch& L, const OpCall& call);
// Matmul, Linear through CLBlast (cl_gemm.cpp).
Status run_gemm(Launch& L, const OpCall& call);
// Softmax, LogSoftmax, LayerNorm, RmsNorm (cl_normalization.cpp).
Status run_normalization(Launch& L, const OpCall& call);

// dst = src converted to dst's dtype; same shape, any layouts.
Status copy_desc(Launch& L, const TensorDesc& dst, const TensorDesc& src);
// Every element of dst = value converted to dst's dtype.
Status fill_desc(Launch& L, const TensorDesc& dst, double value);

}  // namespace tsr::opencl
