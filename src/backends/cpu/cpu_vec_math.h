// Math functions written so that loops calling them vectorize (no library
// calls, no branches): glibc's vector variants need -ffast-math, which the
// library does not use.
#pragma once
#include <cstdint>
#include <limits>

#include "core/half.h"

// TSR_CPU_MULTIVERSION: compile a hot kernel twice, for AVX2 and for the
// baseline ISA the library targets, and let the loader pick one at startup
// (GNU ifunc), so one binary runs everywhere and uses 256-bit vectors where
// it can. "avx2" alone (no FMA) keeps results identical to the baseline's
// apart from the order of vectorized reductions. Helpers a multiversioned
// kernel calls should be TSR_CPU_INLINE so they are compiled into each clone.
#if defined(__x86_64__) && defined(__ELF__) && defined(__GNUC__) && \
    (!defined(__clang__) || __clang_major__ >= 14)
#define TSR_CPU_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define TSR_CPU_MULTIVERSION
#endif
#if defined(__GNUC__)
#define TSR_CPU_INLINE inline __attribute__((always_inline))
#else
#define TSR_CPU_INLINE inline
#endif

namespace tsr::cpu {

// exp(x) in float, within 3 ulp of the exact result (1.2 measured). x = n*ln2 + r with
// |r| <= ln2/2 (ln2 split in two so n*ln2_hi is exact); exp(r) by its
// degree-7 Taylor polynomial (truncation below 1e-8 relative); 2^n from the
// exponent bits, applied as 2^(n-1) * 2 so n = 128 still fits. Results below
// exp(-86.6) ~ 2.4e-38 flush to 0; above exp(88.72) they are +inf; NaN stays
// NaN.
// Written branch-free on purpose: range tests compare bit patterns as
// integers, and the special cases are merged with bit masks. With float
// compares or selects, GCC (under its default -ftrapping-math) moves the
// arithmetic into a branch it may not speculate, and the loop stays scalar.
TSR_CPU_INLINE float exp_vec(float x) {
  constexpr float kLo = -86.6f, kHi = 88.72f;
  const uint32_t bits = f32_bits(x), mag = bits & 0x7fffffffu;
  const bool neg = (bits >> 31) != 0;
  const bool is_nan = mag > 0x7f800000u;
  const bool below = neg & (mag > f32_bits(-kLo)) & !is_nan;
  const bool above = !neg & (mag > f32_bits(kHi)) & !is_nan;
  const uint32_t keep = uint32_t(0) - uint32_t(!(is_nan | below | above));  // all ones: in range
  const float xc = bits_f32(bits & keep);  // 0 out of range, so the int conversion is defined
  const float t = xc * 1.44269504088896341f;
  const int32_t n = int32_t(t + bits_f32((f32_bits(t) & 0x80000000u) | f32_bits(0.5f)));  // round
  const float fn = float(n);
  const float r = (xc - fn * 0.693359375f) + fn * 2.12194440e-4f;
  float p = 1.f / 5040;
  p = p * r + 1.f / 720;
  p = p * r + 1.f / 120;
  p = p * r + 1.f / 24;
  p = p * r + 1.f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.f;
  p = p * r + 1.f;
  const float y = p * bits_f32(uint32_t(n + 126) << 23) * 2.f;  // p * 2^(n-1) * 2
  const uint32_t special = is_nan ? bits : (above ? 0x7f800000u : 0u);
  return bits_f32((f32_bits(y) & keep) | (special & ~keep));
}

// float16 -> float, bit-exact with to_float(float16) but branch-free, so
// loops over half data vectorize. Exponent and mantissa shifted into float
// position and scaled by 2^112 (the bias difference) give normals and
// subnormals alike (unless the caller runs with denormals-are-zero set);
// inf/NaN get the all-ones exponent instead.
TSR_CPU_INLINE float half_to_float_vec(float16 h) {
  const uint32_t em = uint32_t(h.bits & 0x7fffu) << 13;
  const uint32_t sign = uint32_t(h.bits & 0x8000u) << 16;
  const uint32_t finite = f32_bits(bits_f32(em) * 0x1p112f);
  const uint32_t special = em | 0x7f800000u;
  const uint32_t is_special = uint32_t(0) - uint32_t(em >= (0x7c00u << 13));  // all ones: inf/NaN
  return bits_f32(sign | (finite & ~is_special) | (special & is_special));
}

// Sum of n values in double with 8 independent partial sums: the fixed lanes
// vectorize (and pipeline) where an `omp simd` double reduction over float
// input may not, and bound the rounding error like a short pairwise sum.
template <typename T>
TSR_CPU_INLINE double sum_as_double(const T* x, int64_t n) {
  double a[8] = {};
  const int64_t full = n - n % 8;
  for (int64_t i = 0; i < full; i += 8)
    for (int k = 0; k < 8; ++k) a[k] += double(x[i + k]);
  double s = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
  for (int64_t i = full; i < n; ++i) s += double(x[i]);
  return s;
}

}  // namespace tsr::cpu
