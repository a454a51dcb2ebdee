// float16 and bfloat16 storage types with conversions to and from float.
// Plain bit manipulation, usable from host code of every backend.
#pragma once
#include <cstdint>
#include <cstring>

namespace tsr {

struct float16 {
  uint16_t bits;
};
struct bfloat16 {
  uint16_t bits;
};

inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline float to_float(float16 h) {
  uint32_t sign = uint32_t(h.bits & 0x8000) << 16;
  uint32_t exp = (h.bits >> 10) & 0x1f, man = h.bits & 0x3ff;
  if (exp == 0) {
    if (man == 0) return bits_f32(sign);
    // Subnormal: scale the mantissa up to a normal float.
    float f = float(man) * (1.0f / 16777216.0f);  // man * 2^-24
    return sign ? -f : f;
  }
  if (exp == 31) return bits_f32(sign | 0x7f800000u | (man << 13));
  return bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}

// Round to nearest even, with overflow to infinity and NaN kept a NaN.
inline float16 to_float16(float f) {
  uint32_t u = f32_bits(f);
  uint32_t sign = (u >> 16) & 0x8000;
  uint32_t a = u & 0x7fffffffu;
  if (a > 0x7f800000u) return {uint16_t(sign | 0x7e00)};  // NaN
  if (a >= 0x477ff000u) return {uint16_t(sign | 0x7c00)};  // rounds to >= 65520: inf
  if (a < 0x38800000u) {
    // Subnormal or zero in half: round a * 2^24 to an integer (ties to even).
    float m = bits_f32(a) * 16777216.0f;
    uint32_t r = uint32_t(m);
    float frac = m - float(r);
    if (frac > 0.5f || (frac == 0.5f && (r & 1))) ++r;
    return {uint16_t(sign | r)};
  }
  uint32_t exp = (a >> 23) - 112, man = a & 0x7fffff;
  uint32_t h = (exp << 10) | (man >> 13);
  uint32_t rest = man & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) ++h;
  return {uint16_t(sign | h)};
}

inline float to_float(bfloat16 b) { return bits_f32(uint32_t(b.bits) << 16); }

inline bfloat16 to_bfloat16(float f) {
  uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return {uint16_t((u >> 16) | 0x40)};  // quiet NaN
  uint32_t rounding = 0x7fff + ((u >> 16) & 1);
  return {uint16_t((u + rounding) >> 16)};
}

}  // namespace tsr
