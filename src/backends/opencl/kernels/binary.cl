// Binary elementwise ops for one dtype (-DT=<tag>), one op per program
// (-DOP_<op>=1), in three forms:
//   binary_<op>_c / _s   out = op(a[i], b[i]), contiguous or strided (3 operands)
//   bscalar_<op>_c / _s  out = op(x[i], s), or op(s, x[i]) when `first` is 1
// `a` and `b` are the operands in the compute type. The contiguous forms
// take four elements per work-item through aligned 4-vectors when every
// offset is a multiple of 4 elements (what bandwidth needs on GPUs), and one
// element per work-item otherwise; either way any grid covers any n.

#if !IS_BOOL
inline C tsr_add(C a, C b) {
#if IS_INT
  return (C)((U)a + (U)b);
#else
  return a + b;
#endif
}
inline C tsr_sub(C a, C b) {
#if IS_INT
  return (C)((U)a - (U)b);
#else
  return a - b;
#endif
}
inline C tsr_mul(C a, C b) {
#if IS_INT
  return (C)((W)(U)a * (W)(U)b);
#else
  return a * b;
#endif
}
#if IS_INT
inline C tsr_div_trunc(C a, C b) {
  if (b == 0) return 0;
#if IS_SIGNED
  if (b == (C)-1) return (C)((U)0 - (U)a);  // avoids MIN / -1
#endif
  return (C)(a / b);
}
#endif
inline C tsr_floor_div(C a, C b) {
#if IS_FLOAT
  return floor(a / b);
#else
  if (b == 0) return 0;
  C q = tsr_div_trunc(a, b);
#if IS_SIGNED
  if (b != (C)-1 && (a % b != 0) && ((a < 0) != (b < 0))) q = (C)(q - 1);
#endif
  return q;
#endif
}
inline C tsr_remainder(C a, C b) {
#if IS_FLOAT
  C r = fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
#else
  if (b == 0) return 0;
#if IS_SIGNED
  if (b == (C)-1) return 0;
  C r = (C)(a % b);
  if (r != 0 && ((r < 0) != (b < 0))) r = (C)(r + b);
  return r;
#else
  return (C)(a % b);
#endif
#endif
}
inline C tsr_pow(C a, C b) {
#if IS_FLOAT
  return pow(a, b);
#else
#if IS_SIGNED
  if (b < 0) return a == 1 ? (C)1 : (a == (C)-1 ? ((b & 1) ? (C)-1 : (C)1) : (C)0);
#endif
  C result = 1, base = a;
  U e = (U)b;
  while (e) {
    if (e & 1) result = tsr_mul(result, base);
    base = tsr_mul(base, base);
    e >>= 1;
  }
  return result;
#endif
}
// NaN-propagating, and a > b ? a : b otherwise (so max(-0, +0) is +0, as on the CPU).
inline C tsr_max(C a, C b) {
#if IS_FLOAT
  if (isnan(a) || isnan(b)) return (C)NAN;
#endif
  return a > b ? a : b;
}
inline C tsr_min(C a, C b) {
#if IS_FLOAT
  if (isnan(a) || isnan(b)) return (C)NAN;
#endif
  return a < b ? a : b;
}
#endif

// The 4-vector path of the contiguous kernels, entered when every offset is
// a multiple of 4 elements (buffers themselves are aligned far beyond 16
// bytes); absent for float16, whose `half` is no value type without
// cl_khr_fp16. Lanes go through private arrays, so LD and OUT_ST convert
// exactly as the scalar path does. Work-items cover the n / 4 vectors
// (grid-stride), then the first n % 4 work-items the tail.
#define VEC4(t) CAT(t, 4)
#define SPLIT4(arr, v) \
  arr[0] = (v).s0;     \
  arr[1] = (v).s1;     \
  arr[2] = (v).s2;     \
  arr[3] = (v).s3;
#if VEC_OK
#define CONTIG_BINARY_VEC4(OUT_T, OUT_ST, EXPR)                                           \
  if (((oo | xo | yo) & 3) == 0) {                                                        \
    __global VEC4(OUT_T)* o4 = (__global VEC4(OUT_T)*)(out + oo);                         \
    __global const VEC4(S)* x4 = (__global const VEC4(S)*)(x + xo);                      \
    __global const VEC4(S)* y4 = (__global const VEC4(S)*)(y + yo);                      \
    const long nv = n >> 2;                                                               \
    FOR_EACH(v, nv) {                                                                     \
      S xs[4];                                                                            \
      S ys[4];                                                                            \
      OUT_T r[4];                                                                         \
      SPLIT4(xs, x4[v])                                                                   \
      SPLIT4(ys, y4[v])                                                                   \
      for (int k = 0; k < 4; ++k) {                                                       \
        C a = LD(xs, k);                                                                  \
        C b = LD(ys, k);                                                                  \
        OUT_ST(r, k, (EXPR));                                                             \
      }                                                                                   \
      o4[v] = (VEC4(OUT_T))(r[0], r[1], r[2], r[3]);                                      \
    }                                                                                     \
    const long t = (nv << 2) + (long)get_global_id(0);                                    \
    if (t < n) {                                                                          \
      C a = LD(x, xo + t);                                                                \
      C b = LD(y, yo + t);                                                                \
      OUT_ST(out, oo + t, (EXPR));                                                        \
    }                                                                                     \
    return;                                                                               \
  }
#define CONTIG_BSCALAR_VEC4(OUT_T, OUT_ST, EXPR)                                          \
  if (((oo | xo) & 3) == 0) {                                                             \
    __global VEC4(OUT_T)* o4 = (__global VEC4(OUT_T)*)(out + oo);                         \
    __global const VEC4(S)* x4 = (__global const VEC4(S)*)(x + xo);                      \
    const long nv = n >> 2;                                                               \
    FOR_EACH(v, nv) {                                                                     \
      S xs[4];                                                                            \
      OUT_T r[4];                                                                         \
      SPLIT4(xs, x4[v])                                                                   \
      for (int k = 0; k < 4; ++k) {                                                       \
        C xv = LD(xs, k);                                                                 \
        C a = first ? s : xv;                                                             \
        C b = first ? xv : s;                                                             \
        OUT_ST(r, k, (EXPR));                                                             \
      }                                                                                   \
      o4[v] = (VEC4(OUT_T))(r[0], r[1], r[2], r[3]);                                      \
    }                                                                                     \
    const long t = (nv << 2) + (long)get_global_id(0);                                    \
    if (t < n) {                                                                          \
      C xv = LD(x, xo + t);                                                               \
      C a = first ? s : xv;                                                               \
      C b = first ? xv : s;                                                               \
      OUT_ST(out, oo + t, (EXPR));                                                        \
    }                                                                                     \
    return;                                                                               \
  }
#else
#define CONTIG_BINARY_VEC4(OUT_T, OUT_ST, EXPR)
#define CONTIG_BSCALAR_VEC4(OUT_T, OUT_ST, EXPR)
#endif

#define BINARY_KERNELS(NAME, OUT_T, OUT_ST, EXPR)                                         \
  __kernel void binary_##NAME##_c(long n, __global OUT_T* out, long oo,                   \
                                  __global const S* x, long xo, __global const S* y,      \
                                  long yo) {                                              \
    CONTIG_BINARY_VEC4(OUT_T, OUT_ST, EXPR)                                               \
    FOR_EACH(i, n) {                                                                      \
      C a = LD(x, xo + i);                                                                \
      C b = LD(y, yo + i);                                                                \
      OUT_ST(out, oo + i, (EXPR));                                                        \
    }                                                                                     \
  }                                                                                       \
  __kernel void binary_##NAME##_s(long n, Layout L, __global OUT_T* out, long oo,         \
                                  __global const S* x, long xo, __global const S* y,      \
                                  long yo) {                                              \
    FOR_EACH(i, n) {                                                                      \
      long off[4];                                                                        \
      tsr_offsets(&L, i, off, 3);                                                         \
      C a = LD(x, xo + off[1]);                                                           \
      C b = LD(y, yo + off[2]);                                                           \
      OUT_ST(out, oo + off[0], (EXPR));                                                   \
    }                                                                                     \
  }                                                                                       \
  __kernel void bscalar_##NAME##_c(long n, __global OUT_T* out, long oo,                  \
                                   __global const S* x, long xo, C s, int first) {        \
    CONTIG_BSCALAR_VEC4(OUT_T, OUT_ST, EXPR)                                              \
    FOR_EACH(i, n) {                                                                      \
      C v = LD(x, xo + i);                                                                \
      C a = first ? s : v;                                                                \
      C b = first ? v : s;                                                                \
      OUT_ST(out, oo + i, (EXPR));                                                        \
    }                                                                                     \
  }                                                                                       \
  __kernel void bscalar_##NAME##_s(long n, Layout L, __global OUT_T* out, long oo,        \
                                   __global const S* x, long xo, C s, int first) {        \
    FOR_EACH(i, n) {                                                                      \
      long off[4];                                                                        \
      tsr_offsets(&L, i, off, 2);                                                         \
      C v = LD(x, xo + off[1]);                                                           \
      C a = first ? s : v;                                                                \
      C b = first ? v : s;                                                                \
      OUT_ST(out, oo + off[0], (EXPR));                                                   \
    }                                                                                     \
  }

#define STB(p, i, v) ST_b8(p, i, v)

#if IS_BOOL
// On bool the arithmetic-like ops are the logical ones (as on the CPU).
#if OP_maximum
BINARY_KERNELS(maximum, uchar, STB, a || b)
#endif
#if OP_logical_or
BINARY_KERNELS(logical_or, uchar, STB, a || b)
#endif
#if OP_bitwise_or
BINARY_KERNELS(bitwise_or, uchar, STB, a || b)
#endif
#if OP_minimum
BINARY_KERNELS(minimum, uchar, STB, a && b)
#endif
#if OP_logical_and
BINARY_KERNELS(logical_and, uchar, STB, a && b)
#endif
#if OP_bitwise_and
BINARY_KERNELS(bitwise_and, uchar, STB, a && b)
#endif
#if OP_not_equal
BINARY_KERNELS(not_equal, uchar, STB, a != b)
#endif
#if OP_logical_xor
BINARY_KERNELS(logical_xor, uchar, STB, a != b)
#endif
#if OP_bitwise_xor
BINARY_KERNELS(bitwise_xor, uchar, STB, a != b)
#endif
#if OP_equal
BINARY_KERNELS(equal, uchar, STB, a == b)
#endif
#if OP_less
BINARY_KERNELS(less, uchar, STB, !a && b)
#endif
#if OP_less_equal
BINARY_KERNELS(less_equal, uchar, STB, !a || b)
#endif
#if OP_greater
BINARY_KERNELS(greater, uchar, STB, a && !b)
#endif
#if OP_greater_equal
BINARY_KERNELS(greater_equal, uchar, STB, a || !b)
#endif
#else
#if OP_add
BINARY_KERNELS(add, S, ST, tsr_add(a, b))
#endif
#if OP_subtract
BINARY_KERNELS(subtract, S, ST, tsr_sub(a, b))
#endif
#if OP_multiply
BINARY_KERNELS(multiply, S, ST, tsr_mul(a, b))
#endif
#if IS_FLOAT
#if OP_divide
BINARY_KERNELS(divide, S, ST, a / b)
#endif
#endif
#if OP_floor_divide
BINARY_KERNELS(floor_divide, S, ST, tsr_floor_div(a, b))
#endif
#if OP_remainder
BINARY_KERNELS(remainder, S, ST, tsr_remainder(a, b))
#endif
#if OP_pow
BINARY_KERNELS(pow, S, ST, tsr_pow(a, b))
#endif
#if OP_maximum
BINARY_KERNELS(maximum, S, ST, tsr_max(a, b))
#endif
#if OP_minimum
BINARY_KERNELS(minimum, S, ST, tsr_min(a, b))
#endif
#if OP_equal
BINARY_KERNELS(equal, uchar, STB, a == b)
#endif
#if OP_not_equal
BINARY_KERNELS(not_equal, uchar, STB, a != b)
#endif
#if OP_less
BINARY_KERNELS(less, uchar, STB, a < b)
#endif
#if OP_less_equal
BINARY_KERNELS(less_equal, uchar, STB, a <= b)
#endif
#if OP_greater
BINARY_KERNELS(greater, uchar, STB, a > b)
#endif
#if OP_greater_equal
BINARY_KERNELS(greater_equal, uchar, STB, a >= b)
#endif
#if OP_logical_and
BINARY_KERNELS(logical_and, uchar, STB, a != (C)0 && b != (C)0)
#endif
#if OP_logical_or
BINARY_KERNELS(logical_or, uchar, STB, a != (C)0 || b != (C)0)
#endif
#if OP_logical_xor
BINARY_KERNELS(logical_xor, uchar, STB, (a != (C)0) != (b != (C)0))
#endif
#if IS_INT
#if OP_bitwise_and
BINARY_KERNELS(bitwise_and, S, ST, (C)(a & b))
#endif
#if OP_bitwise_or
BINARY_KERNELS(bitwise_or, S, ST, (C)(a | b))
#endif
#if OP_bitwise_xor
BINARY_KERNELS(bitwise_xor, S, ST, (C)(a ^ b))
#endif
#endif
#endif
