// Matmul and linear on the CPU. float32/float64 go to OpenBLAS in place
// whenever the strides allow (a transposed layout is a BLAS transpose, not a
// copy); half types are converted to float32 for sgemm and back; integers
// use the blocked GEMM of cpu_gemm.h with wrapping arithmetic. Linear is one
// GEMM followed by a single fused pass for bias and activation.
// Nothing here keeps state between calls, so streams may run it concurrently.
#include <cmath>
#include <cstring>

#include "backends/cpu/cpu_gemm.h"
#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/scalar_math.h"

namespace tsr::cpu {
namespace {

using gemm::Mat;

// Batched GEMMs this small run one per thread (each single-threaded inside
// OpenBLAS, whose own threading starts around 64^3); larger ones run in turn,
// each threaded by OpenBLAS.
constexpr int64_t kSmallGemm = 64 * 64 * 64;

// The compute type of the BLAS path: double for float64, float otherwise.
template <typename S>
using blas_t = std::conditional_t<std::is_same_v<S, double>, double, float>;

// The bytes an operand may touch, [lo, hi).
void byte_range(const TensorDesc& d, const char** lo, const char** hi) {
  const int64_t es = dtype_size(d.dtype);
  int64_t min_off = 0, max_off = 0;
  for (int i = 0; i < d.ndim; ++i) {
    const int64_t span = (d.shape[i] - 1) * d.strides[i];
    (span < 0 ? min_off : max_off) += span;
  }
  const char* p = d.ptr<const char>();
  *lo = p + min_off * es;
  *hi = p + (max_off + 1) * es;
}

// Whether writing `out` may change what `in` reads (the caller passed an
// input, or a view of it, as the output).
bool overlaps(const TensorDesc& out, const TensorDesc& in) {
  if (out.numel() == 0 || in.numel() == 0) return false;
  const char *olo, *ohi, *ilo, *ihi;
  byte_range(out, &olo, &ohi);
  byte_range(in, &ilo, &ihi);
  return olo < ihi && ilo < ohi;
}

// A private copy of `d` (same shape; broadcast axes keep stride 0) in `buf`.
TensorDesc private_copy(const TensorDesc& d, std::vector<char>& buf) {
  const int64_t es = dtype_size(d.dtype);
  TensorDesc c = d;
  int64_t n = 1;
  for (int i = d.ndim - 1; i >= 0; --i) {
    c.strides[i] = d.strides[i] == 0 ? 0 : n;
    if (d.strides[i] != 0) n *= d.shape[i];
  }
  buf.assign(size_t(n * es), 0);
  c.base = buf.data();
  c.offset = 0;
  // Copy each distinct element once: broadcast axes iterate as size 1.
  TensorDesc dst = c, src = d;
  for (int i = 0; i < d.ndim; ++i)
    if (d.strides[i] == 0) dst.shape[i] = src.shape[i] = 1;
  const TensorDesc* ds[2] = {&dst, &src};
  nd_loop<2>(ds, [&](char** p, const int64_t* st, int64_t count) {
    for (int64_t i = 0; i < count; ++i) std::memcpy(p[0] + i * st[0], p[1] + i * st[1], size_t(es));
  });
  return c;
}

// Byte offsets of each batch entry in the descs (all share out's batch shape).
struct BatchIndex {
  int nb = 0;
  int64_t count = 1;
  const TensorDesc* d[3];
  explicit BatchIndex(const TensorDesc& out, const TensorDesc& a, const TensorDesc& b)
      : nb(out.ndim - 2), d{&out, &a, &b} {
    for (int i = 0; i < nb; ++i) count *= out.shape[i];
  }
  void offsets(int64_t entry, int64_t off[3]) const {
    off[0] = off[1] = off[2] = 0;
    for (int i = nb - 1; i >= 0; --i) {
      const int64_t idx = entry % d[0]->shape[i];
      entry /= d[0]->shape[i];
      for (int k = 0; k < 3; ++k) off[k] += idx * d[k]->strides[i] * dtype_size(d[k]->dtype);
    }
  }
};

// alpha and beta in the accumulator type (integers: the core admits only
// integral values; the conversion wraps like the rest of the arithmetic).
template <typename W>
W scalar_as(double v) {
  if constexpr (std::is_floating_point_v<W>) return W(v);
  else return W(math::convert<int64_t>(v));
}

// ---------------------------------------------------------------- matmul

// Per-thread scratch of the BLAS path.
template <typename T>
struct Scratch {
  gemm::PackBuffer<T> a, b;
  std::vector<T> c;
};

// out(i, j) = S(r(i, j) + beta * out(i, j)) from a contiguous M x N result
// that already carries alpha.
template <typename S, typename T>
void store_result(const T* r, const Mat& c, double beta) {
  const int64_t es = sizeof(S);
  const compute_t<S> b = compute_t<S>(beta);
  for (int64_t i = 0; i < c.rows; ++i) {
    const T* src = r + i * c.cols;
    char* row = c.p + i * c.rs * es;
    for (int64_t j = 0; j < c.cols; ++j) {
      S* o = reinterpret_cast<S*>(row + j * c.cs * es);
      compute_t<S> v = compute_t<S>(src[j]);
      store(o, beta != 0 ? compute_t<S>(v + b * load(o)) : v);
    }
  }
}

// One batch entry on the BLAS path: c = alpha * a @ b + beta * c.
template <typename S>
void blas_entry(Mat a, Mat b, Mat c, double alpha, double beta, Scratch<blas_t<S>>& s) {
  using T = blas_t<S>;
  constexpr bool same = std::is_same_v<S, T>;
  gemm::BlasView vc = gemm::blas_view(c);
  if (same && vc.direct && vc.trans) {
    // A column-major output: compute c^T = b^T @ a^T into it instead.
    std::swap(a, b);
    a = a.t();
    b = b.t();
    c = c.t();
    vc = gemm::blas_view(c);
  }
  const gemm::Operand<T> oa = gemm::operand<S, T>(a, s.a, false);
  const gemm::Operand<T> ob = gemm::operand<S, T>(b, s.b, false);
  const int64_t M = c.rows, N = c.cols, K = a.cols;
  if (same && vc.direct && !vc.trans) {
    gemm::blas_gemm(oa, ob, M, N, K, T(alpha), T(beta), reinterpret_cast<T*>(c.p), vc.ld);
    return;
  }
  // Half types, or an output BLAS cannot address: through a contiguous result.
  s.c.resize(size_t(M * N));
  gemm::blas_gemm(oa, ob, M, N, K, T(alpha), T(0), s.c.data(), N);
  store_result<S, T>(s.c.data(), c, beta);
}

template <typename S>
void matmul_blas(const OpCall& call, const TensorDesc& A, const TensorDesc& B) {
  const BatchIndex batch(call.out, A, B);
  const int64_t M = call.out.shape[call.out.ndim - 2], N = call.out.shape[call.out.ndim - 1];
  const int64_t K = A.shape[A.ndim - 1];
  const double alpha = call.scalar[0], beta = call.scalar[1];
  auto entry = [&](int64_t e, Scratch<blas_t<S>>& s) {
    int64_t off[3];
    batch.offsets(e, off);
    blas_entry<S>(gemm::mat_of(A, off[1]), gemm::mat_of(B, off[2]), gemm::mat_of(call.out, off[0]),
                  alpha, beta, s);
  };
  const bool per_thread = batch.count > 1 && gemm::volume(M, N, K) <= double(kSmallGemm) &&
                          omp_get_max_threads() > 1 && !omp_in_parallel();
  gemm::parallel_ranges(batch.count, per_thread, [&](int64_t begin, int64_t end) {
    Scratch<blas_t<S>> s;
    for (int64_t e = begin; e < end; ++e) entry(e, s);
  });
}

// Integers, an empty inner dimension, or sizes beyond a BLAS int.
template <typename S>
void matmul_blocked(const OpCall& call, const TensorDesc& A, const TensorDesc& B) {
  using W = gemm::acc_t<S>;
  const BatchIndex batch(call.out, A, B);
  const W alpha = scalar_as<W>(call.scalar[0]), beta = scalar_as<W>(call.scalar[1]);
  const bool use_beta = call.scalar[1] != 0;
  const int64_t es = sizeof(S);
  // Entries in parallel when there are enough to occupy every thread.
  const int threads = omp_get_max_threads();
  const bool many = threads > 1 && batch.count >= threads && !omp_in_parallel();
  auto one_entry = [&](int64_t e) {
    int64_t off[3];
    batch.offsets(e, off);
    const Mat c = gemm::mat_of(call.out, off[0]);
    auto sink = [&](int64_t i, int64_t j0, const W* acc, int64_t n) {
      char* row = c.p + (i * c.rs + j0 * c.cs) * es;
      for (int64_t j = 0; j < n; ++j) {
        S* o = reinterpret_cast<S*>(row + j * c.cs * es);
        W v = alpha * acc[j];
        if (use_beta) v += beta * gemm::widen<W>(o);
        if constexpr (is_float_v<S>) store(o, compute_t<S>(v));
        else *o = S(v);  // the low bits: wrapping
      }
    };
    // Tiles in parallel when the entries are not.
    gemm::blocked_gemm<S, W>(gemm::mat_of(A, off[1]), gemm::mat_of(B, off[2]), !many, sink);
  };
  gemm::parallel_ranges(batch.count, many, [&](int64_t begin, int64_t end) {
    for (int64_t e = begin; e < end; ++e) one_entry(e);
  });
}

template <typename S>
void matmul_typed(const OpCall& call) {
  if constexpr (std::is_same_v<S, bool>) {
    fail(TSR_ERROR_INTERNAL, "%s: not defined for bool", call.name);
  } else {
    const TensorDesc& out = call.out;
    const int64_t N = out.shape[out.ndim - 1], K = call.in[0].shape[call.in[0].ndim - 1];
    // An output that overlaps an input would be read after being written.
    std::vector<char> copy_a, copy_b;
    const bool alias_a = overlaps(out, call.in[0]), alias_b = overlaps(out, call.in[1]);
    const TensorDesc A = alias_a ? private_copy(call.in[0], copy_a) : call.in[0];
    const TensorDesc B = alias_b ? private_copy(call.in[1], copy_b) : call.in[1];
    if constexpr (is_float_v<S>) {
      if (K > 0 && gemm::fits_blas_int(N) && gemm::fits_blas_int(K))
        return matmul_blas<S>(call, A, B);
    }
    matmul_blocked<S>(call, A, B);
  }
}

// ---------------------------------------------------------------- linear

template <int Act, typename T>
inline T activate(T v) {
  if constexpr (Act == TSR_ACTIVATION_RELU) return v > T(0) ? v : T(0);
  else if constexpr (Act == TSR_ACTIVATION_GELU) return math::gelu_tanh(v);
  else if constexpr (Act == TSR_ACTIVATION_SILU) return math::silu(v);
  else if constexpr (Act == TSR_ACTIVATION_SIGMOID) return math::sigmoid(v);
  else if constexpr (Act == TSR_ACTIVATION_TANH) return std::tanh(v);
  else return v;
}

// Calls f(std::integral_constant<int, act>) for the activation code.
template <typename F>
void with_activation(int32_t act, F&& f) {
  switch (act) {
    case TSR_ACTIVATION_NONE: return f(std::integral_constant<int, TSR_ACTIVATION_NONE>{});
    case TSR_ACTIVATION_RELU: return f(std::integral_constant<int, TSR_ACTIVATION_RELU>{});
    case TSR_ACTIVATION_GELU: return f(std::integral_constant<int, TSR_ACTIVATION_GELU>{});
    case TSR_ACTIVATION_SILU: return f(std::integral_constant<int, TSR_ACTIVATION_SILU>{});
    case TSR_ACTIVATION_SIGMOID: return f(std::integral_constant<int, TSR_ACTIVATION_SIGMOID>{});
    case TSR_ACTIVATION_TANH: return f(std::integral_constant<int, TSR_ACTIVATION_TANH>{});
    default: fail(TSR_ERROR_INTERNAL, "linear: activation %d has no CPU kernel", int(act));
  }
}

// out[i, :] = S(act(row + bias)) for one row; `row` may alias `out` (S == T).
template <int Act, typename S, typename T>
inline void bias_act_row(const T* row, S* out, const T* bias, int64_t n) {
  if (bias) {
    for (int64_t j = 0; j < n; ++j) store(out + j, compute_t<S>(activate<Act>(T(row[j] + bias[j]))));
  } else {
    for (int64_t j = 0; j < n; ++j) store(out + j, compute_t<S>(activate<Act>(row[j])));
  }
}

// The fused epilogue over a contiguous M x N result `r` into contiguous out.
template <typename S, typename T>
void bias_act(const T* r, S* out, const T* bias, int32_t act, int64_t M, int64_t N) {
  if (std::is_same_v<S, T> && !bias && act == TSR_ACTIVATION_NONE) return;  // already in place
  with_activation(act, [&](auto tag) {
    constexpr int Act = decltype(tag)::value;
#pragma omp parallel for schedule(static) if (M * N >= 2 * kParallelGrain && M > 1)
    for (int64_t i = 0; i < M; ++i) bias_act_row<Act>(r + i * N, out + i * N, bias, N);
  });
}

template <typename S>
void linear_typed(const OpCall& call) {
  if constexpr (!is_float_v<S>) {
    fail(TSR_ERROR_INTERNAL, "%s: linear is defined for floating dtypes only", call.name);
  } else {
    using T = blas_t<S>;
    const Mat x = gemm::mat_of(call.in[0]), w = gemm::mat_of(call.in[1]);
    const int64_t M = call.out.shape[0], N = call.out.shape[1], K = x.cols;
    S* out = call.out.ptr<S>();  // contiguous [M, N] (the core guarantees it)
    std::vector<T> bias;
    if (call.n_in == 3) {
      const TensorDesc& b = call.in[2];
      bias.resize(size_t(N));
      for (int64_t j = 0; j < N; ++j) bias[size_t(j)] = T(load(b.ptr<S>() + j * b.strides[0]));
    }
    const T* bp = bias.empty() ? nullptr : bias.data();
    const int32_t act = call.code;
    if (K > 0 && gemm::fits_blas_int(N) && gemm::fits_blas_int(K)) {
      Scratch<T> s;
      const bool alias_x = overlaps(call.out, call.in[0]), alias_w = overlaps(call.out, call.in[1]);
      const auto ox = gemm::operand<S, T>(x, s.a, alias_x), ow = gemm::operand<S, T>(w, s.b, alias_w);
      if constexpr (std::is_same_v<S, T>) {
        gemm::blas_gemm(ox, ow, M, N, K, T(1), T(0), out, N);
        bias_act<S, T>(out, out, bp, act, M, N);
      } else {
        s.c.resize(size_t(M * N));
        gemm::blas_gemm(ox, ow, M, N, K, T(1), T(0), s.c.data(), N);
        bias_act<S, T>(s.c.data(), out, bp, act, M, N);
      }
      return;
    }
    // K == 0 (out = act(bias)) or sizes beyond a BLAS int; the epilogue runs
    // per row segment inside the blocked GEMM.
    std::vector<char> copy_x, copy_w;
    const Mat xs = overlaps(call.out, call.in[0]) ? gemm::mat_of(private_copy(call.in[0], copy_x)) : x;
    const Mat ws = overlaps(call.out, call.in[1]) ? gemm::mat_of(private_copy(call.in[1], copy_w)) : w;
    with_activation(act, [&](auto tag) {
      constexpr int Act = decltype(tag)::value;
      gemm::blocked_gemm<S, double>(xs, ws, true, [&](int64_t i, int64_t j0, const double* acc, int64_t n) {
        for (int64_t j = 0; j < n; ++j) {
          T v = T(acc[j]) + (bp ? bp[j0 + j] : T(0));
          store(out + i * N + j0 + j, compute_t<S>(activate<Act>(v)));
        }
      });
    });
  }
}

}  // namespace

void run_matmul(const OpCall& call) {
  if (call.out.numel() == 0) return;
  if (call.kind == OpKind::Linear) {
    dispatch(call.out.dtype, [&](auto tag) { linear_typed<decltype(tag)>(call); });
  } else if (call.kind == OpKind::Matmul) {
    dispatch(call.out.dtype, [&](auto tag) { matmul_typed<decltype(tag)>(call); });
  } else {
    fail(TSR_ERROR_INTERNAL, "%s: not a matmul kind", call.name);
  }
}

}  // namespace tsr::cpu
