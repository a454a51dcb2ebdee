// Reductions over a set of axes for one input dtype (-DT=<tag>) and one op
// (-DOP_<op>=1; var and std bring "center" along). Each op X has three
// kernels sharing one argument list:
//   reduce_X_wg     a work-group per (output, chunk of the reduced range);
//                   with one chunk it writes the result, else a partial state
//   reduce_X_final  a work-item per output merges its chunks' partial states
//   reduce_X_rows   a work-item per output walks the whole reduced range
//                   (many outputs, short or strided reductions)
// min, max, any and all are called rmin, rmax, rany, rall here: the plain
// names are built-in functions that some compilers define as macros, which
// would expand inside our token pasting.
// States are {value, index} pairs (16 bytes whatever the op), merged in an
// order that does not depend on timing, so results are deterministic.
// var/std run after "center" (the mean, kept in the accumulation type).

typedef struct {
  long outer_nd, inner_nd;
  long oshape[8], ostride_x[8], ostride_out[8];  // kept axes
  long ishape[8], istride_x[8];                  // reduced axes
} ReduceLayout;

inline void tsr_outer(const ReduceLayout* R, long o, long* ox, long* oout) {
  long a = 0, b = 0;
  for (int d = (int)R->outer_nd - 1; d >= 0; --d) {
    long s = R->oshape[d], q = o / s, r = o - q * s;
    o = q;
    a += r * R->ostride_x[d];
    b += r * R->ostride_out[d];
  }
  *ox = a;
  *oout = b;
}

inline long tsr_inner(const ReduceLayout* R, long j) {
  long a = 0;
  for (int d = (int)R->inner_nd - 1; d >= 0; --d) {
    long s = R->ishape[d], q = j / s, r = j - q * s;
    j = q;
    a += r * R->istride_x[d];
  }
  return a;
}

// Accumulation types: halves and float32 in float, float64 in double,
// integer sums and products in 64-bit unsigned (wrapping), integer
// mean/var/std in float.
#if IS_FLOAT
#define ACCF C
#if IS_DOUBLE == 1
#define ACCF_TAG f64
#else
#define ACCF_TAG f32
#endif
#define SUMA C
#define SUM_TAG T
#define MEAN_TAG T
#else
#define ACCF float
#define ACCF_TAG f32
#define SUMA ulong
#define MEAN_TAG f32
#if IS_UNSIGNED
#define SUM_TAG u64
#define SUM_SIGNED ulong
#else
#define SUM_TAG i64
#define SUM_SIGNED long
#endif
#endif

// Identities of min and max in the compute type.
#define LO_b8 0
#define HI_b8 1
#define LO_i8 CHAR_MIN
#define HI_i8 CHAR_MAX
#define LO_i16 SHRT_MIN
#define HI_i16 SHRT_MAX
#define LO_i32 INT_MIN
#define HI_i32 INT_MAX
#define LO_i64 LONG_MIN
#define HI_i64 LONG_MAX
#define LO_u8 0
#define HI_u8 UCHAR_MAX
#define LO_u16 0
#define HI_u16 USHRT_MAX
#define LO_u32 0
#define HI_u32 UINT_MAX
#define LO_u64 0
#define HI_u64 ULONG_MAX
#if IS_FLOAT
#define LO (-(C)INFINITY)
#define HI ((C)INFINITY)
#else
#define LO ((C)CAT(LO_, T))
#define HI ((C)CAT(HI_, T))
#endif

#if IS_FLOAT
#define ISNAN(v) isnan(v)
#else
#define ISNAN(v) 0
#endif

// ---- per-op policies: X_state, X_init, X_acc, X_merge, X_final ----------

#define STATE(X, A) \
  typedef struct {  \
    A v;            \
    long i;         \
  } X##_state;

// sum / prod / mean / center: plain accumulation.
STATE(sum, SUMA)
inline sum_state sum_init(void) { sum_state s = {(SUMA)0, 0}; return s; }
inline void sum_acc(sum_state* s, C v, long j, ACCF c) { s->v += (SUMA)v; }
inline void sum_merge(sum_state* s, sum_state o) { s->v += o.v; }
#if IS_FLOAT
inline C sum_final(sum_state s, long n, ACCF p) { return s.v; }
#else
inline CAT(C_, SUM_TAG) sum_final(sum_state s, long n, ACCF p) { return (SUM_SIGNED)s.v; }
#endif

STATE(prod, SUMA)
inline prod_state prod_init(void) { prod_state s = {(SUMA)1, 0}; return s; }
inline void prod_acc(prod_state* s, C v, long j, ACCF c) { s->v *= (SUMA)v; }
inline void prod_merge(prod_state* s, prod_state o) { s->v *= o.v; }
#if IS_FLOAT
inline C prod_final(prod_state s, long n, ACCF p) { return s.v; }
#else
inline CAT(C_, SUM_TAG) prod_final(prod_state s, long n, ACCF p) { return (SUM_SIGNED)s.v; }
#endif

STATE(mean, SUMA)
inline mean_state mean_init(void) { mean_state s = {(SUMA)0, 0}; return s; }
inline void mean_acc(mean_state* s, C v, long j, ACCF c) { s->v += (SUMA)v; }
inline void mean_merge(mean_state* s, mean_state o) { s->v += o.v; }
#if IS_FLOAT
inline ACCF mean_final(mean_state s, long n, ACCF p) { return s.v / (ACCF)n; }
#else
inline ACCF mean_final(mean_state s, long n, ACCF p) { return (ACCF)(SUM_SIGNED)s.v / (ACCF)n; }
#endif
// The mean kept in the accumulation type, for var/std's second pass.
typedef mean_state center_state;
#define center_init mean_init
#define center_acc mean_acc
#define center_merge mean_merge
#define center_final mean_final

// var / std: sum of squared deviations from the center, over n - correction.
STATE(var, ACCF)
inline var_state var_init(void) { var_state s = {(ACCF)0, 0}; return s; }
inline void var_acc(var_state* s, C v, long j, ACCF c) {
  ACCF d = (ACCF)v - c;
  s->v += d * d;
}
inline void var_merge(var_state* s, var_state o) { s->v += o.v; }
// NaN when n - correction <= 0 (Array API), like the CPU.
inline ACCF var_final(var_state s, long n, ACCF p) {
  ACCF dof = (ACCF)n - p;
  return dof > 0 ? s.v / dof : (ACCF)NAN;
}
typedef var_state std_state;
#define std_init var_init
#define std_acc var_acc
#define std_merge var_merge
inline ACCF std_final(std_state s, long n, ACCF p) { return sqrt(var_final(s, n, p)); }

// min / max: NaN-propagating, like maximum/minimum.
STATE(rmax, C)
inline rmax_state rmax_init(void) { rmax_state s = {LO, 0}; return s; }
inline void rmax_acc(rmax_state* s, C v, long j, ACCF c) {
  if (ISNAN(s->v) || ISNAN(v)) s->v = ISNAN(s->v) ? s->v : v;
  else if (v > s->v) s->v = v;
}
inline void rmax_merge(rmax_state* s, rmax_state o) { rmax_acc(s, o.v, 0, 0); }
inline C rmax_final(rmax_state s, long n, ACCF p) { return s.v; }

STATE(rmin, C)
inline rmin_state rmin_init(void) { rmin_state s = {HI, 0}; return s; }
inline void rmin_acc(rmin_state* s, C v, long j, ACCF c) {
  if (ISNAN(s->v) || ISNAN(v)) s->v = ISNAN(s->v) ? s->v : v;
  else if (v < s->v) s->v = v;
}
inline void rmin_merge(rmin_state* s, rmin_state o) { rmin_acc(s, o.v, 0, 0); }
inline C rmin_final(rmin_state s, long n, ACCF p) { return s.v; }

// argmax / argmin: the first index of the extreme; a NaN counts as the
// extreme (first NaN wins). i < 0 marks an empty state.
STATE(argmax, C)
inline argmax_state argmax_init(void) { argmax_state s = {LO, -1}; return s; }
inline void argmax_take(argmax_state* s, C v, long j) {
  bool take;
  if (s->i < 0) take = true;
  else if (ISNAN(s->v)) take = ISNAN(v) && j < s->i;
  else if (ISNAN(v)) take = true;
  else take = v > s->v || (v == s->v && j < s->i);
  if (take) {
    s->v = v;
    s->i = j;
  }
}
inline void argmax_acc(argmax_state* s, C v, long j, ACCF c) { argmax_take(s, v, j); }
inline void argmax_merge(argmax_state* s, argmax_state o) {
  if (o.i >= 0) argmax_take(s, o.v, o.i);
}
inline long argmax_final(argmax_state s, long n, ACCF p) { return s.i; }

STATE(argmin, C)
inline argmin_state argmin_init(void) { argmin_state s = {HI, -1}; return s; }
inline void argmin_take(argmin_state* s, C v, long j) {
  bool take;
  if (s->i < 0) take = true;
  else if (ISNAN(s->v)) take = ISNAN(v) && j < s->i;
  else if (ISNAN(v)) take = true;
  else take = v < s->v || (v == s->v && j < s->i);
  if (take) {
    s->v = v;
    s->i = j;
  }
}
inline void argmin_acc(argmin_state* s, C v, long j, ACCF c) { argmin_take(s, v, j); }
inline void argmin_merge(argmin_state* s, argmin_state o) {
  if (o.i >= 0) argmin_take(s, o.v, o.i);
}
inline long argmin_final(argmin_state s, long n, ACCF p) { return s.i; }

STATE(rany, uchar)
inline rany_state rany_init(void) { rany_state s = {0, 0}; return s; }
inline void rany_acc(rany_state* s, C v, long j, ACCF c) { s->v = s->v || (v != (C)0); }
inline void rany_merge(rany_state* s, rany_state o) { s->v = s->v || o.v; }
inline uchar rany_final(rany_state s, long n, ACCF p) { return s.v; }

STATE(rall, uchar)
inline rall_state rall_init(void) { rall_state s = {1, 0}; return s; }
inline void rall_acc(rall_state* s, C v, long j, ACCF c) { s->v = s->v && (v != (C)0); }
inline void rall_merge(rall_state* s, rall_state o) { s->v = s->v && o.v; }
inline uchar rall_final(rall_state s, long n, ACCF p) { return s.v; }

// ---- kernels ---------------------------------------------------------------

#define TSR_REDUCE_WG 256

// Only var/std read `center` (the buffer is a placeholder for the others).
#define sum_USES_CENTER 0
#define prod_USES_CENTER 0
#define mean_USES_CENTER 0
#define center_USES_CENTER 0
#define var_USES_CENTER 1
#define std_USES_CENTER 1
#define rmin_USES_CENTER 0
#define rmax_USES_CENTER 0
#define argmin_USES_CENTER 0
#define argmax_USES_CENTER 0
#define rany_USES_CENTER 0
#define rall_USES_CENTER 0

#define REDUCE_ARGS(X, OUT_TAG)                                                            \
  long n_out, long n_inner, long chunks, ReduceLayout R, __global const S *x, long xo,     \
      __global CAT(S_, OUT_TAG) * out, long oo, __global X##_state *part, long po,        \
      __global const ACCF *center, long co, ACCF param

#define REDUCE_KERNELS(X, OUT_TAG)                                                         \
  __kernel void reduce_##X##_wg(REDUCE_ARGS(X, OUT_TAG)) {                                \
    __local X##_state sh[TSR_REDUCE_WG];                                                  \
    const int lid = get_local_id(0), lsize = get_local_size(0);                           \
    /* Work-groups stride over (output, chunk) pairs; the loop is uniform */              \
    /* within a group, so the barriers are reached by every work-item. */                 \
    for (long g = get_group_id(0); g < n_out * chunks; g += get_num_groups(0)) {          \
      const long o = g / chunks, c = g - o * chunks;                                      \
      long ox, oout;                                                                      \
      tsr_outer(&R, o, &ox, &oout);                                                       \
      const ACCF ctr = X##_USES_CENTER ? center[co + o] : (ACCF)0;                        \
      const long begin = n_inner * c / chunks, end = n_inner * (c + 1) / chunks;         \
      X##_state s = X##_init();                                                           \
      for (long j = begin + lid; j < end; j += lsize)                                     \
        X##_acc(&s, LD(x, xo + ox + tsr_inner(&R, j)), j, ctr);                           \
      sh[lid] = s;                                                                        \
      barrier(CLK_LOCAL_MEM_FENCE);                                                       \
      for (int step = lsize / 2; step > 0; step >>= 1) {                                  \
        if (lid < step) {                                                                 \
          X##_state a = sh[lid];                                                          \
          X##_merge(&a, sh[lid + step]);                                                  \
          sh[lid] = a;                                                                    \
        }                                                                                 \
        barrier(CLK_LOCAL_MEM_FENCE);                                                     \
      }                                                                                   \
      if (lid == 0) {                                                                     \
        if (chunks == 1)                                                                  \
          CAT(ST_, OUT_TAG)(out, oo + oout, X##_final(sh[0], n_inner, param));            \
        else                                                                              \
          part[po + g] = sh[0];                                                           \
      }                                                                                   \
      barrier(CLK_LOCAL_MEM_FENCE); /* sh is reused by the next pair */                   \
    }                                                                                     \
  }                                                                                       \
  __kernel void reduce_##X##_final(REDUCE_ARGS(X, OUT_TAG)) {                             \
    FOR_EACH(o, n_out) {                                                                  \
      long ox, oout;                                                                      \
      tsr_outer(&R, o, &ox, &oout);                                                       \
      X##_state s = X##_init();                                                           \
      for (long c = 0; c < chunks; ++c) X##_merge(&s, part[po + o * chunks + c]);         \
      CAT(ST_, OUT_TAG)(out, oo + oout, X##_final(s, n_inner, param));                   \
    }                                                                                     \
  }                                                                                       \
  __kernel void reduce_##X##_rows(REDUCE_ARGS(X, OUT_TAG)) {                              \
    FOR_EACH(o, n_out) {                                                                  \
      long ox, oout;                                                                      \
      tsr_outer(&R, o, &ox, &oout);                                                       \
      const ACCF ctr = X##_USES_CENTER ? center[co + o] : (ACCF)0;                        \
      X##_state s = X##_init();                                                           \
      for (long j = 0; j < n_inner; ++j)                                                  \
        X##_acc(&s, LD(x, xo + ox + tsr_inner(&R, j)), j, ctr);                           \
      CAT(ST_, OUT_TAG)(out, oo + oout, X##_final(s, n_inner, param));                    \
    }                                                                                     \
  }

#if OP_sum
REDUCE_KERNELS(sum, SUM_TAG)
#endif
#if OP_prod
REDUCE_KERNELS(prod, SUM_TAG)
#endif
#if OP_mean
REDUCE_KERNELS(mean, MEAN_TAG)
#endif
#if OP_center || OP_var || OP_std
REDUCE_KERNELS(center, ACCF_TAG)
#endif
#if OP_var
REDUCE_KERNELS(var, MEAN_TAG)
#endif
#if OP_std
REDUCE_KERNELS(std, MEAN_TAG)
#endif
#if OP_rmin
REDUCE_KERNELS(rmin, T)
#endif
#if OP_rmax
REDUCE_KERNELS(rmax, T)
#endif
#if OP_argmin
REDUCE_KERNELS(argmin, i64)
#endif
#if OP_argmax
REDUCE_KERNELS(argmax, i64)
#endif
#if OP_rany
REDUCE_KERNELS(rany, b8)
#endif
#if OP_rall
REDUCE_KERNELS(rall, b8)
#endif
