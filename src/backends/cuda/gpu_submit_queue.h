// A stream's submission thread (TSR_STREAM_SUBMIT_THREAD). The calling
// thread copies an OpCall into a bounded ring and returns; one worker per
// stream takes the calls in order and makes the driver calls, so a caller
// that spends a microsecond between ops (Python) overlaps the launch instead
// of adding to it. Stream order is push order.
//
// flush() returns once every op pushed before it has been handed to the
// driver: anything the caller then does directly on the native stream
// (record, copy, a library call) is ordered after those ops. Nothing in the
// ring owns memory: an op's storages may be released while it waits here,
// because the allocator reuses a block on the same stream only (ring order
// keeps that safe) and returns memory to the driver only after flushing
// every queue of the context (SubmitQueues::flush_all).
//
// The worker spins for a short while when the ring runs empty (waking a
// sleeping thread costs more than a launch), then sleeps until the next push.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/op_call.h"
#include "core/status.h"

namespace tsr::gpu {

class SubmitQueue {
 public:
  // Runs one op on the driver; called on the worker thread, in push order.
  using Runner = std::function<Status(const OpCall&)>;
  explicit SubmitQueue(Runner run);
  ~SubmitQueue();  // flushes, then stops the worker
  SubmitQueue(const SubmitQueue&) = delete;
  SubmitQueue& operator=(const SubmitQueue&) = delete;

  // Queues `call`; waits only while the ring is full.
  void push(const OpCall& call);
  // Returns once every op pushed before the call has been handed to the
  // driver. A no-op on the worker thread itself (it is always caught up
  // with what it is running).
  void flush();
  // The first failure of a queued op since the last call (then cleared).
  Status take_error();

 private:
  void work();
  // True once an op is waiting after `tail`; false after spinning idle.
  bool spin_for_work(uint64_t tail) const;

  static constexpr uint64_t kSlots = 128;
  Runner run_;
  std::unique_ptr<OpCall[]> ring_;
  std::mutex push_mu_;  // several threads may share one stream
  alignas(64) std::atomic<uint64_t> head_{0};  // next slot to fill
  alignas(64) std::atomic<uint64_t> tail_{0};  // next slot to run
  alignas(64) std::atomic<bool> sleeping_{false};
  std::mutex sleep_mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // under sleep_mu_
  std::mutex error_mu_;
  Status error_;
  std::thread::id worker_id_;
  std::thread worker_;
};

// The queues of one context's streams, so that returning memory to the
// driver (trim, out-of-memory retry) first hands every queued op over.
class SubmitQueues {
 public:
  void add(SubmitQueue* q);
  void remove(SubmitQueue* q);
  void flush_all();

 private:
  std::mutex mu_;
  std::vector<SubmitQueue*> queues_;
};

// Whether TSR_STREAM_SUBMIT_THREAD takes effect: TESSERA_SUBMIT_THREAD=0 in
// the environment turns it off process-wide (read once).
bool submit_thread_enabled();

}  // namespace tsr::gpu
