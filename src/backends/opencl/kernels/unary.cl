// Unary elementwise ops for one dtype (-DT=<tag>), one op per program
// (-DOP_<op>=1, so a program compiles only what is used): unary_<op>_c works on
// contiguous operands, unary_<op>_s on any strides (Layout, 2 operands).
// Each op's value is written in terms of `a`, the input in the compute type.

#if !IS_BOOL
inline C tsr_neg(C a) {
#if IS_INT
  return (C)((U)0 - (U)a);
#else
  return -a;
#endif
}
inline C tsr_abs(C a) {
#if IS_UNSIGNED
  return a;
#elif IS_SIGNED
  return a < 0 ? tsr_neg(a) : a;
#else
  return fabs(a);
#endif
}
inline C tsr_square(C a) {
#if IS_INT
  return (C)((W)(U)a * (W)(U)a);
#else
  return a * a;
#endif
}
inline C tsr_sign(C a) {
#if IS_FLOAT
  if (isnan(a)) return a;
  return a > 0 ? K(1.0) : (a < 0 ? K(-1.0) : K(0.0));
#elif IS_UNSIGNED
  return a > 0 ? (C)1 : (C)0;
#else
  return a > 0 ? (C)1 : (a < 0 ? (C)-1 : (C)0);
#endif
}
#endif

#define UNARY_KERNELS(NAME, OUT_T, OUT_ST, EXPR)                                          \
  __kernel void unary_##NAME##_c(long n, __global OUT_T* out, long oo,                    \
                                 __global const S* x, long xo) {                          \
    FOR_EACH(i, n) {                                                                      \
      C a = LD(x, xo + i);                                                                \
      OUT_ST(out, oo + i, (EXPR));                                                        \
    }                                                                                     \
  }                                                                                       \
  __kernel void unary_##NAME##_s(long n, Layout L, __global OUT_T* out, long oo,          \
                                 __global const S* x, long xo) {                          \
    FOR_EACH(i, n) {                                                                      \
      long off[4];                                                                        \
      tsr_offsets(&L, i, off, 2);                                                         \
      C a = LD(x, xo + off[1]);                                                           \
      OUT_ST(out, oo + off[0], (EXPR));                                                   \
    }                                                                                     \
  }

#define STB(p, i, v) ST_b8(p, i, v)

#if IS_BOOL
#if OP_logical_not
UNARY_KERNELS(logical_not, uchar, STB, !a)
#endif
#if OP_isnan
UNARY_KERNELS(isnan, uchar, STB, 0)
#endif
#if OP_isinf
UNARY_KERNELS(isinf, uchar, STB, 0)
#endif
#else
#if OP_abs
UNARY_KERNELS(abs, S, ST, tsr_abs(a))
#endif
#if OP_negative
UNARY_KERNELS(negative, S, ST, tsr_neg(a))
#endif
#if OP_square
UNARY_KERNELS(square, S, ST, tsr_square(a))
#endif
#if OP_sign
UNARY_KERNELS(sign, S, ST, tsr_sign(a))
#endif
#if OP_relu
UNARY_KERNELS(relu, S, ST, a < (C)0 ? (C)0 : a)  // NaN propagates (NaN < 0 is false)
#endif
#if OP_logical_not
UNARY_KERNELS(logical_not, uchar, STB, a == (C)0)
#endif
#if IS_FLOAT
#if OP_isnan
UNARY_KERNELS(isnan, uchar, STB, isnan(a))
#endif
#if OP_isinf
UNARY_KERNELS(isinf, uchar, STB, isinf(a))
#endif
#if OP_floor
UNARY_KERNELS(floor, S, ST, floor(a))
#endif
#if OP_ceil
UNARY_KERNELS(ceil, S, ST, ceil(a))
#endif
#if OP_round
UNARY_KERNELS(round, S, ST, rint(a))  // half to even, as std::nearbyint
#endif
#if OP_exp
UNARY_KERNELS(exp, S, ST, exp(a))
#endif
#if OP_expm1
UNARY_KERNELS(expm1, S, ST, expm1(a))
#endif
#if OP_log
UNARY_KERNELS(log, S, ST, log(a))
#endif
#if OP_log1p
UNARY_KERNELS(log1p, S, ST, log1p(a))
#endif
#if OP_sqrt
UNARY_KERNELS(sqrt, S, ST, sqrt(a))
#endif
#if OP_rsqrt
UNARY_KERNELS(rsqrt, S, ST, K(1.0) / sqrt(a))
#endif
#if OP_sin
UNARY_KERNELS(sin, S, ST, sin(a))
#endif
#if OP_cos
UNARY_KERNELS(cos, S, ST, cos(a))
#endif
#if OP_tan
UNARY_KERNELS(tan, S, ST, tan(a))
#endif
#if OP_tanh
UNARY_KERNELS(tanh, S, ST, tanh(a))
#endif
#if OP_sigmoid
UNARY_KERNELS(sigmoid, S, ST, K(1.0) / (K(1.0) + exp(-a)))
#endif
#if OP_gelu
UNARY_KERNELS(gelu, S, ST, K(0.5) * a * (K(1.0) + erf(a * K(0.70710678118654752440))))
#endif
#if OP_silu
UNARY_KERNELS(silu, S, ST, a / (K(1.0) + exp(-a)))
#endif
#else
#if OP_isnan
UNARY_KERNELS(isnan, uchar, STB, 0)
#endif
#if OP_isinf
UNARY_KERNELS(isinf, uchar, STB, 0)
#endif
// Integers are already whole.
#if OP_floor
UNARY_KERNELS(floor, S, ST, a)
#endif
#if OP_ceil
UNARY_KERNELS(ceil, S, ST, a)
#endif
#if OP_round
UNARY_KERNELS(round, S, ST, a)
#endif
#endif
#endif
