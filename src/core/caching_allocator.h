// The caching allocator every device uses: size classes, stream-aware reuse,
// quota, statistics and trim, over a backend's raw DeviceMemory.
// A block freed on stream S is reused on S once the fences recorded at free
// time (for the other streams that used it) complete; S's own work needs
// none, the stream orders it. No fence covers S's own work, so on backends
// with fences a block never moves to another stream (trim returns it to the
// device instead, as PyTorch's allocator does); backends whose streams keep
// memory alive themselves (the CPU) reuse blocks on any stream at once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "core/backend.h"
#include "core/spin_lock.h"

namespace tsr {

struct AllocatorStats {
  int64_t bytes_in_use = 0;
  int64_t bytes_reserved = 0;
  int64_t peak_bytes_in_use = 0;
  int64_t device_allocations = 0;
  int64_t device_frees = 0;
  int64_t requests = 0;
  int64_t cache_hits = 0;
};

class CachingAllocator {
 public:
  // Host blocks and device blocks share one rounding rule; alignment is the
  // DeviceMemory's business (64 bytes on the CPU).
  CachingAllocator(DeviceMemory* memory, int64_t quota);
  ~CachingAllocator();

  // Size class of a request: 512-byte granules below 1 MiB, then four
  // classes per power of two (at most 25% rounding).
  static size_t round_size(size_t bytes);
  // Dense index of a rounded size: 0..2047 for the 512-byte granules, then
  // four per power of two.
  static size_t class_index(size_t rounded);

  // A block of at least `bytes` usable on `stream_key`; throws
  // TSR_ERROR_OUT_OF_MEMORY / TSR_ERROR_QUOTA_EXCEEDED with sizes.
  void* allocate(size_t bytes, const void* stream_key, size_t* out_size);
  // Returns a block. `fences` (owned by the allocator from now on) guard
  // reuse on streams other than `stream_key`.
  void free(void* ptr, size_t size, const void* stream_key, std::vector<void*> fences);
  // Gives every cached block whose fences are done back to the device.
  void trim();
  AllocatorStats stats() const;
  void reset_counters();
  // False for backends with fences (see the top of this file).
  void set_cross_stream_reuse(bool allowed) { cross_stream_reuse_ = allowed; }

 private:
  struct Cached {
    void* ptr;
    size_t size;  // the rounded size (trim needs it; classes are indices)
    const void* stream_key;
    std::vector<void*> fences;
  };
  bool fences_done(Cached& c);
  void release_cached(Cached& c);
  void trim_locked();

  DeviceMemory* memory_;
  int64_t quota_;
  bool cross_stream_reuse_ = true;
  // A spin lock: the steady state holds it for a lookup and a pop or push;
  // a device allocation or trim under it is rare, and waiters yield.
  mutable SpinLock mu_;
  // Cached blocks by class_index, most recently freed last: a steady-state
  // allocate/free pair is an index plus a vector pop/push, with no node
  // allocated or freed (the pool's cost is on every op's output).
  std::vector<std::vector<Cached>> cache_;
  AllocatorStats stats_;
};

}  // namespace tsr
