// matmul and linear through cuBLASLt (CUDA only; the HIP build provides
// gpu_matmul.h over the project's own GEMM kernel).
//
// Row-major Tessera matrices map onto cuBLASLt's column-major ones by
// computing D^T = B^T A^T when the output's rows are contiguous (a row-major
// [M, N] is a column-major [N, M]), or D = A B when its columns are. Each
// operand is then a transposed or plain column-major matrix with a leading
// dimension; batch axes must collapse into one batch stride (0 for a
// broadcast operand). Layouts outside that (steps along both matrix axes,
// batch axes that do not collapse), integer dtypes and K = 0 go to the
// project's own GEMM kernel.
//
// Plans (descriptors, layouts and the heuristic's algorithm) are cached per
// context by shape, layout, dtype, epilogue and pointer alignment, so a
// steady-state loop costs one cublasLtMatmul per call. The handle is per
// context; the 32 MiB workspace is per stream (two streams never share it).
#include <cublasLt.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "backends/cuda/gpu_check.h"
#include "backends/cuda/gpu_matmul.h"
#include "core/dtype.h"

namespace tsr::gpu {

namespace {

constexpr size_t kWorkspaceBytes = size_t(32) << 20;  // cuBLASLt's advice for Hopper

struct PlanKey {
  int32_t dtype, compute, epilogue, trans_a, trans_b;
  int32_t align_a, align_b, align_d, align_bias;
  int64_t m, n, k, lda, ldb, ldd, batch, stride_a, stride_b, stride_d;
  bool operator==(const PlanKey& o) const { return std::memcmp(this, &o, sizeof(PlanKey)) == 0; }
};
struct PlanKeyHash {
  size_t operator()(const PlanKey& k) const {
    const auto* p = reinterpret_cast<const unsigned char*>(&k);
    uint64_t h = 1469598103934665603ull;  // FNV-1a over the key's bytes
    for (size_t i = 0; i < sizeof(PlanKey); ++i) h = (h ^ p[i]) * 1099511628211ull;
    return size_t(h);
  }
};

struct Plan {
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, ld = nullptr;
  cublasLtMatmulAlgo_t algo{};
  bool found = false;  // the heuristic returned an algorithm
  ~Plan() {
    // Teardown: failures have nobody to go to.
    if (ld) (void)cublasLtMatrixLayoutDestroy(ld);
    if (lb) (void)cublasLtMatrixLayoutDestroy(lb);
    if (la) (void)cublasLtMatrixLayoutDestroy(la);
    if (desc) (void)cublasLtMatmulDescDestroy(desc);
  }
};

Status blas_status(cublasStatus_t st, const char* what, const char* call) {
  return Status::Err(TSR_ERROR_BACKEND, std::string(what) + ": " + call + " failed: " +
                                            cublasLtGetStatusName(st) + " (" +
                                            cublasLtGetStatusString(st) + ")");
}

#define TSR_BLAS_TRY(call, what)                                              \
  do {                                                                        \
    cublasStatus_t tsr_bst_ = (call);                                         \
    if (tsr_bst_ != CUBLAS_STATUS_SUCCESS) return blas_status(tsr_bst_, what, #call); \
  } while (0)

int32_t alignment(const void* p) {
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  int32_t bytes = 16;
  while (bytes > 1 && a % uintptr_t(bytes) != 0) bytes /= 2;
  return bytes;
}

// A rows x cols matrix with element strides (sr, sc) as a column-major
// cuBLASLt operand op(X): X itself (sr == 1) or X^T (sc == 1).
struct ColMajor {
  bool ok = false;
  bool trans = false;
  int64_t ld = 0;
};
ColMajor as_col_major(int64_t rows, int64_t cols, int64_t sr, int64_t sc) {
  const int64_t r1 = rows > 1 ? rows : 1, c1 = cols > 1 ? cols : 1;
  if ((sr == 1 || rows == 1) && (cols == 1 || sc >= r1)) return {true, false, cols == 1 ? r1 : sc};
  if ((sc == 1 || cols == 1) && (rows == 1 || sr >= c1)) return {true, true, rows == 1 ? c1 : sr};
  return {};
}

// The batch axes of one operand as a single (count, stride), if they collapse.
bool collapse_batch(const TensorDesc& d, int nb, int64_t* stride) {
  int64_t s = 0, span = 0;  // stride of the innermost non-trivial axis, elements it spans
  bool any = false;
  for (int i = nb - 1; i >= 0; --i) {
    if (d.shape[i] == 1) continue;
    if (!any) {
      s = d.strides[i];
      span = d.shape[i];
      any = true;
      continue;
    }
    if (d.strides[i] != s * span) return false;
    span *= d.shape[i];
  }
  *stride = s;
  return true;
}

// One GEMM as cuBLASLt sees it.
struct Gemm {
  PlanKey key{};
  const void *a = nullptr, *b = nullptr, *bias = nullptr;
  void* d = nullptr;
};

// Describes out = A @ B of the call's descs (Matmul layout: [batch.., M, K]
// etc.), with `epilogue` and `bias` for linear. False when cuBLASLt cannot
// take the layout.
bool describe(const OpCall& c, int epilogue, const void* bias, Gemm* g) {
  const TensorDesc &a = c.in[0], &b = c.in[1], &o = c.out;
  const int nd = o.ndim, nb = nd - 2;
  const int64_t M = o.shape[nd - 2], N = o.shape[nd - 1], K = a.shape[nd - 1];
  int64_t sa = 0, sb = 0, so = 0, batch = 1;
  for (int i = 0; i < nb; ++i) batch *= o.shape[i];
  if (!collapse_batch(a, nb, &sa) || !collapse_batch(b, nb, &sb) || !collapse_batch(o, nb, &so))
    return false;
  if (batch > 1 && so == 0) return false;
  const int64_t sam = a.strides[nd - 2], sak = a.strides[nd - 1];
  const int64_t sbk = b.strides[nd - 2], sbn = b.strides[nd - 1];
  const int64_t som = o.strides[nd - 2], son = o.strides[nd - 1];
  PlanKey& k = g->key;
  k.dtype = c.out.dtype;
  k.epilogue = epilogue;
  k.batch = batch;
  ColMajor x, y;
  if (son == 1 || N == 1) {
    // D^T (N x M, column-major) = B^T (N x K) @ A^T (K x M).
    const ColMajor dm = as_col_major(N, M, son == 1 ? 1 : son, som);
    if (!dm.ok || dm.trans) return false;
    x = as_col_major(N, K, sbn, sbk);
    y = as_col_major(K, M, sak, sam);
    if (!x.ok || !y.ok) return false;
    k.m = N;
    k.n = M;
    k.ldd = dm.ld;
    k.stride_a = sb;
    k.stride_b = sa;
    g->a = b.ptr();
    g->b = a.ptr();
  } else if (som == 1) {
    if (bias) return false;  // the epilogue's bias runs along D's rows
    // D (M x N, column-major) = A (M x K) @ B (K x N).
    const ColMajor dm = as_col_major(M, N, som, son);
    if (!dm.ok || dm.trans) return false;
    x = as_col_major(M, K, sam, sak);
    y = as_col_major(K, N, sbk, sbn);
    if (!x.ok || !y.ok) return false;
    k.m = M;
    k.n = N;
    k.ldd = dm.ld;
    k.stride_a = sa;
    k.stride_b = sb;
    g->a = a.ptr();
    g->b = b.ptr();
  } else {
    return false;
  }
  k.k = K;
  k.trans_a = x.trans;
  k.trans_b = y.trans;
  k.lda = x.ld;
  k.ldb = y.ld;
  k.stride_d = so;
  g->d = o.ptr();
  g->bias = bias;
  k.align_a = alignment(g->a);
  k.align_b = alignment(g->b);
  k.align_d = alignment(g->d);
  k.align_bias = bias ? alignment(bias) : 0;
  return true;
}

cudaDataType_t data_type(int32_t dtype) {
  switch (dtype) {
    case TSR_FLOAT16: return CUDA_R_16F;
    case TSR_BFLOAT16: return CUDA_R_16BF;
    case TSR_FLOAT64: return CUDA_R_64F;
    default: return CUDA_R_32F;
  }
}

}  // namespace

class BlasLt {
 public:
  cublasLtHandle_t handle = nullptr;
  std::mutex mu;  // plans' descriptors carry the per-call bias pointer
  std::unordered_map<PlanKey, std::unique_ptr<Plan>, PlanKeyHash> plans;

  ~BlasLt() {
    plans.clear();
    if (handle) (void)cublasLtDestroy(handle);  // teardown: nothing to report to
  }

  // The cached plan for g->key (built on first use). *out is null when the
  // heuristic has no algorithm for it.
  Status plan(const Gemm& g, Plan** out) {
    auto it = plans.find(g.key);
    if (it != plans.end()) {
      *out = it->second->found ? it->second.get() : nullptr;
      return Status::Ok();
    }
    if (plans.size() > 4096) plans.clear();  // a bound on shapes seen; rebuilt on demand
    auto p = std::make_unique<Plan>();
    const PlanKey& k = g.key;
    const cudaDataType_t t = data_type(k.dtype);
    const bool f64 = k.dtype == TSR_FLOAT64;
    const cublasComputeType_t compute =
        f64 ? CUBLAS_COMPUTE_64F : (k.compute ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F);
    const char* what = "preparing a cuBLASLt matmul";
    TSR_BLAS_TRY(cublasLtMatmulDescCreate(&p->desc, compute, f64 ? CUDA_R_64F : CUDA_R_32F), what);
    const cublasOperation_t ta = k.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasOperation_t tb = k.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasLtEpilogue_t epi = cublasLtEpilogue_t(k.epilogue);
    TSR_BLAS_TRY(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta), what);
    TSR_BLAS_TRY(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb), what);
    TSR_BLAS_TRY(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi, sizeof epi), what);
    if (g.bias)
      TSR_BLAS_TRY(cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &g.bias,
                                                  sizeof g.bias),
                   what);
    const uint64_t a_rows = k.trans_a ? k.k : k.m, a_cols = k.trans_a ? k.m : k.k;
    const uint64_t b_rows = k.trans_b ? k.n : k.k, b_cols = k.trans_b ? k.k : k.n;
    TSR_BLAS_TRY(cublasLtMatrixLayoutCreate(&p->la, t, a_rows, a_cols, k.lda), what);
    TSR_BLAS_TRY(cublasLtMatrixLayoutCreate(&p->lb, t, b_rows, b_cols, k.ldb), what);
    TSR_BLAS_TRY(cublasLtMatrixLayoutCreate(&p->ld, t, uint64_t(k.m), uint64_t(k.n), k.ldd), what);
    if (k.batch > 1) {
      const int32_t count = int32_t(k.batch);
      const cublasLtMatrixLayout_t layouts[3] = {p->la, p->lb, p->ld};
      const int64_t strides[3] = {k.stride_a, k.stride_b, k.stride_d};
      for (int i = 0; i < 3; ++i) {
        TSR_BLAS_TRY(cublasLtMatrixLayoutSetAttribute(layouts[i], CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT,
                                                      &count, sizeof count),
                     what);
        TSR_BLAS_TRY(cublasLtMatrixLayoutSetAttribute(layouts[i],
                                                      CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET,
                                                      &strides[i], sizeof strides[i]),
                     what);
      }
    }
    cublasLtMatmulPreference_t pref = nullptr;
    TSR_BLAS_TRY(cublasLtMatmulPreferenceCreate(&pref), what);
    std::unique_ptr<std::remove_pointer_t<cublasLtMatmulPreference_t>,
                    cublasStatus_t (*)(cublasLtMatmulPreference_t)>
        pref_guard(pref, cublasLtMatmulPreferenceDestroy);
    const uint64_t ws = kWorkspaceBytes;
    const uint32_t al[4] = {uint32_t(k.align_a), uint32_t(k.align_b), uint32_t(k.align_d),
                            uint32_t(k.align_d)};
    TSR_BLAS_TRY(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                      &ws, sizeof ws),
                 what);
    const cublasLtMatmulPreferenceAttributes_t al_attr[4] = {
        CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
        CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES};
    for (int i = 0; i < 4; ++i)
      TSR_BLAS_TRY(cublasLtMatmulPreferenceSetAttribute(pref, al_attr[i], &al[i], sizeof al[i]), what);
    // The heuristic's first choice. (Timing its other candidates was tried:
    // on an H200 the clocks drift with power by up to 20% within seconds,
    // so one-time timings picked worse algorithms as often as better ones;
    // bench/bench_cublaslt_algos.cpp measures them.)
    cublasLtMatmulHeuristicResult_t result{};
    int found = 0;
    cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(handle, p->desc, p->la, p->lb, p->ld, p->ld,
                                                       pref, 1, &result, &found);
    // NOT_SUPPORTED means no algorithm for this combination: a cached "no".
    if (st != CUBLAS_STATUS_SUCCESS && st != CUBLAS_STATUS_NOT_SUPPORTED)
      return blas_status(st, what, "cublasLtMatmulAlgoGetHeuristic");
    p->found = st == CUBLAS_STATUS_SUCCESS && found > 0 && result.state == CUBLAS_STATUS_SUCCESS;
    if (p->found) p->algo = result.algo;
    *out = p->found ? p.get() : nullptr;
    plans.emplace(k, std::move(p));
    return Status::Ok();
  }
};

Status create_blas(BlasLt** out) {
  auto b = std::make_unique<BlasLt>();
  TSR_BLAS_TRY(cublasLtCreate(&b->handle), "creating the cuBLASLt handle");
  *out = b.release();
  return Status::Ok();
}

void destroy_blas(BlasLt* blas) { delete blas; }

namespace {

bool is_blas_float(tsr_dtype d) {
  return d == TSR_FLOAT16 || d == TSR_BFLOAT16 || d == TSR_FLOAT32 || d == TSR_FLOAT64;
}

// Runs g on cuBLASLt when it has an algorithm; *done says whether it ran.
Status try_blaslt(GpuContext& ctx, const OpCall& c, GpuStream& s, Gemm& g, double alpha,
                  double beta, bool* done) {
  *done = false;
  g.key.compute = (c.out.dtype == TSR_FLOAT32 && (c.context_flags & TSR_CONTEXT_ALLOW_TF32)) ? 1 : 0;
  BlasLt* blas = nullptr;
  Status st = ctx.blas(&blas);
  if (!st.ok()) return st;
  void* workspace = nullptr;
  st = s.blas_workspace(kWorkspaceBytes, &workspace);
  if (!st.ok()) return st;
  std::lock_guard<std::mutex> lock(blas->mu);
  Plan* plan = nullptr;
  st = blas->plan(g, &plan);
  if (!st.ok() || !plan) return st;
  if (g.bias)
    TSR_BLAS_TRY(cublasLtMatmulDescSetAttribute(plan->desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &g.bias,
                                                sizeof g.bias),
                 c.name);
  const bool f64 = c.out.dtype == TSR_FLOAT64;
  const float af = float(alpha), bf = float(beta);
  const void* ap = f64 ? static_cast<const void*>(&alpha) : &af;
  const void* bp = f64 ? static_cast<const void*>(&beta) : &bf;
  auto run = [&](const cublasLtMatmulAlgo_t& algo) {
    return cublasLtMatmul(blas->handle, plan->desc, ap, g.a, plan->la, g.b, plan->lb, bp, g.d,
                          plan->ld, g.d, plan->ld, &algo, workspace, kWorkspaceBytes, s.get());
  };
  TSR_BLAS_TRY(run(plan->algo), c.name);
  *done = true;
  return Status::Ok();
}

}  // namespace

Status run_matmul(GpuContext& ctx, const OpCall& c, GpuStream& s, const LaunchEnv& env) {
  const int nd = c.out.ndim;
  if (is_blas_float(c.out.dtype) && c.in[0].shape[nd - 1] > 0) {
    Gemm g;
    if (describe(c, CUBLASLT_EPILOGUE_DEFAULT, nullptr, &g)) {
      bool done = false;
      Status st = try_blaslt(ctx, c, s, g, c.scalar[0], c.scalar[1], &done);
      if (!st.ok() || done) return st;
    }
  }
  return launch_gemm_generic(c, env);
}

Status run_linear(GpuContext& ctx, const OpCall& c, GpuStream& s, const LaunchEnv& env) {
  // x [M, K] @ w^T [K, N] (+ bias [N]) -> out [M, N], contiguous x and out.
  OpCall mm = c;
  mm.kind = OpKind::Matmul;
  mm.n_in = 2;
  mm.scalar[0] = 1;
  mm.scalar[1] = 0;
  const TensorDesc* bias = c.n_in > 2 ? &c.in[2] : nullptr;
  const int act = c.code;
  const int64_t K = c.in[0].shape[1];
  if (K == 0) {
    // x @ w^T is all zeros: out = act(0 + bias).
    OpCall fill;
    fill.kind = OpKind::Fill;
    fill.name = c.name;
    fill.out = c.out;
    Status st = launch_fill(fill, env);
    if (!st.ok()) return st;
    return launch_bias_activation(c.out, bias, act, c.name, env);
  }
  // What the epilogue can fuse: a contiguous bias, then ReLU or GELU (tanh).
  // A strided bias goes to the follow-up kernel, and then so must the
  // activation (it applies after the bias).
  const bool bias_fusable = !bias || bias->strides[0] == 1 || bias->shape[0] <= 1;
  int epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  bool fused_bias = false, fused_act = act == TSR_ACTIVATION_NONE;
  if (bias_fusable) {
    fused_bias = bias != nullptr;
    if (act == TSR_ACTIVATION_RELU) {
      epilogue = fused_bias ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_RELU;
      fused_act = true;
    } else if (act == TSR_ACTIVATION_GELU && c.out.dtype != TSR_FLOAT64) {
      // (cuBLASLt's float64 GELU epilogue is accurate to ~1e-10 only: a kernel does it.)
      epilogue = fused_bias ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_GELU;
      fused_act = true;
    } else if (fused_bias) {
      epilogue = CUBLASLT_EPILOGUE_BIAS;
    }
  }
  bool done = false;
  if (is_blas_float(c.out.dtype)) {
    Gemm g;
    if (describe(mm, epilogue, fused_bias ? bias->ptr() : nullptr, &g)) {
      Status st = try_blaslt(ctx, mm, s, g, 1.0, 0.0, &done);
      if (!st.ok()) return st;
    }
    if (!done && epilogue != CUBLASLT_EPILOGUE_DEFAULT) {
      // No algorithm with this epilogue (e.g. float64): plain GEMM, then a kernel.
      fused_bias = false;
      fused_act = act == TSR_ACTIVATION_NONE;
      if (describe(mm, CUBLASLT_EPILOGUE_DEFAULT, nullptr, &g)) {
        Status st = try_blaslt(ctx, mm, s, g, 1.0, 0.0, &done);
        if (!st.ok()) return st;
      }
    }
  }
  if (!done) {
    fused_bias = false;
    fused_act = act == TSR_ACTIVATION_NONE;
    Status st = launch_gemm_generic(mm, env);
    if (!st.ok()) return st;
  }
  if (fused_act && (fused_bias || !bias)) return Status::Ok();
  return launch_bias_activation(c.out, fused_bias ? nullptr : bias, fused_act ? TSR_ACTIVATION_NONE : act,
                                c.name, env);
}

}  // namespace tsr::gpu
