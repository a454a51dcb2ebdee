// Ops that move bits without arithmetic, for one element size (-DR=1, 2, 4
// or 8 bytes) and one op (-DOP_where, -DOP_fill or -DOP_copy =1): where,
// strided fill and same-dtype strided copy. Every dtype of that size shares
// these kernels.

#if R == 1
#define RT uchar
#elif R == 2
#define RT ushort
#elif R == 4
#define RT uint
#else
#define RT ulong
#endif

#if OP_where
// out = cond ? a : b; cond is bool (uchar).
__kernel void where_c(long n, __global RT* out, long oo, __global const uchar* cond, long co,
                      __global const RT* a, long ao, __global const RT* b, long bo) {
  FOR_EACH(i, n) out[oo + i] = cond[co + i] ? a[ao + i] : b[bo + i];
}
__kernel void where_s(long n, Layout L, __global RT* out, long oo, __global const uchar* cond,
                      long co, __global const RT* a, long ao, __global const RT* b, long bo) {
  FOR_EACH(i, n) {
    long off[4];
    tsr_offsets(&L, i, off, 4);
    out[oo + off[0]] = cond[co + off[1]] ? a[ao + off[2]] : b[bo + off[3]];
  }
}
#endif

#if OP_fill
// out[i] = value (already encoded in the dtype's bits).
__kernel void fill_s(long n, Layout L, __global RT* out, long oo, RT value) {
  FOR_EACH(i, n) {
    long off[4];
    tsr_offsets(&L, i, off, 1);
    out[oo + off[0]] = value;
  }
}
#endif

#if OP_copy
// out[i] = x[i] bit for bit, any layouts.
__kernel void copy_s(long n, Layout L, __global RT* out, long oo, __global const RT* x, long xo) {
  FOR_EACH(i, n) {
    long off[4];
    tsr_offsets(&L, i, off, 2);
    out[oo + off[0]] = x[xo + off[1]];
  }
}
#endif
