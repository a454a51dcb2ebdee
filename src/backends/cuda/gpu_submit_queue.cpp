#include "backends/cuda/gpu_submit_queue.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tsr::gpu {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// How long an idle worker keeps polling before it sleeps: long enough to
// cover the gap between two ops of an interpreted loop, short enough that an
// idle program does not keep a core busy.
constexpr auto kIdleSpin = std::chrono::microseconds(50);

}  // namespace

SubmitQueue::SubmitQueue(Runner run) : run_(std::move(run)), ring_(new OpCall[kSlots]) {
  worker_ = std::thread([this] { work(); });
  worker_id_ = worker_.get_id();
}

SubmitQueue::~SubmitQueue() {
  flush();
  {
    std::lock_guard<std::mutex> lock(sleep_mu_);
    stop_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

void SubmitQueue::push(const OpCall& call) {
  std::lock_guard<std::mutex> lock(push_mu_);
  const uint64_t h = head_.load(std::memory_order_relaxed);
  // Full: the worker frees a slot per launch (microseconds), so poll its
  // tail gently rather than keep pulling that cache line away from it.
  for (int spins = 0; h - tail_.load(std::memory_order_acquire) >= kSlots; ++spins) {
    if (spins < 1000) {
      for (int i = 0; i < 16; ++i) cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
  ring_[h % kSlots] = call;
  head_.store(h + 1, std::memory_order_seq_cst);
  // Pairs with the worker's store to sleeping_ before it re-reads head_:
  // either it sees this op, or this load sees it asleep and wakes it.
  if (sleeping_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> sleep_lock(sleep_mu_);
    wake_.notify_one();
  }
}

void SubmitQueue::flush() {
  if (std::this_thread::get_id() == worker_id_) return;
  const uint64_t target = head_.load(std::memory_order_acquire);
  for (int spins = 0; tail_.load(std::memory_order_acquire) < target; ++spins) {
    if (spins < 2000) cpu_relax();
    else std::this_thread::yield();
  }
}

Status SubmitQueue::take_error() {
  std::lock_guard<std::mutex> lock(error_mu_);
  Status st = std::move(error_);
  error_ = Status::Ok();
  return st;
}

bool SubmitQueue::spin_for_work(uint64_t tail) const {
  const auto until = std::chrono::steady_clock::now() + kIdleSpin;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (head_.load(std::memory_order_acquire) != tail) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= until) return false;
  }
}

// Pulls a slot's cache lines towards this core ahead of use: the calling
// thread wrote them on its own core, and the worker would otherwise stall on
// each line in turn while it reads the op.
static void prefetch_call(const OpCall& call) {
  const char* p = reinterpret_cast<const char*>(&call);
  for (size_t off = 0; off < sizeof(OpCall); off += 64) __builtin_prefetch(p + off);
}

void SubmitQueue::work() {
  // The head as last read: re-read only when the worker has caught up with
  // it, so a busy worker does not pull head_'s line across cores every op.
  uint64_t known_head = 0;
  for (;;) {
    const uint64_t t = tail_.load(std::memory_order_relaxed);
    if (known_head == t) known_head = head_.load(std::memory_order_acquire);
    if (known_head == t && !spin_for_work(t)) {
      std::unique_lock<std::mutex> lock(sleep_mu_);
      sleeping_.store(true, std::memory_order_seq_cst);
      wake_.wait(lock, [&] { return stop_ || head_.load(std::memory_order_seq_cst) != t; });
      sleeping_.store(false, std::memory_order_relaxed);
      if (head_.load(std::memory_order_acquire) == t) return;  // stopped with nothing queued
      continue;
    }
    if (known_head == t) continue;  // spin_for_work saw a new op: read the head again
    if (t + 1 < known_head) prefetch_call(ring_[(t + 1) % kSlots]);
    const OpCall& call = ring_[t % kSlots];
    Status st = run_(call);
    if (!st.ok()) {
      std::lock_guard<std::mutex> lock(error_mu_);
      if (error_.ok()) {
        error_ = std::move(st);
        error_.message += " (the op was queued on a stream with a submission thread; its "
                          "launch failed after the call that queued it had returned)";
      }
    }
    tail_.store(t + 1, std::memory_order_release);
  }
}

void SubmitQueues::add(SubmitQueue* q) {
  std::lock_guard<std::mutex> lock(mu_);
  queues_.push_back(q);
}

void SubmitQueues::remove(SubmitQueue* q) {
  std::lock_guard<std::mutex> lock(mu_);
  queues_.erase(std::remove(queues_.begin(), queues_.end(), q), queues_.end());
}

void SubmitQueues::flush_all() {
  std::lock_guard<std::mutex> lock(mu_);
  for (SubmitQueue* q : queues_) q->flush();
}

bool submit_thread_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("TESSERA_SUBMIT_THREAD");
    return !(v && std::strcmp(v, "0") == 0);
  }();
  return enabled;
}

}  // namespace tsr::gpu
