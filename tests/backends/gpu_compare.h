// Helpers for the GPU backend tests: the GPU backends built from the shared
// CUDA/HIP sources, one CPU and one GPU context side by side, the same host
// bytes in both, and float64 views of results for comparison.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "support/backends.h"
#include "support/reference.h"

namespace tsrtest {

// The GPU backends of this source tree that loaded (cuda, hip).
inline std::vector<Backend> gpu_backends() {
  std::vector<Backend> out;
  for (const Backend& b : backends_under_test())
    if (b.kind == TSR_DEVICE_CUDA || b.kind == TSR_DEVICE_HIP) out.push_back(b);
  return out;
}

#define TSR_INSTANTIATE_GPU_BACKENDS(Suite)                                                   \
  GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Suite);                                       \
  INSTANTIATE_TEST_SUITE_P(GpuBackends, Suite, ::testing::ValuesIn(tsrtest::gpu_backends()),  \
                           tsrtest::backend_param_name)

// A CPU context next to the GPU context of the fixture's parameter.
class GpuVsCpuTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = TSR_DEVICE_CPU;
    ASSERT_TSR_OK(tsr_context_create(&o, &cpu));
  }
  void TearDown() override {
    if (cpu) {
      EXPECT_TSR_OK(tsr_context_synchronize(cpu));
      tsr_context_release(cpu);
    }
    BackendTest::TearDown();
  }
  tsr_context cpu = nullptr;
};

// The same tensor in two contexts.
struct Both {
  TensorGuard cpu, gpu;
};

inline std::vector<unsigned char> encode_host(const Host& h, tsr_dtype dtype);  // below

// Raw bytes of a tensor (C order).
inline std::vector<unsigned char> raw_bytes(tsr_tensor t) {
  int64_t n = 0;
  EXPECT_EQ(tsr_tensor_nbytes(t, &n), TSR_OK);
  std::vector<unsigned char> b(size_t(n) + 1);
  EXPECT_EQ(tsr_tensor_to_host(t, b.data(), n, nullptr), TSR_OK) << tsr_last_error_message();
  b.resize(size_t(n));
  return b;
}

// Uploads raw bytes of `shape`/`dtype` to both contexts.
inline void upload_both(tsr_context cpu, tsr_context gpu, const std::vector<unsigned char>& bytes,
                        const std::vector<int64_t>& shape, tsr_dtype dtype, Both* out) {
  const int64_t n = int64_t(bytes.size());
  ASSERT_TSR_OK(tsr_tensor_from_host(cpu, bytes.data(), n, shape.data(), int32_t(shape.size()), dtype,
                                     nullptr, out->cpu.out()));
  ASSERT_TSR_OK(tsr_tensor_from_host(gpu, bytes.data(), n, shape.data(), int32_t(shape.size()), dtype,
                                     nullptr, out->gpu.out()));
}

// Values for elementwise tests: random in [lo, hi] mixed with the dtype's
// special values (NaN, infinities, signed zeros, extremes), placed at
// random positions.
inline std::vector<double> special_values(tsr_dtype d) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = INFINITY;
  switch (d) {
    case TSR_BOOL: return {0, 1};
    case TSR_INT8: return {-128, 127, -1, 0, 1};
    case TSR_INT16: return {-32768, 32767, -1, 0, 1};
    case TSR_INT32: return {-2147483648.0, 2147483647.0, -1, 0, 1};
    case TSR_INT64: return {-9223372036854775808.0, 9223372036854774784.0, -1, 0, 1};
    case TSR_UINT8: return {0, 255, 1};
    case TSR_UINT16: return {0, 65535, 1};
    case TSR_UINT32: return {0, 4294967295.0, 1};
    case TSR_UINT64: return {0, 18446744073709549568.0, 1};
    case TSR_FLOAT16: return {nan, inf, -inf, 0.0, -0.0, 65504, -65504, 6e-8};
    case TSR_BFLOAT16: return {nan, inf, -inf, 0.0, -0.0, 3e38, -3e38, 1e-30};
    default: return {nan, inf, -inf, 0.0, -0.0, 3e38, -3e38, 1e-40, 0.5, -2.5};
  }
}

inline Host mixed_host(const std::vector<int64_t>& shape, tsr_dtype d, double lo = -4, double hi = 4,
                       bool specials = true) {
  Host h = random_host(shape, d, lo, hi);
  if (!specials || h.data.empty()) return h;
  auto sp = special_values(d);
  for (size_t i = 0; i < h.data.size(); i += 7) h.data[i] = sp[(i / 7) % sp.size()];
  return h;
}

// Host bytes of h in dtype (the encoding of support/reference.cpp's upload).
inline std::vector<unsigned char> encode_host(const Host& h, tsr_dtype dtype) {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_CPU;
  tsr_context c = nullptr;
  EXPECT_EQ(tsr_context_create(&o, &c), TSR_OK);
  tsr_tensor t = upload(c, h, dtype);
  std::vector<unsigned char> b = raw_bytes(t);
  tsr_tensor_release(t);
  tsr_context_release(c);
  return b;
}

inline void upload_host_both(tsr_context cpu, tsr_context gpu, const Host& h, tsr_dtype dtype,
                             Both* out) {
  upload_both(cpu, gpu, encode_host(h, dtype), h.shape, dtype, out);
}

// Exact comparison in float64 (NaN equals NaN), or with a relative tolerance.
inline ::testing::AssertionResult same_values(tsr_tensor cpu, tsr_tensor gpu, double tol) {
  Host a = download(cpu), b = download(gpu);
  if (a.shape != b.shape)
    return ::testing::AssertionFailure() << "shapes " << shape_str(a.shape) << " vs " << shape_str(b.shape);
  tsr_dtype da = TSR_FLOAT32, db = TSR_FLOAT32;
  tsr_tensor_dtype(cpu, &da);
  tsr_tensor_dtype(gpu, &db);
  if (da != db)
    return ::testing::AssertionFailure() << "dtypes " << tsr_dtype_name(da) << " vs " << tsr_dtype_name(db);
  if (tol == 0) {
    int bad = 0;
    ::testing::AssertionResult r = ::testing::AssertionFailure();
    for (size_t i = 0; i < a.data.size(); ++i) {
      const double x = a.data[i], y = b.data[i];
      const bool same = (std::isnan(x) && std::isnan(y)) || x == y;
      if (!same && bad++ < 5) r << "\n  [" << i << "] cpu " << x << " gpu " << y;
    }
    if (!bad) return ::testing::AssertionSuccess();
    return r << "\n  " << bad << " of " << a.data.size() << " differ";
  }
  return all_close(b, a.data, tol);
}

// A kernel that faults (an op on a wrapped bogus device pointer) poisons the
// GPU context for the rest of the process, so callers run this in a child
// (EXPECT_EXIT): it exits 0 only when the fault surfaces at the next
// synchronize as TSR_ERROR_ASYNC naming the op. `default_stream_flags` picks
// the kind of stream the op is queued on.
[[noreturn]] inline void fault_and_report(tsr_device_kind kind, uint32_t default_stream_flags) {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = kind;
  o.default_stream_flags = default_stream_flags;
  tsr_context c = nullptr;
  if (tsr_context_create(&o, &c) != TSR_OK) std::exit(2);
  const int64_t n = 1 << 20;
  tsr_tensor bad = nullptr, out = nullptr;
  if (tsr_tensor_wrap(c, reinterpret_cast<void*>(uintptr_t(0x10000)), &n, nullptr, 1, TSR_FLOAT32,
                      nullptr, nullptr, &bad) != TSR_OK)
    std::exit(3);
  if (tsr_unary(TSR_SQRT, bad, nullptr, &out) != TSR_OK) std::exit(4);  // enqueued: no error yet
  tsr_status st = tsr_context_synchronize(c);
  const std::string msg = tsr_last_error_message();
  std::fprintf(stderr, "status %s: %s\n", tsr_status_string(st), msg.c_str());
  if (st != TSR_ERROR_ASYNC) std::exit(5);
  if (msg.find("'sqrt'") == std::string::npos) std::exit(6);
  std::exit(0);
}

}  // namespace tsrtest
