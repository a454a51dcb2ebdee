// GPU matmul, linear, softmax, log_softmax, layer_norm and rms_norm against
// float64 host references: every matmul dtype (integers wrap), batch
// broadcasting, transposes, vectors, strided operands (the project's own
// GEMM) and alpha/beta; TF32 only when the context allows it; linear with
// every activation and contiguous, strided or no bias; row ops over widths
// that take each kernel shape (warp, block, streamed).
#include <cmath>
#include <string>

#include "backends/gpu_compare.h"

using namespace tsrtest;

namespace {

// Element (r, c) of the last two axes of a C-order host array at batch b.
struct Mat {
  const Host* h;
  int64_t rows, cols;
  double at(int64_t b, int64_t r, int64_t c) const {
    const int64_t per = rows * cols;
    const int64_t batches = h->numel() / (per ? per : 1);
    return h->data[size_t((batches > 1 ? b : 0) * per + r * cols + c)];
  }
};

// |got - want| <= tol * scale per element, scale = 1 + sum |a||b|.
::testing::AssertionResult close_scaled(const Host& got, const std::vector<double>& want,
                                        const std::vector<double>& scale, double tol) {
  if (got.data.size() != want.size())
    return ::testing::AssertionFailure() << "size " << got.data.size() << " vs " << want.size();
  int bad = 0;
  ::testing::AssertionResult r = ::testing::AssertionFailure();
  for (size_t i = 0; i < want.size(); ++i) {
    const double g = got.data[i], w = want[i];
    const bool ok = (std::isnan(g) && std::isnan(w)) || std::fabs(g - w) <= tol * scale[i];
    if (!ok && bad++ < 5) r << "\n  [" << i << "] got " << g << " want " << w << " (scale " << scale[i] << ")";
  }
  if (!bad) return ::testing::AssertionSuccess();
  return r << "\n  " << bad << " of " << want.size() << " differ (tol " << tol << ")";
}

// Integer products wrap at the dtype's width.
double wrap_to(tsr_dtype d, uint64_t v) {
  switch (d) {
    case TSR_INT8: return double(int8_t(v));
    case TSR_INT16: return double(int16_t(v));
    case TSR_INT32: return double(int32_t(v));
    case TSR_INT64: return double(int64_t(v));
    case TSR_UINT8: return double(uint8_t(v));
    case TSR_UINT16: return double(uint16_t(v));
    case TSR_UINT32: return double(uint32_t(v));
    default: return double(v);
  }
}

double act(int a, double x) {
  switch (a) {
    case TSR_ACTIVATION_RELU: return x > 0 ? x : 0;
    case TSR_ACTIVATION_GELU: return 0.5 * x * (1 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case TSR_ACTIVATION_SILU: return x / (1 + std::exp(-x));
    case TSR_ACTIVATION_SIGMOID: return 1 / (1 + std::exp(-x));
    case TSR_ACTIVATION_TANH: return std::tanh(x);
    default: return x;
  }
}

}  // namespace

class GpuLinalg : public GpuVsCpuTest {
 protected:
  // a [batch.., M, K] @ b [batch.., K, N] with 2-D b broadcast; no transposes.
  void check_matmul(tsr_context c, tsr_dtype d, const std::vector<int64_t>& as,
                    const std::vector<int64_t>& bs, double tol, const char* what) {
    Host ha = random_host(as, d, -4, 4), hb = random_host(bs, d, -4, 4);
    TensorGuard a(upload(c, ha, d)), b(upload(c, hb, d)), y;
    ASSERT_TSR_OK(tsr_matmul(a, b, 0, 0, 1.0, 0.0, nullptr, y.out()));
    const int64_t M = as[as.size() - 2], K = as.back(), N = bs.back();
    Mat ma{&ha, M, K}, mb{&hb, K, N};
    Host got = download(y);
    const int64_t batches = got.numel() / (M * N);
    std::vector<double> want, scale;
    for (int64_t z = 0; z < batches; ++z)
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
          double s = 0, sc = 1;
          uint64_t w = 0;
          for (int64_t k = 0; k < K; ++k) {
            const double x = ma.at(z, i, k), v = mb.at(z, k, j);
            s += x * v;
            sc += std::fabs(x * v);
            w += uint64_t(int64_t(x)) * uint64_t(int64_t(v));
          }
          want.push_back(is_int(d) ? wrap_to(d, w) : s);
          scale.push_back(sc);
        }
    EXPECT_TRUE(close_scaled(got, want, scale, is_int(d) ? 0 : tol)) << what << " " << tsr_dtype_name(d);
  }
};

TEST_P(GpuLinalg, MatmulEveryDtype) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT64, TSR_INT8, TSR_INT32,
                      TSR_UINT16, TSR_INT64, TSR_UINT64}) {
    const double tol = tolerance(d);
    check_matmul(ctx, d, {37, 53}, {53, 29}, tol, "2-d");
    check_matmul(ctx, d, {2, 3, 17, 9}, {9, 11}, tol, "batched, b broadcast");
    check_matmul(ctx, d, {1, 64}, {64, 1}, tol, "1x1");
  }
  // A larger float32 product through the library path.
  check_matmul(ctx, TSR_FLOAT32, {256, 384}, {384, 200}, tolerance(TSR_FLOAT32), "256x384x200");
  check_matmul(ctx, TSR_BFLOAT16, {128, 512}, {512, 96}, tolerance(TSR_BFLOAT16), "bf16 128x512x96");
}

TEST_P(GpuLinalg, MatmulLayoutsAgreeWithCpuCopies) {
  // Transposes, batch broadcasting on both sides, vectors, and operands
  // sliced with steps (no unit stride: the own GEMM kernel). Each GPU result
  // is compared with the same product of contiguous copies on the GPU.
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT64, TSR_INT32}) {
    Host ha = random_host({4, 1, 12, 10}, d), hb = random_host({3, 10, 7}, d);
    Host hv = random_host({10}, d), hw = random_host({12}, d);
    TensorGuard a(upload(ctx, ha, d)), b(upload(ctx, hb, d)), v(upload(ctx, hv, d)), w(upload(ctx, hw, d));
    struct Op {
      tsr_tensor x, y;
      int ta, tb;
    };
    TensorGuard at, bt, as;
    const int32_t perm[4] = {0, 1, 3, 2};
    ASSERT_TSR_OK(tsr_tensor_permute(a, perm, 4, at.out()));  // [4,1,10,12]
    const int32_t perm3[3] = {0, 2, 1};
    ASSERT_TSR_OK(tsr_tensor_permute(b, perm3, 3, bt.out()));  // [3,7,10]
    const int64_t st[4] = {0, 0, 0, 0}, sp[4] = {4, 1, 12, 10}, step[4] = {1, 1, 2, 3};
    ASSERT_TSR_OK(tsr_tensor_slice(a, st, sp, step, as.out()));  // [4,1,6,4], strides (.., 20, 3)
    TensorGuard bsl;
    const int64_t st3[3] = {0, 0, 0}, sp3[3] = {3, 10, 7}, step3[3] = {1, 3, 1};
    ASSERT_TSR_OK(tsr_tensor_slice(b, st3, sp3, step3, bsl.out()));  // [3,4,7]
    const Op ops[] = {{a, b, 0, 0}, {at, b, 1, 0}, {a, bt, 0, 1}, {at, bt, 1, 1}, {v, b, 0, 0},
                      {a, v, 0, 0}, {w, a, 0, 0}, {v, v, 0, 0}, {as, bsl, 0, 0}};
    for (const Op& op : ops) {
      TensorGuard y, xc, yc, ref;
      ASSERT_TSR_OK(tsr_matmul(op.x, op.y, op.ta, op.tb, 1.0, 0.0, nullptr, y.out()));
      // Reference: transposes applied as views, then contiguous copies.
      TensorGuard xv, yv;
      if (op.ta) ASSERT_TSR_OK(tsr_tensor_transpose(op.x, -1, -2, xv.out()));
      if (op.tb) ASSERT_TSR_OK(tsr_tensor_transpose(op.y, -1, -2, yv.out()));
      ASSERT_TSR_OK(tsr_tensor_contiguous(op.ta ? xv.t : op.x, nullptr, xc.out()));
      ASSERT_TSR_OK(tsr_tensor_contiguous(op.tb ? yv.t : op.y, nullptr, yc.out()));
      // Host float64 product of the contiguous copies, with batch broadcast.
      Host hx = download(xc), hy = download(yc);
      Host got = download(y);
      const bool xvec = hx.shape.size() == 1, yvec = hy.shape.size() == 1;
      const int64_t M = xvec ? 1 : hx.shape[hx.shape.size() - 2], K = hx.shape.back();
      const int64_t N = yvec ? 1 : hy.shape.back();
      std::vector<int64_t> bx(hx.shape.begin(), hx.shape.end() - (xvec ? 1 : 2));
      std::vector<int64_t> by(hy.shape.begin(), hy.shape.end() - (yvec ? 1 : 2));
      std::vector<int64_t> batch = broadcast_shape(bx, by);
      int64_t nb = 1;
      for (auto e : batch) nb *= e;
      std::vector<double> want, scale;
      for (int64_t z = 0; z < nb; ++z) {
        // Batch offsets by broadcasting z over bx / by.
        auto offset = [&](const std::vector<int64_t>& bs, int64_t per) {
          int64_t rem = z, off = 0, stride = per;
          for (size_t k = batch.size(); k-- > 0;) {
            const int64_t idx = rem % batch[k];
            rem /= batch[k];
            const size_t j = k + bs.size() >= batch.size() ? k + bs.size() - batch.size() : SIZE_MAX;
            if (j != SIZE_MAX) {
              if (bs[j] != 1) off += idx * stride;
              stride *= bs[j];
            }
          }
          return off;
        };
        const int64_t ox = offset(bx, M * K), oy = offset(by, K * N);
        for (int64_t i = 0; i < M; ++i)
          for (int64_t j = 0; j < N; ++j) {
            double s = 0, sc = 1;
            uint64_t wv = 0;
            for (int64_t k = 0; k < K; ++k) {
              const double p = hx.data[size_t(ox + i * K + k)], q = hy.data[size_t(oy + k * N + j)];
              s += p * q;
              sc += std::fabs(p * q);
              wv += uint64_t(int64_t(p)) * uint64_t(int64_t(q));
            }
            want.push_back(is_int(d) ? wrap_to(d, wv) : s);
            scale.push_back(sc);
          }
      }
      EXPECT_TRUE(close_scaled(got, want, scale, is_int(d) ? 0 : tolerance(d)))
          << tsr_dtype_name(d) << " x " << shape_str(hx.shape) << " y " << shape_str(hy.shape)
          << " ta " << op.ta << " tb " << op.tb;
    }
  }
}

TEST_P(GpuLinalg, IntegerMatmulScalesWrap) {
  // Integral alpha and beta in wrapping integer arithmetic, as on the CPU.
  for (tsr_dtype d : {TSR_INT8, TSR_INT32, TSR_UINT16, TSR_INT64}) {
    Host ha = random_host({9, 13}, d, -50, 50), hb = random_host({13, 7}, d, -50, 50);
    Host hc = random_host({9, 7}, d, -50, 50);
    TensorGuard a(upload(ctx, ha, d)), b(upload(ctx, hb, d)), c(upload(ctx, hc, d));
    tsr_tensor out = c;
    ASSERT_TSR_OK(tsr_matmul(a, b, 0, 0, 3.0, -2.0, nullptr, &out));
    Host got = download(c);
    std::vector<double> want, scale(9 * 7, 1.0);
    for (int i = 0; i < 9; ++i)
      for (int j = 0; j < 7; ++j) {
        uint64_t s = 0;
        for (int k = 0; k < 13; ++k)
          s += uint64_t(int64_t(ha.data[size_t(i * 13 + k)])) * uint64_t(int64_t(hb.data[size_t(k * 7 + j)]));
        want.push_back(wrap_to(d, 3 * s + uint64_t(-2) * uint64_t(int64_t(hc.data[size_t(i * 7 + j)]))));
      }
    EXPECT_TRUE(close_scaled(got, want, scale, 0)) << tsr_dtype_name(d);
  }
}

TEST_P(GpuLinalg, MatmulAlphaBetaIntoOutput) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_FLOAT64}) {
    Host ha = random_host({20, 30}, d), hb = random_host({30, 40}, d), hc = random_host({20, 40}, d);
    TensorGuard a(upload(ctx, ha, d)), b(upload(ctx, hb, d)), c(upload(ctx, hc, d));
    tsr_tensor out = c;
    ASSERT_TSR_OK(tsr_matmul(a, b, 0, 0, 2.0, 0.5, nullptr, &out));
    ASSERT_EQ(out, c.t);
    Host got = download(c);
    std::vector<double> want, scale;
    for (int i = 0; i < 20; ++i)
      for (int j = 0; j < 40; ++j) {
        double s = 0, sc = 1;
        for (int k = 0; k < 30; ++k) {
          s += ha.data[size_t(i * 30 + k)] * hb.data[size_t(k * 40 + j)];
          sc += 2 * std::fabs(ha.data[size_t(i * 30 + k)] * hb.data[size_t(k * 40 + j)]);
        }
        want.push_back(2 * s + 0.5 * hc.data[size_t(i * 40 + j)]);
        scale.push_back(sc + std::fabs(hc.data[size_t(i * 40 + j)]));
      }
    EXPECT_TRUE(close_scaled(got, want, scale, tolerance(d))) << tsr_dtype_name(d);
  }
}

TEST_P(GpuLinalg, Tf32OnlyWhenTheContextAllowsIt) {
  // a = 1 + j * 2^-12 needs 13 mantissa bits: exact in float32, rounded in
  // TF32 (10 bits). b holds small integers, so every float32 product and
  // partial sum is exact and the float32 result must be exact.
  const int M = 256, K = 512, N = 256;
  Host ha, hb;
  ha.shape = {M, K};
  hb.shape = {K, N};
  for (int i = 0; i < M * K; ++i) ha.data.push_back(1.0 + double(1 + (i * 7) % 3) * std::ldexp(1.0, -12));
  for (int i = 0; i < K * N; ++i) hb.data.push_back(double(1 + (i * 5) % 3));
  double exact_err = 0, tf32_err = 0;
  for (int allow = 0; allow < 2; ++allow) {
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = GetParam().kind;
    o.flags = allow ? TSR_CONTEXT_ALLOW_TF32 : 0;
    tsr_context c = nullptr;
    ASSERT_TSR_OK(tsr_context_create(&o, &c));
    {
      TensorGuard a(upload(c, ha, TSR_FLOAT32)), b(upload(c, hb, TSR_FLOAT32)), y;
      ASSERT_TSR_OK(tsr_matmul(a, b, 0, 0, 1.0, 0.0, nullptr, y.out()));
      Host got = download(y);
      double err = 0;
      for (int i = 0; i < M; i += 17)
        for (int j = 0; j < N; j += 13) {
          double s = 0;
          for (int k = 0; k < K; ++k) s += ha.data[size_t(i * K + k)] * hb.data[size_t(k * N + j)];
          err = std::max(err, std::fabs(got.data[size_t(i * N + j)] - s) / std::fabs(s));
        }
      (allow ? tf32_err : exact_err) = err;
    }
    tsr_context_release(c);
  }
  EXPECT_EQ(exact_err, 0) << "float32 without TF32 must be exact on these inputs";
  EXPECT_GT(tf32_err, 1e-5) << "TF32 was allowed but no input was rounded to TF32";
  EXPECT_LT(tf32_err, 5e-3) << "TF32";
}

TEST_P(GpuLinalg, LinearEveryActivationAndBias) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT64})
    for (int bias_kind = 0; bias_kind < 3; ++bias_kind)  // none, contiguous, strided
      for (int a = TSR_ACTIVATION_NONE; a <= TSR_ACTIVATION_TANH; ++a) {
        Host hx = random_host({2, 7, 33}, d, -1, 1), hw = random_host({45, 33}, d, -1, 1);
        Host hb = random_host({90}, d, -1, 1);
        TensorGuard x(upload(ctx, hx, d)), w(upload(ctx, hw, d)), b(upload(ctx, hb, d)), bv, y;
        const int64_t st = bias_kind == 2 ? 1 : 0, sp = bias_kind == 2 ? 90 : 45, step = bias_kind == 2 ? 2 : 1;
        ASSERT_TSR_OK(tsr_tensor_slice(b, &st, &sp, &step, bv.out()));
        ASSERT_TSR_OK(tsr_linear(x, w, bias_kind ? bv.t : nullptr, tsr_activation(a), nullptr, y.out()));
        Host got = download(y);
        EXPECT_EQ(got.shape, (std::vector<int64_t>{2, 7, 45}));
        std::vector<double> want, scale;
        for (int m = 0; m < 14; ++m)
          for (int n = 0; n < 45; ++n) {
            double s = bias_kind ? hb.data[size_t(st + n * step)] : 0, sc = 1 + std::fabs(s);
            for (int k = 0; k < 33; ++k) {
              s += hx.data[size_t(m * 33 + k)] * hw.data[size_t(n * 33 + k)];
              sc += std::fabs(hx.data[size_t(m * 33 + k)] * hw.data[size_t(n * 33 + k)]);
            }
            want.push_back(act(a, s));
            scale.push_back(sc);
          }
        EXPECT_TRUE(close_scaled(got, want, scale, tolerance(d)))
            << tsr_dtype_name(d) << " activation " << a << " bias kind " << bias_kind;
      }
}

TEST_P(GpuLinalg, LinearMlpSized) {
  Host hx = random_host({32, 1024}, TSR_FLOAT32, -1, 1), hw = random_host({1024, 1024}, TSR_FLOAT32, -0.03, 0.03);
  Host hb = random_host({1024}, TSR_FLOAT32, -0.1, 0.1);
  TensorGuard x(upload(ctx, hx, TSR_FLOAT32)), w(upload(ctx, hw, TSR_FLOAT32)), b(upload(ctx, hb, TSR_FLOAT32)), y;
  ASSERT_TSR_OK(tsr_linear(x, w, b, TSR_ACTIVATION_RELU, nullptr, y.out()));
  Host got = download(y);
  std::vector<double> want, scale;
  for (int m = 0; m < 32; ++m)
    for (int n = 0; n < 1024; ++n) {
      double s = hb.data[size_t(n)], sc = 1;
      for (int k = 0; k < 1024; ++k) {
        s += hx.data[size_t(m * 1024 + k)] * hw.data[size_t(n * 1024 + k)];
        sc += std::fabs(hx.data[size_t(m * 1024 + k)] * hw.data[size_t(n * 1024 + k)]);
      }
      want.push_back(s > 0 ? s : 0);
      scale.push_back(sc);
    }
  EXPECT_TRUE(close_scaled(got, want, scale, tolerance(TSR_FLOAT32)));
}

class GpuRowOps : public GpuVsCpuTest {};

TEST_P(GpuRowOps, SoftmaxAndNormsEveryWidthAndDtype) {
  const int64_t widths[] = {1, 7, 100, 129, 1000, 1024, 3000, 4097, 20000, 40000};
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT64})
    for (int64_t cols : widths) {
      const int64_t rows = cols > 5000 ? 3 : 9;
      Host hx = random_host({rows, cols}, d, -3, 3);
      Host hg = random_host({cols}, d, 0.5, 1.5), hb = random_host({cols}, d, -1, 1);
      TensorGuard x(upload(ctx, hx, d)), g(upload(ctx, hg, d)), b(upload(ctx, hb, d));
      const double eps = 1e-5;
      for (int kind = 0; kind < 6; ++kind) {
        // 0 softmax, 1 log_softmax, 2 layer_norm(g, b), 3 layer_norm(), 4 rms_norm(g), 5 rms_norm()
        TensorGuard y;
        tsr_status st;
        switch (kind) {
          case 0: st = tsr_softmax(x, nullptr, y.out()); break;
          case 1: st = tsr_log_softmax(x, nullptr, y.out()); break;
          case 2: st = tsr_layer_norm(x, g, b, eps, nullptr, y.out()); break;
          case 3: st = tsr_layer_norm(x, nullptr, nullptr, eps, nullptr, y.out()); break;
          case 4: st = tsr_rms_norm(x, g, eps, nullptr, y.out()); break;
          default: st = tsr_rms_norm(x, nullptr, eps, nullptr, y.out()); break;
        }
        ASSERT_EQ(st, TSR_OK) << tsr_last_error_message();
        Host got = download(y);
        std::vector<double> want;
        for (int64_t r = 0; r < rows; ++r) {
          const double* v = &hx.data[size_t(r * cols)];
          double m = -INFINITY, s = 0, mean = 0, q = 0;
          for (int64_t c = 0; c < cols; ++c) m = std::max(m, v[c]);
          for (int64_t c = 0; c < cols; ++c) s += std::exp(v[c] - m);
          for (int64_t c = 0; c < cols; ++c) mean += v[c] / double(cols);
          for (int64_t c = 0; c < cols; ++c) q += (kind >= 4 ? v[c] * v[c] : (v[c] - mean) * (v[c] - mean));
          const double rs = 1 / std::sqrt(q / double(cols) + eps);
          for (int64_t c = 0; c < cols; ++c) {
            double o;
            if (kind == 0) o = std::exp(v[c] - m) / s;
            else if (kind == 1) o = v[c] - m - std::log(s);
            else if (kind <= 3) o = (v[c] - mean) * rs * (kind == 2 ? hg.data[size_t(c)] : 1) + (kind == 2 ? hb.data[size_t(c)] : 0);
            else o = v[c] * rs * (kind == 4 ? hg.data[size_t(c)] : 1);
            want.push_back(o);
          }
        }
        EXPECT_TRUE(all_close(got, want, tolerance(d) * 4)) << tsr_dtype_name(d) << " cols " << cols << " kind " << kind;
      }
    }
}

TEST_P(GpuRowOps, PermutedInputAndMixedParameterDtype) {
  Host hx = random_host({6, 5, 40}, TSR_FLOAT16, -2, 2), hg = random_host({6}, TSR_FLOAT32, 0.5, 1.5);
  TensorGuard x(upload(ctx, hx, TSR_FLOAT16)), g(upload(ctx, hg, TSR_FLOAT32)), xp, y;
  const int32_t perm[3] = {2, 1, 0};
  ASSERT_TSR_OK(tsr_tensor_permute(x, perm, 3, xp.out()));  // [40, 5, 6], last axis strided
  ASSERT_TSR_OK(tsr_rms_norm(xp, g, 1e-6, nullptr, y.out()));
  Host got = download(y);
  std::vector<double> want;
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 5; ++j) {
      double q = 0;
      for (int k = 0; k < 6; ++k) q += std::pow(hx.data[size_t(k * 200 + j * 40 + i)], 2);
      const double rs = 1 / std::sqrt(q / 6 + 1e-6);
      for (int k = 0; k < 6; ++k) want.push_back(hx.data[size_t(k * 200 + j * 40 + i)] * rs * hg.data[size_t(k)]);
    }
  EXPECT_TRUE(all_close(got, want, tolerance(TSR_FLOAT16) * 2));
}

TSR_INSTANTIATE_GPU_BACKENDS(GpuLinalg);
TSR_INSTANTIATE_GPU_BACKENDS(GpuRowOps);
