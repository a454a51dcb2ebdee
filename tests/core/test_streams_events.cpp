// Streams and events: in-order asynchronous execution, queries, event
// record/synchronize/query/elapsed, cross-stream ordering with
// stream_wait_event; and the context statistics (allocations, cache hits,
// peak, synchronizations, trim, zero-on-allocate, a steady-state loop that
// allocates nothing).
#include <cmath>

#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

// Elements of the "long" tensors: big enough that a chain of ops on them is
// still running when the host looks (tens of milliseconds per op).
constexpr int64_t kLong = int64_t(1) << 23;

tsr_stats stats_of(tsr_context c) {
  tsr_stats s{};
  s.size = sizeof(s);
  EXPECT_TSR_OK(tsr_context_get_stats(c, &s));
  return s;
}

class Streams : public BackendTest {
 protected:
  tsr_context make_context(uint32_t flags = 0, int64_t quota = 0) {
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = GetParam().kind;
    o.flags = flags;
    o.memory_quota = quota;
    tsr_context c = nullptr;
    EXPECT_TSR_OK(tsr_context_create(&o, &c));
    return c;
  }
  // "Still running" is only asserted on the CPU, where a long op takes
  // milliseconds against microseconds to issue it; a fast GPU may finish.
  void expect_busy(int32_t done, const char* why) {
    if (GetParam().kind == TSR_DEVICE_CPU) {
      EXPECT_EQ(done, 0) << why;
    }
  }
  // On the CPU, reads the first and last elements of float32 `x` straight
  // from memory, without any synchronization of the stream.
  void expect_written(tsr_tensor x, double want) {
    if (GetParam().kind != TSR_DEVICE_CPU) return;  // device memory is not host-readable
    void* p = nullptr;
    ASSERT_TSR_OK(tsr_tensor_data_pointer(x, &p));
    const float* f = static_cast<const float*>(p);
    EXPECT_NEAR(f[0], want, 1e-5);
    EXPECT_NEAR(f[kLong - 1], want, 1e-5);
  }
  // Issues `rounds` dependent ops x = sqrt(x * x + 1) in place on `s`.
  void long_chain(tsr_tensor x, tsr_stream s, int rounds) {
    for (int i = 0; i < rounds; ++i) {
      tsr_tensor same = x;
      ASSERT_TSR_OK(tsr_binary(TSR_MULTIPLY, x, x, s, &same));
      ASSERT_TSR_OK(tsr_binary_scalar(TSR_ADD, x, 1, 0, s, &same));
      ASSERT_TSR_OK(tsr_unary(TSR_SQRT, x, s, &same));
    }
  }
};

TEST_P(Streams, InOrderOnOneStream) {
  tsr_stream s = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
  TensorGuard x, y;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, &kLong, 1, TSR_FLOAT32, 0, s, x.out()));
  long_chain(x, s, 4);  // x = sqrt(4) = 2 after four rounds (sqrt(k) after k)
  // A dependent op issued right behind the long chain sees its result.
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_MULTIPLY, x, 10, 0, s, y.out()));
  int32_t done = -1;
  ASSERT_TSR_OK(tsr_stream_query(s, &done));
  expect_busy(done, "12 ops on 8M elements cannot be finished already");
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  ASSERT_TSR_OK(tsr_stream_query(s, &done));
  EXPECT_EQ(done, 1);
  std::vector<float> host(size_t(kLong), -1.f);
  ASSERT_TSR_OK(tsr_tensor_to_host(y, host.data(), kLong * 4, s));
  for (size_t i = 0; i < host.size(); i += 4099) ASSERT_NEAR(host[i], 20.f, 1e-4) << i;
  EXPECT_NEAR(host.back(), 20.f, 1e-4);
  tsr_stream_release(s);
}

// TSR_STREAM_SUBMIT_THREAD: accepted by every backend (the CPU and OpenCL
// ignore it); on CUDA and HIP ops are queued for the stream's submission
// thread. Order, events, cross-stream waits and reads behave as on any
// stream.
TEST_P(Streams, SubmitThreadStreamsKeepOrderEventsAndWaits) {
  tsr_stream a = nullptr, b = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_SUBMIT_THREAD, &a));
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_SUBMIT_THREAD | TSR_STREAM_NON_BLOCKING, &b));
  tsr_event start = nullptr, end = nullptr;
  ASSERT_TSR_OK(tsr_event_create(ctx, &start));
  ASSERT_TSR_OK(tsr_event_create(ctx, &end));
  TensorGuard x, y;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, &kLong, 1, TSR_FLOAT32, 0, a, x.out()));
  ASSERT_TSR_OK(tsr_event_record(start, a));
  long_chain(x, a, 4);  // x = 2
  ASSERT_TSR_OK(tsr_event_record(end, a));
  // b reads x only after a's event: 2 * 10.
  ASSERT_TSR_OK(tsr_stream_wait_event(b, end));
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_MULTIPLY, x, 10, 0, b, y.out()));
  std::vector<float> host(size_t(kLong), -1.f);
  ASSERT_TSR_OK(tsr_tensor_to_host(y, host.data(), kLong * 4, b));
  for (size_t i = 0; i < host.size(); i += 4099) ASSERT_NEAR(host[i], 20.f, 1e-4) << i;
  ASSERT_TSR_OK(tsr_event_synchronize(end));
  float ms = -1;
  ASSERT_TSR_OK(tsr_event_elapsed_ms(start, end, &ms));
  EXPECT_GT(ms, 0.0f);
  // Many short dependent ops, then a synchronize and a query.
  const int64_t small = 4096;
  TensorGuard c;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, &small, 1, TSR_FLOAT32, 0, a, c.out()));
  for (int i = 0; i < 1000; ++i) {
    tsr_tensor same = c;
    ASSERT_TSR_OK(tsr_binary_scalar(TSR_ADD, c, 1, 0, a, &same));
  }
  ASSERT_TSR_OK(tsr_stream_synchronize(a));
  int32_t done = -1;
  ASSERT_TSR_OK(tsr_stream_query(a, &done));
  EXPECT_EQ(done, 1);
  EXPECT_TRUE(all_close(download(c), std::vector<double>(size_t(small), 1000.0), 0));
  tsr_event_release(start);
  tsr_event_release(end);
  tsr_stream_release(a);
  tsr_stream_release(b);
}

TEST_P(Streams, QueriesAndHandles) {
  tsr_stream s = nullptr, nb = nullptr, def = nullptr, def2 = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
  ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_NON_BLOCKING, &nb));
  int32_t done = -1;
  ASSERT_TSR_OK(tsr_stream_query(s, &done));
  EXPECT_EQ(done, 1) << "a new stream has nothing to do";
  ASSERT_TSR_OK(tsr_context_default_stream(ctx, &def));
  ASSERT_TSR_OK(tsr_context_default_stream(ctx, &def2));
  EXPECT_EQ(def, def2) << "the default stream has one (borrowed) handle";
  EXPECT_TSR_OK(tsr_stream_synchronize(def));
  void* native = reinterpret_cast<void*>(1);
  ASSERT_TSR_OK(tsr_stream_native_handle(s, &native));
  if (GetParam().kind == TSR_DEVICE_CPU) {
    EXPECT_EQ(native, nullptr) << "CPU streams have no native handle";
  }
  // Retain/release pairs; the handle stays valid until the last release.
  ASSERT_TSR_OK(tsr_stream_retain(s));
  tsr_stream_release(s);
  EXPECT_TSR_OK(tsr_stream_query(s, &done));
  tsr_stream_release(s);
  EXPECT_EQ(tsr_stream_query(s, &done), TSR_ERROR_INVALID_HANDLE);
  // Work issued on the default stream through its handle or through null is the same stream.
  TensorGuard x;
  const int64_t n = 1000;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, &n, 1, TSR_INT32, 3, def, x.out()));
  EXPECT_TRUE(all_close(download(x), std::vector<double>(1000, 3.0), 0));
  tsr_stream_release(nb);
}

TEST_P(Streams, EventsRecordSynchronizeQueryElapsed) {
  tsr_stream s = nullptr;
  tsr_event start = nullptr, end = nullptr, never = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
  ASSERT_TSR_OK(tsr_event_create(ctx, &start));
  ASSERT_TSR_OK(tsr_event_create(ctx, &end));
  ASSERT_TSR_OK(tsr_event_create(ctx, &never));
  int32_t done = -1;
  ASSERT_TSR_OK(tsr_event_query(never, &done));
  EXPECT_EQ(done, 1) << "an event never recorded counts as complete";
  EXPECT_TSR_OK(tsr_event_synchronize(never));
  TensorGuard x;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, &kLong, 1, TSR_FLOAT32, 0, s, x.out()));
  ASSERT_TSR_OK(tsr_event_record(start, s));
  long_chain(x, s, 3);
  ASSERT_TSR_OK(tsr_event_record(end, s));
  ASSERT_TSR_OK(tsr_event_query(end, &done));
  expect_busy(done, "recorded behind 9 long ops");
  float ms = -1;
  if (GetParam().kind == TSR_DEVICE_CPU) {
    EXPECT_EQ(tsr_event_elapsed_ms(start, end, &ms), TSR_ERROR_INVALID_ARGUMENT)
        << "elapsed time needs both records complete";
  }
  ASSERT_TSR_OK(tsr_event_synchronize(end));
  ASSERT_TSR_OK(tsr_event_query(end, &done));
  EXPECT_EQ(done, 1);
  ASSERT_TSR_OK(tsr_event_query(start, &done));
  EXPECT_EQ(done, 1);
  // The event completing means the work before it is done: no stream sync needed.
  expect_written(x, std::sqrt(3.0));
  ms = -1;
  ASSERT_TSR_OK(tsr_event_elapsed_ms(start, end, &ms));
  EXPECT_GT(ms, 0.0f);
  EXPECT_LT(ms, 600000.0f);
  // Recording again moves the event; synchronize waits for the last record.
  long_chain(x, s, 1);
  ASSERT_TSR_OK(tsr_event_record(end, s));
  ASSERT_TSR_OK(tsr_event_synchronize(end));
  expect_written(x, 2.0);
  float ms2 = -1;
  ASSERT_TSR_OK(tsr_event_elapsed_ms(start, end, &ms2));
  EXPECT_GE(ms2, ms);
  // Recording on the default stream (null).
  ASSERT_TSR_OK(tsr_event_record(never, nullptr));
  EXPECT_TSR_OK(tsr_event_synchronize(never));
  for (tsr_event e : {start, end, never}) tsr_event_release(e);
  tsr_stream_release(s);
}

TEST_P(Streams, WaitEventOrdersTwoStreams) {
  // s1 overwrites y slowly; s2 waits for s1's event, then reads y. Without
  // the wait s2 would see y's earlier contents.
  tsr_stream s1 = nullptr, s2 = nullptr;
  tsr_event ready = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s1));
  ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s2));
  ASSERT_TSR_OK(tsr_event_create(ctx, &ready));
  TensorGuard y, z;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, &kLong, 1, TSR_FLOAT32, 0, s1, y.out()));
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));  // y is zeros before both streams start
  long_chain(y, s1, 4);                          // y = 2
  ASSERT_TSR_OK(tsr_event_record(ready, s1));
  ASSERT_TSR_OK(tsr_stream_wait_event(s2, ready));
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_ADD, y, 1, 0, s2, z.out()));  // z = 3
  int32_t done = -1;
  ASSERT_TSR_OK(tsr_stream_query(s2, &done));
  expect_busy(done, "s2 is held by the event");
  ASSERT_TSR_OK(tsr_stream_synchronize(s2));
  std::vector<float> host(static_cast<size_t>(kLong));
  ASSERT_TSR_OK(tsr_tensor_to_host(z, host.data(), kLong * 4, s2));
  size_t wrong = 0;
  for (float v : host) wrong += std::fabs(v - 3.f) > 1e-5f;
  EXPECT_EQ(wrong, 0u) << "elements of z computed before s1 finished y";
  // Waiting on an event never recorded, or already complete, does not block.
  tsr_event idle = nullptr;
  ASSERT_TSR_OK(tsr_event_create(ctx, &idle));
  ASSERT_TSR_OK(tsr_stream_wait_event(s2, idle));
  ASSERT_TSR_OK(tsr_stream_wait_event(s2, ready));
  EXPECT_TSR_OK(tsr_stream_synchronize(s2));
  tsr_event_release(idle);
  tsr_event_release(ready);
  tsr_stream_release(s1);
  tsr_stream_release(s2);
}

TEST_P(Streams, ReleasingAStreamWaitsForItsWork) {
  tsr_stream s = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
  TensorGuard x;
  ASSERT_TSR_OK(tsr_tensor_full(ctx, &kLong, 1, TSR_FLOAT32, 0, s, x.out()));
  long_chain(x, s, 1);
  tsr_stream_release(s);  // queued work completes; nothing is lost
  std::vector<float> host(static_cast<size_t>(kLong));
  ASSERT_TSR_OK(tsr_tensor_to_host(x, host.data(), kLong * 4, nullptr));
  EXPECT_EQ(host.front(), 1.f);
  EXPECT_EQ(host.back(), 1.f);
}

// ---- statistics ---------------------------------------------------------------

TEST_P(Streams, AllocationCountsCacheHitsAndPeak) {
  tsr_context c = make_context();
  ASSERT_TSR_OK(tsr_context_reset_stats(c));
  tsr_stats s0 = stats_of(c);
  EXPECT_EQ(s0.device_allocations, 0);
  EXPECT_EQ(s0.allocation_requests, 0);
  EXPECT_EQ(s0.bytes_in_use, 0);
  const int64_t n = 100000;  // 400000 bytes: one size class
  tsr_tensor a = nullptr, b = nullptr;
  ASSERT_TSR_OK(tsr_tensor_empty(c, &n, 1, TSR_FLOAT32, &a));
  tsr_stats s1 = stats_of(c);
  EXPECT_EQ(s1.device_allocations, 1);
  EXPECT_EQ(s1.allocation_requests, 1);
  EXPECT_EQ(s1.cache_hits, 0);
  EXPECT_GE(s1.bytes_in_use, 400000);
  EXPECT_EQ(s1.bytes_reserved, s1.bytes_in_use);
  ASSERT_TSR_OK(tsr_tensor_empty(c, &n, 1, TSR_FLOAT32, &b));
  tsr_stats s2 = stats_of(c);
  EXPECT_EQ(s2.device_allocations, 2);
  EXPECT_EQ(s2.peak_bytes_in_use, 2 * s1.bytes_in_use);
  tsr_tensor_release(a);
  tsr_tensor_release(b);
  tsr_stats s3 = stats_of(c);
  EXPECT_EQ(s3.bytes_in_use, 0);
  EXPECT_EQ(s3.bytes_reserved, s2.bytes_reserved) << "freed blocks stay cached";
  EXPECT_EQ(s3.peak_bytes_in_use, s2.peak_bytes_in_use) << "the peak is a high-water mark";
  // The same size again comes from the cache.
  ASSERT_TSR_OK(tsr_tensor_empty(c, &n, 1, TSR_FLOAT32, &a));
  tsr_stats s4 = stats_of(c);
  EXPECT_EQ(s4.device_allocations, 2);
  EXPECT_EQ(s4.allocation_requests, 3);
  EXPECT_EQ(s4.cache_hits, 1);
  // reset_stats: counters to zero, the peak to what is in use now.
  ASSERT_TSR_OK(tsr_context_reset_stats(c));
  tsr_stats s5 = stats_of(c);
  EXPECT_EQ(s5.device_allocations, 0);
  EXPECT_EQ(s5.cache_hits, 0);
  EXPECT_EQ(s5.peak_bytes_in_use, s5.bytes_in_use);
  EXPECT_EQ(s5.bytes_in_use, s4.bytes_in_use);
  EXPECT_EQ(s5.bytes_reserved, s4.bytes_reserved);
  tsr_tensor_release(a);
  tsr_context_release(c);
}

TEST_P(Streams, SynchronizationsAndOpsAreCounted) {
  tsr_context c = make_context();
  const int64_t n = 64;
  TensorGuard x, y;
  ASSERT_TSR_OK(tsr_tensor_full(c, &n, 1, TSR_FLOAT32, 2, nullptr, x.out()));
  ASSERT_TSR_OK(tsr_context_reset_stats(c));
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, nullptr, y.out()));
  tsr_stats s1 = stats_of(c);
  EXPECT_EQ(s1.ops_launched, 1);
  EXPECT_EQ(s1.synchronizations, 0) << "an op does not wait";
  float host[64];
  ASSERT_TSR_OK(tsr_tensor_to_host(y, host, sizeof(host), nullptr));
  EXPECT_EQ(stats_of(c).synchronizations, 1) << "to_host waits once";
  tsr_stream def = nullptr;
  ASSERT_TSR_OK(tsr_context_default_stream(c, &def));
  ASSERT_TSR_OK(tsr_stream_synchronize(def));
  EXPECT_EQ(stats_of(c).synchronizations, 2);
  tsr_event e = nullptr;
  ASSERT_TSR_OK(tsr_event_create(c, &e));
  ASSERT_TSR_OK(tsr_event_record(e, nullptr));
  ASSERT_TSR_OK(tsr_event_synchronize(e));
  EXPECT_EQ(stats_of(c).synchronizations, 3);
  if (GetParam().kind == TSR_DEVICE_CPU) {
    EXPECT_EQ(stats_of(c).kernel_compilations, 0) << "the CPU compiles nothing at run time";
  }
  tsr_event_release(e);
  tsr_context_release(c);  // the tensors keep it alive until the guards release them
}

TEST_P(Streams, SteadyStateLoopAllocatesAndWaitsForNothing) {
  // An inference-style loop into caller-supplied outputs: after the first
  // pass, no device allocation, no allocator request, no host wait.
  const int64_t shape[2] = {64, 128};
  TensorGuard x, h, y;
  ASSERT_TSR_OK(tsr_tensor_random(ctx, shape, 2, TSR_FLOAT32, TSR_RANDOM_NORMAL, 3, 0, 1, nullptr, x.out()));
  ASSERT_TSR_OK(tsr_tensor_empty(ctx, shape, 2, TSR_FLOAT32, h.out()));
  ASSERT_TSR_OK(tsr_tensor_empty(ctx, shape, 2, TSR_BOOL, y.out()));
  auto step = [&] {
    tsr_tensor ho = h.t, yo = y.t;
    ASSERT_TSR_OK(tsr_unary(TSR_TANH, x, nullptr, &ho));
    ASSERT_TSR_OK(tsr_binary(TSR_MULTIPLY, h, x, nullptr, &ho));
    ASSERT_TSR_OK(tsr_binary_scalar(TSR_GREATER, h, 0.1, 0, nullptr, &yo));
  };
  step();
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));
  ASSERT_TSR_OK(tsr_context_reset_stats(ctx));
  for (int i = 0; i < 50; ++i) step();
  tsr_stats s = stats_of(ctx);
  EXPECT_EQ(s.device_allocations, 0);
  EXPECT_EQ(s.allocation_requests, 0);
  EXPECT_EQ(s.synchronizations, 0);
  EXPECT_EQ(s.ops_launched, 150);
}

TEST_P(Streams, TrimReturnsEverythingWhenNothingIsLive) {
  tsr_context c = make_context();
  {
    std::vector<TensorGuard> ts(6);
    for (size_t i = 0; i < ts.size(); ++i) {
      const int64_t n = int64_t(1000 + 70000 * i);
      ASSERT_TSR_OK(tsr_tensor_full(c, &n, 1, TSR_FLOAT32, 1, nullptr, ts[i].out()));
    }
    tsr_tensor big = nullptr;
    ASSERT_TSR_OK(tsr_tensor_full(c, &kLong, 1, TSR_FLOAT32, 1, nullptr, &big));  // queued work
    tsr_tensor_release(big);
  }
  ASSERT_TSR_OK(tsr_context_synchronize(c));
  tsr_stats before = stats_of(c);
  EXPECT_EQ(before.bytes_in_use, 0);
  EXPECT_GT(before.bytes_reserved, 0);
  ASSERT_TSR_OK(tsr_context_trim(c));
  tsr_stats after = stats_of(c);
  EXPECT_EQ(after.bytes_reserved, 0);
  EXPECT_EQ(after.device_frees, after.device_allocations);
  // A live tensor stays; trimming again changes nothing.
  const int64_t n = 10;
  TensorGuard live;
  ASSERT_TSR_OK(tsr_tensor_full(c, &n, 1, TSR_FLOAT32, 4, nullptr, live.out()));
  ASSERT_TSR_OK(tsr_context_trim(c));
  EXPECT_EQ(stats_of(c).bytes_reserved, stats_of(c).bytes_in_use);
  EXPECT_TRUE(all_close(download(live), std::vector<double>(10, 4.0), 0));
  tsr_context_release(c);
}

TEST_P(Streams, ZeroOnAllocateGivesZeros) {
  tsr_context c = make_context(TSR_CONTEXT_ZERO_ON_ALLOCATE);
  const int64_t n = 5000;
  tsr_tensor dirty = nullptr;
  ASSERT_TSR_OK(tsr_tensor_full(c, &n, 1, TSR_INT32, 0x7777, nullptr, &dirty));
  ASSERT_TSR_OK(tsr_context_synchronize(c));
  tsr_tensor_release(dirty);
  ASSERT_TSR_OK(tsr_context_reset_stats(c));
  tsr_tensor reused = nullptr;
  ASSERT_TSR_OK(tsr_tensor_empty(c, &n, 1, TSR_INT32, &reused));
  EXPECT_EQ(stats_of(c).cache_hits, 1) << "the dirty block was reused";
  EXPECT_TRUE(all_close(download(reused), std::vector<double>(size_t(n), 0.0), 0));
  tsr_tensor_release(reused);
  tsr_context_release(c);
}

TSR_INSTANTIATE_BACKENDS(Streams);

}  // namespace
