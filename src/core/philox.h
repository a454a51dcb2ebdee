// Philox4x32-10, the counter-based generator behind tsr_tensor_random.
// Element i of a tensor drawn with `seed` uses counter (i, 0, 0, 0) and key
// (seed low, seed high), so every backend produces the same numbers.
// Written for host and device compilers alike (no library calls).
#pragma once
#include <stdint.h>

#ifndef TSR_HOST_DEVICE
#if defined(__CUDACC__) || defined(__HIPCC__)
#define TSR_HOST_DEVICE __host__ __device__
#else
#define TSR_HOST_DEVICE
#endif
#endif

namespace tsr {

struct Philox4 {
  uint32_t v[4];
};

TSR_HOST_DEVICE inline void philox_mulhilo(uint32_t a, uint32_t b, uint32_t* hi, uint32_t* lo) {
  uint64_t p = uint64_t(a) * uint64_t(b);
  *hi = uint32_t(p >> 32);
  *lo = uint32_t(p);
}

TSR_HOST_DEVICE inline Philox4 philox4x32_10(uint64_t counter, uint64_t seed) {
  uint32_t c0 = uint32_t(counter), c1 = uint32_t(counter >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = uint32_t(seed), k1 = uint32_t(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    philox_mulhilo(0xD2511F53u, c0, &hi0, &lo0);
    philox_mulhilo(0xCD9E8D57u, c2, &hi1, &lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0; c1 = n1; c2 = n2; c3 = n3;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  Philox4 r;
  r.v[0] = c0; r.v[1] = c1; r.v[2] = c2; r.v[3] = c3;
  return r;
}

// Uniform double in [0, 1) from two 32-bit words (53 bits).
TSR_HOST_DEVICE inline double philox_unit_double(uint32_t a, uint32_t b) {
  uint64_t bits53 = (uint64_t(a) << 21) ^ uint64_t(b >> 11);
  bits53 &= (uint64_t(1) << 53) - 1;
  return double(bits53) * (1.0 / 9007199254740992.0);
}

}  // namespace tsr
