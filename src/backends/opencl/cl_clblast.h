// A thin, checked wrapper over CLBlast's row-major GEMMs (float and double):
// one call, strided-batched or batched with explicit offsets, chosen by the
// caller's description. Every CLBlast status is turned into a Status that
// names the op and the CLBlast routine.
#pragma once
#include <CL/cl.h>

#include <cstdint>
#include <vector>

#include "cl_launch.h"

namespace tsr::opencl {

struct GemmMatrix {
  cl_mem mem = nullptr;
  int64_t offset = 0;  // elements, of batch 0
  int64_t ld = 0;      // leading dimension (row-major storage)
  bool trans = false;  // stored transposed
  int64_t batch_stride = 0;      // elements between batches, when uniform
  std::vector<int64_t> offsets;  // per-batch offsets otherwise (elements)
};

struct GemmCall {
  bool f64 = false;  // double (DGEMM) or float (SGEMM)
  int64_t M = 0, N = 0, K = 0, batch = 1;
  double alpha = 1, beta = 0;
  GemmMatrix a, b, c;  // c is never transposed
};

// C = alpha * op(A) @ op(B) + beta * C on the launch's queue; M, N, K > 0.
Status clblast_gemm(Launch& L, const GemmCall& g);

}  // namespace tsr::opencl
