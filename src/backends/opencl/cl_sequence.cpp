// Generated tensors: arange and Philox random draws (kernels/sequence.cl).
// Both compute in double like the CPU, so element i is the same number on
// every backend; ClContext::check_dtypes refuses them without cl_khr_fp64.
#include <string>

#include "cl_ops.h"

namespace tsr::opencl {

Status run_sequence(Launch& L, const OpCall& c) {
  const int64_t n = c.out.numel();
  int64_t off = 0;
  Status st = element_offset(c.out, L.op(), &off);
  if (!st.ok()) return st;
  Kernel* k = nullptr;
  Args a;
  if (c.kind == OpKind::Arange) {
    st = L.kernel("sequence", op_defines(c.out.dtype, "arange"), "arange", &k);
    if (!st.ok()) return st;
    a.i64(n).mem(mem_of(c.out)).i64(off).i64(c.out.ndim ? c.out.strides[0] : 1);
    a.f64(c.scalar[0]).f64(c.scalar[1]);
    return L.run_1d(k, a, n);
  }
  if (!c.out.is_contiguous())
    return Status::Err(TSR_ERROR_INTERNAL, std::string(c.name) + ": output must be contiguous");
  const char* name = c.code == TSR_RANDOM_NORMAL ? "random_normal" : "random_uniform";
  st = L.kernel("sequence", op_defines(c.out.dtype, name), name, &k);
  if (!st.ok()) return st;
  a.i64(n).mem(mem_of(c.out)).i64(off).u64(c.seed).f64(c.scalar[0]).f64(c.scalar[1]);
  return L.run_1d(k, a, n);
}

}  // namespace tsr::opencl
