// The CPU backend's vectorizable math (backends/cpu/cpu_vec_math.h) against
// the C library in double: exp_vec's error bound and special cases,
// half_to_float_vec against the reference conversion, and sum_as_double.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "backends/cpu/cpu_vec_math.h"

using tsr::cpu::exp_vec;
using tsr::cpu::half_to_float_vec;
using tsr::cpu::sum_as_double;

TEST(CpuVecMath, ExpWithinThreeUlp) {
  // A dense sweep of the whole finite-result range plus random points.
  std::vector<float> xs;
  for (float x = -86.5f; x <= 88.7f; x += 0.0137f) xs.push_back(x);
  std::mt19937 g(12345);
  std::uniform_real_distribution<float> d(-86.5f, 88.7f);
  for (int i = 0; i < 100000; ++i) xs.push_back(d(g));
  for (float x : {0.f, -0.f, 1e-30f, -1e-30f, 0.34657f, -0.34657f, 1.f, -1.f}) xs.push_back(x);
  double worst = 0;
  for (float x : xs) {
    const double want = std::exp(double(x));
    const double ulp = std::ldexp(1.0, std::ilogb(want) - 23);
    const double err = std::fabs(double(exp_vec(x)) - want) / ulp;
    worst = std::max(worst, err);
    ASSERT_LE(err, 3.0) << "x = " << x << " got " << exp_vec(x) << " want " << want;
  }
  EXPECT_EQ(exp_vec(0.f), 1.f);
  std::printf("exp_vec worst error: %.2f ulp\n", worst);
}

TEST(CpuVecMath, ExpSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(exp_vec(-inf), 0.f);
  EXPECT_EQ(exp_vec(-100.f), 0.f);
  EXPECT_EQ(exp_vec(-86.7f), 0.f);  // flushed: below exp(-86.6)
  EXPECT_GT(exp_vec(-86.5f), 0.f);
  EXPECT_EQ(exp_vec(inf), inf);
  EXPECT_EQ(exp_vec(89.f), inf);
  EXPECT_EQ(exp_vec(1e30f), inf);
  EXPECT_TRUE(std::isfinite(exp_vec(88.7f)));
  EXPECT_TRUE(std::isnan(exp_vec(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(exp_vec(-std::numeric_limits<float>::quiet_NaN())));
}

TEST(CpuVecMath, SumAsDouble) {
  for (int64_t n : {0, 1, 7, 8, 9, 1000, 1003}) {
    std::vector<float> v(static_cast<size_t>(n));
    double want = 0;
    for (int64_t i = 0; i < n; ++i) {
      v[size_t(i)] = float(i % 17) * 0.25f - 1.5f;
      want += double(v[size_t(i)]);
    }
    EXPECT_EQ(sum_as_double(v.data(), n), want) << n;  // exactly representable partials
  }
  // Accumulated in double: 1e8 + many ones would stall in float.
  std::vector<float> big(4096, 1.f);
  big[0] = 1e8f;
  EXPECT_EQ(sum_as_double(big.data(), int64_t(big.size())), 1e8 + 4095);
}

TEST(CpuVecMath, HalfToFloatIsBitExact) {
  for (uint32_t b = 0; b < 65536; ++b) {
    const tsr::float16 h{uint16_t(b)};
    ASSERT_EQ(tsr::f32_bits(half_to_float_vec(h)), tsr::f32_bits(tsr::to_float(h))) << "bits " << b;
  }
}
