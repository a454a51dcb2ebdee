// Shared by every kernel family: storage types and their compute types,
// dtype dispatch, vectors for 16-byte accesses, and launch sizing.
// Device code only through vendor.h names, so hipcc compiles it too.
#pragma once
#include <cstdint>
#include <type_traits>

#include "backends/cpu/scalar_math.h"
#include "backends/cuda/kernels/launch.h"
#include "backends/cuda/vendor.h"
#include "core/dtype.h"
#include "core/half.h"

namespace tsr::gpu {

// bool is stored as one byte; any non-zero byte reads as true.
struct Bool8 {
  uint8_t v;
};

// Storage type S -> the type it computes in (halves in float, bool as bool),
// with the conversions both ways.
template <class S> struct St {
  using C = S;
  static __device__ __forceinline__ C to_c(S s) { return s; }
  static __device__ __forceinline__ S from_c(C c) { return c; }
};
template <> struct St<Bool8> {
  using C = bool;
  static __device__ __forceinline__ bool to_c(Bool8 s) { return s.v != 0; }
  static __device__ __forceinline__ Bool8 from_c(bool c) { return Bool8{uint8_t(c ? 1 : 0)}; }
};
template <> struct St<float16> {
  using C = float;
  static __device__ __forceinline__ float to_c(float16 s) { return gpu_half_to_float(s.bits); }
  static __device__ __forceinline__ float16 from_c(float c) { return float16{gpu_float_to_half(c)}; }
};
template <> struct St<bfloat16> {
  using C = float;
  static __device__ __forceinline__ float to_c(bfloat16 s) { return gpu_bf16_to_float(s.bits); }
  static __device__ __forceinline__ bfloat16 from_c(float c) { return bfloat16{gpu_float_to_bf16(c)}; }
};
template <class S> using compute_t = typename St<S>::C;

template <class S> __device__ __forceinline__ compute_t<S> load(const S* p) { return St<S>::to_c(*p); }
template <class S> __device__ __forceinline__ void store(S* p, compute_t<S> v) { *p = St<S>::from_c(v); }

template <class S> constexpr bool is_half_v = std::is_same_v<S, float16> || std::is_same_v<S, bfloat16>;
template <class S> constexpr bool is_float_storage_v = std::is_floating_point_v<S> || is_half_v<S>;
template <class S> constexpr bool is_bool_v = std::is_same_v<S, Bool8>;
template <class S> constexpr bool is_int_storage_v = std::is_integral_v<S>;

// A storage value on the host (fill values, GEMM scalars).
template <class S> inline S host_storage(double v) {
  if constexpr (std::is_same_v<S, Bool8>) return Bool8{uint8_t(v != 0 ? 1 : 0)};
  else if constexpr (std::is_same_v<S, float16>) return to_float16(math::convert<float>(v));
  else if constexpr (std::is_same_v<S, bfloat16>) return to_bfloat16(math::convert<float>(v));
  else return math::convert<S>(v);
}
template <class C> inline C host_compute(double v) { return math::convert<C>(v); }

template <class T> struct Tag { using type = T; };

// Calls f(Tag<S>{}) with S the storage type of `dtype`.
template <class F>
Status dispatch_dtype(tsr_dtype dtype, F&& f) {
  switch (dtype) {
    case TSR_BOOL: return f(Tag<Bool8>{});
    case TSR_INT8: return f(Tag<int8_t>{});
    case TSR_INT16: return f(Tag<int16_t>{});
    case TSR_INT32: return f(Tag<int32_t>{});
    case TSR_INT64: return f(Tag<int64_t>{});
    case TSR_UINT8: return f(Tag<uint8_t>{});
    case TSR_UINT16: return f(Tag<uint16_t>{});
    case TSR_UINT32: return f(Tag<uint32_t>{});
    case TSR_UINT64: return f(Tag<uint64_t>{});
    case TSR_FLOAT16: return f(Tag<float16>{});
    case TSR_BFLOAT16: return f(Tag<bfloat16>{});
    case TSR_FLOAT32: return f(Tag<float>{});
    case TSR_FLOAT64: return f(Tag<double>{});
    default: return Status::Err(TSR_ERROR_INTERNAL, "invalid dtype in a GPU kernel dispatch");
  }
}

// Only the floating dtypes (normalization, linear activations).
template <class F>
Status dispatch_float(tsr_dtype dtype, const char* op, F&& f) {
  switch (dtype) {
    case TSR_FLOAT16: return f(Tag<float16>{});
    case TSR_BFLOAT16: return f(Tag<bfloat16>{});
    case TSR_FLOAT32: return f(Tag<float>{});
    case TSR_FLOAT64: return f(Tag<double>{});
    default: return unsupported_dtype(op, dtype);
  }
}

// Unsigned integers of a size: raw bits of any dtype of that size.
template <int Bytes> struct RawOf;
template <> struct RawOf<1> { using type = uint8_t; };
template <> struct RawOf<2> { using type = uint16_t; };
template <> struct RawOf<4> { using type = uint32_t; };
template <> struct RawOf<8> { using type = uint64_t; };

// N elements of S in one aligned access (16 bytes when V * sizeof(S) == 16).
template <class S, int V> struct alignas(sizeof(S) * V) Vec {
  S v[V];
};

constexpr int kThreads = 256;

// One work item per thread: measured on an H200, a full grid streams about
// 5% faster than a grid-stride loop over a device-filling grid (1 GiB add:
// 4366 vs 4164 GB/s, bench_cuda_raw). Kernels still loop, for the cap.
inline unsigned grid_full(int64_t items) {
  int64_t blocks = (items + kThreads - 1) / kThreads;
  if (blocks > 2147483647) blocks = 2147483647;
  return unsigned(blocks < 1 ? 1 : blocks);
}

inline bool aligned_to(const void* p, size_t bytes) {
  return (reinterpret_cast<uintptr_t>(p) % bytes) == 0;
}

}  // namespace tsr::gpu
