// matmul, batched matmul and linear. Floating dtypes go through CLBlast:
// float32 and float64 directly, float16/bfloat16 converted to float32
// (Tessera computes halves in float32; CLBlast's HGEMM would accumulate in
// half). An operand CLBlast cannot read as it is (neither row- nor
// column-major, or another dtype) is packed into a contiguous temporary
// first; so is an output it cannot write. linear's bias and activation run
// in one kernel after the GEMM (norm.cl's bias_act). Integer dtypes use
// igemm.cl, which wraps like the rest of integer arithmetic.
#include <algorithm>
#include <string>

#include "cl_clblast.h"
#include "cl_context.h"
#include "cl_ops.h"

namespace tsr::opencl {
namespace {

// How CLBlast can read a rows x cols matrix with these strides: row-major
// with leading dimension ld, or stored transposed (column-major) with ld.
struct MatLayout {
  bool ok = false;
  bool trans = false;
  int64_t ld = 0;
};

MatLayout matrix_layout(int64_t rows, int64_t cols, int64_t srow, int64_t scol) {
  if (rows <= 1 && cols <= 1) return {true, false, 1};
  if (rows == 1) {  // a row vector: any positive column step works
    if (scol == 1) return {true, false, cols};
    if (scol > 0) return {true, true, scol};
    return {};
  }
  if (cols == 1) {  // a column vector
    if (srow >= 1) return {true, false, srow};
    return {};
  }
  if (scol == 1 && srow >= cols) return {true, false, srow};
  if (srow == 1 && scol >= rows) return {true, true, scol};
  return {};
}

// The batch axes 0..nb-1 of d as one stride (batch index i at i * stride),
// when they collapse to one; broadcast axes have stride 0.
bool uniform_batch_stride(const TensorDesc& d, int nb, int64_t* stride) {
  int64_t s = -1, span = 1;
  for (int i = nb - 1; i >= 0; --i) {
    if (d.shape[i] == 1) continue;
    if (s < 0) {
      s = d.strides[i];
      span = d.shape[i];
    } else {
      if (d.strides[i] != s * span) return false;
      span *= d.shape[i];
    }
  }
  *stride = s < 0 ? 0 : s;
  return true;
}

// Offsets (elements, relative to element 0) of every batch of d.
std::vector<int64_t> explicit_offsets(const TensorDesc& d, int nb, int64_t batch, int64_t base) {
  std::vector<int64_t> v(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b) {
    int64_t rem = b, off = base;
    for (int i = nb - 1; i >= 0; --i) {
      off += (rem % d.shape[i]) * d.strides[i];
      rem /= d.shape[i];
    }
    v[size_t(b)] = off;
  }
  return v;
}

// A contiguous copy of d in dtype `to`; broadcast batch axes stay
// broadcast (they are copied once, not expanded).
Status pack(Launch& L, const TensorDesc& d, int nb, tsr_dtype to, TensorDesc* out) {
  TensorDesc src = d;
  for (int i = 0; i < nb; ++i)
    if (src.strides[i] == 0) src.shape[i] = 1;
  TensorDesc packed;
  Status st = L.scratch_desc(to, src.ndim, src.shape, &packed);
  if (!st.ok()) return st;
  st = copy_desc(L, packed, src);
  if (!st.ok()) return st;
  for (int i = 0; i < nb; ++i) {
    if (d.strides[i] == 0) packed.strides[i] = 0;
    packed.shape[i] = d.shape[i];
  }
  *out = packed;
  return Status::Ok();
}

// Fills m from desc d (already in the GEMM dtype and CLBlast-readable).
Status describe(const TensorDesc& d, int nb, int64_t batch, const MatLayout& lay, const char* op,
                GemmMatrix* m) {
  int64_t off = 0;
  Status st = element_offset(d, op, &off);
  if (!st.ok()) return st;
  m->mem = mem_of(d);
  m->offset = off;
  m->ld = lay.ld;
  m->trans = lay.trans;
  int64_t stride = 0;
  if (uniform_batch_stride(d, nb, &stride)) m->batch_stride = stride;
  else m->offsets = explicit_offsets(d, nb, batch, off);
  return Status::Ok();
}

// An input operand as CLBlast will read it: direct, or packed.
Status gemm_input(Launch& L, const TensorDesc& d, int nb, int64_t batch, tsr_dtype gemm_dtype,
                  GemmMatrix* m) {
  const int r = nb, c = nb + 1;
  MatLayout lay = matrix_layout(d.shape[r], d.shape[c], d.strides[r], d.strides[c]);
  int64_t off = 0;
  const bool addressable = element_offset(d, L.op(), &off).ok();
  if (lay.ok && d.dtype == gemm_dtype && addressable) return describe(d, nb, batch, lay, L.op(), m);
  TensorDesc packed;
  Status st = pack(L, d, nb, gemm_dtype, &packed);
  if (!st.ok()) return st;
  lay = matrix_layout(packed.shape[r], packed.shape[c], packed.strides[r], packed.strides[c]);
  return describe(packed, nb, batch, lay, L.op(), m);
}

// Byte range [lo, hi) a desc may touch within its buffer.
void byte_range(const TensorDesc& d, int64_t* lo, int64_t* hi) {
  const int64_t es = dtype_size(d.dtype);
  int64_t min_off = 0, max_off = 0;
  for (int i = 0; i < d.ndim; ++i) (d.strides[i] < 0 ? min_off : max_off) += (d.shape[i] - 1) * d.strides[i];
  *lo = d.offset + min_off * es;
  *hi = d.offset + (max_off + 1) * es;
}

// Whether writing `out` may change what `in` reads (the caller passed an
// input, or a view of it, as the output).
bool overlaps(const TensorDesc& out, const TensorDesc& in) {
  if (out.base != in.base || out.numel() == 0 || in.numel() == 0) return false;
  int64_t olo, ohi, ilo, ihi;
  byte_range(out, &olo, &ohi);
  byte_range(in, &ilo, &ihi);
  return olo < ihi && ilo < ohi;
}

// `in` itself, or a private copy in scratch when the output overlaps it
// (broadcast axes keep stride 0, and are copied once).
Status unaliased(Launch& L, const TensorDesc& out, const TensorDesc& in, TensorDesc* result) {
  if (!overlaps(out, in)) {
    *result = in;
    return Status::Ok();
  }
  TensorDesc src = in;
  for (int i = 0; i < src.ndim; ++i)
    if (src.strides[i] == 0) src.shape[i] = 1;
  TensorDesc copy;
  Status st = L.scratch_desc(in.dtype, src.ndim, src.shape, &copy);
  if (!st.ok()) return st;
  st = copy_desc(L, copy, src);
  if (!st.ok()) return st;
  for (int i = 0; i < in.ndim; ++i) {
    if (in.strides[i] == 0) copy.strides[i] = 0;
    copy.shape[i] = in.shape[i];
  }
  *result = copy;
  return Status::Ok();
}

int64_t batch_count(const TensorDesc& d, int nb) {
  int64_t n = 1;
  for (int i = 0; i < nb; ++i) n *= d.shape[i];
  return n;
}

// Integer matmul: igemm.cl reads any strides itself.
Status integer_matmul(Launch& L, const OpCall& c, const TensorDesc& a, const TensorDesc& b) {
  const TensorDesc& o = c.out;
  const int nb = o.ndim - 2;
  const int64_t M = o.shape[nb], N = o.shape[nb + 1], K = a.shape[nb + 1];
  Kernel* k = nullptr;
  Status st = L.kernel("igemm", dtype_define(o.dtype), "igemm", &k);
  if (!st.ok()) return st;
  const TensorDesc* descs[3] = {&a, &b, &o};
  ClLayout batch = make_layout(descs, 3);
  batch.ndim = nb;
  int64_t ao = 0, bo = 0, co = 0;
  for (auto [d, p] : {std::pair{&a, &ao}, std::pair{&b, &bo}, std::pair{&o, &co}}) {
    st = element_offset(*d, L.op(), p);
    if (!st.ok()) return st;
  }
  const int64_t total = batch_count(o, nb) * M * N;
  Args args;
  args.i64(total).i64(M).i64(N).i64(K).layout(batch);
  args.mem(mem_of(a)).i64(ao).i64(a.strides[nb]).i64(a.strides[nb + 1]);
  args.mem(mem_of(b)).i64(bo).i64(b.strides[nb]).i64(b.strides[nb + 1]);
  args.mem(mem_of(o)).i64(co).i64(o.strides[nb]).i64(o.strides[nb + 1]);
  args.scalar(wrapped_int_scalar(o.dtype, c.scalar[0]))
      .scalar(wrapped_int_scalar(o.dtype, c.scalar[1]));
  return L.run_1d(k, args, total);
}

// bias_act from the GEMM result `acc` ([M, N] row-major, leading dimension
// acc_ld, in the accumulation type) into the output.
Status epilogue(Launch& L, const OpCall& c, const TensorDesc& bias, cl_mem acc, int64_t acc_off,
                int64_t acc_ld) {
  const TensorDesc& o = c.out;
  const bool has_bias = c.n_in > 2;
  Kernel* k = nullptr;
  Status st = L.kernel("norm", op_defines(o.dtype, "bias_act"), "bias_act", &k);
  if (!st.ok()) return st;
  int64_t oo = 0, bo = 0;
  st = element_offset(o, L.op(), &oo);
  if (st.ok() && has_bias) st = element_offset(bias, L.op(), &bo);
  if (!st.ok()) return st;
  const int64_t M = o.shape[0], N = o.shape[1];
  Args a;
  a.i64(M).i64(N).mem(acc).i64(acc_off).i64(acc_ld);
  a.mem(mem_of(o)).i64(oo).i64(o.strides[0]).i64(o.strides[1]);
  a.mem(has_bias ? mem_of(bias) : mem_of(o)).i64(bo).i64(has_bias ? bias.strides[0] : 0);
  a.i32(has_bias ? 1 : 0).i32(c.code);
  return L.run_1d(k, a, M * N);
}

// out *= beta, in place (the multiply kernel of binary.cl; integers wrap).
Status scale_in_place(Launch& L, const TensorDesc& out, const ScalarArg& beta) {
  const bool contiguous = out.is_contiguous();
  Kernel* k = nullptr;
  Status st = L.kernel("binary", op_defines(out.dtype, "multiply"),
                       contiguous ? "bscalar_multiply_c" : "bscalar_multiply_s", &k);
  if (!st.ok()) return st;
  int64_t off = 0;
  st = element_offset(out, L.op(), &off);
  if (!st.ok()) return st;
  const TensorDesc* d[2] = {&out, &out};
  Args a;
  a.i64(out.numel());
  if (!contiguous) a.layout(make_layout(d, 2));
  a.mem(mem_of(out)).i64(off).mem(mem_of(out)).i64(off).scalar(beta).i32(0);
  return L.run_1d(k, a, out.numel());
}

}  // namespace

Status run_gemm(Launch& L, const OpCall& c) {
  const TensorDesc& o = c.out;
  const int nb = o.ndim - 2;
  if (nb < 0 || c.in[0].ndim != o.ndim || c.in[1].ndim != o.ndim)
    return Status::Err(TSR_ERROR_INTERNAL, std::string(c.name) + ": malformed GEMM operands");
  if (!is_floating(o.dtype) && !(c.kind == OpKind::Matmul && is_integer(o.dtype)))
    return Status::Err(TSR_ERROR_UNSUPPORTED,
                       std::string(c.name) + ": no OpenCL GEMM for " + dtype_name(o.dtype));
  // Inputs the output overlaps are read from private copies: the GEMM writes
  // the output while it still reads them (a = a @ b, linear into x, ...).
  TensorDesc in[3] = {c.in[0], c.in[1], c.in[2]};
  for (int i = 0; i < c.n_in; ++i) {
    Status st = unaliased(L, o, c.in[i], &in[i]);
    if (!st.ok()) return st;
  }
  const int64_t K = in[0].shape[nb + 1];
  if (c.kind == OpKind::Matmul && K == 0) {
    // An empty inner dimension: out = beta * out (the core turns beta == 0 into a fill).
    const ScalarArg beta = is_integer(o.dtype) ? wrapped_int_scalar(o.dtype, c.scalar[1])
                                               : compute_scalar(o.dtype, c.scalar[1]);
    return scale_in_place(L, o, beta);
  }
  if (c.kind == OpKind::Matmul && is_integer(o.dtype)) return integer_matmul(L, c, in[0], in[1]);

  const tsr_dtype gemm_dtype = o.dtype == TSR_FLOAT64 ? TSR_FLOAT64 : TSR_FLOAT32;
  const bool linear = c.kind == OpKind::Linear;
  const bool needs_epilogue = linear && (c.n_in > 2 || c.code != TSR_ACTIVATION_NONE);
  const double alpha = linear ? 1.0 : c.scalar[0], beta = linear ? 0.0 : c.scalar[1];

  GemmCall g;
  g.f64 = gemm_dtype == TSR_FLOAT64;
  g.M = o.shape[nb];
  g.N = o.shape[nb + 1];
  g.K = K;
  g.batch = batch_count(o, nb);
  g.alpha = alpha;
  g.beta = beta;

  // The output: written in place when CLBlast can (row-major, GEMM dtype),
  // else through a contiguous temporary.
  MatLayout out_lay = matrix_layout(g.M, g.N, o.strides[nb], o.strides[nb + 1]);
  int64_t oo = 0;
  const bool direct_out = out_lay.ok && !out_lay.trans && o.dtype == gemm_dtype &&
                          element_offset(o, L.op(), &oo).ok();
  TensorDesc cdesc = o;
  Status st;
  if (!direct_out) {
    st = L.scratch_desc(gemm_dtype, o.ndim, o.shape, &cdesc);
    if (!st.ok()) return st;
    if (beta != 0) {
      st = copy_desc(L, cdesc, o);
      if (!st.ok()) return st;
    }
    out_lay = matrix_layout(g.M, g.N, cdesc.strides[nb], cdesc.strides[nb + 1]);
  }

  if (g.K == 0) {
    // linear with no input features: x @ w^T is zero (then bias, activation).
    st = fill_desc(L, cdesc, 0.0);
  } else {
    st = gemm_input(L, in[0], nb, g.batch, gemm_dtype, &g.a);
    if (st.ok()) st = gemm_input(L, in[1], nb, g.batch, gemm_dtype, &g.b);
    if (st.ok()) st = describe(cdesc, nb, g.batch, out_lay, L.op(), &g.c);
    if (st.ok()) st = clblast_gemm(L, g);
  }
  if (!st.ok()) return st;

  if (needs_epilogue || (linear && !direct_out))
    return epilogue(L, c, in[2], mem_of(cdesc), cdesc.offset / dtype_size(gemm_dtype), out_lay.ld);
  if (!direct_out) return copy_desc(L, o, cdesc);
  return Status::Ok();
}

}  // namespace tsr::opencl
