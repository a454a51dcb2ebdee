// Shared machinery of the CPU kernels: dtype dispatch, storage/compute type
// mapping, and a parallel N-d loop that hands contiguous runs to a body.
#pragma once
#include <emmintrin.h>
#include <omp.h>

#include <cstdint>
#include <type_traits>

#include "backends/cpu/cpu_vec_math.h"
#include "core/dtype.h"
#include "core/error.h"
#include "core/half.h"
#include "core/op_call.h"

namespace tsr::cpu {

// The arithmetic type each storage type computes in (halves in float).
template <typename S> struct Compute { using type = S; };
template <> struct Compute<float16> { using type = float; };
template <> struct Compute<bfloat16> { using type = float; };
template <typename S> using compute_t = typename Compute<S>::type;

template <typename S> inline compute_t<S> load(const S* p) { return *p; }
template <> inline float load<float16>(const float16* p) { return to_float(*p); }
template <> inline float load<bfloat16>(const bfloat16* p) { return to_float(*p); }

template <typename S> inline void store(S* p, compute_t<S> v) { *p = v; }
template <> inline void store<float16>(float16* p, float v) { *p = to_float16(v); }
template <> inline void store<bfloat16>(bfloat16* p, float v) { *p = to_bfloat16(v); }
template <> inline void store<bool>(bool* p, bool v) { *reinterpret_cast<uint8_t*>(p) = v ? 1 : 0; }
template <> inline bool load<bool>(const bool* p) { return *reinterpret_cast<const uint8_t*>(p) != 0; }

// As load(), through a branch-free float16 conversion, for loops that
// should vectorize (the same value, bit for bit).
template <typename S> TSR_CPU_INLINE compute_t<S> load_fast(const S* p) {
  if constexpr (std::is_same_v<S, float16>) return half_to_float_vec(*p);
  else return load(p);
}

template <typename T> constexpr bool is_half_v = std::is_same_v<T, float16> || std::is_same_v<T, bfloat16>;
template <typename T> constexpr bool is_float_v = std::is_floating_point_v<T> || is_half_v<T>;

// Calls f(S{}) with S the storage type of `dtype`.
template <typename F>
decltype(auto) dispatch(tsr_dtype dtype, F&& f) {
  switch (dtype) {
    case TSR_BOOL: return f(bool{});
    case TSR_INT8: return f(int8_t{});
    case TSR_INT16: return f(int16_t{});
    case TSR_INT32: return f(int32_t{});
    case TSR_INT64: return f(int64_t{});
    case TSR_UINT8: return f(uint8_t{});
    case TSR_UINT16: return f(uint16_t{});
    case TSR_UINT32: return f(uint32_t{});
    case TSR_UINT64: return f(uint64_t{});
    case TSR_FLOAT16: return f(float16{});
    case TSR_BFLOAT16: return f(bfloat16{});
    case TSR_FLOAT32: return f(float{});
    case TSR_FLOAT64: return f(double{});
    default: fail(TSR_ERROR_INTERNAL, "dtype %d has no CPU kernel", int(dtype));
  }
}

// Outputs at least this large bypass the caches with streaming stores: the
// result will not be re-read from cache, and skipping the write-allocate read
// saves a quarter of a binary op's memory traffic.
constexpr int64_t kStreamingBytes = int64_t(16) << 20;

// Copies `bytes` from a cached scratch buffer to `dst` with non-temporal
// stores where 16-byte aligned. Callers fence once at the end (stream_fence).
inline void stream_copy(void* dst, const void* src, int64_t bytes) {
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  int64_t head = (16 - (reinterpret_cast<uintptr_t>(d) & 15)) & 15;
  if (head > bytes) head = bytes;
  for (int64_t i = 0; i < head; ++i) d[i] = s[i];
  int64_t i = head;
  for (; i + 16 <= bytes; i += 16)
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + i),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)));
  for (; i < bytes; ++i) d[i] = s[i];
}
inline void stream_fence() { _mm_sfence(); }

// Elements per parallel chunk: below this, threads cost more than they save.
constexpr int64_t kParallelGrain = 1 << 15;

// Iterates the output's index space (all descs share out's shape) and calls
// body(char* ptr[N], const int64_t step[N], int64_t count) for runs along the
// innermost axis; step[] is each operand's byte stride there. Runs are split
// into chunks over threads when the op is large.
template <int N, typename Body>
void nd_loop(const TensorDesc* const (&d)[N], Body&& body) {
  const TensorDesc& o = *d[0];
  const int nd = o.ndim;
  const int64_t total = o.numel();
  if (total == 0) return;
  int64_t esize[N];
  for (int k = 0; k < N; ++k) esize[k] = dtype_size(d[k]->dtype);
  const int64_t inner = nd > 0 ? o.shape[nd - 1] : 1;
  int64_t step[N];
  for (int k = 0; k < N; ++k) step[k] = nd > 0 ? d[k]->strides[nd - 1] * esize[k] : 0;

  auto run_range = [&](int64_t begin, int64_t end) {
    // Multi-index of `begin`.
    int64_t idx[TSR_MAX_DIMS] = {};
    int64_t rem = begin;
    for (int i = nd - 1; i >= 0; --i) {
      idx[i] = rem % o.shape[i];
      rem /= o.shape[i];
    }
    char* ptr[N];
    for (int k = 0; k < N; ++k) {
      int64_t off = 0;
      for (int i = 0; i < nd; ++i) off += idx[i] * d[k]->strides[i];
      ptr[k] = static_cast<char*>(d[k]->base) + d[k]->offset + off * esize[k];
    }
    int64_t pos = begin;
    while (pos < end) {
      int64_t col = nd > 0 ? idx[nd - 1] : 0;
      int64_t count = inner - col;
      if (count > end - pos) count = end - pos;
      body(ptr, step, count);
      pos += count;
      if (pos >= end) break;
      // Advance to the start of the next row.
      for (int k = 0; k < N; ++k) ptr[k] += count * step[k];
      idx[nd - 1] += count;
      for (int i = nd - 1; i > 0 && idx[i] == o.shape[i]; --i) {
        for (int k = 0; k < N; ++k)
          ptr[k] -= o.shape[i] * d[k]->strides[i] * esize[k];
        idx[i] = 0;
        ++idx[i - 1];
        for (int k = 0; k < N; ++k) ptr[k] += d[k]->strides[i - 1] * esize[k];
      }
    }
  };

  if (total < 2 * kParallelGrain || omp_get_max_threads() == 1) {
    run_range(0, total);
    return;
  }
  int64_t chunks = total / kParallelGrain;
  int threads = omp_get_max_threads();
  if (chunks > threads * 4) chunks = threads * 4;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < chunks; ++c) run_range(total * c / chunks, total * (c + 1) / chunks);
}

}  // namespace tsr::cpu
