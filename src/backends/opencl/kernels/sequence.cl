// Generated sequences for one output dtype (-DT=<tag>), one kernel per program
// (-DOP_<kernel>=1): arange and the
// Philox4x32-10 random draws of core/philox.h. Both compute in double, as
// the CPU does, so they need cl_khr_fp64 (the host reports UNSUPPORTED
// without it rather than producing different numbers).
#if TSR_FP64

#if IS_FLOAT
#define TO_C(v) ((C)(v))
#else
#define TO_C(v) CAT3(convert_, C, _sat)(v)
#endif

#if OP_arange
// out[i * stride] = start + i * step, converted like scalar_math.h's convert<>.
__kernel void arange(long n, __global S* out, long oo, long stride, double start, double step) {
  FOR_EACH(i, n) ST(out, oo + i * stride, TO_C(start + (double)i * step));
}
#endif

typedef struct {
  uint v[4];
} Philox4;

inline Philox4 philox4x32_10(ulong counter, ulong seed) {
  uint c0 = (uint)counter, c1 = (uint)(counter >> 32), c2 = 0, c3 = 0;
  uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    uint hi0 = mul_hi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
    uint hi1 = mul_hi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
    uint n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  Philox4 r;
  r.v[0] = c0;
  r.v[1] = c1;
  r.v[2] = c2;
  r.v[3] = c3;
  return r;
}

// Uniform double in [0, 1) from two words (53 bits).
inline double philox_unit_double(uint a, uint b) {
  ulong bits53 = ((ulong)a << 21) ^ (ulong)(b >> 11);
  bits53 &= ((ulong)1 << 53) - 1;
  return (double)bits53 * (1.0 / 9007199254740992.0);
}

#if OP_random_uniform
// Element i of the tensor is draw i of (seed): the same on every backend.
__kernel void random_uniform(long n, __global S* out, long oo, ulong seed, double a, double b) {
  FOR_EACH(i, n) {
    Philox4 r = philox4x32_10((ulong)i, seed);
    double v = a + (b - a) * philox_unit_double(r.v[0], r.v[1]);
#if IS_FLOAT
    C cv = (C)v;
    // Rounding to a narrow type may reach the open upper bound: step back.
    if (b > a && (double)cv >= b) cv = nextafter((C)b, (C)a);
#else
    C cv = TO_C(floor(v));
#endif
    ST(out, oo + i, cv);
#if IS_HALF == 1
    // float16 keeps 11 bits, bfloat16 8: storing may round up to b again.
    // Step down through the stored bits, as the CPU's next_below does.
    if (b > a) {
      __global ushort* bits = (__global ushort*)out + oo + i;
      while ((double)LD(out, oo + i) >= b) {
        const ushort h = *bits;
        *bits = (h & 0x7fff) == 0 ? (ushort)0x8001 : (h & 0x8000) ? (ushort)(h + 1) : (ushort)(h - 1);
      }
    }
#endif
  }
}
#endif

#if OP_random_normal
__kernel void random_normal(long n, __global S* out, long oo, ulong seed, double a, double b) {
  FOR_EACH(i, n) {
    Philox4 r = philox4x32_10((ulong)i, seed);
    double u1 = philox_unit_double(r.v[0], r.v[1]), u2 = philox_unit_double(r.v[2], r.v[3]);
    double v = a + b * sqrt(-2.0 * log1p(-u1)) * cos(6.283185307179586 * u2);
    ST(out, oo + i, TO_C(v));
  }
}
#endif

#endif
