// The caching allocator's size classes, seen through the public API on the
// CPU (the allocator is shared by every backend): each class keeps its own
// blocks, a request gets the documented rounding, and a freed block comes
// back only for a request of its own class.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tessera/tessera.h"

namespace {

// The documented rule (caching_allocator.h): 512-byte granules up to 1 MiB,
// then four classes per power of two.
int64_t expected_class_bytes(int64_t bytes) {
  const int64_t small = int64_t(1) << 20;
  if (bytes <= small) return (bytes + 511) / 512 * 512;
  int64_t pow2 = small;
  while (pow2 * 2 < bytes) pow2 *= 2;
  const int64_t step = pow2 / 4;
  return (bytes + step - 1) / step * step;
}

tsr_stats stats_of(tsr_context c) {
  tsr_stats s{};
  s.size = sizeof(s);
  EXPECT_EQ(tsr_context_get_stats(c, &s), TSR_OK);
  return s;
}

TEST(AllocatorClasses, EveryClassKeepsItsOwnBlocks) {
  tsr_context_options options{};
  options.size = sizeof(options);
  options.device_kind = TSR_DEVICE_CPU;
  tsr_context ctx = nullptr;
  ASSERT_EQ(tsr_context_create(&options, &ctx), TSR_OK);
  // Sizes on both sides of class boundaries: granules, 1 MiB, and the
  // quarter steps of the powers of two above it.
  std::vector<int64_t> sizes = {1, 511, 512, 513, 1024, 4096 + 7, (1 << 20) - 512, 1 << 20};
  for (int64_t pow2 = int64_t(1) << 20; pow2 <= (int64_t(1) << 24); pow2 *= 2)
    for (int q = 5; q <= 8; ++q) {
      sizes.push_back(pow2 / 4 * q);      // exactly a class
      sizes.push_back(pow2 / 4 * q + 1);  // the next class up
    }
  // One live tensor per size, then all released: one cached block per size.
  std::vector<tsr_tensor> live;
  std::vector<void*> first_pointer;
  int64_t in_use = 0;
  for (int64_t n : sizes) {
    tsr_tensor t = nullptr;
    ASSERT_EQ(tsr_tensor_empty(ctx, &n, 1, TSR_UINT8, &t), TSR_OK);
    in_use += expected_class_bytes(n);
    EXPECT_EQ(stats_of(ctx).bytes_in_use, in_use) << "request of " << n << " bytes";
    void* p = nullptr;
    ASSERT_EQ(tsr_tensor_data_pointer(t, &p), TSR_OK);
    first_pointer.push_back(p);
    live.push_back(t);
  }
  // Distinct rounded sizes must each have a block of their own; equal ones
  // (511 and 512 bytes) share a class, and then the newest block of the
  // class is handed out first.
  for (tsr_tensor t : live) tsr_tensor_release(t);
  ASSERT_EQ(tsr_context_reset_stats(ctx), TSR_OK);
  live.clear();
  for (size_t i = 0; i < sizes.size(); ++i) {
    tsr_tensor t = nullptr;
    ASSERT_EQ(tsr_tensor_empty(ctx, &sizes[i], 1, TSR_UINT8, &t), TSR_OK);
    void* p = nullptr;
    ASSERT_EQ(tsr_tensor_data_pointer(t, &p), TSR_OK);
    bool shares_class = false;
    for (size_t j = 0; j < sizes.size(); ++j)
      shares_class |= j != i && expected_class_bytes(sizes[j]) == expected_class_bytes(sizes[i]);
    if (!shares_class) {
      EXPECT_EQ(p, first_pointer[i]) << "request of " << sizes[i] << " bytes";
    }
    live.push_back(t);
  }
  const tsr_stats s = stats_of(ctx);
  EXPECT_EQ(s.device_allocations, 0) << "every request is served by its own class";
  EXPECT_EQ(s.cache_hits, int64_t(sizes.size()));
  EXPECT_EQ(s.bytes_in_use, in_use);
  for (tsr_tensor t : live) tsr_tensor_release(t);
  // Trim returns every block: the classes account for their own sizes.
  ASSERT_EQ(tsr_context_trim(ctx), TSR_OK);
  EXPECT_EQ(stats_of(ctx).bytes_reserved, 0);
  tsr_context_release(ctx);
}

}  // namespace
