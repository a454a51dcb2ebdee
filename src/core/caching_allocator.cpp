#include "core/caching_allocator.h"

#include "core/error.h"

namespace tsr {

CachingAllocator::CachingAllocator(DeviceMemory* memory, int64_t quota)
    : memory_(memory), quota_(quota) {}

CachingAllocator::~CachingAllocator() {
  std::lock_guard<SpinLock> lock(mu_);
  for (auto& blocks : cache_)
    for (Cached& c : blocks) release_cached(c);
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

size_t CachingAllocator::class_index(size_t rounded) {
  constexpr size_t kGranules = (size_t(1) << 20) / 512;
  if (rounded <= (size_t(1) << 20)) return rounded / 512 - 1;
  // rounded lies in (2^p, 2^(p+1)] and is a multiple of 2^p / 4: 5..8 quarters.
  const int p = 63 - __builtin_clzll((unsigned long long)(rounded - 1));
  const size_t quarters = rounded >> (p - 2);
  return kGranules + size_t(p - 20) * 4 + (quarters - 5);
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
  std::lock_guard<SpinLock> lock(mu_);
  stats_.requests++;
  void* ptr = nullptr;
  const size_t index = class_index(size);
  if (index < cache_.size()) {
    std::vector<Cached>& blocks = cache_[index];
    // Newest first (likeliest still in the CPU's or GPU's caches); a block
    // of the same stream wins, it needs nothing beyond the stream's order.
    size_t pick = blocks.size();
    for (size_t i = blocks.size(); i-- > 0;) {
      Cached& c = blocks[i];
      const bool same = c.stream_key == stream_key;
      if (!same && !cross_stream_reuse_) continue;
      // Other streams that used the block must be done with it, also on S:
      // S's own order says nothing about their work.
      if (!fences_done(c)) continue;
      pick = i;
      if (same) break;
    }
    if (pick != blocks.size()) {
      ptr = blocks[pick].ptr;
      for (void* f : blocks[pick].fences) memory_->destroy_fence(f);
      blocks[pick] = std::move(blocks.back());
      blocks.pop_back();
      stats_.cache_hits++;
    }
  }
  if (!ptr) {
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
  std::lock_guard<SpinLock> lock(mu_);
  stats_.bytes_in_use -= int64_t(size);
  const size_t index = class_index(size);
  if (index >= cache_.size()) cache_.resize(index + 1);
  cache_[index].push_back(Cached{ptr, size, stream_key, std::move(fences)});
}

void CachingAllocator::trim_locked() {
  for (auto& blocks : cache_) {
    size_t kept = 0;
    for (Cached& c : blocks) {
      if (fences_done(c)) {
        stats_.bytes_reserved -= int64_t(c.size);
        stats_.device_frees++;
        release_cached(c);
      } else {
        blocks[kept++] = std::move(c);
      }
    }
    blocks.resize(kept);
  }
}

void CachingAllocator::trim() {
  std::lock_guard<SpinLock> lock(mu_);
  trim_locked();
}

AllocatorStats CachingAllocator::stats() const {
  std::lock_guard<SpinLock> lock(mu_);
  return stats_;
}

void CachingAllocator::reset_counters() {
  std::lock_guard<SpinLock> lock(mu_);
  stats_.device_allocations = stats_.device_frees = stats_.requests = stats_.cache_hits = 0;
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

}  // namespace tsr
