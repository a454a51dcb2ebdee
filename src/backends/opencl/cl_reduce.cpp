// Reductions (kernels/reduce.cl). The kept axes index the outputs, the
// reduced axes the elements folded into each. Three shapes of launch:
//   - a work-item per output ("rows") when each output folds few elements,
//     or when there are many outputs and the reduced axes are not the
//     contiguous ones (neighbouring work-items then read neighbouring memory);
//   - a work-group per output ("wg") otherwise;
//   - with few outputs, the reduced range split into chunks, each a
//     work-group writing a partial state, merged by a "final" kernel.
// var/std first compute the mean ("center") into scratch, then fold squared
// deviations from it (two passes: accurate where one-pass formulas are not).
#include <algorithm>
#include <string>

#include "cl_context.h"
#include "cl_ops.h"

namespace tsr::opencl {
namespace {

// Op names in reduce.cl (min/max/any/all renamed: see there), in tsr_reduce_op order.
const char* const kReduceNames[] = {"sum",  "prod",   "mean",   "var",  "std", "rmin",
                                    "rmax", "argmin", "argmax", "rany", "rall"};
static_assert(sizeof(kReduceNames) / sizeof(kReduceNames[0]) == TSR_REDUCE_OP_COUNT,
              "reduce names");

// Same layout as ReduceLayout in kernels/reduce.cl.
struct ClReduceLayout {
  cl_long outer_nd = 0, inner_nd = 0;
  cl_long oshape[TSR_MAX_DIMS] = {}, ostride_x[TSR_MAX_DIMS] = {}, ostride_out[TSR_MAX_DIMS] = {};
  cl_long ishape[TSR_MAX_DIMS] = {}, istride_x[TSR_MAX_DIMS] = {};
};
static_assert(sizeof(ClReduceLayout) == 8 * (2 + 5 * 8), "must match ReduceLayout");

constexpr size_t kWorkGroup = 256;  // TSR_REDUCE_WG
constexpr size_t kStateBytes = 16;  // every X_state is {8-byte value, long index}
constexpr int64_t kMaxChunks = 1024;

// Splits x's axes into kept (outer) and reduced (inner) ones, dropping
// size-1 axes and merging neighbours that step through memory as one.
ClReduceLayout make_reduce_layout(const OpCall& c) {
  ClReduceLayout r;
  const TensorDesc& x = c.in[0];
  for (int i = 0; i < x.ndim; ++i) {
    if (x.shape[i] == 1) continue;
    if (c.reduce_axis[i]) {
      if (r.inner_nd > 0 && r.istride_x[r.inner_nd - 1] == x.strides[i] * x.shape[i]) {
        r.ishape[r.inner_nd - 1] *= x.shape[i];
        r.istride_x[r.inner_nd - 1] = x.strides[i];
        continue;
      }
      r.ishape[r.inner_nd] = x.shape[i];
      r.istride_x[r.inner_nd] = x.strides[i];
      ++r.inner_nd;
    } else {
      const int k = int(r.outer_nd);
      if (k > 0 && r.ostride_x[k - 1] == x.strides[i] * x.shape[i] &&
          r.ostride_out[k - 1] == c.out.strides[i] * x.shape[i]) {
        r.oshape[k - 1] *= x.shape[i];
        r.ostride_x[k - 1] = x.strides[i];
        r.ostride_out[k - 1] = c.out.strides[i];
        continue;
      }
      r.oshape[k] = x.shape[i];
      r.ostride_x[k] = x.strides[i];
      r.ostride_out[k] = c.out.strides[i];
      ++r.outer_nd;
    }
  }
  return r;
}

int64_t product(const cl_long* v, cl_long n) {
  int64_t p = 1;
  for (cl_long i = 0; i < n; ++i) p *= v[i];
  return p;
}

// One reduction pass of op `op` writing to (out, out_offset) through
// layout r (whose ostride_out addresses `out`).
struct Pass {
  const char* op;
  ClReduceLayout r;
  cl_mem out;
  int64_t out_offset;  // elements
  cl_mem center = nullptr;
  int64_t center_offset = 0;
};

Status run_pass(Launch& L, const OpCall& c, const Pass& p, int64_t n_out, int64_t n_inner) {
  const TensorDesc& x = c.in[0];
  int64_t xo = 0;
  Status st = element_offset(x, L.op(), &xo);
  if (!st.ok()) return st;
  const std::string defines = op_defines(x.dtype, p.op);
  const std::string stem = std::string("reduce_") + p.op;
  const bool float_in = is_floating(x.dtype);
  const ScalarArg param = float_in ? acc_scalar(x.dtype, c.scalar[0])
                                   : ScalarArg::of(float(c.scalar[0]));

  // Pick the launch shape.
  const int64_t target_groups = std::max<int64_t>(16, int64_t(L.ctx().device().compute_units) * 8);
  const bool inner_contiguous = p.r.inner_nd > 0 && p.r.istride_x[p.r.inner_nd - 1] == 1;
  const bool rows = n_inner <= 64 || (n_out >= target_groups * int64_t(kWorkGroup) && !inner_contiguous);
  int64_t chunks = 1;
  if (!rows && n_out < target_groups) {
    chunks = (target_groups + n_out - 1) / n_out;
    chunks = std::min({chunks, (n_inner + int64_t(kWorkGroup) * 16 - 1) / (int64_t(kWorkGroup) * 16),
                       kMaxChunks});
    chunks = std::max<int64_t>(chunks, 1);
  }
  cl_mem part = mem_of(x);
  size_t part_off = 0;
  if (chunks > 1) {
    st = L.scratch(size_t(n_out * chunks) * kStateBytes, &part, &part_off);
    if (!st.ok()) return st;
  }
  auto args = [&](Args& a) {
    a.i64(n_out).i64(n_inner).i64(chunks).value(p.r).mem(mem_of(x)).i64(xo);
    a.mem(p.out).i64(p.out_offset).mem(part).i64(int64_t(part_off / kStateBytes));
    a.mem(p.center ? p.center : mem_of(x)).i64(p.center_offset).scalar(param);
  };
  Kernel* k = nullptr;
  Args a;
  args(a);
  if (rows) {
    st = L.kernel("reduce", defines, stem + "_rows", &k);
    if (!st.ok()) return st;
    return L.run_1d(k, a, n_out);
  }
  st = L.kernel("reduce", defines, stem + "_wg", &k);
  if (!st.ok()) return st;
  // The kernel strides over (output, chunk) pairs: the grid need not cover them all.
  st = L.run_groups(k, a, size_t(std::min<int64_t>(n_out * chunks, int64_t(1) << 20)), kWorkGroup);
  if (!st.ok() || chunks == 1) return st;
  st = L.kernel("reduce", defines, stem + "_final", &k);
  if (!st.ok()) return st;
  return L.run_1d(k, a, n_out);
}

}  // namespace

Status run_reduce(Launch& L, const OpCall& c) {
  if (c.code < 0 || c.code >= TSR_REDUCE_OP_COUNT)
    return Status::Err(TSR_ERROR_INTERNAL, std::string(c.name) + ": invalid reduce op");
  const ClReduceLayout r = make_reduce_layout(c);
  const int64_t n_out = product(r.oshape, r.outer_nd);
  const int64_t n_inner = product(r.ishape, r.inner_nd);
  if (n_out == 0) return Status::Ok();
  int64_t oo = 0;
  Status st = element_offset(c.out, L.op(), &oo);
  if (!st.ok()) return st;

  Pass main{kReduceNames[c.code], r, mem_of(c.out), oo};
  if (c.code == TSR_VAR || c.code == TSR_STD) {
    // The mean of each output, contiguous in output order, in the accumulation type.
    const tsr_dtype acc = c.in[0].dtype == TSR_FLOAT64 ? TSR_FLOAT64 : TSR_FLOAT32;
    TensorDesc center;
    st = L.scratch_desc(acc, 1, &n_out, &center);
    if (!st.ok()) return st;
    Pass mean{"center", r, mem_of(center), center.offset / dtype_size(acc)};
    int64_t stride = 1;
    for (int i = int(r.outer_nd) - 1; i >= 0; --i) {
      mean.r.ostride_out[i] = stride;
      stride *= r.oshape[i];
    }
    st = run_pass(L, c, mean, n_out, n_inner);
    if (!st.ok()) return st;
    main.center = mem_of(center);
    main.center_offset = mean.out_offset;
  }
  return run_pass(L, c, main, n_out, n_inner);
}

}  // namespace tsr::opencl
