// The project's own batched GEMM: out = alpha * A @ B + beta * out for any
// strides (broadcast batch axes included) and every matmul dtype. Integer
// products accumulate in unsigned arithmetic of at least 32 bits, so they
// wrap exactly like the CPU backend's integer arithmetic; half types
// accumulate in float, float64 in double. cuBLASLt takes the float layouts
// it supports (gpu_blaslt.cpp); this kernel takes the rest, and it is the
// GEMM of builds without a vendor BLAS.
//
// Tiling: a block of 16x16 threads computes a 64x64 tile of out, each
// thread a 4x4 sub-tile, stepping K by 16 through shared memory.
#include "backends/cuda/kernels/common.cuh"

namespace tsr::gpu {
namespace {

constexpr int kTile = 64, kTileK = 16, kSub = 4, kDim = kTile / kSub;  // 16x16 threads

template <class S>
using gemm_acc_t = std::conditional_t<
    is_float_storage_v<S>, std::conditional_t<std::is_same_v<S, double>, double, float>,
    std::conditional_t<(sizeof(S) > 4), uint64_t, uint32_t>>;

struct GemmGeom {
  int batch_ndim;
  int64_t batch_shape[TSR_MAX_DIMS];
  int64_t batch_stride[3][TSR_MAX_DIMS];  // a, b, out
  int64_t batch;
  int64_t m, n, k;
  int64_t sa_m, sa_k, sb_k, sb_n, so_m, so_n;
};

template <class S> __device__ __forceinline__ gemm_acc_t<S> to_acc(S v) {
  using Acc = gemm_acc_t<S>;
  if constexpr (is_float_storage_v<S>) return Acc(St<S>::to_c(v));
  else if constexpr (std::is_signed_v<S>) return Acc(std::make_unsigned_t<S>(v));  // wraps like the CPU
  else return Acc(v);
}

template <class S>
__global__ void __launch_bounds__(kDim * kDim)
    gemm_kernel(const S* __restrict__ a, const S* __restrict__ b, S* __restrict__ out,
                const GemmGeom g, double alpha, double beta, uint64_t alpha_bits, uint64_t beta_bits) {
  using Acc = gemm_acc_t<S>;
  __shared__ Acc as[kTileK][kTile + 1];
  __shared__ Acc bs[kTileK][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * kDim + tx;
  const int64_t row0 = int64_t(blockIdx.y) * kTile, col0 = int64_t(blockIdx.x) * kTile;
  for (int64_t z = blockIdx.z; z < g.batch; z += gridDim.z) {
    int64_t off[3] = {0, 0, 0};
    int64_t rem = z;
#pragma unroll
    for (int d = TSR_MAX_DIMS - 1; d >= 0; --d) {
      if (d >= g.batch_ndim) continue;
      const int64_t idx = rem % g.batch_shape[d];
      rem /= g.batch_shape[d];
#pragma unroll
      for (int k = 0; k < 3; ++k) off[k] += idx * g.batch_stride[k][d];
    }
    const S* ab = a + off[0];
    const S* bb = b + off[1];
    S* ob = out + off[2];
    Acc acc[kSub][kSub];
#pragma unroll
    for (int i = 0; i < kSub; ++i)
#pragma unroll
      for (int j = 0; j < kSub; ++j) acc[i][j] = Acc(0);
    for (int64_t k0 = 0; k0 < g.k; k0 += kTileK) {
      // 256 threads load the 64x16 slab of A and the 16x64 slab of B.
#pragma unroll
      for (int e = tid; e < kTile * kTileK; e += kDim * kDim) {
        const int r = e / kTileK, kk = e % kTileK;  // A: row r, column kk
        const int64_t gr = row0 + r, gk = k0 + kk;
        as[kk][r] = (gr < g.m && gk < g.k) ? to_acc<S>(ab[gr * g.sa_m + gk * g.sa_k]) : Acc(0);
        const int c = e % kTile, kb = e / kTile;  // B: row kb, column c
        const int64_t gc = col0 + c, gkb = k0 + kb;
        bs[kb][c] = (gc < g.n && gkb < g.k) ? to_acc<S>(bb[gkb * g.sb_k + gc * g.sb_n]) : Acc(0);
      }
      __syncthreads();
#pragma unroll
      for (int kk = 0; kk < kTileK; ++kk) {
        Acc av[kSub], bv[kSub];
#pragma unroll
        for (int i = 0; i < kSub; ++i) av[i] = as[kk][ty + i * kDim];
#pragma unroll
        for (int j = 0; j < kSub; ++j) bv[j] = bs[kk][tx + j * kDim];
#pragma unroll
        for (int i = 0; i < kSub; ++i)
#pragma unroll
          for (int j = 0; j < kSub; ++j) acc[i][j] += av[i] * bv[j];
      }
      __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < kSub; ++i) {
      const int64_t r = row0 + ty + i * kDim;
      if (r >= g.m) continue;
#pragma unroll
      for (int j = 0; j < kSub; ++j) {
        const int64_t c = col0 + tx + j * kDim;
        if (c >= g.n) continue;
        S* p = ob + r * g.so_m + c * g.so_n;
        if constexpr (is_float_storage_v<S>) {
          using A = gemm_acc_t<S>;
          A v = A(alpha) * acc[i][j];
          if (beta != 0) v += A(beta) * A(load(p));
          store(p, compute_t<S>(v));
        } else {
          // Integral alpha and beta (the core admits no others) in the wrapping
          // accumulator; the low bits of the sum are the result, as on the CPU.
          Acc v = Acc(alpha_bits) * acc[i][j];
          if (beta != 0) v += Acc(beta_bits) * to_acc<S>(*p);
          *p = S(v);
        }
      }
    }
  }
}

GemmGeom make_gemm_geom(const OpCall& c) {
  const TensorDesc &a = c.in[0], &b = c.in[1], &o = c.out;
  GemmGeom g{};
  const int nd = o.ndim;
  g.batch_ndim = nd - 2;
  g.batch = 1;
  for (int d = 0; d < nd - 2; ++d) {
    g.batch_shape[d] = o.shape[d];
    g.batch_stride[0][d] = a.strides[d];
    g.batch_stride[1][d] = b.strides[d];
    g.batch_stride[2][d] = o.strides[d];
    g.batch *= o.shape[d];
  }
  g.m = o.shape[nd - 2];
  g.n = o.shape[nd - 1];
  g.k = a.shape[nd - 1];
  g.sa_m = a.strides[nd - 2];
  g.sa_k = a.strides[nd - 1];
  g.sb_k = b.strides[nd - 2];
  g.sb_n = b.strides[nd - 1];
  g.so_m = o.strides[nd - 2];
  g.so_n = o.strides[nd - 1];
  return g;
}

}  // namespace

Status launch_gemm_generic(const OpCall& c, const LaunchEnv& env) {
  const GemmGeom g = make_gemm_geom(c);
  if (g.m == 0 || g.n == 0 || g.batch == 0) return Status::Ok();
  const double alpha = c.scalar[0], beta = c.scalar[1];
  // Integer scale factors, two's complement (they wrap like the products).
  const uint64_t alpha_bits = uint64_t(math::convert<int64_t>(alpha));
  const uint64_t beta_bits = uint64_t(math::convert<int64_t>(beta));
  const dim3 grid(unsigned((g.n + kTile - 1) / kTile), unsigned((g.m + kTile - 1) / kTile),
                  unsigned(g.batch < 65535 ? g.batch : 65535));
  if (grid.x > 2147483647u || grid.y > 65535u)
    return Status::Err(TSR_ERROR_UNSUPPORTED, std::string(c.name) + ": matrix too large for the GEMM kernel");
  return dispatch_dtype(c.out.dtype, [&](auto tag) {
    using S = typename decltype(tag)::type;
    if constexpr (is_bool_v<S>) {
      return unsupported_dtype(c.name, c.out.dtype);
    } else {
      gemm_kernel<S><<<grid, dim3(kDim, kDim), 0, env.stream>>>(
          c.in[0].ptr<const S>(), c.in[1].ptr<const S>(), c.out.ptr<S>(), g, alpha, beta, alpha_bits,
          beta_bits);
      return launch_status(c.name);
    }
  });
}

}  // namespace tsr::gpu
