// Shared by every Tessera OpenCL program (prepended to each family's file).
// Build options pick the types: -DT=<tag> for the dtype a program is
// specialised for (tags: b8 i8 i16 i32 i64 u8 u16 u32 u64 f16 bf16 f32 f64),
// -DTSR_FP64 for whether the device has cl_khr_fp64.
// Semantics follow src/backends/cpu/scalar_math.h exactly: wrapping integer
// arithmetic, saturating float -> int conversion (NaN -> 0), halves computed
// in float and rounded to nearest even.

// The CPU never fuses a*b+c; neither may we (results must match bit for bit).
#pragma OPENCL FP_CONTRACT OFF
#if TSR_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define CAT3(a, b, c) CAT(CAT(a, b), c)

// Shapes and strides of up to four operands sharing one index space
// (operand 0 is the output). Same layout as ClLayout in cl_launch.h.
typedef struct {
  long ndim;
  long shape[8];
  long stride[4][8];
} Layout;

// Element offsets of linear index i in each of the first `nops` operands.
inline void tsr_offsets(const Layout* L, long i, long* off, int nops) {
  for (int k = 0; k < 4; ++k) off[k] = 0;
  for (int d = (int)L->ndim - 1; d >= 0; --d) {
    long s = L->shape[d];
    long q = i / s;
    long r = i - q * s;
    i = q;
    for (int k = 0; k < nops; ++k) off[k] += r * L->stride[k][d];
  }
}

// bfloat16 <-> float, matching core/half.h (NaN stays a quiet NaN).
inline float tsr_bf16_to_float(ushort b) { return as_float((uint)b << 16); }
inline ushort tsr_float_to_bf16(float f) {
  uint u = as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (ushort)((u >> 16) | 0x40u);
  return (ushort)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// Per dtype tag: storage type S_, compute type C_, unsigned twin U_ (wrapping
// arithmetic), wide unsigned W_ (products of small types), kind K_ (0 bool,
// 1 signed, 2 unsigned, 3 floating), loads LD_ and stores ST_ (value in C_).
#define S_b8 uchar
#define C_b8 uchar
#define U_b8 uchar
#define W_b8 uint
#define K_b8 0
#define LD_b8(p, i) ((uchar)((p)[i] != 0))
#define ST_b8(p, i, v) ((p)[i] = (uchar)((v) != 0))

#define S_i8 char
#define C_i8 char
#define U_i8 uchar
#define W_i8 uint
#define K_i8 1
#define S_i16 short
#define C_i16 short
#define U_i16 ushort
#define W_i16 uint
#define K_i16 1
#define S_i32 int
#define C_i32 int
#define U_i32 uint
#define W_i32 uint
#define K_i32 1
#define S_i64 long
#define C_i64 long
#define U_i64 ulong
#define W_i64 ulong
#define K_i64 1
#define S_u8 uchar
#define C_u8 uchar
#define U_u8 uchar
#define W_u8 uint
#define K_u8 2
#define S_u16 ushort
#define C_u16 ushort
#define U_u16 ushort
#define W_u16 uint
#define K_u16 2
#define S_u32 uint
#define C_u32 uint
#define U_u32 uint
#define W_u32 uint
#define K_u32 2
#define S_u64 ulong
#define C_u64 ulong
#define U_u64 ulong
#define W_u64 ulong
#define K_u64 2
#define LD_i8(p, i) ((p)[i])
#define LD_i16(p, i) ((p)[i])
#define LD_i32(p, i) ((p)[i])
#define LD_i64(p, i) ((p)[i])
#define LD_u8(p, i) ((p)[i])
#define LD_u16(p, i) ((p)[i])
#define LD_u32(p, i) ((p)[i])
#define LD_u64(p, i) ((p)[i])
#define ST_i8(p, i, v) ((p)[i] = (v))
#define ST_i16(p, i, v) ((p)[i] = (v))
#define ST_i32(p, i, v) ((p)[i] = (v))
#define ST_i64(p, i, v) ((p)[i] = (v))
#define ST_u8(p, i, v) ((p)[i] = (v))
#define ST_u16(p, i, v) ((p)[i] = (v))
#define ST_u32(p, i, v) ((p)[i] = (v))
#define ST_u64(p, i, v) ((p)[i] = (v))

// float16 storage through vload_half/vstore_half_rte, which OpenCL 1.2 has
// without cl_khr_fp16; `half` appears only as a pointer target.
#define S_f16 half
#define C_f16 float
#define U_f16 float
#define W_f16 float
#define K_f16 3
#define LD_f16(p, i) vload_half((i), (p))
#define ST_f16(p, i, v) vstore_half_rte((v), (i), (p))

#define S_bf16 ushort
#define C_bf16 float
#define U_bf16 float
#define W_bf16 float
#define K_bf16 3
#define LD_bf16(p, i) tsr_bf16_to_float((p)[i])
#define ST_bf16(p, i, v) ((p)[i] = tsr_float_to_bf16(v))

#define S_f32 float
#define C_f32 float
#define U_f32 float
#define W_f32 float
#define K_f32 3
#define LD_f32(p, i) ((p)[i])
#define ST_f32(p, i, v) ((p)[i] = (v))

#if TSR_FP64
#define S_f64 double
#define C_f64 double
#define U_f64 double
#define W_f64 double
#define K_f64 3
#define LD_f64(p, i) ((p)[i])
#define ST_f64(p, i, v) ((p)[i] = (v))
#endif

// The program's own dtype, when it has one.
#ifdef T
#define S CAT(S_, T)
#define C CAT(C_, T)
#define U CAT(U_, T)
#define W CAT(W_, T)
#define KIND CAT(K_, T)
#define LD(p, i) CAT(LD_, T)(p, i)
#define ST(p, i, v) CAT(ST_, T)(p, i, v)
#define IS_BOOL (KIND == 0)
#define IS_SIGNED (KIND == 1)
#define IS_UNSIGNED (KIND == 2)
#define IS_INT (KIND == 1 || KIND == 2)
#define IS_FLOAT (KIND == 3)
// float16 and bfloat16: 16-bit storage, float compute.
#define IS_HALF_TAG_f16 1
#define IS_HALF_TAG_bf16 1
#define IS_HALF CAT(IS_HALF_TAG_, T)
// 4-vectors of the storage type (the *_v kernels): every dtype but float16,
// whose `half` is not a value type without cl_khr_fp16.
#define NO_VEC_TAG_f16 1
#define VEC_OK (CAT(NO_VEC_TAG_, T) != 1)
// Float constants in the compute type (a bare literal would be double).
#define IS_DOUBLE_TAG_f64 1
#define IS_DOUBLE CAT(IS_DOUBLE_TAG_, T)
#if IS_DOUBLE == 1
#define K(x) (x)
#else
#define K(x) (CAT(x, f))
#endif
#endif

// Grid-stride loop over n items: any global size covers any n.
#define FOR_EACH(i, n) for (long i = get_global_id(0); i < (n); i += (long)get_global_size(0))
