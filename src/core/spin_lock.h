// A lock for critical sections of a few dozen instructions that never call
// out (the handle table's free list): one atomic exchange to take, one store
// to give back, against pthread_mutex's heavier paths. Waiters yield the CPU
// after a short spin, so an oversubscribed machine (CI's two cores) does not
// burn a time slice on a holder that was preempted.
#pragma once
#include <atomic>
#include <thread>

namespace tsr {

class SpinLock {
 public:
  void lock() {
    for (int spins = 0; flag_.exchange(true, std::memory_order_acquire);) {
      while (flag_.load(std::memory_order_relaxed)) {
        if (++spins > 64) std::this_thread::yield();
      }
    }
  }
  void unlock() { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace tsr
