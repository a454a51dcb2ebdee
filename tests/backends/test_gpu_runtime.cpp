// The GPU backend's runtime behaviour: native stream interop, events and
// timing, cross-stream ordering, transfers through the pinned staging
// buffers, out of memory, zero-on-allocate, asynchronous faults reported
// with the op's name, and the statistics of a steady-state inference loop.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backends/gpu_compare.h"

using namespace tsrtest;

class GpuRuntime : public BackendTest {};

TEST_P(GpuRuntime, NativeStreamRoundTripAndWrap) {
  tsr_stream s = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_NON_BLOCKING, &s));
  void* native = nullptr;
  ASSERT_TSR_OK(tsr_stream_native_handle(s, &native));
  EXPECT_NE(native, nullptr);
  // Wrapping the caller's native stream: work on either handle runs in order.
  tsr_stream w = nullptr;
  ASSERT_TSR_OK(tsr_stream_wrap_native(ctx, native, &w));
  void* again = nullptr;
  ASSERT_TSR_OK(tsr_stream_native_handle(w, &again));
  EXPECT_EQ(again, native);
  Host h = random_host({4096}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32)), y, z;
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, s, y.out()));
  ASSERT_TSR_OK(tsr_unary(TSR_LOG, y, w, z.out()));  // ordered after exp: same native stream
  ASSERT_TSR_OK(tsr_stream_synchronize(w));
  std::vector<double> want = h.data;
  EXPECT_TRUE(all_close(download(z), want, 1e-5));
  // Releasing the wrapper leaves the native stream alive.
  tsr_stream_release(w);
  TensorGuard u;
  ASSERT_TSR_OK(tsr_unary(TSR_NEGATIVE, x, s, u.out()));
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  tsr_stream_release(s);
}

TEST_P(GpuRuntime, EventsOrderStreamsAndTime) {
  tsr_stream a = nullptr, b = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_NON_BLOCKING, &a));
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_NON_BLOCKING, &b));
  tsr_event start = nullptr, done = nullptr;
  ASSERT_TSR_OK(tsr_event_create(ctx, &start));
  ASSERT_TSR_OK(tsr_event_create(ctx, &done));
  const int64_t shape[1] = {1 << 24};
  TensorGuard x, y, z;
  ASSERT_TSR_OK(tsr_event_record(start, a));
  ASSERT_TSR_OK(tsr_tensor_full(ctx, shape, 1, TSR_FLOAT32, 1.5, a, x.out()));
  for (int i = 0; i < 20; ++i) {
    tsr_tensor out = x;
    ASSERT_TSR_OK(tsr_binary_scalar(TSR_ADD, x, 1.0, 0, a, &out));
  }
  ASSERT_TSR_OK(tsr_event_record(done, a));
  // b waits for a's work through the event, then reads x.
  ASSERT_TSR_OK(tsr_stream_wait_event(b, done));
  ASSERT_TSR_OK(tsr_reduce(TSR_MAX, x, nullptr, -1, 0, 0, b, y.out()));
  float got = 0;
  ASSERT_TSR_OK(tsr_tensor_to_host(y, &got, sizeof got, b));
  EXPECT_EQ(got, 21.5f);
  ASSERT_TSR_OK(tsr_event_synchronize(done));
  int32_t finished = 0;
  ASSERT_TSR_OK(tsr_event_query(done, &finished));
  EXPECT_EQ(finished, 1);
  float ms = -1;
  ASSERT_TSR_OK(tsr_event_elapsed_ms(start, done, &ms));
  EXPECT_GT(ms, 0.0f);
  EXPECT_LT(ms, 10000.0f);
  tsr_event_release(start);
  tsr_event_release(done);
  tsr_stream_release(a);
  tsr_stream_release(b);
}

TEST_P(GpuRuntime, TransfersThroughStagingRoundTrip) {
  // Sizes around the staging slot (4 MiB), more slots than the pool keeps,
  // and a zero-byte tensor.
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(1000), int64_t(1) << 20, (int64_t(5) << 20) + 3,
                    int64_t(40) << 20}) {
    std::vector<uint8_t> src(static_cast<size_t>(n));
    for (size_t i = 0; i < src.size(); ++i) src[i] = uint8_t(i * 2654435761u >> 13);
    TensorGuard t;
    ASSERT_TSR_OK(tsr_tensor_from_host(ctx, src.data(), n, &n, 1, TSR_UINT8, nullptr, t.out()));
    std::fill(src.begin(), src.end(), 0);  // the call captured the bytes already
    std::vector<uint8_t> back(size_t(n) + 1, 0xee);
    ASSERT_TSR_OK(tsr_tensor_to_host(t, back.data(), n, nullptr));
    for (size_t i = 0; i < size_t(n); ++i)
      if (back[i] != uint8_t(i * 2654435761u >> 13)) FAIL() << "byte " << i << " of " << n;
    EXPECT_EQ(back[size_t(n)], 0xee);
  }
  // Many small uploads in a row without a synchronization (slots recycle).
  std::vector<TensorGuard> many(64);
  for (int i = 0; i < 64; ++i) {
    float v = float(i);
    const int64_t one = 1;
    ASSERT_TSR_OK(tsr_tensor_from_host(ctx, &v, sizeof v, &one, 1, TSR_FLOAT32, nullptr, many[size_t(i)].out()));
  }
  for (int i = 0; i < 64; ++i) {
    float v = -1;
    ASSERT_TSR_OK(tsr_tensor_to_host(many[size_t(i)], &v, sizeof v, nullptr));
    EXPECT_EQ(v, float(i));
  }
}

TEST_P(GpuRuntime, OutOfMemoryLeavesTheContextUsable) {
  tsr_device dev = nullptr;
  tsr_device_info info{};
  info.size = sizeof(info);
  ASSERT_TSR_OK(tsr_context_get_device(ctx, &dev));
  ASSERT_TSR_OK(tsr_device_get_info(dev, &info));
  const int64_t bytes = info.total_memory * 2;
  tsr_tensor t = nullptr;
  EXPECT_TSR_ERROR(tsr_tensor_empty(ctx, &bytes, 1, TSR_UINT8, &t), TSR_ERROR_OUT_OF_MEMORY,
                   "tsr_tensor_empty");
  EXPECT_EQ(t, nullptr);
  EXPECT_NE(std::string(tsr_last_error_message()).find("bytes"), std::string::npos);
  Host h = random_host({1000}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32)), y;
  ASSERT_TSR_OK(tsr_binary(TSR_ADD, x, x, nullptr, y.out()));
  std::vector<double> want;
  for (double v : h.data) want.push_back(2 * v);
  EXPECT_TRUE(all_close(download(y), want, 0));
}

TEST_P(GpuRuntime, ZeroOnAllocateContext) {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = GetParam().kind;
  o.flags = TSR_CONTEXT_ZERO_ON_ALLOCATE;
  tsr_context z = nullptr;
  ASSERT_TSR_OK(tsr_context_create(&o, &z));
  {
    // Dirty a block, free it, and take it back from the cache.
    const int64_t n = 1 << 16;
    TensorGuard a;
    ASSERT_TSR_OK(tsr_tensor_full(z, &n, 1, TSR_FLOAT32, 7.0, nullptr, a.out()));
    tsr_tensor_release(a.t);
    a.t = nullptr;
    TensorGuard e;
    ASSERT_TSR_OK(tsr_tensor_empty(z, &n, 1, TSR_FLOAT32, e.out()));
    Host got = download(e);
    for (double v : got.data) ASSERT_EQ(v, 0.0);
  }
  tsr_context_release(z);
}

TEST_P(GpuRuntime, AsyncFaultSurfacesAtSynchronizeWithOpName) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(fault_and_report(GetParam().kind, 0), ::testing::ExitedWithCode(0), "status TSR_ERROR_ASYNC");
}

// The MLP example's loop: 4 linear layers, 1024 wide, batch 32. After a
// warm-up, 100 passes do no device allocation, no kernel compilation and
// no synchronization; only the final read waits.
TEST_P(GpuRuntime, SteadyStateMlpLoopAllocatesAndSynchronizesNothing) {
  const int64_t ws[2] = {1024, 1024}, bs[1] = {1024}, xs[2] = {32, 1024};
  tsr_tensor w[4] = {}, b[4] = {}, act[2] = {}, input = nullptr;
  for (int l = 0; l < 4; ++l) {
    ASSERT_TSR_OK(tsr_tensor_random(ctx, ws, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 100 + l, -0.03, 0.03, nullptr, &w[l]));
    ASSERT_TSR_OK(tsr_tensor_random(ctx, bs, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 200 + l, -0.1, 0.1, nullptr, &b[l]));
  }
  ASSERT_TSR_OK(tsr_tensor_random(ctx, xs, 2, TSR_FLOAT32, TSR_RANDOM_NORMAL, 7, 0, 1, nullptr, &input));
  ASSERT_TSR_OK(tsr_tensor_empty(ctx, xs, 2, TSR_FLOAT32, &act[0]));
  ASSERT_TSR_OK(tsr_tensor_empty(ctx, xs, 2, TSR_FLOAT32, &act[1]));
  tsr_stream s = nullptr;
  ASSERT_TSR_OK(tsr_context_default_stream(ctx, &s));
  auto pass = [&]() {
    tsr_tensor x = input;
    for (int l = 0; l < 4; ++l) {
      tsr_tensor y = act[l & 1];
      ASSERT_TSR_OK(tsr_linear(x, w[l], b[l], l < 3 ? TSR_ACTIVATION_RELU : TSR_ACTIVATION_NONE, s, &y));
      x = y;
    }
  };
  for (int i = 0; i < 5; ++i) pass();
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  ASSERT_TSR_OK(tsr_context_reset_stats(ctx));
  for (int i = 0; i < 100; ++i) pass();
  std::vector<float> result(32 * 1024);
  ASSERT_TSR_OK(tsr_tensor_to_host(act[1], result.data(), int64_t(result.size() * sizeof(float)), s));  // the one read
  tsr_stats st{};
  st.size = sizeof(st);
  ASSERT_TSR_OK(tsr_context_get_stats(ctx, &st));
  EXPECT_EQ(st.device_allocations, 0);
  EXPECT_EQ(st.kernel_compilations, 0);
  EXPECT_EQ(st.synchronizations, 1);
  EXPECT_EQ(st.ops_launched, 400);
  double sum = 0;
  for (float v : result) sum += std::fabs(v);
  EXPECT_GT(sum, 0.0);
  EXPECT_TRUE(std::isfinite(sum));
  for (int l = 0; l < 4; ++l) {
    tsr_tensor_release(w[l]);
    tsr_tensor_release(b[l]);
  }
  tsr_tensor_release(input);
  tsr_tensor_release(act[0]);
  tsr_tensor_release(act[1]);
}

TEST_P(GpuRuntime, CachedBlocksAreReusedAcrossStreamsAfterTheirWork) {
  tsr_stream a = nullptr, b = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_NON_BLOCKING, &a));
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_NON_BLOCKING, &b));
  const int64_t n = 1 << 22;
  for (int round = 0; round < 3; ++round) {
    // Allocated on a, used on b, freed while b's work may still run: the
    // fence keeps the block from being handed to a too early.
    TensorGuard x, y;
    ASSERT_TSR_OK(tsr_tensor_full(ctx, &n, 1, TSR_FLOAT32, float(round), a, x.out()));
    ASSERT_TSR_OK(tsr_stream_synchronize(a));
    ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, b, y.out()));
    tsr_tensor_release(x.t);
    x.t = nullptr;
    TensorGuard z;
    ASSERT_TSR_OK(tsr_tensor_full(ctx, &n, 1, TSR_FLOAT32, 100.0, a, z.out()));
    Host got = download(y);
    const double want = std::exp(double(float(round)));
    for (size_t i = 0; i < got.data.size(); i += 4099) ASSERT_NEAR(got.data[i], want, want * 1e-6);
  }
  tsr_stream_release(a);
  tsr_stream_release(b);
}

TSR_INSTANTIATE_GPU_BACKENDS(GpuRuntime);
