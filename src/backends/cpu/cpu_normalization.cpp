// Row-wise CPU kernels: softmax, log_softmax, layer_norm, rms_norm over the
// last axis. The core hands x and out as C-contiguous [rows, cols] and the
// optional gamma/beta as contiguous [cols] of any dtype (converted once per
// call here). float32 and the half types compute in float with row
// statistics accumulated in double; float64 computes in double. Rows are
// independent and spread over threads.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/cpu_loops.h"
#include "backends/cpu/cpu_vec_math.h"

namespace tsr::cpu {
namespace {

// A [cols] parameter converted to the compute type C.
template <typename C>
std::vector<C> load_param(const TensorDesc& d, int64_t cols) {
  std::vector<C> v(static_cast<size_t>(cols));
  dispatch(d.dtype, [&](auto s) {
    using P = decltype(s);
    const P* p = d.ptr<P>();
    for (int64_t j = 0; j < cols; ++j) v[size_t(j)] = C(load(p + j));
  });
  return v;
}

// exp in the compute type: the vectorizable float version, std::exp for double.
inline float exp_c(float x) { return exp_vec(x); }
inline double exp_c(double x) { return std::exp(x); }

// Loops over a row are `omp simd` (reductions may keep per-lane partial
// sums), so they vectorize for float32/float64; half rows convert per element.
template <typename S, typename C>
struct RowKernels {
  int64_t cols;
  const C* gamma;  // [cols]; ones when absent
  const C* beta;   // [cols]; zeros when absent
  C eps;

  TSR_CPU_INLINE static C at(const S* x, int64_t j) { return C(load_fast(x + j)); }

  // The row maximum; NaN if any element is NaN (it then propagates).
  TSR_CPU_INLINE C row_max(const S* x) const {
    C m = -std::numeric_limits<C>::infinity();
    int nan = 0;
#pragma omp simd reduction(max : m) reduction(| : nan)
    for (int64_t j = 0; j < cols; ++j) {
      const C v = at(x, j);
      m = v > m ? v : m;
      nan |= int(v != v);
    }
    return nan ? std::numeric_limits<C>::quiet_NaN() : m;
  }

  // e_j = exp(x_j - max) written to `e`; returns their sum (in double). Two
  // loops: GCC does not vectorize the exp and a double reduction together.
  TSR_CPU_INLINE double exp_shifted(const S* x, C m, C* e) const {
#pragma omp simd
    for (int64_t j = 0; j < cols; ++j) e[j] = exp_c(at(x, j) - m);
    return sum_as_double(e, cols);
  }

  // Where softmax keeps its exponentials: in the output for float32/float64
  // (each y_j is written after x_j is read, so y may be x), in `scratch`
  // (cols values of C) for half rows.
  TSR_CPU_INLINE C* exp_buffer(S* y, C* scratch) const {
    if constexpr (std::is_same_v<S, C>) return (void)scratch, y;
    else return (void)y, scratch;
  }

  TSR_CPU_INLINE void softmax(const S* x, S* y, C* scratch) const {
    C* e = exp_buffer(y, scratch);
    const C inv = C(1.0 / exp_shifted(x, row_max(x), e));
#pragma omp simd
    for (int64_t j = 0; j < cols; ++j) store(y + j, e[j] * inv);
  }

  // log_softmax = x - max - log(sum exp(x - max)). The exponentials go to
  // `scratch`, never to y: x is read again afterwards, and y may be x itself.
  TSR_CPU_INLINE void log_softmax(const S* x, S* y, C* scratch) const {
    const C m = row_max(x);
    const C log_s = C(std::log(exp_shifted(x, m, scratch)));
#pragma omp simd
    for (int64_t j = 0; j < cols; ++j) store(y + j, (at(x, j) - m) - log_s);
  }

  // y = (x - mean) * rstd * gamma + beta.
  TSR_CPU_INLINE void layer_norm(const S* x, S* y) const {
    const double n = double(cols);
    // `shift` is a row element; the output subtracts the small `dmean` from
    // x - shift, so a large mean costs no precision (inputs ~1e3 are common).
    const C shift = at(x, 0);
    double dmean, var;
    if constexpr (std::is_same_v<C, double>) {
      // float64: two passes, since double has no wider type to sum in.
      double s1 = 0;
#pragma omp simd reduction(+ : s1)
      for (int64_t j = 0; j < cols; ++j) s1 += at(x, j) - shift;
      dmean = s1 / n;
      double sd = 0, sd2 = 0;
#pragma omp simd reduction(+ : sd, sd2)
      for (int64_t j = 0; j < cols; ++j) {
        const double d = (at(x, j) - shift) - dmean;
        sd += d;
        sd2 += d * d;
      }
      var = (sd2 - sd * sd / n) / n;
    } else {
      // float: one pass of shifted sums in double; the shift bounds the
      // cancellation by cols * 2^-53.
      double s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
      for (int64_t j = 0; j < cols; ++j) {
        const double d = double(at(x, j) - shift);
        s1 += d;
        s2 += d * d;
      }
      dmean = s1 / n;
      var = s2 / n - dmean * dmean;
    }
    const C rstd = C(1.0 / std::sqrt(std::max(var, 0.0) + double(eps)));
    const C dm = C(dmean);
#pragma omp simd
    for (int64_t j = 0; j < cols; ++j)
      store(y + j, ((at(x, j) - shift) - dm) * rstd * gamma[j] + beta[j]);
  }

  // y = x / sqrt(mean(x^2) + eps) * gamma.
  TSR_CPU_INLINE void rms_norm(const S* x, S* y) const {
    double s2 = 0;
#pragma omp simd reduction(+ : s2)
    for (int64_t j = 0; j < cols; ++j) {
      const double v = double(at(x, j));
      s2 += v * v;
    }
    const C rstd = C(1.0 / std::sqrt(s2 / double(cols) + double(eps)));
#pragma omp simd
    for (int64_t j = 0; j < cols; ++j) store(y + j, at(x, j) * rstd * gamma[j]);
  }
};

constexpr int64_t kRowsPerCall = 16;  // rows per call of the multiversioned kernel

// Rows [r0, r1): the hot loop, multiversioned (AVX2 where available).
template <typename S, typename C>
TSR_CPU_MULTIVERSION void run_rows(const RowKernels<S, C>& k, OpKind kind, const S* x, S* y,
                                   int64_t r0, int64_t r1, C* scratch) {
  for (int64_t r = r0; r < r1; ++r) {
    const S* xr = x + r * k.cols;
    S* yr = y + r * k.cols;
    switch (kind) {
      case OpKind::Softmax: k.softmax(xr, yr, scratch); break;
      case OpKind::LogSoftmax: k.log_softmax(xr, yr, scratch); break;
      case OpKind::LayerNorm: k.layer_norm(xr, yr); break;
      default: k.rms_norm(xr, yr); break;
    }
  }
}

template <typename S>
void normalize_typed(const OpCall& c) {
  using C = std::conditional_t<std::is_same_v<S, double>, double, float>;
  const int64_t rows = c.out.shape[0], cols = c.out.shape[1];
  const bool norm = c.kind == OpKind::LayerNorm || c.kind == OpKind::RmsNorm;
  // Absent parameters become ones and zeros: exact, and one loop serves all.
  std::vector<C> gamma = norm && (c.flags & 1u) ? load_param<C>(c.in[1], cols)
                                                : std::vector<C>(static_cast<size_t>(cols), C(1));
  std::vector<C> beta = c.kind == OpKind::LayerNorm && (c.flags & 2u)
                            ? load_param<C>(c.in[1 + (c.flags & 1u)], cols)
                            : std::vector<C>(static_cast<size_t>(cols), C(0));
  const RowKernels<S, C> k{cols, gamma.data(), beta.data(), C(c.scalar[0])};
  const S* x = c.in[0].ptr<S>();
  S* y = c.out.ptr<S>();
  const bool parallel = rows > 1 && rows * cols >= 2 * kParallelGrain && omp_get_max_threads() > 1;
#pragma omp parallel if (parallel)
  {
    const bool need_scratch =
        c.kind == OpKind::LogSoftmax || (c.kind == OpKind::Softmax && is_half_v<S>);
    std::vector<C> scratch(need_scratch ? static_cast<size_t>(cols) : 0);
#pragma omp for schedule(static)
    for (int64_t rb = 0; rb < rows; rb += kRowsPerCall)
      run_rows(k, c.kind, x, y, rb, std::min(rows, rb + kRowsPerCall), scratch.data());
  }
}

}  // namespace

void run_normalization(const OpCall& call) {
  TSR_CHECK(call.kind == OpKind::Softmax || call.kind == OpKind::LogSoftmax ||
                call.kind == OpKind::LayerNorm || call.kind == OpKind::RmsNorm,
            TSR_ERROR_INTERNAL, "%s: not a normalization op", call.name);
  TSR_CHECK(call.in[0].ndim == 2 && call.out.ndim == 2 && call.in[0].is_contiguous() &&
                call.out.is_contiguous(),
            TSR_ERROR_INTERNAL, "%s: expects C-contiguous [rows, cols] tensors", call.name);
  dispatch(call.out.dtype, [&](auto s) {
    using S = decltype(s);
    if constexpr (is_float_v<S>) normalize_typed<S>(call);
    else fail(TSR_ERROR_UNSUPPORTED, "%s: needs a floating dtype, got %s", call.name,
              dtype_name(call.out.dtype));
  });
}

}  // namespace tsr::cpu
