// The cblas calls of the CPU backend (OpenBLAS), with their arguments
// checked first: cblas_?gemm returns nothing, and OpenBLAS's xerbla only
// prints a line on a bad argument, so a mistake here would pass silently.
#include <cblas.h>

#include "backends/cpu/cpu_gemm.h"
#include "core/error.h"

namespace tsr::cpu::gemm {
namespace {

// Row chunks small enough for a BLAS int, for M beyond INT_MAX.
constexpr int64_t kMaxRows = INT_MAX;

template <typename T>
void check_args(const char* fn, const Operand<T>& a, const Operand<T>& b, int64_t M, int64_t N,
                int64_t K, const T* c, int64_t ldc) {
  const int64_t lda_min = std::max<int64_t>(1, a.trans ? std::min(M, kMaxRows) : K);
  const int64_t ldb_min = std::max<int64_t>(1, b.trans ? K : N);
  TSR_CHECK(M > 0 && fits_blas_int(N) && N > 0 && fits_blas_int(K) && K > 0, TSR_ERROR_INTERNAL,
            "%s: sizes M=%lld N=%lld K=%lld out of BLAS range", fn, (long long)M, (long long)N,
            (long long)K);
  TSR_CHECK(a.p && b.p && c, TSR_ERROR_INTERNAL, "%s: null matrix pointer", fn);
  TSR_CHECK(fits_blas_int(a.ld) && a.ld >= lda_min && fits_blas_int(b.ld) && b.ld >= ldb_min &&
                fits_blas_int(ldc) && ldc >= std::max<int64_t>(1, N),
            TSR_ERROR_INTERNAL, "%s: invalid leading dimensions lda=%lld ldb=%lld ldc=%lld", fn,
            (long long)a.ld, (long long)b.ld, (long long)ldc);
}

// Calls gemm(m, a_rows) for row chunks of at most kMaxRows rows.
template <typename T, typename Gemm>
void by_row_chunks(const Operand<T>& a, int64_t M, T* c, int64_t ldc, Gemm&& gemm) {
  for (int64_t i0 = 0; i0 < M; i0 += kMaxRows) {
    const int64_t m = std::min(kMaxRows, M - i0);
    // Row i0 of op(A): down the stored rows, or across them when transposed.
    const T* a_rows = a.trans ? a.p + i0 : a.p + i0 * a.ld;
    gemm(int(m), a_rows, c + i0 * ldc);
  }
}

CBLAS_TRANSPOSE tr(bool t) { return t ? CblasTrans : CblasNoTrans; }

}  // namespace

void blas_gemm(const Operand<float>& a, const Operand<float>& b, int64_t M, int64_t N, int64_t K,
               float alpha, float beta, float* c, int64_t ldc) {
  check_args("cblas_sgemm", a, b, M, N, K, c, ldc);
  by_row_chunks(a, M, c, ldc, [&](int m, const float* ap, float* cp) {
    cblas_sgemm(CblasRowMajor, tr(a.trans), tr(b.trans), m, int(N), int(K), alpha, ap, int(a.ld),
                b.p, int(b.ld), beta, cp, int(ldc));
  });
}

void blas_gemm(const Operand<double>& a, const Operand<double>& b, int64_t M, int64_t N,
               int64_t K, double alpha, double beta, double* c, int64_t ldc) {
  check_args("cblas_dgemm", a, b, M, N, K, c, ldc);
  by_row_chunks(a, M, c, ldc, [&](int m, const double* ap, double* cp) {
    cblas_dgemm(CblasRowMajor, tr(a.trans), tr(b.trans), m, int(N), int(K), alpha, ap, int(a.ld),
                b.p, int(b.ld), beta, cp, int(ldc));
  });
}

}  // namespace tsr::cpu::gemm
