#include "cl_clblast.h"

#include <clblast_c.h>

#include <string>

#include "cl_context.h"
#include "cl_error.h"
#include "cl_launch_order.h"
#include "cl_stream.h"

namespace tsr::opencl {
namespace {

Status blast_failure(const Launch& L, CLBlastStatusCode code, const char* routine) {
  const cl_int c = cl_int(code);
  return Status::Err(c > -1000 ? cl_status(c) : TSR_ERROR_BACKEND,
                     std::string(L.op()) + ": " + routine + " failed with " +
                         clblast_error_name(c) + " (" + std::to_string(c) + ")");
}

CLBlastTranspose tr(bool t) { return t ? CLBlastTransposeYes : CLBlastTransposeNo; }

bool uniform(const GemmCall& g) {
  return g.a.offsets.empty() && g.b.offsets.empty() && g.c.offsets.empty();
}

// The per-batch offsets of m (explicit, or from its uniform stride).
std::vector<size_t> batch_offsets(const GemmMatrix& m, int64_t batch) {
  std::vector<size_t> v(static_cast<size_t>(batch));
  for (int64_t i = 0; i < batch; ++i)
    v[size_t(i)] = size_t(m.offsets.empty() ? m.offset + i * m.batch_stride : m.offsets[size_t(i)]);
  return v;
}

template <typename T>
struct Blast;

template <>
struct Blast<float> {
  static constexpr const char* single = "CLBlastSgemmWithTempBuffer";
  static constexpr const char* strided = "CLBlastSgemmStridedBatched";
  static constexpr const char* batched = "CLBlastSgemmBatched";
  static constexpr auto temp_size = CLBlastSGemmTempBufferSize;
  static constexpr auto gemm = CLBlastSgemmWithTempBuffer;
  static constexpr auto gemm_strided = CLBlastSgemmStridedBatched;
  static constexpr auto gemm_batched = CLBlastSgemmBatched;
};
template <>
struct Blast<double> {
  static constexpr const char* single = "CLBlastDgemmWithTempBuffer";
  static constexpr const char* strided = "CLBlastDgemmStridedBatched";
  static constexpr const char* batched = "CLBlastDgemmBatched";
  static constexpr auto temp_size = CLBlastDGemmTempBufferSize;
  static constexpr auto gemm = CLBlastDgemmWithTempBuffer;
  static constexpr auto gemm_strided = CLBlastDgemmStridedBatched;
  static constexpr auto gemm_batched = CLBlastDgemmBatched;
};

// `order` (PoCL): CLBlast's launch order, held; the call's event joins it.
template <typename T>
Status gemm_typed(Launch& L, const GemmCall& g, LaunchOrder* order) {
  using B = Blast<T>;
  cl_command_queue q = L.stream().queue();
  cl_event ev = nullptr;
  const size_t M = size_t(g.M), N = size_t(g.N), K = size_t(g.K);
  const T alpha = T(g.alpha), beta = T(g.beta);
  CLBlastStatusCode s;
  const char* routine;
  if (g.batch == 1) {
    // The workspace comes from our scratch, so CLBlast allocates nothing per call.
    size_t temp = 0;
    routine = B::single;
    s = B::temp_size(CLBlastLayoutRowMajor, tr(g.a.trans), tr(g.b.trans), M, N, K,
                     size_t(g.a.offset), size_t(g.a.ld), size_t(g.b.offset), size_t(g.b.ld),
                     size_t(g.c.offset), size_t(g.c.ld), &q, &temp);
    if (s != CLBlastSuccess) return blast_failure(L, s, "CLBlastGemmTempBufferSize");
    cl_mem workspace = nullptr;
    Status st = L.stream().scratch().get_buffer(temp, &workspace);
    if (!st.ok()) return st;
    s = B::gemm(CLBlastLayoutRowMajor, tr(g.a.trans), tr(g.b.trans), M, N, K, alpha, g.a.mem,
                size_t(g.a.offset), size_t(g.a.ld), g.b.mem, size_t(g.b.offset), size_t(g.b.ld),
                beta, g.c.mem, size_t(g.c.offset), size_t(g.c.ld), &q, &ev, workspace);
  } else if (uniform(g)) {
    routine = B::strided;
    s = B::gemm_strided(CLBlastLayoutRowMajor, tr(g.a.trans), tr(g.b.trans), M, N, K, alpha,
                        g.a.mem, size_t(g.a.offset), size_t(g.a.ld), size_t(g.a.batch_stride),
                        g.b.mem, size_t(g.b.offset), size_t(g.b.ld), size_t(g.b.batch_stride),
                        beta, g.c.mem, size_t(g.c.offset), size_t(g.c.ld),
                        size_t(g.c.batch_stride), size_t(g.batch), &q, &ev);
  } else {
    routine = B::batched;
    const std::vector<size_t> ao = batch_offsets(g.a, g.batch), bo = batch_offsets(g.b, g.batch),
                              co = batch_offsets(g.c, g.batch);
    const std::vector<T> alphas(static_cast<size_t>(g.batch), alpha), betas(static_cast<size_t>(g.batch), beta);
    s = B::gemm_batched(CLBlastLayoutRowMajor, tr(g.a.trans), tr(g.b.trans), M, N, K,
                        alphas.data(), g.a.mem, ao.data(), size_t(g.a.ld), g.b.mem, bo.data(),
                        size_t(g.b.ld), betas.data(), g.c.mem, co.data(), size_t(g.c.ld),
                        size_t(g.batch), &q, &ev);
  }
  if (s != CLBlastSuccess) return blast_failure(L, s, routine);
  if (ev) {
    // The routine's last kernel: on an in-order queue, the end of all of it.
    if (order) record_launch(*order, ev);
    L.track(ev);
  }
  return Status::Ok();
}

}  // namespace

Status clblast_gemm(Launch& L, const GemmCall& g) {
  // One CLBlast call at a time in the process (its program and binary
  // caches are shared by every context); on PoCL also its launch order:
  // CLBlast makes its own kernel objects, so all its kernels share one.
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  LaunchOrder* order = L.ctx().device().ordered_launches ? clblast_launch_order() : nullptr;
  std::unique_lock<std::mutex> ordered;
  if (order) {
    ordered = std::unique_lock<std::mutex>(order->mu);
    Status st = wait_for_previous(*order, L.stream().queue());
    if (!st.ok()) return Status::Err(st.code, std::string(L.op()) + ": " + st.message);
  }
  return g.f64 ? gemm_typed<double>(L, g, order) : gemm_typed<float>(L, g, order);
}

}  // namespace tsr::opencl
