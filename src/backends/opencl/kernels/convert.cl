// Dtype conversion from one source dtype (-DT=<tag>) to one destination
// (-DDST=<tag>): to_<dst>_c (contiguous) and to_<dst>_s (strided). The value goes from the
// source's compute type to the destination's compute type as
// scalar_math.h's convert<> does: float -> integer saturates (NaN -> 0),
// integer -> integer wraps, anything -> bool is != 0; then it is stored
// (halves rounded to nearest even from float, so double -> half rounds
// through float exactly as the CPU does).

#if IS_FLOAT
// Explicit bounds in the compute type, as convert<> does, rather than
// convert_<t>_sat: NVIDIA's OpenCL saturated float64 -> unsigned conversions
// differently from the CPU (seen on an H200). 64-bit bounds round up to 2^63
// or 2^64 in floating point; no float lies between, so >= decides exactly.
#define TO_INT(t, lo, hi, v) \
  (isnan(v) ? (t)0 : (v) <= (C)(lo) ? (t)(lo) : (v) >= (C)(hi) ? (t)(hi) : (t)(v))
#else
#define TO_INT(t, lo, hi, v) ((t)(v))
#endif

#define CV_b8(v) ((uchar)((v) != 0))
#define CV_i8(v) TO_INT(char, CHAR_MIN, CHAR_MAX, v)
#define CV_i16(v) TO_INT(short, SHRT_MIN, SHRT_MAX, v)
#define CV_i32(v) TO_INT(int, INT_MIN, INT_MAX, v)
#define CV_i64(v) TO_INT(long, LONG_MIN, LONG_MAX, v)
#define CV_u8(v) TO_INT(uchar, 0, UCHAR_MAX, v)
#define CV_u16(v) TO_INT(ushort, 0, USHRT_MAX, v)
#define CV_u32(v) TO_INT(uint, 0, UINT_MAX, v)
#define CV_u64(v) TO_INT(ulong, 0, ULONG_MAX, v)
#define CV_f16(v) ((float)(v))
#define CV_bf16(v) ((float)(v))
#define CV_f32(v) ((float)(v))
#define CV_f64(v) ((double)(v))

#define CONVERT_KERNELS_(D)                                                                \
  __kernel void to_##D##_c(long n, __global CAT(S_, D) * out, long oo, __global const S* x, \
                           long xo) {                                                      \
    FOR_EACH(i, n) {                                                                       \
      C v = LD(x, xo + i);                                                                 \
      CAT(ST_, D)(out, oo + i, CAT(CV_, D)(v));                                            \
    }                                                                                      \
  }                                                                                        \
  __kernel void to_##D##_s(long n, Layout L, __global CAT(S_, D) * out, long oo,           \
                           __global const S* x, long xo) {                                 \
    FOR_EACH(i, n) {                                                                       \
      long off[4];                                                                         \
      tsr_offsets(&L, i, off, 2);                                                          \
      C v = LD(x, xo + off[1]);                                                            \
      CAT(ST_, D)(out, oo + off[0], CAT(CV_, D)(v));                                       \
    }                                                                                      \
  }

// The indirection expands DST before it is pasted into the kernel names.
#define CONVERT_KERNELS(D) CONVERT_KERNELS_(D)
CONVERT_KERNELS(DST)
