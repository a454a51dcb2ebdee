// Test support: fresh random inputs, float64 host copies of tensors, and
// comparisons with dtype-set tolerances.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tessera/tessera.h"

#define ASSERT_TSR_OK(expr)                                                                  \
  do {                                                                                       \
    tsr_status st_ = (expr);                                                                 \
    ASSERT_EQ(st_, TSR_OK) << #expr << " -> " << tsr_status_string(st_) << ": "              \
                           << tsr_last_error_message();                                      \
  } while (0)
#define EXPECT_TSR_OK(expr)                                                                  \
  do {                                                                                       \
    tsr_status st_ = (expr);                                                                 \
    EXPECT_EQ(st_, TSR_OK) << #expr << " -> " << tsr_status_string(st_) << ": "              \
                           << tsr_last_error_message();                                      \
  } while (0)
// Expects `status` and a message that names the function.
#define EXPECT_TSR_ERROR(expr, status, fn)                                                   \
  do {                                                                                       \
    tsr_status st_ = (expr);                                                                 \
    EXPECT_EQ(st_, status) << #expr << " -> " << tsr_status_string(st_) << ": "              \
                           << tsr_last_error_message();                                      \
    EXPECT_NE(std::string(tsr_last_error_message()).find(fn), std::string::npos)            \
        << "message does not name " << fn << ": " << tsr_last_error_message();               \
  } while (0)

namespace tsrtest {

// The suite's random engine, seeded freshly per process (the seed is
// printed so a failure can be replayed with TESSERA_TEST_SEED=<n>).
std::mt19937_64& rng();

// A host array in float64 with its logical shape (C order).
struct Host {
  std::vector<int64_t> shape;
  std::vector<double> data;
  int64_t numel() const;
};

// Random values suited to `dtype` (integers in [lo, hi], bool 0/1, floats
// uniform in [lo, hi)), exactly representable in that dtype.
Host random_host(const std::vector<int64_t>& shape, tsr_dtype dtype, double lo = -4, double hi = 4);
// Uploads `h` converted to `dtype`.
tsr_tensor upload(tsr_context ctx, const Host& h, tsr_dtype dtype);
// Downloads any tensor (any layout) as float64 in C order.
Host download(tsr_tensor t);
// Host value of element (C order) of `h` broadcast to `shape`.
double broadcast_at(const Host& h, const std::vector<int64_t>& shape, int64_t linear);
std::vector<int64_t> broadcast_shape(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// Relative tolerance for results computed in `dtype`.
double tolerance(tsr_dtype dtype);
// Compares element-wise with |got - want| <= tol * (1 + |want|); NaNs must match.
::testing::AssertionResult all_close(const Host& got, const std::vector<double>& want,
                                     double tol);
// As above, with an extra absolute allowance per element: |got - want| <=
// tol * (1 + |want|) + slack[i]. For results whose rounding error scales with
// something other than the result itself (a sum that cancels).
::testing::AssertionResult all_close(const Host& got, const std::vector<double>& want,
                                     double tol, const std::vector<double>& slack);

// Round a float64 value as storing it in `dtype` would.
double round_to(double v, tsr_dtype dtype);

int64_t dtype_bytes(tsr_dtype dtype);
bool is_float(tsr_dtype dtype);
bool is_int(tsr_dtype dtype);
std::vector<tsr_dtype> all_dtypes();
std::string shape_str(const std::vector<int64_t>& s);

// Owns a handle for the scope of a test.
struct TensorGuard {
  tsr_tensor t = nullptr;
  TensorGuard() = default;
  explicit TensorGuard(tsr_tensor h) : t(h) {}
  ~TensorGuard() { tsr_tensor_release(t); }
  TensorGuard(const TensorGuard&) = delete;
  TensorGuard& operator=(const TensorGuard&) = delete;
  operator tsr_tensor() const { return t; }
  tsr_tensor* out() { return &t; }
};

}  // namespace tsrtest
