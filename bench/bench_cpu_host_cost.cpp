// Host cost of a tiny op through the C ABI on the CPU backend: a 16-element
// float32 add into a preallocated output, back to back on one stream,
// against the same loop calling a plain add function directly.
// Also: large elementwise add bandwidth against memcpy, in the same run.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tessera/tessera.h"

#define CHECK(x)                                                                        \
  do {                                                                                  \
    tsr_status s_ = (x);                                                                \
    if (s_ != TSR_OK) {                                                                 \
      std::fprintf(stderr, "%s: %s %s\n", #x, tsr_status_string(s_), tsr_last_error_message()); \
      return 1;                                                                         \
    }                                                                                   \
  } while (0)

using Clock = std::chrono::steady_clock;

__attribute__((noinline)) static void add16(const float* a, const float* b, float* c) {
  for (int i = 0; i < 16; ++i) c[i] = a[i] + b[i];
}

template <typename F>
static double median_ns_per_iter(F&& body, int iters, int reps) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    body(iters);
    t.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / iters);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main() {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_CPU;
  tsr_context ctx = nullptr;
  CHECK(tsr_context_create(&o, &ctx));

  // --- tiny op host cost -------------------------------------------------
  int64_t shape16[1] = {16};
  tsr_tensor a = nullptr, b = nullptr, c = nullptr;
  CHECK(tsr_tensor_random(ctx, shape16, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, -1, 1, nullptr, &a));
  CHECK(tsr_tensor_random(ctx, shape16, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 2, -1, 1, nullptr, &b));
  CHECK(tsr_tensor_empty(ctx, shape16, 1, TSR_FLOAT32, &c));
  const int iters = 200000;
  tsr_status st = TSR_OK;
  double api_ns = median_ns_per_iter(
      [&](int n) {
        for (int i = 0; i < n; ++i) st = static_cast<tsr_status>(st | tsr_binary(TSR_ADD, a, b, nullptr, &c));
        tsr_context_synchronize(ctx);
      },
      iters, 7);
  CHECK(st);
  double alloc_ns = median_ns_per_iter(
      [&](int n) {
        for (int i = 0; i < n; ++i) {
          tsr_tensor r = nullptr;
          st = static_cast<tsr_status>(st | tsr_binary(TSR_ADD, a, b, nullptr, &r));
          tsr_tensor_release(r);
        }
        tsr_context_synchronize(ctx);
      },
      iters, 7);
  CHECK(st);
  std::vector<float> ha(16, 1.5f), hb(16, 2.5f), hc(16);
  double direct_ns = median_ns_per_iter(
      [&](int n) {
        for (int i = 0; i < n; ++i) {
          add16(ha.data(), hb.data(), hc.data());
          asm volatile("" ::: "memory");
        }
      },
      iters, 7);

  // --- large add bandwidth vs memcpy -------------------------------------
  const int64_t n = int64_t(64) << 20;  // 64 Mi floats = 256 MiB per tensor
  int64_t shape[1] = {n};
  tsr_tensor x = nullptr, y = nullptr, z = nullptr;
  CHECK(tsr_tensor_full(ctx, shape, 1, TSR_FLOAT32, 1.0, nullptr, &x));
  CHECK(tsr_tensor_full(ctx, shape, 1, TSR_FLOAT32, 2.0, nullptr, &y));
  CHECK(tsr_tensor_full(ctx, shape, 1, TSR_FLOAT32, 0.0, nullptr, &z));
  CHECK(tsr_context_synchronize(ctx));
  double add_ns = median_ns_per_iter(
      [&](int k) {
        for (int i = 0; i < k; ++i) tsr_binary(TSR_ADD, x, y, nullptr, &z);
        tsr_context_synchronize(ctx);
      },
      1, 9);
  std::vector<char> src(size_t(n) * 4, 1), dst(size_t(n) * 4, 0);
  double memcpy_ns = median_ns_per_iter(
      [&](int k) {
        for (int i = 0; i < k; ++i) std::memcpy(dst.data(), src.data(), src.size());
      },
      1, 9);
  // Bytes moved: add reads 2 and writes 1 array; memcpy reads 1 and writes 1.
  double add_gbs = 3.0 * n * 4 / add_ns, memcpy_gbs = 2.0 * n * 4 / memcpy_ns;

  std::printf("| measurement | value |\n|---|---|\n");
  std::printf("| tiny add (16 x f32) through the C ABI, preallocated out | %.0f ns/op |\n", api_ns);
  std::printf("| tiny add through the C ABI, new output each call | %.0f ns/op |\n", alloc_ns);
  std::printf("| same add, plain C++ function called directly | %.1f ns/op |\n", direct_ns);
  std::printf("| large add (64 Mi f32) | %.2f GB/s |\n", add_gbs);
  std::printf("| memcpy (256 MiB) | %.2f GB/s |\n", memcpy_gbs);
  std::printf("| add / memcpy bandwidth | %.2f |\n", add_gbs / memcpy_gbs);
  tsr_tensor_release(a); tsr_tensor_release(b); tsr_tensor_release(c);
  tsr_tensor_release(x); tsr_tensor_release(y); tsr_tensor_release(z);
  tsr_context_release(ctx);
  return 0;
}
