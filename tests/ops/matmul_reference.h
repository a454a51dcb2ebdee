// The float64 reference of matmul and linear for the op tests, and the
// comparison with a tolerance that grows with the inner dimension: a sum of
// K products rounded in the compute type errs by up to about K * eps times
// the sum of |a||b|, plus the final rounding into the result dtype.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "support/reference.h"

namespace tsrtest {

struct MatmulRef {
  std::vector<int64_t> shape;
  std::vector<double> want;  // exact (float64) values, before rounding to the dtype
  std::vector<double> mag;   // |alpha| * sum |a||b| + |beta * c|, per element
  int64_t K = 0;
};

// A [batch..., R, C] view of a host array with its logical transpose applied.
struct RefMat {
  const Host* h;
  std::vector<int64_t> batch;
  int64_t rows, cols;
  bool trans;      // read element (i, j) from (j, i) of the stored matrix
  bool vec_left;   // a 1-D left operand seen as [1, K]
  bool vec_right;  // a 1-D right operand seen as [K, 1]
  double at(int64_t b, int64_t i, int64_t j) const {
    if (vec_left) return h->data[size_t(j)];
    if (vec_right) return h->data[size_t(i)];
    const int64_t sr = trans ? cols : rows, sc = trans ? rows : cols;
    const int64_t r = trans ? j : i, c = trans ? i : j;
    return h->data[size_t(b * sr * sc + r * sc + c)];
  }
};

inline RefMat ref_mat(const Host& h, bool trans, bool left) {
  RefMat m{&h, {}, 0, 0, false, false, false};
  const size_t n = h.shape.size();
  if (n == 1) {
    m.vec_left = left;
    m.vec_right = !left;
    m.rows = left ? 1 : h.shape[0];
    m.cols = left ? h.shape[0] : 1;
    return m;
  }
  m.batch.assign(h.shape.begin(), h.shape.end() - 2);
  m.trans = trans;
  m.rows = trans ? h.shape[n - 1] : h.shape[n - 2];
  m.cols = trans ? h.shape[n - 2] : h.shape[n - 1];
  return m;
}

// The linear index into `from` (trailing-aligned, size-1 axes broadcast) of
// entry `linear` of the batch shape `to`.
inline int64_t batch_source(const std::vector<int64_t>& from, const std::vector<int64_t>& to,
                            int64_t linear) {
  int64_t offset = 0, stride = 1;
  for (size_t k = 0; k < to.size(); ++k) {
    const size_t i = to.size() - 1 - k;
    const int64_t idx = linear % to[i];
    linear /= to[i];
    if (k < from.size()) {
      const size_t j = from.size() - 1 - k;
      if (from[j] != 1) offset += idx * stride;
      stride *= from[j];
    }
  }
  return offset;
}

// alpha * op(a) @ op(b) + beta * c under the Array API matmul rules.
inline MatmulRef ref_matmul(const Host& a, const Host& b, bool ta, bool tb, double alpha,
                            double beta, const Host* c) {
  const RefMat A = ref_mat(a, ta, true), B = ref_mat(b, tb, false);
  MatmulRef r;
  r.K = A.cols;
  const std::vector<int64_t> batch = broadcast_shape(A.batch, B.batch);
  r.shape = batch;
  if (a.shape.size() > 1) r.shape.push_back(A.rows);
  if (b.shape.size() > 1) r.shape.push_back(B.cols);
  int64_t count = 1;
  for (int64_t d : batch) count *= d;
  const int64_t M = A.rows, N = B.cols;
  r.want.assign(size_t(count * M * N), 0);
  r.mag.assign(r.want.size(), 0);
  for (int64_t e = 0; e < count; ++e) {
    const int64_t ea = batch_source(A.batch, batch, e), eb = batch_source(B.batch, batch, e);
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = 0, m = 0;
        for (int64_t k = 0; k < A.cols; ++k) {
          const double p = A.at(ea, i, k) * B.at(eb, k, j);
          s += p;
          m += std::fabs(p);
        }
        const size_t o = size_t((e * M + i) * N + j);
        const double old = beta != 0 ? c->data[o] : 0;
        r.want[o] = alpha * s + beta * old;
        r.mag[o] = std::fabs(alpha) * m + std::fabs(beta * old);
      }
  }
  return r;
}

// Machine epsilon of the type a dtype computes in (half types in float32).
inline double compute_eps(tsr_dtype dt) {
  return dt == TSR_FLOAT64 ? 0x1p-52 : 0x1p-23;
}

// Integers compare exactly (after wrapping into the dtype); floats within
// tolerance(dt) * (1 + |want|) plus (K + 2) * eps * mag.
inline void expect_matmul(const Host& got, const MatmulRef& ref, tsr_dtype dt) {
  ASSERT_EQ(got.shape, ref.shape);
  ASSERT_EQ(got.data.size(), ref.want.size());
  int bad = 0;
  for (size_t i = 0; i < ref.want.size(); ++i) {
    const double w = is_float(dt) ? round_to(ref.want[i], dt) : ref.want[i];
    const double bound = is_float(dt) ? tolerance(dt) * (1 + std::fabs(w)) +
                                            double(ref.K + 2) * compute_eps(dt) * ref.mag[i]
                                      : 0;
    if (!(std::fabs(got.data[i] - w) <= bound) && bad++ < 5)
      ADD_FAILURE() << "element " << i << " of " << shape_str(ref.shape) << " " << tsr_dtype_name(dt)
                    << ": got " << got.data[i] << ", expected " << w << " (bound " << bound << ")";
  }
  EXPECT_EQ(bad, 0) << bad << " of " << ref.want.size() << " elements differ";
}

}  // namespace tsrtest
