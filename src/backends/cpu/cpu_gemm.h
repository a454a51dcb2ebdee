// GEMM building blocks of the CPU backend: strided matrix views, their
// mapping onto cblas (row-major) without copies, packing into contiguous
// temporaries (with conversion for half types), the cblas calls, and a
// blocked GEMM for the dtypes BLAS lacks (integers) or sizes it cannot take.
#pragma once
#include <omp.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <exception>
#include <mutex>
#include <type_traits>
#include <vector>

#include "backends/cpu/cpu_loops.h"

namespace tsr::cpu::gemm {

// A matrix of storage type S: element (i, j) at p + (i * rs + j * cs) * sizeof(S).
struct Mat {
  char* p = nullptr;
  int64_t rows = 0, cols = 0;
  int64_t rs = 0, cs = 0;  // strides in elements; any sign, 0 allowed
  Mat t() const { return {p, cols, rows, cs, rs}; }
};

// The last two axes of `d` as a matrix, starting `byte_offset` past element 0.
inline Mat mat_of(const TensorDesc& d, int64_t byte_offset = 0) {
  const int n = d.ndim;
  return {static_cast<char*>(d.base) + d.offset + byte_offset, d.shape[n - 2], d.shape[n - 1],
          d.strides[n - 2], d.strides[n - 1]};
}

inline bool fits_blas_int(int64_t v) { return v >= 0 && v <= INT_MAX; }

// M * N * K without overflow, for size thresholds.
inline double volume(int64_t m, int64_t n, int64_t k) { return double(m) * double(n) * double(k); }

// An exception leaving an OpenMP region ends the process, so work inside one
// runs through capture(); the first exception is rethrown after the region.
class RegionErrors {
 public:
  template <typename F>
  void capture(F&& f) noexcept {
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!first_) first_ = std::current_exception();
    }
  }
  void rethrow() {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mu_;
  std::exception_ptr first_;
};

// Splits [0, n) into one contiguous range per thread (all of it on the
// calling thread unless `parallel`) and calls body(begin, end) for each.
// No worksharing barrier inside, so a thread that throws cannot leave the
// others waiting; the first exception is rethrown here.
template <typename Body>
void parallel_ranges(int64_t n, bool parallel, Body&& body) {
  RegionErrors errors;
#pragma omp parallel if (parallel)
  {
    const int64_t nt = omp_get_num_threads(), id = omp_get_thread_num();
    const int64_t begin = n * id / nt, end = n * (id + 1) / nt;
    if (begin < end) errors.capture([&] { body(begin, end); });
  }
  errors.rethrow();
}

// How row-major cblas can read a matrix in place: either as stored
// (element (i, j) at i * ld + j) or as the transpose of what is stored
// (element (i, j) at j * ld + i). `direct` is false when neither fits.
struct BlasView {
  bool direct = false;
  bool trans = false;
  int64_t ld = 0;
};

inline BlasView blas_view(const Mat& m) {
  // A stride along an axis of extent 1 is never used, so it matches anything.
  const bool unit_col = m.cs == 1 || m.cols <= 1;
  const bool unit_row = m.rs == 1 || m.rows <= 1;
  const int64_t min_ld_rows = std::max<int64_t>(1, m.cols);  // row-major needs ld >= cols
  const int64_t min_ld_cols = std::max<int64_t>(1, m.rows);
  if (unit_col && (m.rows <= 1 || m.rs >= min_ld_rows)) {
    int64_t ld = m.rows <= 1 ? min_ld_rows : m.rs;
    if (fits_blas_int(ld)) return {true, false, ld};
  }
  if (unit_row && (m.cols <= 1 || m.cs >= min_ld_cols)) {
    int64_t ld = m.cols <= 1 ? min_ld_cols : m.cs;
    if (fits_blas_int(ld)) return {true, true, ld};
  }
  return {};
}

// A matrix as cblas takes it.
template <typename T>
struct Operand {
  const T* p = nullptr;
  bool trans = false;
  int64_t ld = 0;
};

// A packed copy of one operand. `source` remembers the matrix packed last, so
// an operand broadcast over the batch is packed once per call, not per entry.
template <typename T>
struct PackBuffer {
  std::vector<T> data;
  const char* source = nullptr;
  Operand<T> packed;
};

// Large packs are split over threads unless already inside a parallel region.
constexpr int64_t kParallelPack = 1 << 16;

// Copies m (storage S) into contiguous T, converting, in the orientation
// that reads the source sequentially: row-major, or column-major (returned
// as a transposed operand) when the source's rows have unit stride.
template <typename S, typename T>
Operand<T> pack(const Mat& m, std::vector<T>& buf) {
  const int64_t R = m.rows, C = m.cols;
  buf.resize(size_t(R * C));
  T* dst = buf.data();
  const bool col_major = m.rs == 1 && m.cs != 1 && fits_blas_int(R);
  const int64_t outer = col_major ? C : R, inner = col_major ? R : C;
  const int64_t so = (col_major ? m.cs : m.rs) * int64_t(sizeof(S));
  const int64_t si = (col_major ? m.rs : m.cs) * int64_t(sizeof(S));
  const bool par = R * C >= kParallelPack && !omp_in_parallel();
#pragma omp parallel for schedule(static) if (par)
  for (int64_t o = 0; o < outer; ++o) {
    const char* src = m.p + o * so;
    T* d = dst + o * inner;
    if (si == int64_t(sizeof(S))) {
      const S* s = reinterpret_cast<const S*>(src);
      for (int64_t i = 0; i < inner; ++i) d[i] = T(load(s + i));
    } else {
      for (int64_t i = 0; i < inner; ++i) d[i] = T(load(reinterpret_cast<const S*>(src + i * si)));
    }
  }
  return {dst, col_major, std::max<int64_t>(1, inner)};
}

// m as a cblas operand of type T: in place when S is T and the layout
// allows it (and `force_pack` is false), else packed into `buf`.
template <typename S, typename T>
Operand<T> operand(const Mat& m, PackBuffer<T>& buf, bool force_pack) {
  if constexpr (std::is_same_v<S, T>) {
    BlasView v = blas_view(m);
    if (v.direct && !force_pack) return {reinterpret_cast<const T*>(m.p), v.trans, v.ld};
  }
  if (buf.source != m.p || buf.data.empty()) {
    buf.packed = pack<S, T>(m, buf.data);
    buf.source = m.p;
  }
  return buf.packed;
}

// C = alpha * op(A) @ op(B) + beta * C with C row-major (ldc), through
// cblas_sgemm / cblas_dgemm. N and K must fit a BLAS int; M may not (it is
// split into row chunks). cblas returns nothing and OpenBLAS only prints on a
// bad argument, so every argument is checked here first (TSR_ERROR_INTERNAL).
void blas_gemm(const Operand<float>& a, const Operand<float>& b, int64_t M, int64_t N, int64_t K,
               float alpha, float beta, float* c, int64_t ldc);
void blas_gemm(const Operand<double>& a, const Operand<double>& b, int64_t M, int64_t N,
               int64_t K, double alpha, double beta, double* c, int64_t ldc);

// The accumulator of the blocked GEMM: unsigned integers of at least 32 bits
// for integer types (wrapping arithmetic: the low bits of the sum of products
// are those of the exact result), double for floating types.
template <typename S>
using acc_t = std::conditional_t<is_float_v<S>, double,
                                 std::conditional_t<(sizeof(S) <= 4), uint32_t, uint64_t>>;

// A value of storage S widened to its accumulator (signed values wrap).
template <typename W, typename S>
inline W widen(const S* p) {
  return W(load(p));
}

// Blocked GEMM of a (M x K) and b (K x N), both of storage S, accumulated in
// W. Each finished row segment goes to sink(i, j0, const W* acc, n) for
// columns j0 .. j0+n-1. Parallel over output tiles when `parallel` is true.
template <typename S, typename W, typename Sink>
void blocked_gemm(const Mat& a, const Mat& b, bool parallel, Sink&& sink) {
  constexpr int64_t MB = 64, NB = 256, KB = 256;
  const int64_t M = a.rows, K = a.cols, N = b.cols;
  if (M == 0 || N == 0) return;
  const int64_t tm = (M + MB - 1) / MB, tn = (N + NB - 1) / NB, tiles = tm * tn;
  const int64_t es = sizeof(S);
  const bool par = parallel && tiles > 1 && !omp_in_parallel() &&
                   volume(M, N, std::max<int64_t>(K, 1)) >= double(kParallelPack);
  parallel_ranges(tiles, par, [&](int64_t t_begin, int64_t t_end) {
    std::vector<W> acc(size_t(MB * NB)), bpack(size_t(KB * NB));
    for (int64_t t = t_begin; t < t_end; ++t) {
      const int64_t i0 = (t / tn) * MB, j0 = (t % tn) * NB;
      const int64_t mb = std::min(MB, M - i0), nb = std::min(NB, N - j0);
      std::fill(acc.begin(), acc.end(), W(0));
      for (int64_t k0 = 0; k0 < K; k0 += KB) {
        const int64_t kb = std::min(KB, K - k0);
        // The B block once per tile, widened and contiguous for the inner loop.
        for (int64_t kk = 0; kk < kb; ++kk) {
          const char* brow = b.p + ((k0 + kk) * b.rs + j0 * b.cs) * es;
          W* dst = bpack.data() + kk * nb;
          for (int64_t jj = 0; jj < nb; ++jj)
            dst[jj] = widen<W>(reinterpret_cast<const S*>(brow + jj * b.cs * es));
        }
        for (int64_t ii = 0; ii < mb; ++ii) {
          W* accrow = acc.data() + ii * nb;
          const char* arow = a.p + ((i0 + ii) * a.rs + k0 * a.cs) * es;
          for (int64_t kk = 0; kk < kb; ++kk) {
            const W aik = widen<W>(reinterpret_cast<const S*>(arow + kk * a.cs * es));
            const W* brow = bpack.data() + kk * nb;
            for (int64_t jj = 0; jj < nb; ++jj) accrow[jj] += aik * brow[jj];
          }
        }
      }
      for (int64_t ii = 0; ii < mb; ++ii) sink(i0 + ii, j0, acc.data() + ii * nb, nb);
    }
  });
}

}  // namespace tsr::cpu::gemm
