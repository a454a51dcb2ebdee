// Integer matmul for one integer dtype (-DT=<tag>): CLBlast has no integer
// GEMM. Products and sums wrap in the dtype, as the rest of integer
// arithmetic does: c = alpha * (a @ b) + beta * c, alpha and beta already in
// the dtype. The batch axes (Layout: operand 0 = a, 1 = b, 2 = c) broadcast.
#if IS_INT
inline U tsr_wmul(U a, U b) { return (U)((W)a * (W)b); }

__kernel void igemm(long total, long M, long N, long K, Layout B, __global const S* a, long ao,
                    long a_rs, long a_cs, __global const S* b, long bo, long b_rs, long b_cs,
                    __global S* c, long co, long c_rs, long c_cs, C alpha, C beta) {
  FOR_EACH(i, total) {
    const long n = i % N, m = (i / N) % M, batch = i / (M * N);
    long off[4];
    tsr_offsets(&B, batch, off, 3);
    const long pa = ao + off[0] + m * a_rs, pb = bo + off[1] + n * b_cs;
    U acc = 0;
    for (long k = 0; k < K; ++k) acc = (U)(acc + tsr_wmul((U)a[pa + k * a_cs], (U)b[pb + k * b_rs]));
    const long pc = co + off[2] + m * c_rs + n * c_cs;
    U r = tsr_wmul((U)alpha, acc);
    if (beta != 0) r = (U)(r + tsr_wmul((U)beta, (U)c[pc]));
    c[pc] = (C)r;
  }
}
#endif
