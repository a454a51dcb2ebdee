// CPU kernels, one family per file. Each runs an OpCall synchronously on the
// calling thread (a stream's worker, or the caller for inline work) and
// throws tsr::Error on failure. Inputs already carry the output's shape
// (broadcast axes have stride 0); see core/op_call.h for each kind's layout.
#pragma once
#include "core/op_call.h"

namespace tsr::cpu {

void run_elementwise(const OpCall& call);    // Unary, Binary, BinaryScalar, Where, Copy, Fill, Arange
void run_random(const OpCall& call);         // Random
void run_reduce(const OpCall& call);         // Reduce
void run_matmul(const OpCall& call);         // Matmul, Linear
void run_normalization(const OpCall& call);  // Softmax, LogSoftmax, LayerNorm, RmsNorm

// Dispatches on call.kind.
void execute(const OpCall& call);

}  // namespace tsr::cpu
