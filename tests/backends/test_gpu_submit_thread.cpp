// Streams with a submission thread (TSR_STREAM_SUBMIT_THREAD) on the GPU
// backends: ops return once queued and a worker makes the driver calls.
// What must hold: results and order; the native handle, host transfers
// and trim all see the queued ops handed to the device first; several threads may share the stream; a steady-state loop
// still allocates and synchronizes nothing; a device fault still names its
// op. (The bare ordering, event and wait behaviour runs on every backend in
// test_streams_events.cpp.)
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "backends/gpu_compare.h"

using namespace tsrtest;

namespace {

// x[i] + 1, `times` times over, in float32 as the device computes it.
std::vector<double> add_ones(const Host& h, int times) {
  std::vector<double> want(h.data.size());
  for (size_t i = 0; i < want.size(); ++i) {
    float v = float(h.data[i]);
    for (int k = 0; k < times; ++k) v += 1.0f;
    want[i] = v;
  }
  return want;
}

// x = x + 1, `times` times, each result a new tensor and the old one
// released at once (its block is reused while ops that use it may still be
// queued).
tsr_tensor chain_of_adds(tsr_tensor x, tsr_stream s, int times) {
  tsr_tensor cur = x;
  if (tsr_tensor_retain(cur) != TSR_OK) return nullptr;
  for (int k = 0; k < times; ++k) {
    tsr_tensor next = nullptr;
    if (tsr_binary_scalar(TSR_ADD, cur, 1, 0, s, &next) != TSR_OK) {
      tsr_tensor_release(cur);
      return nullptr;
    }
    tsr_tensor_release(cur);
    cur = next;
  }
  return cur;
}

}  // namespace

class GpuSubmitThread : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_SUBMIT_THREAD | TSR_STREAM_NON_BLOCKING, &s));
  }
  void TearDown() override {
    if (s) {
      EXPECT_TSR_OK(tsr_stream_synchronize(s));
      tsr_stream_release(s);
    }
    BackendTest::TearDown();
  }
  tsr_stream s = nullptr;
};

TEST_P(GpuSubmitThread, ChainsWithImmediateReleasesComputeInOrder) {
  const Host h = random_host({4099}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  TensorGuard r;
  r.t = chain_of_adds(x, s, 3000);
  ASSERT_NE(r.t, nullptr) << tsr_last_error_message();
  std::vector<float> got(h.data.size());
  ASSERT_TSR_OK(tsr_tensor_to_host(r, got.data(), int64_t(got.size() * 4), s));
  const std::vector<double> want = add_ones(h, 3000);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(double(got[i]), want[i]) << i;
}

// The native handle is only handed out after every queued op reached the
// native stream: a wrapper of that handle (which launches directly) then
// runs behind them.
TEST_P(GpuSubmitThread, NativeHandleComesAfterTheQueuedOps) {
  const Host h = random_host({1 << 16}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32)), y;
  tsr_stream_synchronize(s);
  TensorGuard r;
  r.t = chain_of_adds(x, s, 500);
  ASSERT_NE(r.t, nullptr) << tsr_last_error_message();
  void* native = nullptr;
  ASSERT_TSR_OK(tsr_stream_native_handle(s, &native));
  tsr_stream w = nullptr;
  ASSERT_TSR_OK(tsr_stream_wrap_native(ctx, native, &w));
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_MULTIPLY, r, 2, 0, w, y.out()));
  ASSERT_TSR_OK(tsr_stream_synchronize(w));
  std::vector<double> want = add_ones(h, 500);
  for (double& v : want) v *= 2;
  EXPECT_TRUE(all_close(download(y), want, 0));
  tsr_stream_release(w);
}

// Trim returns cached blocks to the driver while ops that wrote them may
// still be queued: it must hand those ops over first.
TEST_P(GpuSubmitThread, TrimWhileOpsAreQueued) {
  const int64_t n = int64_t(1) << 21;  // 8 MiB blocks
  const Host h = random_host({n}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  TensorGuard keep;
  for (int round = 0; round < 20; ++round) {
    TensorGuard t;
    t.t = chain_of_adds(x, s, 8);
    ASSERT_NE(t.t, nullptr) << tsr_last_error_message();
    if (round == 19) std::swap(keep.t, t.t);
    ASSERT_TSR_OK(tsr_context_trim(ctx));
  }
  EXPECT_TRUE(all_close(download(keep), add_ones(h, 8), 0));
}

// Four threads issue their own chains on one shared stream.
TEST_P(GpuSubmitThread, ThreadsShareOneStream) {
  const Host h = random_host({2048}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  constexpr int kThreads = 4;
  tsr_tensor results[kThreads] = {};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] { results[t] = chain_of_adds(x, s, 200 + 50 * t); });
  for (auto& th : threads) th.join();
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_NE(results[t], nullptr);
    EXPECT_TRUE(all_close(download(results[t]), add_ones(h, 200 + 50 * t), 0)) << "thread " << t;
    tsr_tensor_release(results[t]);
  }
}

// The MLP loop of test_gpu_runtime.cpp on a stream with a submission
// thread: still no device allocation and one synchronization (the read).
TEST_P(GpuSubmitThread, SteadyStateLoopAllocatesAndSynchronizesNothing) {
  const Host h = random_host({32, 1024}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32)), w, b, act[2];
  const int64_t ws[2] = {1024, 1024}, bs[1] = {1024};
  ASSERT_TSR_OK(tsr_tensor_random(ctx, ws, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 3, -0.03, 0.03, s, w.out()));
  ASSERT_TSR_OK(tsr_tensor_random(ctx, bs, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 4, -0.1, 0.1, s, b.out()));
  auto pass = [&] {
    tsr_tensor in = x;
    for (int l = 0; l < 4; ++l) {
      tsr_tensor o = act[l & 1].t;
      ASSERT_TSR_OK(tsr_linear(in, w, b, TSR_ACTIVATION_RELU, s, &o));
      if (!act[l & 1].t) act[l & 1].t = o;
      in = o;
    }
  };
  for (int i = 0; i < 5; ++i) pass();
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  ASSERT_TSR_OK(tsr_context_reset_stats(ctx));
  for (int i = 0; i < 100; ++i) pass();
  std::vector<float> result(32 * 1024);
  ASSERT_TSR_OK(tsr_tensor_to_host(act[1], result.data(), int64_t(result.size() * 4), s));
  tsr_stats st{};
  st.size = sizeof(st);
  ASSERT_TSR_OK(tsr_context_get_stats(ctx, &st));
  EXPECT_EQ(st.device_allocations, 0);
  EXPECT_EQ(st.synchronizations, 1);
  EXPECT_EQ(st.ops_launched, 400);
  double sum = 0;
  for (float v : result) sum += v;
  EXPECT_TRUE(std::isfinite(sum));
  EXPECT_GT(sum, 0.0);  // ReLU outputs of random inputs: some are positive
}

// The fault of an op launched by the worker is reported at the next
// synchronize, naming the op (in a child: a fault poisons the context).
TEST_P(GpuSubmitThread, AsyncFaultSurfacesAtSynchronizeWithOpName) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(fault_and_report(GetParam().kind, TSR_STREAM_SUBMIT_THREAD), ::testing::ExitedWithCode(0),
              "status TSR_ERROR_ASYNC");
}

TSR_INSTANTIATE_GPU_BACKENDS(GpuSubmitThread);
