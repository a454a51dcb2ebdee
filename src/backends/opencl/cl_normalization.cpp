// Row-wise ops (kernels/norm.cl): softmax, log_softmax, layer_norm and
// rms_norm over the last axis. The core hands over a C-contiguous
// [rows, cols] input and output and contiguous 1-D gamma/beta; a
// work-group handles a row.
#include <algorithm>
#include <string>

#include "cl_context.h"
#include "cl_ops.h"

namespace tsr::opencl {
namespace {

// Work-items per row: enough to cover short rows, at most 256 (norm.cl's
// TSR_NORM_WG), a power of two for the tree reductions.
size_t row_local(int64_t cols) {
  size_t l = 32;
  while (l < 256 && int64_t(l) < cols) l *= 2;
  return l;
}

}  // namespace

Status run_normalization(Launch& L, const OpCall& c) {
  const TensorDesc &x = c.in[0], &y = c.out;
  if (x.ndim != 2 || !x.is_contiguous() || !y.is_contiguous())
    return Status::Err(TSR_ERROR_INTERNAL, std::string(c.name) + ": expects contiguous [rows, cols]");
  const int64_t rows = x.shape[0], cols = x.shape[1];
  if (rows == 0 || cols == 0) return Status::Ok();
  int64_t xo = 0, yo = 0;
  Status st = element_offset(x, L.op(), &xo);
  if (st.ok()) st = element_offset(y, L.op(), &yo);
  if (!st.ok()) return st;

  const char* kernel = c.kind == OpKind::LayerNorm ? "layer_norm"
                       : c.kind == OpKind::RmsNorm ? "rms_norm"
                                                   : "softmax";
  Kernel* k = nullptr;
  st = L.kernel("norm", op_defines(x.dtype, kernel), kernel, &k);
  if (!st.ok()) return st;
  Args a;
  a.i64(rows).i64(cols).mem(mem_of(x)).i64(xo).mem(mem_of(y)).i64(yo);
  if (c.kind == OpKind::Softmax || c.kind == OpKind::LogSoftmax) {
    a.i32(c.kind == OpKind::LogSoftmax ? 1 : 0);
  } else {
    // gamma then beta, each present when its flag is set (in that order in
    // in[]), of any dtype: the kernel reads them in the accumulation type.
    const tsr_dtype acc = x.dtype == TSR_FLOAT64 ? TSR_FLOAT64 : TSR_FLOAT32;
    int next = 1;
    const int n_params = c.kind == OpKind::LayerNorm ? 2 : 1;
    for (int p = 0; p < n_params; ++p) {
      if (c.flags & (1u << p)) {
        TensorDesc d = c.in[next++];
        if (d.dtype != acc || !d.is_contiguous()) {
          TensorDesc converted;
          st = L.scratch_desc(acc, d.ndim, d.shape, &converted);
          if (st.ok()) st = copy_desc(L, converted, d);
          if (!st.ok()) return st;
          d = converted;
        }
        int64_t off = 0;
        st = element_offset(d, L.op(), &off);
        if (!st.ok()) return st;
        a.mem(mem_of(d)).i64(off);
      } else {
        a.mem(mem_of(x)).i64(0);  // placeholder, never read
      }
    }
    a.i32(int32_t(c.flags)).scalar(acc_scalar(x.dtype, c.scalar[0]));
  }
  const size_t groups = size_t(std::min<int64_t>(rows, int64_t(1) << 20));
  return L.run_groups(k, a, groups, row_local(cols));
}

}  // namespace tsr::opencl
