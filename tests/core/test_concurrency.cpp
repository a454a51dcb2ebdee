// Many threads at once: each with its own stream on shared read-only
// inputs (exact results), handles created and released on some threads
// while others use different handles, per-thread error messages, contexts
// made and destroyed concurrently, and everything released while work is
// still queued (no deadlock, no stranded thread, no leak).
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

constexpr int kThreads = 16;

int64_t bytes_in_use(tsr_context c) {
  EXPECT_TSR_OK(tsr_context_synchronize(c));
  tsr_stats s{};
  s.size = sizeof(s);
  EXPECT_TSR_OK(tsr_context_get_stats(c, &s));
  return s.bytes_in_use;
}

template <typename F>
void run_threads(int n, F body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(body, i);
  for (auto& t : threads) t.join();
}

class Concurrency : public BackendTest {};

TEST_P(Concurrency, SixteenThreadsEachWithItsOwnStream) {
  // a and b hold small integers, so every result below is exact in float32.
  const std::vector<int64_t> shape = {256, 257};  // above the inline size: queued work too
  Host ha = random_values(shape, TSR_INT32, -50, 50), hb = random_values({257}, TSR_INT32, -50, 50);
  TensorGuard a(upload(ctx, ha, TSR_FLOAT32)), b(upload(ctx, hb, TSR_FLOAT32));
  const int64_t in_use0 = bytes_in_use(ctx);
  run_threads(kThreads, [&](int id) {
    tsr_stream s = nullptr;
    ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
    std::vector<float> host(size_t(256 * 257));
    for (int iter = 0; iter < 8; ++iter) {
      const double k = id + 1 + iter;
      tsr_tensor y = nullptr, z = nullptr, w = nullptr;
      ASSERT_TSR_OK(tsr_binary_scalar(TSR_MULTIPLY, a, k, 0, s, &y));  // y = k a
      ASSERT_TSR_OK(tsr_binary(TSR_ADD, y, b, s, &z));                  // z = k a + b
      ASSERT_TSR_OK(tsr_binary(TSR_MAXIMUM, z, a, s, &w));              // w = max(z, a)
      tsr_tensor_release(y);  // released while the work may still be queued
      tsr_tensor_release(z);
      ASSERT_TSR_OK(tsr_tensor_to_host(w, host.data(), int64_t(host.size() * 4), s));
      tsr_tensor_release(w);
      size_t wrong = 0;
      for (size_t i = 0; i < host.size(); ++i) {
        double av = ha.data[i], want = std::max(k * av + hb.data[i % 257], av);
        wrong += host[i] != float(want);
      }
      EXPECT_EQ(wrong, 0u) << "thread " << id << " iteration " << iter;
    }
    tsr_stream_release(s);
  });
  EXPECT_EQ(bytes_in_use(ctx), in_use0) << "every thread's tensors were released";
  EXPECT_TRUE(all_close(download(a), ha.data, 0)) << "the shared inputs are unchanged";
}

TEST_P(Concurrency, HandlesReleasedOnOneThreadWhileOthersUseTheirs) {
  const int64_t in_use0 = bytes_in_use(ctx);
  std::atomic<int> failures{0};
  run_threads(8, [&](int id) {
    for (int iter = 0; iter < 40; ++iter) {
      const int64_t shape[2] = {3 + id, 5};
      tsr_tensor base = nullptr, view = nullptr, out = nullptr;
      tsr_stream s = nullptr;
      tsr_event e = nullptr;
      // Fill on the stream that reads it: streams are ordered only by events.
      tsr_stream_create(ctx, 0, &s);
      if (tsr_tensor_full(ctx, shape, 2, TSR_INT32, id * 100 + iter, s, &base) != TSR_OK ||
          tsr_tensor_transpose(base, 0, 1, &view) != TSR_OK) {
        failures++;
        tsr_stream_release(s);
        continue;
      }
      tsr_tensor_release(base);  // the view keeps the storage
      tsr_event_create(ctx, &e);
      if (tsr_binary_scalar(TSR_ADD, view, 1, 0, s, &out) != TSR_OK) failures++;
      tsr_event_record(e, s);
      tsr_event_synchronize(e);
      Host h = download(out);
      for (double v : h.data)
        if (v != id * 100 + iter + 1) {
          failures++;
          break;
        }
      // A stale handle stays stale whatever other threads allocate.
      int32_t nd = 0;
      if (tsr_tensor_ndim(base, &nd) != TSR_ERROR_INVALID_HANDLE) failures++;
      tsr_tensor_release(view);
      tsr_tensor_release(out);
      tsr_event_release(e);
      tsr_stream_release(s);
    }
  });
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(bytes_in_use(ctx), in_use0);
}

TEST_P(Concurrency, ErrorMessagesArePerThread) {
  std::atomic<int> failures{0};
  run_threads(kThreads, [&](int id) {
    for (int iter = 0; iter < 50; ++iter) {
      int64_t bytes = 0;
      if (id % 2) {
        if (tsr_dtype_size(tsr_dtype(100 + id), &bytes) != TSR_ERROR_INVALID_ARGUMENT) failures++;
        std::string msg = tsr_last_error_message();
        if (msg.find("invalid dtype " + std::to_string(100 + id)) == std::string::npos) failures++;
      } else {
        if (tsr_dtype_size(TSR_INT16, &bytes) != TSR_OK || bytes != 2) failures++;
        if (std::string(tsr_last_error_message()) != "") failures++;
      }
    }
  });
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(Concurrency, ContextsMadeAndDestroyedConcurrently) {
  std::atomic<int> failures{0};
  run_threads(8, [&](int id) {
    for (int iter = 0; iter < 6; ++iter) {
      tsr_context_options o{};
      o.size = sizeof(o);
      o.device_kind = GetParam().kind;
      tsr_context c = nullptr;
      if (tsr_context_create(&o, &c) != TSR_OK) {
        failures++;
        continue;
      }
      const int64_t n = 50000;
      tsr_tensor x = nullptr, y = nullptr;
      tsr_tensor_full(c, &n, 1, TSR_FLOAT32, id, nullptr, &x);
      tsr_unary(TSR_NEGATIVE, x, nullptr, &y);
      float last = 0;
      tsr_tensor one = nullptr;
      const int64_t start = n - 1, stop = n, step = 1;
      tsr_tensor_slice(y, &start, &stop, &step, &one);
      if (tsr_tensor_to_host(one, &last, 4, nullptr) != TSR_OK || last != -float(id)) failures++;
      tsr_tensor_release(one);
      tsr_tensor_release(x);
      tsr_tensor_release(y);
      tsr_context_release(c);
    }
  });
  EXPECT_EQ(failures.load(), 0);
}

TSR_INSTANTIATE_BACKENDS(Concurrency);

// Threads of this process (Linux).
int thread_count() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  return -1;
}

TEST(ConcurrencyCpu, ReleasingEverythingWhileWorkIsQueued) {
  // The queued work holds the last references: the context dies on its own
  // stream's worker. That must neither deadlock nor strand the thread.
  const int before = thread_count();
  ASSERT_GT(before, 0);
  for (int iter = 0; iter < 8; ++iter) {
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = TSR_DEVICE_CPU;
    tsr_context c = nullptr;
    ASSERT_TSR_OK(tsr_context_create(&o, &c));
    const int64_t n = int64_t(1) << 19;  // queued (not inline), milliseconds of work
    tsr_tensor x = nullptr, y = nullptr;
    ASSERT_TSR_OK(tsr_tensor_random(c, &n, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr, &x));
    ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, nullptr, &y));
    // Nothing else (no event, no stream) may hold the context here.
    tsr_tensor_release(x);
    tsr_tensor_release(y);
    tsr_context_release(c);
  }
  // The workers finish and exit on their own.
  int now = thread_count();
  for (int i = 0; i < 600 && now > before; ++i) {  // up to 30 s (sanitizer builds are slow)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    now = thread_count();
  }
  EXPECT_LE(now, before) << "stream worker threads were left behind";
}

}  // namespace
