#include "core/caching_allocator.h"

#include "core/error.h"

namespace tsr {

CachingAllocator::CachingAllocator(DeviceMemory* memory, int64_t quota)
    : memory_(memory), quota_(quota) {}

CachingAllocator::~CachingAllocator() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& entry : cache_) release_cached(entry.second);
  cache_.clear();
}

size_t CachingAllocator::round_size(size_t bytes) {
  if (bytes == 0) bytes = 1;
  constexpr size_t kSmall = 1u << 20;
  if (bytes <= kSmall) return (bytes + 511) & ~size_t(511);
  size_t pow2 = kSmall;
  while (pow2 * 2 < bytes) pow2 *= 2;
  size_t step = pow2 / 4;
  return (bytes + step - 1) / step * step;
}

bool CachingAllocator::fences_done(Cached& c) {
  for (void* f : c.fences)
    if (!memory_->fence_done(f)) return false;
  return true;
}

void CachingAllocator::release_cached(Cached& c) {
  for (void* f : c.fences) memory_->destroy_fence(f);
  c.fences.clear();
  memory_->free(c.ptr);
}

void* CachingAllocator::allocate(size_t bytes, const void* stream_key, size_t* out_size) {
  const size_t size = round_size(bytes);
  std::lock_guard<std::mutex> lock(mu_);
  stats_.requests++;
  auto range = cache_.equal_range(size);
  auto pick = cache_.end();
  for (auto it = range.first; it != range.second; ++it) {
    const bool same = it->second.stream_key == stream_key;
    if (!same && !cross_stream_reuse_) continue;
    // Other streams that used the block must be done with it, also on S:
    // S's own order says nothing about their work.
    if (!fences_done(it->second)) continue;
    pick = it;
    if (same) break;
  }
  void* ptr = nullptr;
  if (pick != cache_.end()) {
    ptr = pick->second.ptr;
    for (void* f : pick->second.fences) memory_->destroy_fence(f);
    cache_.erase(pick);
    stats_.cache_hits++;
  } else {
    if (quota_ > 0 && stats_.bytes_reserved + int64_t(size) > quota_) {
      trim_locked();
      if (stats_.bytes_reserved + int64_t(size) > quota_)
        fail(TSR_ERROR_QUOTA_EXCEEDED,
             "allocating %zu bytes would exceed the context's memory quota of %lld bytes "
             "(%lld reserved, %lld in use)",
             size, (long long)quota_, (long long)stats_.bytes_reserved,
             (long long)stats_.bytes_in_use);
    }
    Status st = memory_->allocate(size, &ptr);
    if (!st.ok()) {
      trim_locked();
      st = memory_->allocate(size, &ptr);
      if (!st.ok())
        fail(TSR_ERROR_OUT_OF_MEMORY,
             "out of memory allocating %zu bytes (%lld bytes reserved, %lld in use, after "
             "trimming the cache): %s",
             size, (long long)stats_.bytes_reserved, (long long)stats_.bytes_in_use,
             st.message.c_str());
    }
    stats_.device_allocations++;
    stats_.bytes_reserved += int64_t(size);
  }
  stats_.bytes_in_use += int64_t(size);
  if (stats_.bytes_in_use > stats_.peak_bytes_in_use) stats_.peak_bytes_in_use = stats_.bytes_in_use;
  *out_size = size;
  return ptr;
}

void CachingAllocator::free(void* ptr, size_t size, const void* stream_key,
                            std::vector<void*> fences) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.bytes_in_use -= int64_t(size);
  cache_.emplace(size, Cached{ptr, stream_key, std::move(fences)});
}

void CachingAllocator::trim_locked() {
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (fences_done(it->second)) {
      stats_.bytes_reserved -= int64_t(it->first);
      stats_.device_frees++;
      release_cached(it->second);
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
}

void CachingAllocator::trim() {
  std::lock_guard<std::mutex> lock(mu_);
  trim_locked();
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void CachingAllocator::reset_counters() {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.device_allocations = stats_.device_frees = stats_.requests = stats_.cache_hits = 0;
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

}  // namespace tsr
