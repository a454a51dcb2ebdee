// gamma and beta arrive in the accumulation type (the host converts them),
// whatever their own dtype, as the CPU converts them to its compute type.
// Row-wise ops on a C-contiguous [rows, cols] tensor of one floating dtype
// (-DT=<tag>), one kernel per program (-DOP_<kernel>=1): softmax (with
// log_softmax), layer_norm, rms_norm; and the epilogue
// of linear (bias + activation after the GEMM). A work-group handles a row;
// halves and float32 accumulate in float, float64 in double.

#if IS_FLOAT
#if IS_DOUBLE == 1
#define ACC double
#else
#define ACC float
#endif

#define TSR_NORM_WG 256

// NaN-propagating max (as maximum()).
inline ACC tsr_nanmax(ACC a, ACC b) { return (isnan(a) || isnan(b)) ? (ACC)NAN : (a > b ? a : b); }

// Work-group reductions; every work-item gets the result.
inline ACC wg_sum(ACC v, __local ACC* sh) {
  const int lid = get_local_id(0), n = get_local_size(0);
  sh[lid] = v;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int step = n / 2; step > 0; step >>= 1) {
    if (lid < step) sh[lid] += sh[lid + step];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  ACC r = sh[0];
  barrier(CLK_LOCAL_MEM_FENCE);  // sh is reused by the next reduction
  return r;
}
inline ACC wg_max(ACC v, __local ACC* sh) {
  const int lid = get_local_id(0), n = get_local_size(0);
  sh[lid] = v;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int step = n / 2; step > 0; step >>= 1) {
    if (lid < step) sh[lid] = tsr_nanmax(sh[lid], sh[lid + step]);
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  ACC r = sh[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return r;
}

#define ROW_LOOP(row, rows) for (long row = get_group_id(0); row < (rows); row += get_num_groups(0))
#define COL_LOOP(j, cols) for (long j = get_local_id(0); j < (cols); j += get_local_size(0))

#if OP_softmax
// y = exp(x - max) / sum(exp(x - max)), or (x - max) - log(sum) when log_mode.
__kernel void softmax(long rows, long cols, __global const S* x, long xo, __global S* y, long yo,
                      int log_mode) {
  __local ACC sh[TSR_NORM_WG];
  ROW_LOOP(row, rows) {
    const long base = row * cols;
    ACC m = -(ACC)INFINITY;
    COL_LOOP(j, cols) m = tsr_nanmax(m, (ACC)LD(x, xo + base + j));
    m = wg_max(m, sh);
    ACC s = 0;
    COL_LOOP(j, cols) s += exp((ACC)LD(x, xo + base + j) - m);
    s = wg_sum(s, sh);
    const ACC log_s = log(s);
    COL_LOOP(j, cols) {
      ACC d = (ACC)LD(x, xo + base + j) - m;
      ST(y, yo + base + j, log_mode ? d - log_s : exp(d) / s);
    }
  }
}
#endif

#if OP_layer_norm
// y = (x - mean) / sqrt(var + eps) * gamma + beta (population variance).
__kernel void layer_norm(long rows, long cols, __global const S* x, long xo, __global S* y,
                         long yo, __global const ACC* gamma, long go, __global const ACC* beta,
                         long bo, int flags, ACC eps) {
  __local ACC sh[TSR_NORM_WG];
  ROW_LOOP(row, rows) {
    const long base = row * cols;
    ACC s = 0;
    COL_LOOP(j, cols) s += (ACC)LD(x, xo + base + j);
    const ACC mean = wg_sum(s, sh) / (ACC)cols;
    ACC q = 0;
    COL_LOOP(j, cols) {
      ACC d = (ACC)LD(x, xo + base + j) - mean;
      q += d * d;
    }
    const ACC var = wg_sum(q, sh) / (ACC)cols;
    const ACC rstd = (ACC)1 / sqrt(var + eps);
    COL_LOOP(j, cols) {
      ACC v = ((ACC)LD(x, xo + base + j) - mean) * rstd;
      if (flags & 1) v = v * gamma[go + j];
      if (flags & 2) v = v + beta[bo + j];
      ST(y, yo + base + j, v);
    }
  }
}
#endif

#if OP_rms_norm
// y = x / sqrt(mean(x^2) + eps) * gamma.
__kernel void rms_norm(long rows, long cols, __global const S* x, long xo, __global S* y, long yo,
                       __global const ACC* gamma, long go, int flags, ACC eps) {
  __local ACC sh[TSR_NORM_WG];
  ROW_LOOP(row, rows) {
    const long base = row * cols;
    ACC q = 0;
    COL_LOOP(j, cols) {
      ACC v = (ACC)LD(x, xo + base + j);
      q += v * v;
    }
    const ACC rms = (ACC)1 / sqrt(wg_sum(q, sh) / (ACC)cols + eps);
    COL_LOOP(j, cols) {
      ACC v = (ACC)LD(x, xo + base + j) * rms;
      if (flags & 1) v = v * gamma[go + j];
      ST(y, yo + base + j, v);
    }
  }
}
#endif

// Activations of linear (tsr_activation codes); GELU is the tanh form.
inline ACC tsr_activate(ACC v, int act) {
  switch (act) {
    case 1: return v > (ACC)0 ? v : (ACC)0;
    case 2: {
      const ACC k = K(0.7978845608028654), c = K(0.044715);
      return K(0.5) * v * ((ACC)1 + tanh(k * (v + c * v * v * v)));
    }
    case 3: return v / ((ACC)1 + exp(-v));
    case 4: return (ACC)1 / ((ACC)1 + exp(-v));
    case 5: return tanh(v);
    default: return v;
  }
}

#if OP_bias_act
// out[m, n] = act(acc[m, n] + bias[n]): the GEMM result (in the accumulation
// type, row-major with leading dimension acc_ld) into the output's layout.
__kernel void bias_act(long M, long N, __global const ACC* acc, long ao, long acc_ld,
                       __global S* out, long oo, long os0, long os1, __global const S* bias,
                       long bo, long bs, int has_bias, int act) {
  FOR_EACH(i, M * N) {
    const long m = i / N, n = i - m * N;
    ACC v = acc[ao + m * acc_ld + n];
    if (has_bias) v += (ACC)LD(bias, bo + n * bs);
    ST(out, oo + m * os0 + n * os1, tsr_activate(v, act));
  }
}
#endif
#endif
