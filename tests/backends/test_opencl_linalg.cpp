// The OpenCL backend's reductions, matmul (CLBlast and the integer kernel),
// linear, softmax, log_softmax, layer_norm and rms_norm against float64
// references computed here, on fresh random inputs: every dtype each op
// claims, contiguous and non-contiguous (permuted, step-sliced) inputs,
// broadcast batch axes, 1-D operands, zero-size cases. Dtypes the device
// lacks must fail with TSR_ERROR_UNSUPPORTED.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "backends/opencl_test_util.h"

using namespace tsrtest;
using namespace tsrtest::ocl;

namespace {

class OpenclLinalg : public ::testing::Test {
 protected:
  void SetUp() override {
    TSR_REQUIRE_OPENCL();
    cl_ = std::make_unique<ContextGuard>(TSR_DEVICE_OPENCL);
    ASSERT_NE(cl_->c, nullptr);
    info_ = device_info(*cl_);
  }
  tsr_context ctx() const { return cl_->c; }
  // False (after checking the UNSUPPORTED status) when the device lacks d.
  bool expect_supported(tsr_dtype d, tsr_status st) {
    if (dtype_supported(info_, d)) return true;
    EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << tsr_last_error_message();
    return false;
  }
  std::unique_ptr<ContextGuard> cl_;
  tsr_device_info info_{};
};

const std::vector<tsr_dtype> kFloats = {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_BFLOAT16};

// ---- reductions ---------------------------------------------------------------

tsr_dtype reduce_dtype(tsr_reduce_op op, tsr_dtype x) {
  switch (op) {
    case TSR_SUM:
    case TSR_PROD:
      if (x == TSR_BOOL || (x >= TSR_INT8 && x <= TSR_INT64)) return TSR_INT64;
      if (x >= TSR_UINT8 && x <= TSR_UINT64) return TSR_UINT64;
      return x;
    case TSR_MEAN:
    case TSR_VAR:
    case TSR_STD: return is_float(x) ? x : TSR_FLOAT32;
    case TSR_MIN:
    case TSR_MAX: return x;
    case TSR_ARGMIN:
    case TSR_ARGMAX: return TSR_INT64;
    default: return TSR_BOOL;
  }
}

// The reference of one output: `v` holds the reduced elements in C order.
// Integer sums and products wrap in 64 bits (returned through *wrapped).
double reduce_ref(tsr_reduce_op op, const std::vector<double>& v, double correction,
                  bool unsigned_sum, uint64_t* wrapped) {
  const double n = double(v.size());
  double mean = 0;
  for (double x : v) mean += x;
  mean /= n;
  switch (op) {
    case TSR_SUM:
    case TSR_PROD: {
      uint64_t w = op == TSR_SUM ? 0 : 1;
      double r = op == TSR_SUM ? 0 : 1;
      for (double x : v) {
        const uint64_t xi = unsigned_sum ? uint64_t(x) : uint64_t(int64_t(x));
        w = op == TSR_SUM ? w + xi : w * xi;
        r = op == TSR_SUM ? r + x : r * x;
      }
      *wrapped = w;
      return r;
    }
    case TSR_MEAN: return mean;
    case TSR_VAR:
    case TSR_STD: {
      double q = 0;
      for (double x : v) q += (x - mean) * (x - mean);
      double var = q / std::max(n - correction, 0.0);
      return op == TSR_VAR ? var : std::sqrt(var);
    }
    case TSR_MIN:
    case TSR_MAX: {
      double r = v[0];
      for (double x : v) {
        if (std::isnan(r) || std::isnan(x)) r = NAN;
        else r = op == TSR_MAX ? std::max(r, x) : std::min(r, x);
      }
      return r;
    }
    case TSR_ARGMIN:
    case TSR_ARGMAX: {
      size_t best = 0;
      for (size_t i = 0; i < v.size(); ++i) {
        if (std::isnan(v[best])) break;
        if (std::isnan(v[i]) || (op == TSR_ARGMAX ? v[i] > v[best] : v[i] < v[best])) best = i;
      }
      return double(best);
    }
    case TSR_ANY: return std::any_of(v.begin(), v.end(), [](double x) { return x != 0; });
    default: return std::all_of(v.begin(), v.end(), [](double x) { return x != 0; });
  }
}

void check_reduce(tsr_context ctx, const tsr_device_info& info, tsr_reduce_op op, tsr_dtype d,
                  const Host& h, const std::vector<int32_t>& axes, bool keepdims, Layout l,
                  double correction = 0) {
  const int nd = int(h.shape.size());
  std::vector<bool> mask(size_t(nd), axes.empty());
  for (int32_t a : axes) mask[size_t((a + nd) % nd)] = true;
  SCOPED_TRACE(std::string("reduce ") + std::to_string(op) + " " + tsr_dtype_name(d) + " " +
               shape_str(h.shape) + " axes " + std::to_string(axes.size()) +
               (keepdims ? " keepdims " : " ") + layout_name(l));
  TensorGuard x(make_tensor(ctx, h, d, l)), out;
  tsr_status st = tsr_reduce(op, x, axes.empty() ? nullptr : axes.data(),
                             axes.empty() ? -1 : int32_t(axes.size()), keepdims, correction,
                             nullptr, out.out());
  const tsr_dtype rd = reduce_dtype(op, d);
  if (!dtype_supported(info, d)) {
    EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << tsr_last_error_message();
    return;
  }
  ASSERT_TSR_OK(st);
  // Outputs in C order over the kept axes; for each, its elements in C order.
  std::vector<int64_t> kept, red;
  for (int i = 0; i < nd; ++i) (mask[size_t(i)] ? red : kept).push_back(h.shape[size_t(i)]);
  int64_t n_out = 1, n_red = 1;
  for (auto s : kept) n_out *= s;
  for (auto s : red) n_red *= s;
  std::vector<double> want(static_cast<size_t>(n_out));
  std::vector<uint64_t> wrapped(static_cast<size_t>(n_out));
  const bool unsigned_sum = rd == TSR_UINT64;
  for (int64_t o = 0; o < n_out; ++o) {
    std::vector<double> v;
    for (int64_t r = 0; r < n_red; ++r) {
      // Compose the index: kept axes from o, reduced axes from r.
      int64_t oi = o, ri = r, lin = 0, stride = 1;
      std::vector<int64_t> idx(static_cast<size_t>(nd));
      for (int i = nd - 1; i >= 0; --i) {
        if (mask[size_t(i)]) { idx[size_t(i)] = ri % h.shape[size_t(i)]; ri /= h.shape[size_t(i)]; }
        else { idx[size_t(i)] = oi % h.shape[size_t(i)]; oi /= h.shape[size_t(i)]; }
      }
      for (int i = nd - 1; i >= 0; --i) {
        lin += idx[size_t(i)] * stride;
        stride *= h.shape[size_t(i)];
      }
      v.push_back(h.data[size_t(lin)]);
    }
    want[size_t(o)] = reduce_ref(op, v, correction, unsigned_sum, &wrapped[size_t(o)]);
  }
  tsr_dtype got_dtype;
  ASSERT_TSR_OK(tsr_tensor_dtype(out, &got_dtype));
  ASSERT_EQ(got_dtype, rd);
  int64_t numel = 0;
  tsr_tensor_numel(out, &numel);
  ASSERT_EQ(numel, n_out);
  if (rd == TSR_INT64 || rd == TSR_UINT64) {
    // Integer sums/products (wrapping) and arg indices: exact.
    auto bytes = raw_bytes(out);
    for (int64_t o = 0; o < n_out; ++o) {
      uint64_t g;
      std::memcpy(&g, bytes.data() + o * 8, 8);
      // Sums and products wrap; min/max/argmin/argmax are plain values.
      const double v = want[size_t(o)];
      const uint64_t w = (op == TSR_SUM || op == TSR_PROD) ? wrapped[size_t(o)]
                         : rd == TSR_INT64                 ? uint64_t(int64_t(v))
                                                           : uint64_t(v);
      EXPECT_EQ(g, w) << "output " << o;
    }
    return;
  }
  Host got = download(out);
  double tol = rd == TSR_BOOL || op == TSR_MIN || op == TSR_MAX ? 0 : tolerance(rd) * 4;
  if (is_float(rd) && (op == TSR_MIN || op == TSR_MAX)) tol = 0;  // exact values
  std::vector<double> rounded(want.size());
  for (size_t i = 0; i < want.size(); ++i) rounded[i] = round_to(want[i], rd);
  EXPECT_TRUE(all_close(got, rounded, tol));
}

TEST_F(OpenclLinalg, ReduceEveryOpAndDtype) {
  for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes()) {
      if ((op == TSR_MEAN || op == TSR_VAR || op == TSR_STD) && d == TSR_BOOL) continue;
      const tsr_reduce_op r = tsr_reduce_op(op);
      // Products stay in range with values near 1; integer products wrap.
      const bool prod = r == TSR_PROD;
      Host h = random_host({3, 4, 5}, d, prod && is_float(d) ? 0.5 : -4, prod && is_float(d) ? 1.5 : 4);
      check_reduce(ctx(), info_, r, d, h, {}, false, Layout::Contiguous, 1);
      if (op == TSR_ARGMIN || op == TSR_ARGMAX) {
        check_reduce(ctx(), info_, r, d, h, {1}, true, Layout::Permuted);
        check_reduce(ctx(), info_, r, d, h, {-1}, false, Layout::Reversed);
        continue;
      }
      check_reduce(ctx(), info_, r, d, h, {2}, false, Layout::Contiguous);
      check_reduce(ctx(), info_, r, d, h, {0}, true, Layout::Permuted, 1);
      check_reduce(ctx(), info_, r, d, h, {0, 2}, false, Layout::Reversed);
    }
}

TEST_F(OpenclLinalg, ReduceLargeAndSpecialCases) {
  // Long reductions split into chunks, many short ones, strided ones.
  for (tsr_dtype d : {TSR_FLOAT32, TSR_INT32, TSR_FLOAT64, TSR_BFLOAT16}) {
    Host big = random_host({3, 70001}, d);
    for (tsr_reduce_op op : {TSR_SUM, TSR_MEAN, TSR_VAR, TSR_MAX, TSR_ARGMIN}) {
      check_reduce(ctx(), info_, op, d, big, {}, false, Layout::Contiguous, 1);
      check_reduce(ctx(), info_, op, d, big, {1}, false, Layout::Contiguous);
    }
    Host many = random_host({4099, 3, 9}, d);
    check_reduce(ctx(), info_, TSR_SUM, d, many, {2}, false, Layout::Contiguous);
    check_reduce(ctx(), info_, TSR_STD, d, many, {0}, true, Layout::Contiguous, 1);
    check_reduce(ctx(), info_, TSR_MIN, d, many, {0, 2}, false, Layout::Reversed);
  }
  // NaN propagates through min/max and is picked by argmin/argmax (first one).
  Host h = random_host({4, 6}, TSR_FLOAT32);
  h.data[7] = NAN;
  h.data[9] = NAN;
  for (tsr_reduce_op op : {TSR_MIN, TSR_MAX, TSR_ARGMIN, TSR_ARGMAX, TSR_SUM})
    for (std::vector<int32_t> axes : {std::vector<int32_t>{}, std::vector<int32_t>{1}})
      check_reduce(ctx(), info_, op, TSR_FLOAT32, h, axes, false, Layout::Contiguous);
  // var/std with n - correction <= 0: NaN (Array API).
  Host v = random_host({4, 5}, TSR_FLOAT32);
  for (tsr_reduce_op op : {TSR_VAR, TSR_STD})
    for (double correction : {5.0, 7.0}) {
      TensorGuard tv(upload(ctx(), v, TSR_FLOAT32)), r;
      const int32_t axis = 1;
      ASSERT_TSR_OK(tsr_reduce(op, tv, &axis, 1, 0, correction, nullptr, r.out()));
      for (double g : download(r).data) EXPECT_TRUE(std::isnan(g)) << g;
    }
  // Reducing an empty axis: the identities, and NaN for the mean.
  Host e = random_host({3, 0}, TSR_FLOAT32);
  for (tsr_reduce_op op : {TSR_SUM, TSR_PROD, TSR_MEAN, TSR_ANY, TSR_ALL})
    check_reduce(ctx(), info_, op, TSR_FLOAT32, e, {1}, false, Layout::Contiguous);
}

// ---- matmul ---------------------------------------------------------------------

// op(a) @ op(b) in float64 with Array API rules; shapes already validated.
Host matmul_ref(const Host& a, const Host& b, bool ta, bool tb) {
  auto mat = [](const Host& h, bool t, bool left) {
    // As [batch..., rows, cols] with transposition applied.
    Host m = h;
    if (m.shape.size() == 1) {
      m.shape = left ? std::vector<int64_t>{1, h.shape[0]} : std::vector<int64_t>{h.shape[0], 1};
      return m;
    }
    if (t) {
      const size_t nd = m.shape.size();
      const int64_t r = h.shape[nd - 2], c = h.shape[nd - 1], n = h.numel() / std::max<int64_t>(r * c, 1);
      std::swap(m.shape[nd - 2], m.shape[nd - 1]);
      for (int64_t k = 0; k < n; ++k)
        for (int64_t i = 0; i < r; ++i)
          for (int64_t j = 0; j < c; ++j)
            m.data[size_t(k * r * c + j * r + i)] = h.data[size_t(k * r * c + i * c + j)];
    }
    return m;
  };
  Host A = mat(a, ta, true), B = mat(b, tb, false);
  const size_t na = A.shape.size(), nb = B.shape.size();
  const int64_t M = A.shape[na - 2], K = A.shape[na - 1], N = B.shape[nb - 1];
  std::vector<int64_t> ba(A.shape.begin(), A.shape.end() - 2), bb(B.shape.begin(), B.shape.end() - 2);
  std::vector<int64_t> batch = broadcast_shape(ba, bb);
  Host out;
  out.shape = batch;
  if (a.shape.size() > 1) out.shape.push_back(M);
  if (b.shape.size() > 1) out.shape.push_back(N);
  int64_t nbatch = 1;
  for (auto s : batch) nbatch *= s;
  out.data.assign(size_t(nbatch * M * N), 0.0);
  Host Ab = A, Bb = B;  // views of one batch for broadcast_at
  for (int64_t bi = 0; bi < nbatch; ++bi)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = 0;
        for (int64_t k = 0; k < K; ++k) {
          std::vector<int64_t> fa = batch, fb = batch;
          fa.push_back(M); fa.push_back(K);
          fb.push_back(K); fb.push_back(N);
          s += broadcast_at(A, fa, (bi * M + i) * K + k) * broadcast_at(B, fb, (bi * K + k) * N + j);
        }
        out.data[size_t((bi * M + i) * N + j)] = s;
      }
  (void)Ab;
  (void)Bb;
  return out;
}

void check_matmul(tsr_context ctx, const tsr_device_info& info, tsr_dtype d,
                  const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, bool ta, bool tb,
                  Layout la, Layout lb) {
  SCOPED_TRACE(std::string("matmul ") + tsr_dtype_name(d) + " " + shape_str(sa) + (ta ? "^T" : "") +
               " @ " + shape_str(sb) + (tb ? "^T " : " ") + layout_name(la) + "/" + layout_name(lb));
  Host a = random_host(sa, d), b = random_host(sb, d);
  TensorGuard ta_(make_tensor(ctx, a, d, la)), tb_(make_tensor(ctx, b, d, lb)), out;
  tsr_status st = tsr_matmul(ta_, tb_, ta, tb, 1.0, 0.0, nullptr, out.out());
  if (!dtype_supported(info, d)) {
    EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << tsr_last_error_message();
    return;
  }
  ASSERT_TSR_OK(st);
  Host want = matmul_ref(a, b, ta, tb);
  Host got = download(out);
  ASSERT_EQ(got.shape, want.shape);
  for (auto& v : want.data) v = round_to(v, d);
  EXPECT_TRUE(all_close(got, want.data, is_float(d) ? tolerance(d) * 8 : 0));
}

TEST_F(OpenclLinalg, MatmulShapesLayoutsAndDtypes) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_BFLOAT16, TSR_INT32, TSR_INT8,
                      TSR_UINT8, TSR_INT64}) {
    check_matmul(ctx(), info_, d, {5, 7}, {7, 3}, false, false, Layout::Contiguous, Layout::Contiguous);
    check_matmul(ctx(), info_, d, {7, 5}, {3, 7}, true, true, Layout::Contiguous, Layout::Contiguous);
    check_matmul(ctx(), info_, d, {5, 7}, {7, 3}, false, false, Layout::Permuted, Layout::Sliced);
    check_matmul(ctx(), info_, d, {2, 3, 4, 6}, {3, 6, 5}, false, false, Layout::Contiguous,
                 Layout::Contiguous);
    check_matmul(ctx(), info_, d, {2, 1, 4, 6}, {3, 5, 6}, false, true, Layout::Reversed,
                 Layout::Permuted);
    check_matmul(ctx(), info_, d, {6}, {6, 4}, false, false, Layout::Contiguous, Layout::Contiguous);
    check_matmul(ctx(), info_, d, {3, 6}, {6}, false, false, Layout::Sliced, Layout::Reversed);
    check_matmul(ctx(), info_, d, {6}, {6}, false, false, Layout::Contiguous, Layout::Sliced);
  }
  // Large enough for CLBlast's tiled (indirect) kernels, with odd sizes.
  check_matmul(ctx(), info_, TSR_FLOAT32, {131, 257}, {257, 67}, false, false, Layout::Contiguous,
               Layout::Contiguous);
  check_matmul(ctx(), info_, TSR_FLOAT32, {3, 70, 90}, {3, 80, 90}, false, true,
               Layout::Contiguous, Layout::Contiguous);
}

TEST_F(OpenclLinalg, MatmulAlphaBetaIntoStridedOutput) {
  for (tsr_dtype d : kFloats) {
    SCOPED_TRACE(tsr_dtype_name(d));
    Host a = random_host({4, 6}, d), b = random_host({6, 5}, d), c = random_host({5, 4}, d);
    TensorGuard ta(upload(ctx(), a, d)), tb(upload(ctx(), b, d)), tc(upload(ctx(), c, d)), out;
    if (!dtype_supported(info_, d)) continue;
    // out: a transposed view (column-major), so the result goes through a temporary.
    ASSERT_TSR_OK(tsr_tensor_transpose(tc, 0, 1, out.out()));
    tsr_tensor o = out.t;
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 0.5, 2.0, nullptr, &o));
    EXPECT_EQ(o, out.t);
    Host prod = matmul_ref(a, b, false, false);
    std::vector<double> want(20);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 5; ++j)
        want[size_t(i * 5 + j)] = round_to(0.5 * prod.data[size_t(i * 5 + j)] + 2.0 * c.data[size_t(j * 4 + i)], d);
    EXPECT_TRUE(all_close(download(out), want, tolerance(d) * 8));
  }
}

TEST_F(OpenclLinalg, MatmulEmptyInnerAxis) {
  Host a = random_host({3, 0}, TSR_FLOAT32), b = random_host({0, 4}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx(), a, TSR_FLOAT32)), tb(upload(ctx(), b, TSR_FLOAT32)), out;
  ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 1, 0, nullptr, out.out()));
  EXPECT_TRUE(all_close(download(out), std::vector<double>(12, 0.0), 0));
  // With beta: out = beta * out.
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT64, TSR_BFLOAT16, TSR_INT16}) {
    if (!dtype_supported(info_, d)) continue;
    SCOPED_TRACE(tsr_dtype_name(d));
    Host c = random_host({3, 4}, d);
    TensorGuard a2(upload(ctx(), random_host({3, 0}, d), d)), b2(upload(ctx(), random_host({0, 4}, d), d)),
        o(upload(ctx(), c, d));
    tsr_tensor p = o.t;
    ASSERT_TSR_OK(tsr_matmul(a2, b2, 0, 0, 1.0, -2.0, nullptr, &p));
    std::vector<double> want(12);
    for (size_t i = 0; i < 12; ++i) want[i] = round_to(-2.0 * c.data[i], d);
    EXPECT_TRUE(all_close(download(o), want, 0));
  }
}

TEST_F(OpenclLinalg, OutputAliasingAnInputReadsTheInputAsItWas) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT64, TSR_BFLOAT16, TSR_INT32}) {
    if (!dtype_supported(info_, d)) continue;
    SCOPED_TRACE(tsr_dtype_name(d));
    Host a = random_host({2, 7, 7}, d), b = random_host({2, 7, 7}, d);
    TensorGuard ta(upload(ctx(), a, d)), tb(upload(ctx(), b, d));
    tsr_tensor out = ta;  // a = a @ b + a
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 1.0, 1.0, nullptr, &out));
    Host prod = matmul_ref(a, b, false, false);
    std::vector<double> want(prod.data.size());
    for (size_t i = 0; i < want.size(); ++i) want[i] = round_to(prod.data[i] + a.data[i], d);
    EXPECT_TRUE(all_close(download(ta), want, is_float(d) ? tolerance(d) * 8 : 0));
  }
  // linear into its own input (N == K).
  Host x = random_host({5, 6}, TSR_FLOAT32), w = random_host({6, 6}, TSR_FLOAT32),
       bias = random_host({6}, TSR_FLOAT32);
  TensorGuard tx(upload(ctx(), x, TSR_FLOAT32)), tw(upload(ctx(), w, TSR_FLOAT32)),
      tb(upload(ctx(), bias, TSR_FLOAT32));
  tsr_tensor out = tx;
  ASSERT_TSR_OK(tsr_linear(tx, tw, tb, TSR_ACTIVATION_NONE, nullptr, &out));
  std::vector<double> want(30);
  for (int m = 0; m < 5; ++m)
    for (int n = 0; n < 6; ++n) {
      double s = bias.data[size_t(n)];
      for (int k = 0; k < 6; ++k) s += x.data[size_t(m * 6 + k)] * w.data[size_t(n * 6 + k)];
      want[size_t(m * 6 + n)] = s;
    }
  EXPECT_TRUE(all_close(download(tx), want, tolerance(TSR_FLOAT32) * 8));
}

TEST_F(OpenclLinalg, IntegerMatmulWrapsWithScaledAlpha) {
  for (tsr_dtype d : {TSR_INT8, TSR_UINT8, TSR_INT16}) {
    SCOPED_TRACE(tsr_dtype_name(d));
    Host a = random_host({9, 40}, d, d == TSR_UINT8 ? 0 : -120, 120),
         b = random_host({40, 7}, d, d == TSR_UINT8 ? 0 : -120, 120);
    TensorGuard ta(upload(ctx(), a, d)), tb(upload(ctx(), b, d)), out;
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 300.0, 0.0, nullptr, out.out()));
    auto bytes = raw_bytes(out);
    const size_t es = size_t(dtype_bytes(d));
    for (int i = 0; i < 9; ++i)
      for (int j = 0; j < 7; ++j) {
        int64_t s = 0;
        for (int k = 0; k < 40; ++k)
          s += int64_t(a.data[size_t(i * 40 + k)]) * int64_t(b.data[size_t(k * 7 + j)]);
        const uint64_t want = uint64_t(300 * s) & (es == 1 ? 0xffu : 0xffffu);
        uint64_t got = 0;
        std::memcpy(&got, bytes.data() + size_t(i * 7 + j) * es, es);
        EXPECT_EQ(got, want) << i << "," << j;
      }
  }
}

// ---- linear ---------------------------------------------------------------------

double activate(double v, int act) {
  switch (act) {
    case TSR_ACTIVATION_RELU: return v > 0 ? v : 0;
    case TSR_ACTIVATION_GELU:
      return 0.5 * v * (1 + std::tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
    case TSR_ACTIVATION_SILU: return v / (1 + std::exp(-v));
    case TSR_ACTIVATION_SIGMOID: return 1 / (1 + std::exp(-v));
    case TSR_ACTIVATION_TANH: return std::tanh(v);
    default: return v;
  }
}

TEST_F(OpenclLinalg, LinearEveryActivationBiasAndDtype) {
  const int64_t K = 9, N = 6;
  for (tsr_dtype d : kFloats)
    for (int act = 0; act <= TSR_ACTIVATION_TANH; ++act)
      for (bool with_bias : {false, true})
        for (Layout lw : {Layout::Contiguous, Layout::Permuted}) {
          SCOPED_TRACE(std::string("linear ") + tsr_dtype_name(d) + " act " + std::to_string(act) +
                       (with_bias ? " bias " : " ") + layout_name(lw));
          Host x = random_host({2, 3, K}, d), w = random_host({N, K}, d), bias = random_host({N}, d);
          TensorGuard tx(make_tensor(ctx(), x, d, Layout::Permuted)),
              tw(make_tensor(ctx(), w, d, lw)), tb(upload(ctx(), bias, d)), out;
          tsr_status st = tsr_linear(tx, tw, with_bias ? tb.t : nullptr, tsr_activation(act),
                                     nullptr, out.out());
          if (!expect_supported(d, st)) continue;
          ASSERT_TSR_OK(st);
          std::vector<double> want(static_cast<size_t>(6 * N));
          for (int64_t m = 0; m < 6; ++m)
            for (int64_t n = 0; n < N; ++n) {
              double s = with_bias ? bias.data[size_t(n)] : 0;
              for (int64_t k = 0; k < K; ++k) s += x.data[size_t(m * K + k)] * w.data[size_t(n * K + k)];
              want[size_t(m * N + n)] = round_to(activate(s, act), d);
            }
          Host got = download(out);
          EXPECT_EQ(got.shape, (std::vector<int64_t>{2, 3, N}));
          EXPECT_TRUE(all_close(got, want, tolerance(d) * 8));
        }
}

// ---- row ops --------------------------------------------------------------------

enum class RowOp { Softmax, LogSoftmax, LayerNorm, RmsNorm };

void check_row_op(tsr_context ctx, const tsr_device_info& info, RowOp op, tsr_dtype d,
                  const std::vector<int64_t>& shape, bool gamma, bool beta, Layout l) {
  SCOPED_TRACE("row op " + std::to_string(int(op)) + " " + tsr_dtype_name(d) + " " +
               shape_str(shape) + (gamma ? " gamma" : "") + (beta ? " beta" : "") + " " +
               layout_name(l));
  const int64_t cols = shape.back();
  Host x = random_host(shape, d), g = random_host({cols}, d), b = random_host({cols}, d);
  TensorGuard tx(make_tensor(ctx, x, d, l)), tg(upload(ctx, g, d)), tbeta(upload(ctx, b, d)), out;
  const double eps = 1e-5;
  tsr_status st;
  switch (op) {
    case RowOp::Softmax: st = tsr_softmax(tx, nullptr, out.out()); break;
    case RowOp::LogSoftmax: st = tsr_log_softmax(tx, nullptr, out.out()); break;
    case RowOp::LayerNorm:
      st = tsr_layer_norm(tx, gamma ? tg.t : nullptr, beta ? tbeta.t : nullptr, eps, nullptr, out.out());
      break;
    default: st = tsr_rms_norm(tx, gamma ? tg.t : nullptr, eps, nullptr, out.out());
  }
  // A zero-size op never reaches the backend, so no dtype gate applies to it.
  if (!dtype_supported(info, d) && x.numel() > 0) {
    EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << tsr_last_error_message();
    return;
  }
  ASSERT_TSR_OK(st);
  if (!dtype_supported(info, d)) return;
  const int64_t rows = cols ? x.numel() / cols : 0;
  std::vector<double> want(x.data.size());
  for (int64_t r = 0; r < rows; ++r) {
    const double* v = x.data.data() + r * cols;
    double* w = want.data() + r * cols;
    double mx = -INFINITY, s = 0, mean = 0, q = 0, sq = 0;
    for (int64_t j = 0; j < cols; ++j) { mx = std::max(mx, v[j]); mean += v[j]; sq += v[j] * v[j]; }
    mean /= double(cols);
    for (int64_t j = 0; j < cols; ++j) { s += std::exp(v[j] - mx); q += (v[j] - mean) * (v[j] - mean); }
    const double rstd = 1 / std::sqrt(q / double(cols) + eps), rrms = 1 / std::sqrt(sq / double(cols) + eps);
    for (int64_t j = 0; j < cols; ++j) {
      double y;
      switch (op) {
        case RowOp::Softmax: y = std::exp(v[j] - mx) / s; break;
        case RowOp::LogSoftmax: y = v[j] - mx - std::log(s); break;
        case RowOp::LayerNorm:
          y = (v[j] - mean) * rstd * (gamma ? g.data[size_t(j)] : 1) + (beta ? b.data[size_t(j)] : 0);
          break;
        default: y = v[j] * rrms * (gamma ? g.data[size_t(j)] : 1);
      }
      w[j] = round_to(y, d);
    }
  }
  EXPECT_TRUE(all_close(download(out), want, tolerance(d) * 8));
}

TEST_F(OpenclLinalg, NormParametersOfAnotherDtype) {
  // gamma/beta in another dtype than x: converted, as the CPU does.
  for (auto [xd, pd] : {std::pair{TSR_FLOAT32, TSR_FLOAT64}, std::pair{TSR_BFLOAT16, TSR_FLOAT32},
                        std::pair{TSR_FLOAT64, TSR_FLOAT32}}) {
    if (!dtype_supported(info_, xd) || !dtype_supported(info_, pd)) continue;
    SCOPED_TRACE(std::string(tsr_dtype_name(xd)) + " with " + tsr_dtype_name(pd) + " parameters");
    for (int64_t cols : {1, 9, 300}) {
      Host x = random_host({6, cols}, xd), g = random_host({cols}, pd, 0.5, 2), b = random_host({cols}, pd);
      TensorGuard tx(upload(ctx(), x, xd)), tg(upload(ctx(), g, pd)), tb(upload(ctx(), b, pd)), ln, rn;
      ASSERT_TSR_OK(tsr_layer_norm(tx, tg, tb, 1e-5, nullptr, ln.out()));
      ASSERT_TSR_OK(tsr_rms_norm(tx, tg, 1e-5, nullptr, rn.out()));
      std::vector<double> wl(x.data.size()), wr(x.data.size());
      for (int64_t r = 0; r < 6; ++r) {
        double mean = 0, q = 0, sq = 0;
        for (int64_t j = 0; j < cols; ++j) mean += x.data[size_t(r * cols + j)];
        mean /= double(cols);
        for (int64_t j = 0; j < cols; ++j) {
          const double v = x.data[size_t(r * cols + j)];
          q += (v - mean) * (v - mean);
          sq += v * v;
        }
        for (int64_t j = 0; j < cols; ++j) {
          const double v = x.data[size_t(r * cols + j)];
          wl[size_t(r * cols + j)] = round_to(
              (v - mean) / std::sqrt(q / double(cols) + 1e-5) * g.data[size_t(j)] + b.data[size_t(j)], xd);
          wr[size_t(r * cols + j)] = round_to(v / std::sqrt(sq / double(cols) + 1e-5) * g.data[size_t(j)], xd);
        }
      }
      EXPECT_TRUE(all_close(download(ln), wl, tolerance(xd) * 8));
      EXPECT_TRUE(all_close(download(rn), wr, tolerance(xd) * 8));
    }
  }
}

TEST_F(OpenclLinalg, SoftmaxAndNormsEveryDtypeAndShape) {
  for (tsr_dtype d : kFloats)
    for (const auto& shape : {std::vector<int64_t>{3, 4, 37}, std::vector<int64_t>{2, 700},
                              std::vector<int64_t>{5, 1}, std::vector<int64_t>{0, 8}}) {
      for (RowOp op : {RowOp::Softmax, RowOp::LogSoftmax})
        check_row_op(ctx(), info_, op, d, shape, false, false, Layout::Permuted);
      for (bool gamma : {false, true}) {
        check_row_op(ctx(), info_, RowOp::RmsNorm, d, shape, gamma, false, Layout::Reversed);
        for (bool beta : {false, true})
          check_row_op(ctx(), info_, RowOp::LayerNorm, d, shape, gamma, beta, Layout::Contiguous);
      }
    }
}

}  // namespace
