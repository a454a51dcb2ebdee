// Tensor creation and transfers: empty, zeros, full, arange, random,
// from_host, wrap (deleter semantics), to_host, copy (converting, across
// contexts, strided) and to_context.
#include <cmath>
#include <cstring>
#include <set>

#include "core/philox.h"
#include "ops/elementwise_spec.h"
#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

std::vector<int64_t> strides_of(tsr_tensor t) {
  std::vector<int64_t> s(shape_of(t).size());
  if (!s.empty()) tsr_tensor_strides(t, s.data());
  return s;
}
int64_t numel_of(tsr_tensor t) {
  int64_t n = -1;
  tsr_tensor_numel(t, &n);
  return n;
}

class Creation : public BackendTest {
 protected:
  bool dtype_ok(tsr_dtype d) const {
    return (d != TSR_FLOAT64 || supports_float64) &&
           ((d != TSR_FLOAT16 && d != TSR_BFLOAT16) || supports_float16);
  }
  tsr_context other_context() {
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = GetParam().kind;
    tsr_context c = nullptr;
    EXPECT_TSR_OK(tsr_context_create(&o, &c));
    return c;
  }
  Host random_tensor_values(const std::vector<int64_t>& shape, tsr_dtype d, tsr_distribution dist,
                            uint64_t seed, double a, double b) {
    TensorGuard t;
    EXPECT_TSR_OK(tsr_tensor_random(ctx, shape.data(), int32_t(shape.size()), d, dist, seed, a, b,
                                    nullptr, t.out()));
    return t.t ? download(t) : Host{};
  }
};

TEST_P(Creation, EmptyHasTheShapeDtypeAndContiguousStrides) {
  for (tsr_dtype d : all_dtypes()) {
    if (!dtype_ok(d)) continue;
    for (const std::vector<int64_t>& shape :
         {std::vector<int64_t>{2, 3, 4}, {}, {0}, {5, 0, 2}, {1, 1, 1, 1, 1, 1, 1, 7}}) {
      SCOPED_TRACE(dtype_str(d) + " " + shape_str(shape));
      TensorGuard t;
      ASSERT_TSR_OK(tsr_tensor_empty(ctx, shape.data(), int32_t(shape.size()), d, t.out()));
      EXPECT_EQ(shape_of(t), shape);
      EXPECT_EQ(dtype_of(t), d);
      EXPECT_TRUE(contiguous(t));
      std::vector<int64_t> want(shape.size());
      int64_t acc = 1, n = 1;
      for (size_t i = shape.size(); i-- > 0;) {
        want[i] = acc;
        acc *= shape[i] > 0 ? shape[i] : 1;
      }
      for (int64_t s : shape) n *= s;
      EXPECT_EQ(strides_of(t), want);
      EXPECT_EQ(numel_of(t), n);
      int64_t bytes = -1;
      ASSERT_TSR_OK(tsr_tensor_nbytes(t, &bytes));
      EXPECT_EQ(bytes, n * dtype_bytes(d));
      tsr_device dev = nullptr, ctx_dev = nullptr;
      ASSERT_TSR_OK(tsr_tensor_device(t, &dev));
      ASSERT_TSR_OK(tsr_context_get_device(ctx, &ctx_dev));
      EXPECT_EQ(dev, ctx_dev);
    }
  }
}

TEST_P(Creation, ZerosAndFullEveryDtype) {
  const double values[] = {0, 1, -1, 2.5, -2.5, 300.7, -300.7, 1e6, NAN, INFINITY, -INFINITY};
  for (tsr_dtype d : all_dtypes()) {
    if (!dtype_ok(d)) continue;
    const int64_t shape[2] = {3, 7};
    TensorGuard z;
    ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, d, nullptr, z.out()));
    EXPECT_EQ(dtype_of(z), d);
    EXPECT_TRUE(all_close(download(z), std::vector<double>(21, 0.0), 0)) << dtype_str(d);
    for (double v : values) {
      SCOPED_TRACE(dtype_str(d) + " full of " + std::to_string(v));
      TensorGuard f;
      ASSERT_TSR_OK(tsr_tensor_full(ctx, shape, 2, d, v, nullptr, f.out()));
      // The value is converted like a float64 tensor cast to d.
      EXPECT_TRUE(all_close(download(f), std::vector<double>(21, spec::cast_to(v, TSR_FLOAT64, d)), 0));
    }
  }
  // Scalar-shaped and zero-size.
  TensorGuard s, e;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, nullptr, 0, TSR_INT16, 42, nullptr, s.out()));
  EXPECT_TRUE(all_close(download(s), {42}, 0));
  const int64_t zero[2] = {4, 0};
  ASSERT_TSR_OK(tsr_tensor_full(ctx, zero, 2, TSR_FLOAT32, 1, nullptr, e.out()));
  EXPECT_EQ(numel_of(e), 0);
}

TEST_P(Creation, ArangeCountsAndValues) {
  struct A {
    double start, stop, step;
    int64_t count;
  };
  const A cases[] = {{0, 10, 1, 10},        {10, 0, -1, 10},     {0, 1, 0.1, 10},     {-3.5, 2, 0.5, 11},
                     {5, 5, 1, 0},          {0, 10, -1, 0},      {10, 0, 1, 0},       {1, 2, 3, 1},
                     {-1, -10, -2.5, 4},    {0, 0.3, 0.1, 3},    {2, -2, -0.25, 16}};
  for (tsr_dtype d : all_dtypes()) {
    if (d == TSR_BOOL || !dtype_ok(d)) continue;
    for (const A& a : cases) {
      const bool whole = a.start == std::floor(a.start) && a.step == std::floor(a.step);
      if (is_int(d) && !whole) continue;  // integer dtypes: whole starts and steps
      SCOPED_TRACE(dtype_str(d) + " arange(" + std::to_string(a.start) + ", " +
                   std::to_string(a.stop) + ", " + std::to_string(a.step) + ")");
      TensorGuard t;
      ASSERT_TSR_OK(tsr_tensor_arange(ctx, a.start, a.stop, a.step, d, nullptr, t.out()));
      EXPECT_EQ(shape_of(t), std::vector<int64_t>{a.count});
      EXPECT_EQ(dtype_of(t), d);
      std::vector<double> want(size_t(a.count));
      for (int64_t i = 0; i < a.count; ++i)
        want[size_t(i)] = spec::cast_to(a.start + double(i) * a.step, TSR_FLOAT64, d);
      EXPECT_TRUE(all_close(download(t), want, 0));
    }
  }
  // Long enough to run on the stream's worker.
  TensorGuard big;
  ASSERT_TSR_OK(tsr_tensor_arange(ctx, 0, 100000, 1, TSR_INT32, nullptr, big.out()));
  Host h = download(big);
  ASSERT_EQ(h.data.size(), 100000u);
  for (size_t i = 0; i < h.data.size(); ++i)
    if (h.data[i] != double(i)) FAIL() << "element " << i << " is " << h.data[i];
}

TEST_P(Creation, ArangeRejects) {
  tsr_tensor t = nullptr;
  EXPECT_TSR_ERROR(tsr_tensor_arange(ctx, 0, 5, 0, TSR_FLOAT32, nullptr, &t), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_tensor_arange:");
  EXPECT_TSR_ERROR(tsr_tensor_arange(ctx, 0, NAN, 1, TSR_FLOAT32, nullptr, &t),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_arange:");
  EXPECT_TSR_ERROR(tsr_tensor_arange(ctx, 0, INFINITY, 1, TSR_FLOAT32, nullptr, &t),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_arange:");
  EXPECT_TSR_ERROR(tsr_tensor_arange(ctx, 0, 5, 1, TSR_BOOL, nullptr, &t), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_tensor_arange:");
  EXPECT_TSR_ERROR(tsr_tensor_arange(ctx, 0, 5, 1, tsr_dtype(42), nullptr, &t),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_arange:");
  EXPECT_TSR_ERROR(tsr_tensor_arange(ctx, -1e300, 1e300, 1e-300, TSR_FLOAT32, nullptr, &t),
                   TSR_ERROR_SIZE_OVERFLOW, "tsr_tensor_arange:");
  EXPECT_TSR_ERROR(tsr_tensor_arange(ctx, 0, 4e18, 1, TSR_FLOAT64, nullptr, &t),
                   TSR_ERROR_SIZE_OVERFLOW, "tsr_tensor_arange:");
  EXPECT_EQ(t, nullptr);
}

// ---- random ---------------------------------------------------------------

TEST(Philox, KnownAnswer) {
  // Random123's published vector for counter 0, key 0.
  tsr::Philox4 r = tsr::philox4x32_10(0, 0);
  EXPECT_EQ(r.v[0], 0x6627e8d5u);
  EXPECT_EQ(r.v[1], 0xe169c58du);
  EXPECT_EQ(r.v[2], 0xbc57ac4cu);
  EXPECT_EQ(r.v[3], 0x9b00dbd8u);
}

TEST_P(Creation, RandomMatchesTheDocumentedStream) {
  // Element i of seed s is Philox4x32-10 of counter i, key s: the same on
  // every backend. float64 shows the draws without rounding.
  const uint64_t seed = 0x0123456789abcdefull;
  if (!supports_float64) GTEST_SKIP() << "no float64 on this device";
  Host u = random_tensor_values({1000}, TSR_FLOAT64, TSR_RANDOM_UNIFORM, seed, -2, 3);
  Host n = random_tensor_values({1000}, TSR_FLOAT64, TSR_RANDOM_NORMAL, seed, 1, 2);
  std::vector<double> want_u(1000), want_n(1000);
  for (uint64_t i = 0; i < 1000; ++i) {
    tsr::Philox4 r = tsr::philox4x32_10(i, seed);
    want_u[i] = -2 + 5 * tsr::philox_unit_double(r.v[0], r.v[1]);
    double u1 = tsr::philox_unit_double(r.v[0], r.v[1]), u2 = tsr::philox_unit_double(r.v[2], r.v[3]);
    want_n[i] = 1 + 2 * std::sqrt(-2 * std::log1p(-u1)) * std::cos(6.283185307179586 * u2);
  }
  EXPECT_TRUE(all_close(u, want_u, 1e-15));
  EXPECT_TRUE(all_close(n, want_n, 1e-12));
}

TEST_P(Creation, RandomUniformStaysInRange) {
  for (tsr_dtype d : {TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT32, TSR_FLOAT64}) {
    if (!dtype_ok(d)) continue;
    for (auto [a, b] : {std::pair<double, double>{0, 1}, {-2, 3}, {10, 10.5}}) {
      SCOPED_TRACE(dtype_str(d) + " uniform in [" + std::to_string(a) + ", " + std::to_string(b) + ")");
      Host h = random_tensor_values({100000}, d, TSR_RANDOM_UNIFORM, 7, a, b);
      ASSERT_EQ(h.data.size(), 100000u);
      double lo = INFINITY, hi = -INFINITY, sum = 0;
      for (double v : h.data) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
      }
      EXPECT_GE(lo, a);
      EXPECT_LT(hi, b) << "uniform draws must stay below the upper bound after rounding to "
                       << dtype_str(d);
      // Mean within ~10 standard errors (and the rounding of the narrow types).
      const double se = (b - a) / std::sqrt(12.0) / std::sqrt(1e5);
      EXPECT_NEAR(sum / 1e5, (a + b) / 2, 10 * se + tolerance(d) * std::fabs(b));
    }
  }
}

TEST_P(Creation, RandomIntegersAreWholeAndCoverTheRange) {
  for (tsr_dtype d : {TSR_INT8, TSR_INT32, TSR_INT64, TSR_UINT8, TSR_UINT16}) {
    const double a = spec::is_unsigned(d) ? 2 : -3, b = 5;
    SCOPED_TRACE(dtype_str(d));
    Host h = random_tensor_values({20000}, d, TSR_RANDOM_UNIFORM, 99, a, b);
    std::set<double> seen(h.data.begin(), h.data.end());
    std::set<double> want;
    for (double v = a; v < b; ++v) want.insert(v);
    EXPECT_EQ(seen, want);
  }
}

TEST_P(Creation, RandomNormalMoments) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT64, TSR_BFLOAT16}) {
    if (!dtype_ok(d)) continue;
    SCOPED_TRACE(dtype_str(d));
    Host h = random_tensor_values({100000}, d, TSR_RANDOM_NORMAL, 1234, 1.5, 2.0);
    double sum = 0, sq = 0;
    for (double v : h.data) sum += v;
    const double mean = sum / 1e5;
    for (double v : h.data) sq += (v - mean) * (v - mean);
    const double std = std::sqrt(sq / (1e5 - 1));
    EXPECT_NEAR(mean, 1.5, 0.04);  // standard error 0.0063
    EXPECT_NEAR(std, 2.0, 0.04);   // standard error 0.0045
  }
}

TEST_P(Creation, RandomIsAPureFunctionOfSeedAndIndex) {
  const std::vector<int64_t> shapes[] = {{10}, {2, 5}, {1000}, {100000}};
  Host first = random_tensor_values({10}, TSR_FLOAT32, TSR_RANDOM_NORMAL, 42, 0, 1);
  for (const auto& shape : shapes) {
    SCOPED_TRACE(shape_str(shape));
    Host h = random_tensor_values(shape, TSR_FLOAT32, TSR_RANDOM_NORMAL, 42, 0, 1);
    std::vector<double> prefix(h.data.begin(), h.data.begin() + 10);
    EXPECT_TRUE(all_close(first, prefix, 0));
  }
  // Same seed: identical on another stream too; another seed: different.
  tsr_stream s = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
  const int64_t shape[1] = {1000};
  TensorGuard on_stream;
  ASSERT_TSR_OK(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, TSR_RANDOM_NORMAL, 42, 0, 1, s,
                                  on_stream.out()));
  Host a = download(on_stream);
  EXPECT_TRUE(all_close(a, random_tensor_values({1000}, TSR_FLOAT32, TSR_RANDOM_NORMAL, 42, 0, 1).data, 0));
  tsr_stream_release(s);
  Host b = random_tensor_values({1000}, TSR_FLOAT32, TSR_RANDOM_NORMAL, 43, 0, 1);
  int same = 0;
  for (size_t i = 0; i < 1000; ++i) same += a.data[i] == b.data[i];
  EXPECT_LT(same, 5) << "seeds 42 and 43 gave " << same << " equal draws of 1000";
  // Seeds differing only in the high 32 bits differ too.
  Host hi1 = random_tensor_values({100}, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1ull << 32, 0, 1);
  Host hi2 = random_tensor_values({100}, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 2ull << 32, 0, 1);
  EXPECT_NE(hi1.data, hi2.data);
}

TEST_P(Creation, RandomRejects) {
  const int64_t shape[1] = {4};
  tsr_tensor t = nullptr;
  EXPECT_TSR_ERROR(tsr_tensor_random(ctx, shape, 1, TSR_INT32, TSR_RANDOM_NORMAL, 1, 0, 1, nullptr, &t),
                   TSR_ERROR_DTYPE_MISMATCH, "tsr_tensor_random:");
  EXPECT_TSR_ERROR(tsr_tensor_random(ctx, shape, 1, TSR_BOOL, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr, &t),
                   TSR_ERROR_DTYPE_MISMATCH, "tsr_tensor_random:");
  EXPECT_TSR_ERROR(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 2, 1, nullptr, &t),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_random:");
  EXPECT_TSR_ERROR(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, TSR_RANDOM_NORMAL, 1, 0, -1, nullptr, &t),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_random:");
  EXPECT_TSR_ERROR(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, NAN, 1, nullptr, &t),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_random:");
  EXPECT_TSR_ERROR(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, tsr_distribution(7), 1, 0, 1, nullptr, &t),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_random:");
  EXPECT_EQ(t, nullptr);
  // Zero-size and scalar-shaped draws are fine.
  TensorGuard e, s;
  const int64_t zero[1] = {0};
  ASSERT_TSR_OK(tsr_tensor_random(ctx, zero, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr, e.out()));
  ASSERT_TSR_OK(tsr_tensor_random(ctx, nullptr, 0, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr, s.out()));
  EXPECT_EQ(numel_of(e), 0);
  EXPECT_EQ(numel_of(s), 1);
}

// ---- host transfers ---------------------------------------------------------

TEST_P(Creation, FromHostToHostRoundTripEveryDtype) {
  for (tsr_dtype d : all_dtypes()) {
    if (!dtype_ok(d)) continue;
    SCOPED_TRACE(dtype_str(d));
    const int64_t shape[3] = {2, 3, 5};
    const size_t bytes = size_t(30 * dtype_bytes(d));
    std::vector<unsigned char> src(bytes), dst(bytes, 0xAB);
    for (size_t i = 0; i < bytes; ++i) src[i] = (unsigned char)(i * 37 + 11);
    if (d == TSR_BOOL)
      for (auto& b : src) b &= 1;  // bool bytes are 0 or 1
    TensorGuard t;
    ASSERT_TSR_OK(tsr_tensor_from_host(ctx, src.data(), int64_t(bytes), shape, 3, d, nullptr, t.out()));
    ASSERT_TSR_OK(tsr_tensor_to_host(t, dst.data(), int64_t(bytes), nullptr));
    EXPECT_EQ(src, dst) << "bytes must round-trip unchanged (NaN payloads included)";
  }
}

TEST_P(Creation, HostTransferErrors) {
  const int64_t shape[2] = {2, 3};
  float data[6] = {1, 2, 3, 4, 5, 6};
  tsr_tensor t = nullptr;
  EXPECT_TSR_ERROR(tsr_tensor_from_host(ctx, data, 20, shape, 2, TSR_FLOAT32, nullptr, &t),
                   TSR_ERROR_SHAPE_MISMATCH, "tsr_tensor_from_host:");
  EXPECT_TSR_ERROR(tsr_tensor_from_host(ctx, nullptr, 24, shape, 2, TSR_FLOAT32, nullptr, &t),
                   TSR_ERROR_NULL_POINTER, "tsr_tensor_from_host:");
  EXPECT_EQ(t, nullptr);
  const int64_t zero[1] = {0};
  TensorGuard empty;  // null data is fine for zero bytes
  ASSERT_TSR_OK(tsr_tensor_from_host(ctx, nullptr, 0, zero, 1, TSR_FLOAT32, nullptr, empty.out()));
  ASSERT_TSR_OK(tsr_tensor_to_host(empty, nullptr, 0, nullptr));
  TensorGuard g;
  ASSERT_TSR_OK(tsr_tensor_from_host(ctx, data, 24, shape, 2, TSR_FLOAT32, nullptr, g.out()));
  float out[6];
  std::memset(out, 0x5a, sizeof(out));
  EXPECT_TSR_ERROR(tsr_tensor_to_host(g, out, 23, nullptr), TSR_ERROR_SHAPE_MISMATCH, "tsr_tensor_to_host:");
  EXPECT_TSR_ERROR(tsr_tensor_to_host(g, nullptr, 24, nullptr), TSR_ERROR_NULL_POINTER, "tsr_tensor_to_host:");
  unsigned char pattern[sizeof(out)];
  std::memset(pattern, 0x5a, sizeof(pattern));
  EXPECT_EQ(std::memcmp(out, pattern, sizeof(out)), 0) << "the destination must be untouched";
}

TEST_P(Creation, ToHostOfViewsIsCOrder) {
  for (ViewKind kind : all_view_kinds()) {
    SCOPED_TRACE(view_name(kind));
    Host base_values;
    TensorGuard v(make_view(kind, {3, 4, 5}, [&](const std::vector<int64_t>& s) {
      base_values = random_values(s, TSR_INT32, -1000, 1000);
      return upload(ctx, base_values, TSR_INT32);
    }));
    ASSERT_NE(v.t, nullptr);
    std::vector<int32_t> got(60);
    ASSERT_TSR_OK(tsr_tensor_to_host(v, got.data(), 240, nullptr));
    EXPECT_TRUE(all_close(download(v), std::vector<double>(got.begin(), got.end()), 0));
    if (GetParam().kind != TSR_DEVICE_CPU) continue;  // device pointers are not host-readable
    // The same elements read through the view's strides on the host.
    std::vector<int64_t> st = strides_of(v);
    void* p0 = nullptr;
    ASSERT_TSR_OK(tsr_tensor_data_pointer(v, &p0));
    const int32_t* first = static_cast<const int32_t*>(p0);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j)
        for (int k = 0; k < 5; ++k)
          EXPECT_EQ(got[size_t((i * 4 + j) * 5 + k)], first[i * st[0] + j * st[1] + k * st[2]]);
  }
}

// ---- wrap ---------------------------------------------------------------------

struct DeleterLog {
  int calls = 0;
  void* data = nullptr;
};
void count_deleter(void* data, void* user) {
  auto* log = static_cast<DeleterLog*>(user);
  log->calls++;
  log->data = data;
}

TEST_P(Creation, WrapSharesMemoryAndCallsTheDeleterOnceOnRelease) {
  if (GetParam().kind != TSR_DEVICE_CPU) GTEST_SKIP() << "wrapping host memory is a CPU test";
  std::vector<float> mem = {1, 2, 3, 4, 5, 6};
  DeleterLog log;
  const int64_t shape[2] = {2, 3};
  tsr_tensor t = nullptr;
  ASSERT_TSR_OK(tsr_tensor_wrap(ctx, mem.data(), shape, nullptr, 2, TSR_FLOAT32, count_deleter, &log, &t));
  void* p = nullptr;
  ASSERT_TSR_OK(tsr_tensor_data_pointer(t, &p));
  EXPECT_EQ(p, mem.data()) << "wrap must not copy";
  EXPECT_TRUE(all_close(download(t), {1, 2, 3, 4, 5, 6}, 0));
  // Ops write through into the caller's memory.
  tsr_tensor same = t;
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_MULTIPLY, t, 10, 0, nullptr, &same));
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));
  EXPECT_EQ(mem, (std::vector<float>{10, 20, 30, 40, 50, 60}));
  // A view keeps the memory alive; the deleter runs once, with the last reference.
  tsr_tensor view = nullptr;
  ASSERT_TSR_OK(tsr_tensor_transpose(t, 0, 1, &view));
  ASSERT_TSR_OK(tsr_tensor_retain(t));
  tsr_tensor_release(t);
  tsr_tensor_release(t);
  EXPECT_EQ(log.calls, 0);
  EXPECT_TRUE(all_close(download(view), {10, 40, 20, 50, 30, 60}, 0));
  tsr_tensor_release(view);
  EXPECT_EQ(log.calls, 1);
  EXPECT_EQ(log.data, mem.data());
  tsr_tensor_release(view);  // stale: no second call
  EXPECT_EQ(log.calls, 1);
}

TEST_P(Creation, WrapWithStrides) {
  if (GetParam().kind != TSR_DEVICE_CPU) GTEST_SKIP() << "wrapping host memory is a CPU test";
  // A column-major 2x3 matrix.
  std::vector<double> mem = {1, 4, 2, 5, 3, 6};
  const int64_t shape[2] = {2, 3}, strides[2] = {1, 2};
  TensorGuard t;
  ASSERT_TSR_OK(tsr_tensor_wrap(ctx, mem.data(), shape, strides, 2, TSR_FLOAT64, nullptr, nullptr, t.out()));
  EXPECT_FALSE(contiguous(t));
  EXPECT_EQ(strides_of(t), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(all_close(download(t), {1, 2, 3, 4, 5, 6}, 0));
  // Broadcast (stride 0) wraps are fine too.
  const int64_t bstrides[2] = {0, 1};
  TensorGuard b;
  ASSERT_TSR_OK(tsr_tensor_wrap(ctx, mem.data(), shape, bstrides, 2, TSR_FLOAT64, nullptr, nullptr, b.out()));
  EXPECT_TRUE(all_close(download(b), {1, 4, 2, 1, 4, 2}, 0));
}

TEST_P(Creation, WrapCallsTheDeleterOnceOnFailure) {
  float mem[4] = {};
  const int64_t shape[1] = {4}, bad_shape[1] = {-4};
  struct Case {
    const char* what;
    std::function<tsr_status(DeleterLog*)> call;
    tsr_status want;
  };
  tsr_tensor out = nullptr;
  const int64_t neg_strides[1] = {-1};
  const int64_t huge_strides[1] = {INT64_MAX / 2};
  const std::vector<Case> cases = {
      {"null out", [&](DeleterLog* l) { return tsr_tensor_wrap(ctx, mem, shape, nullptr, 1, TSR_FLOAT32, count_deleter, l, nullptr); }, TSR_ERROR_NULL_POINTER},
      {"null context", [&](DeleterLog* l) { return tsr_tensor_wrap(nullptr, mem, shape, nullptr, 1, TSR_FLOAT32, count_deleter, l, &out); }, TSR_ERROR_INVALID_HANDLE},
      {"bad dtype", [&](DeleterLog* l) { return tsr_tensor_wrap(ctx, mem, shape, nullptr, 1, tsr_dtype(99), count_deleter, l, &out); }, TSR_ERROR_INVALID_ARGUMENT},
      {"negative dim", [&](DeleterLog* l) { return tsr_tensor_wrap(ctx, mem, bad_shape, nullptr, 1, TSR_FLOAT32, count_deleter, l, &out); }, TSR_ERROR_INVALID_SHAPE},
      {"9 dims", [&](DeleterLog* l) { return tsr_tensor_wrap(ctx, mem, shape, nullptr, 9, TSR_FLOAT32, count_deleter, l, &out); }, TSR_ERROR_TOO_MANY_DIMS},
      {"null data", [&](DeleterLog* l) { return tsr_tensor_wrap(ctx, nullptr, shape, nullptr, 1, TSR_FLOAT32, count_deleter, l, &out); }, TSR_ERROR_NULL_POINTER},
      {"negative strides", [&](DeleterLog* l) { return tsr_tensor_wrap(ctx, mem, shape, neg_strides, 1, TSR_FLOAT32, count_deleter, l, &out); }, TSR_ERROR_INVALID_ARGUMENT},
      {"overflowing strides", [&](DeleterLog* l) { return tsr_tensor_wrap(ctx, mem, shape, huge_strides, 1, TSR_FLOAT32, count_deleter, l, &out); }, TSR_ERROR_SIZE_OVERFLOW},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    DeleterLog log;
    EXPECT_TSR_ERROR(c.call(&log), c.want, "tsr_tensor_wrap:");
    EXPECT_EQ(log.calls, 1) << "the deleter must run exactly once when wrap fails";
    EXPECT_EQ(out, nullptr);
  }
}

// ---- copies -----------------------------------------------------------------

TEST_P(Creation, CopyConvertsAndHandlesLayouts) {
  Host h = random_values({4, 6}, TSR_FLOAT32, -300, 300);
  TensorGuard src(upload(ctx, h, TSR_FLOAT32)), dst, base, dst_view;
  const int64_t shape[2] = {4, 6}, tshape[2] = {6, 4};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, TSR_INT8, nullptr, dst.out()));
  ASSERT_TSR_OK(tsr_tensor_copy(dst, src, nullptr));
  std::vector<double> want(24);
  for (size_t i = 0; i < 24; ++i) want[i] = spec::cast_to(h.data[i], TSR_FLOAT32, TSR_INT8);
  EXPECT_TRUE(all_close(download(dst), want, 0));
  // Into a transposed view: the base receives the transpose.
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, tshape, 2, TSR_FLOAT64, nullptr, base.out()));
  ASSERT_TSR_OK(tsr_tensor_transpose(base, 0, 1, dst_view.out()));
  ASSERT_TSR_OK(tsr_tensor_copy(dst_view, src, nullptr));
  Host b = download(base);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 6; ++j) EXPECT_EQ(b.data[size_t(j * 4 + i)], h.data[size_t(i * 6 + j)]);
  // From a reversed view.
  TensorGuard rev(make_view(ViewKind::Reversed, {2, 3, 4}, [&](const std::vector<int64_t>& s) {
    return upload(ctx, random_values(s, TSR_INT16, -50, 50), TSR_INT16);
  }));
  const int64_t s234[3] = {2, 3, 4};
  TensorGuard d2;
  ASSERT_TSR_OK(tsr_tensor_empty(ctx, s234, 3, TSR_INT16, d2.out()));
  ASSERT_TSR_OK(tsr_tensor_copy(d2, rev, nullptr));
  EXPECT_TRUE(all_close(download(d2), download(rev).data, 0));
  // Shapes must match exactly.
  EXPECT_TSR_ERROR(tsr_tensor_copy(d2, src, nullptr), TSR_ERROR_SHAPE_MISMATCH, "tsr_tensor_copy:");
}

TEST_P(Creation, CopyAndToContextBetweenContexts) {
  tsr_context other = other_context();
  ASSERT_NE(other, nullptr);
  {
    Host h = random_values({3, 5}, TSR_FLOAT64, -100, 100);
    TensorGuard src(upload(ctx, h, TSR_FLOAT64)), dst, moved, moved_view, same_ctx;
    const int64_t shape[2] = {3, 5};
    ASSERT_TSR_OK(tsr_tensor_zeros(other, shape, 2, TSR_FLOAT16, nullptr, dst.out()));
    ASSERT_TSR_OK(tsr_tensor_copy(dst, src, nullptr));
    std::vector<double> want(15);
    for (size_t i = 0; i < 15; ++i) want[i] = round_to(h.data[i], TSR_FLOAT16);
    EXPECT_TRUE(all_close(download(dst), want, 0));
    // to_context: another context gets an equal tensor living there.
    ASSERT_TSR_OK(tsr_tensor_to_context(src, other, nullptr, moved.out()));
    EXPECT_EQ(dtype_of(moved), TSR_FLOAT64);
    EXPECT_TRUE(all_close(download(moved), h.data, 0));
    tsr_context owner = nullptr;
    ASSERT_TSR_OK(tsr_tensor_context(moved, &owner));
    tsr_device d1 = nullptr, d2 = nullptr;
    ASSERT_TSR_OK(tsr_context_get_device(owner, &d1));
    ASSERT_TSR_OK(tsr_context_get_device(other, &d2));
    EXPECT_EQ(d1, d2);
    // It is usable with the other context's tensors and not with ours.
    TensorGuard sum;
    ASSERT_TSR_OK(tsr_binary(TSR_ADD, moved, dst, nullptr, sum.out()));
    tsr_tensor bad = nullptr;
    EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, moved, src, nullptr, &bad), TSR_ERROR_DEVICE_MISMATCH,
                     "tsr_binary:");
    tsr_context_release(owner);
    // From a non-contiguous source, and within one context (a real copy).
    TensorGuard t;
    ASSERT_TSR_OK(tsr_tensor_transpose(src, 0, 1, t.out()));
    ASSERT_TSR_OK(tsr_tensor_to_context(t, other, nullptr, moved_view.out()));
    EXPECT_TRUE(all_close(download(moved_view), download(t).data, 0));
    ASSERT_TSR_OK(tsr_tensor_to_context(src, ctx, nullptr, same_ctx.out()));
    void *p1 = nullptr, *p2 = nullptr;
    ASSERT_TSR_OK(tsr_tensor_data_pointer(src, &p1));
    ASSERT_TSR_OK(tsr_tensor_data_pointer(same_ctx, &p2));
    EXPECT_NE(p1, p2) << "to_context makes a copy even within one context";
    EXPECT_TRUE(all_close(download(same_ctx), h.data, 0));
  }
  tsr_context_release(other);
}

TSR_INSTANTIATE_BACKENDS(Creation);

}  // namespace
