// softmax, log_softmax, layer_norm and rms_norm on every backend, against a
// float64 reference computed from the downloaded input: float32/float64/
// float16/bfloat16, with and without gamma/beta (also of another dtype),
// rows of length 1, large inputs (stability), non-contiguous inputs and
// outputs, zero-size tensors, and the error paths.
#include <cmath>
#include <functional>
#include <limits>

#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

enum class Norm { Softmax, LogSoftmax, LayerNorm, RmsNorm };

const char* norm_name(Norm k) {
  switch (k) {
    case Norm::Softmax: return "softmax";
    case Norm::LogSoftmax: return "log_softmax";
    case Norm::LayerNorm: return "layer_norm";
    default: return "rms_norm";
  }
}

// float64 reference over the last axis of x.
std::vector<double> reference(Norm kind, const Host& x, const Host* gamma, const Host* beta,
                              double eps, tsr_dtype out_dtype) {
  const int64_t cols = x.shape.empty() ? 1 : x.shape.back();
  const int64_t rows = cols ? x.numel() / cols : 0;
  std::vector<double> y(size_t(x.numel()));
  for (int64_t r = 0; r < rows; ++r) {
    const double* xr = x.data.data() + r * cols;
    double* yr = y.data() + r * cols;
    const double n = double(cols);
    if (kind == Norm::Softmax || kind == Norm::LogSoftmax) {
      double m = -INFINITY;
      for (int64_t j = 0; j < cols; ++j) m = std::max(m, xr[j]);
      double s = 0;
      for (int64_t j = 0; j < cols; ++j) s += std::exp(xr[j] - m);
      for (int64_t j = 0; j < cols; ++j)
        yr[j] = kind == Norm::Softmax ? std::exp(xr[j] - m) / s : xr[j] - m - std::log(s);
    } else if (kind == Norm::LayerNorm) {
      double mean = 0, var = 0;
      for (int64_t j = 0; j < cols; ++j) mean += xr[j];
      mean /= n;
      for (int64_t j = 0; j < cols; ++j) var += (xr[j] - mean) * (xr[j] - mean);
      var /= n;
      for (int64_t j = 0; j < cols; ++j) {
        yr[j] = (xr[j] - mean) / std::sqrt(var + eps);
        if (gamma) yr[j] *= gamma->data[size_t(j)];
        if (beta) yr[j] += beta->data[size_t(j)];
      }
    } else {
      double ms = 0;
      for (int64_t j = 0; j < cols; ++j) ms += xr[j] * xr[j];
      ms /= n;
      for (int64_t j = 0; j < cols; ++j) {
        yr[j] = xr[j] / std::sqrt(ms + eps);
        if (gamma) yr[j] *= gamma->data[size_t(j)];
      }
    }
  }
  for (auto& v : y) v = round_to(v, out_dtype);
  return y;
}

// Normalized outputs are O(1) but their error scales with the input's size
// relative to the row's spread, hence 4x the dtype tolerance.
double norm_tolerance(tsr_dtype d) { return 4 * tolerance(d); }

class Normalization : public BackendTest {
 protected:
  bool dtype_ok(tsr_dtype d) const {
    return (d != TSR_FLOAT64 || supports_float64) &&
           ((d != TSR_FLOAT16 && d != TSR_BFLOAT16) || supports_float16);
  }

  tsr_status call(Norm kind, tsr_tensor x, tsr_tensor gamma, tsr_tensor beta, double eps,
                  tsr_tensor* out) {
    switch (kind) {
      case Norm::Softmax: return tsr_softmax(x, nullptr, out);
      case Norm::LogSoftmax: return tsr_log_softmax(x, nullptr, out);
      case Norm::LayerNorm: return tsr_layer_norm(x, gamma, beta, eps, nullptr, out);
      default: return tsr_rms_norm(x, gamma, eps, nullptr, out);
    }
  }

  // Runs `kind` on x (any layout) with optional parameters and compares with
  // the reference computed from the downloaded tensors.
  void check(Norm kind, tsr_tensor x, tsr_dtype d, tsr_tensor gamma = nullptr,
             tsr_tensor beta = nullptr, double eps = 1e-5, double tol = -1) {
    Host hx = download(x);
    Host hg, hb;
    if (gamma) hg = download(gamma);
    if (beta) hb = download(beta);
    SCOPED_TRACE(std::string(norm_name(kind)) + " " + tsr_dtype_name(d) + " " +
                 shape_str(hx.shape) + (gamma ? " gamma" : "") + (beta ? " beta" : ""));
    TensorGuard out;
    ASSERT_TSR_OK(call(kind, x, gamma, beta, eps, out.out()));
    tsr_dtype od = TSR_BOOL;
    ASSERT_TSR_OK(tsr_tensor_dtype(out, &od));
    EXPECT_EQ(od, d);
    Host got = download(out);
    EXPECT_EQ(got.shape, hx.shape);
    EXPECT_TRUE(
        all_close(got, reference(kind, hx, gamma ? &hg : nullptr, beta ? &hb : nullptr, eps, d),
                  tol >= 0 ? tol : norm_tolerance(d)));
  }
};

const Norm kAll[] = {Norm::Softmax, Norm::LogSoftmax, Norm::LayerNorm, Norm::RmsNorm};
const tsr_dtype kFloats[] = {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_BFLOAT16};

TEST_P(Normalization, EveryKindEveryFloatDtype) {
  for (tsr_dtype d : kFloats) {
    if (!dtype_ok(d)) continue;
    for (const std::vector<int64_t>& shape :
         std::vector<std::vector<int64_t>>{{7, 33}, {5}, {2, 3, 17}, {4, 1}, {1, 1}, {3, 1000}}) {
      TensorGuard x(upload(ctx, random_host(shape, d), d));
      for (Norm k : kAll) check(k, x, d);
    }
  }
}

TEST_P(Normalization, GammaAndBeta) {
  for (tsr_dtype d : kFloats) {
    if (!dtype_ok(d)) continue;
    for (int64_t cols : {1, 9, 130}) {
      TensorGuard x(upload(ctx, random_host({6, cols}, d), d));
      // Parameters in x's dtype, and in another dtype (converted by the kernel).
      for (tsr_dtype pd : {d, d == TSR_FLOAT32 ? TSR_FLOAT64 : TSR_FLOAT32}) {
        if (!dtype_ok(pd)) continue;
        TensorGuard g(upload(ctx, random_host({cols}, pd, 0.5, 2), pd)),
            b(upload(ctx, random_host({cols}, pd), pd));
        for (tsr_tensor gamma : {(tsr_tensor) nullptr, g.t})
          for (tsr_tensor beta : {(tsr_tensor) nullptr, b.t})
            check(Norm::LayerNorm, x, d, gamma, beta);
        check(Norm::RmsNorm, x, d, g);
        check(Norm::RmsNorm, x, d, nullptr);
      }
    }
  }
}

// Inputs around 1e3 overflow exp() unless the row maximum is subtracted, and
// lose a one-pass variance unless it is shifted.
TEST_P(Normalization, LargeValuesAreStable) {
  for (tsr_dtype d : kFloats) {
    if (!dtype_ok(d)) continue;
    // Spread over [-1000, 1000): softmax is nearly one-hot, log_softmax ~ -2000.
    TensorGuard wide(upload(ctx, random_host({8, 50}, d, -1000, 1000), d));
    // Around 1000 with a small spread: all exps overflow without the shift.
    TensorGuard high(upload(ctx, random_host({8, 50}, d, 996, 1004), d));
    for (Norm k : kAll) {
      check(k, wide, d);
      check(k, high, d);
    }
    Host got;
    {
      TensorGuard out;
      ASSERT_TSR_OK(tsr_softmax(high, nullptr, out.out()));
      got = download(out);
    }
    for (double v : got.data) ASSERT_TRUE(std::isfinite(v)) << tsr_dtype_name(d);
  }
}

TEST_P(Normalization, SingleElementRows) {
  for (tsr_dtype d : kFloats) {
    if (!dtype_ok(d)) continue;
    Host h = random_host({5, 1}, d);
    TensorGuard x(upload(ctx, h, d));
    auto run = [&](Norm k) {
      TensorGuard out;
      EXPECT_TSR_OK(call(k, x, nullptr, nullptr, 1e-5, out.out()));
      return download(out).data;
    };
    EXPECT_EQ(run(Norm::Softmax), std::vector<double>(5, 1.0));
    EXPECT_EQ(run(Norm::LogSoftmax), std::vector<double>(5, 0.0));
    EXPECT_EQ(run(Norm::LayerNorm), std::vector<double>(5, 0.0));
    TensorGuard b(upload(ctx, random_host({1}, d), d));
    check(Norm::LayerNorm, x, d, nullptr, b);  // gives beta
    check(Norm::RmsNorm, x, d);                // x / sqrt(x^2 + eps)
  }
}

TEST_P(Normalization, NonContiguousInputs) {
  for (tsr_dtype d : kFloats) {
    if (!dtype_ok(d)) continue;
    TensorGuard base(upload(ctx, random_host({12, 10, 3}, d), d));
    TensorGuard perm, sliced;
    const int32_t order[3] = {2, 0, 1};  // [3, 12, 10]; the last axis has stride 3
    ASSERT_TSR_OK(tsr_tensor_permute(base, order, 3, perm.out()));
    const int64_t starts[3] = {1, INT64_MIN, 0}, stops[3] = {12, INT64_MAX, 3},
                  steps[3] = {3, -2, 2};  // [4, 5, 2], reversed middle axis
    ASSERT_TSR_OK(tsr_tensor_slice(base, starts, stops, steps, sliced.out()));
    TensorGuard g10(upload(ctx, random_host({10}, d, 0.5, 2), d)),
        b10(upload(ctx, random_host({10}, d), d)), g2(upload(ctx, random_host({2}, d), d));
    for (Norm k : kAll) {
      check(k, perm, d, k == Norm::Softmax || k == Norm::LogSoftmax ? nullptr : g10.t,
            k == Norm::LayerNorm ? b10.t : nullptr);
      check(k, sliced, d, k == Norm::Softmax || k == Norm::LogSoftmax ? nullptr : g2.t);
    }
    // A strided gamma: every other element of a [20] tensor.
    TensorGuard g20(upload(ctx, random_host({20}, d, 0.5, 2), d)), gs;
    const int64_t s0[1] = {0}, e0[1] = {20}, st[1] = {2};
    ASSERT_TSR_OK(tsr_tensor_slice(g20, s0, e0, st, gs.out()));
    check(Norm::RmsNorm, perm, d, gs);
    check(Norm::LayerNorm, perm, d, gs, gs);
  }
}

TEST_P(Normalization, CallerSuppliedNonContiguousOutput) {
  Host h = random_host({4, 6}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  const int64_t shape[2] = {6, 4};
  for (Norm k : kAll) {
    TensorGuard storage, view;
    ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, TSR_FLOAT32, nullptr, storage.out()));
    ASSERT_TSR_OK(tsr_tensor_transpose(storage, 0, 1, view.out()));  // [4, 6], strides (1, 4)
    tsr_tensor out = view.t;
    ASSERT_TSR_OK(call(k, x, nullptr, nullptr, 1e-5, &out));
    EXPECT_EQ(out, view.t);
    EXPECT_TRUE(all_close(download(view), reference(k, h, nullptr, nullptr, 1e-5, TSR_FLOAT32),
                          norm_tolerance(TSR_FLOAT32)))
        << norm_name(k);
  }
}

// out = x: each kernel must read x_j before writing y_j (log_softmax reads x
// twice, so its exponentials may not live in the output).
TEST_P(Normalization, InPlace) {
  for (tsr_dtype d : kFloats) {
    if (!dtype_ok(d)) continue;
    const Host h = random_host({5, 37}, d);
    Host g = random_host({37}, d, 0.5, 2), b = random_host({37}, d);
    TensorGuard tg(upload(ctx, g, d)), tb(upload(ctx, b, d));
    for (Norm k : kAll) {
      TensorGuard x(upload(ctx, h, d));
      tsr_tensor out = x.t;
      const bool params = k == Norm::LayerNorm || k == Norm::RmsNorm;
      ASSERT_TSR_OK(call(k, x, params ? tg.t : nullptr, k == Norm::LayerNorm ? tb.t : nullptr,
                         1e-5, &out));
      EXPECT_EQ(out, x.t);
      EXPECT_TRUE(all_close(download(x),
                            reference(k, h, params ? &g : nullptr,
                                      k == Norm::LayerNorm ? &b : nullptr, 1e-5, d),
                            norm_tolerance(d)))
          << norm_name(k) << " " << tsr_dtype_name(d);
    }
  }
}

TEST_P(Normalization, ZeroSize) {
  for (const std::vector<int64_t>& shape : std::vector<std::vector<int64_t>>{{0, 5}, {3, 0}, {0}}) {
    TensorGuard x(upload(ctx, random_host(shape, TSR_FLOAT32), TSR_FLOAT32));
    for (Norm k : kAll) {
      TensorGuard out;
      EXPECT_TSR_OK(call(k, x, nullptr, nullptr, 1e-5, out.out()));
      EXPECT_EQ(download(out).shape, shape) << norm_name(k);
    }
  }
}

TEST_P(Normalization, NanAndInfinityPropagate) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Host h;
  h.shape = {2, 3};
  h.data = {1, nan, 2, /* row 1 */ 1, 2, 3};
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  for (Norm k : kAll) {
    TensorGuard out;
    ASSERT_TSR_OK(call(k, x, nullptr, nullptr, 1e-5, out.out()));
    Host got = download(out);
    for (int j = 0; j < 3; ++j) EXPECT_TRUE(std::isnan(got.data[size_t(j)])) << norm_name(k);
    for (int j = 3; j < 6; ++j) EXPECT_TRUE(std::isfinite(got.data[size_t(j)])) << norm_name(k);
  }
  // -inf entries of softmax give exactly 0 (masked attention rows).
  Host m;
  m.shape = {1, 4};
  m.data = {0.5, -INFINITY, 1.5, -INFINITY};
  TensorGuard xm(upload(ctx, m, TSR_FLOAT32)), sm;
  ASSERT_TSR_OK(tsr_softmax(xm, nullptr, sm.out()));
  Host got = download(sm);
  EXPECT_EQ(got.data[1], 0.0);
  EXPECT_EQ(got.data[3], 0.0);
  EXPECT_TRUE(all_close(got, reference(Norm::Softmax, m, nullptr, nullptr, 0, TSR_FLOAT32),
                        norm_tolerance(TSR_FLOAT32)));
}

TEST_P(Normalization, ErrorsLeaveOutputUntouched) {
  TensorGuard x(upload(ctx, random_host({3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard xi(upload(ctx, random_host({3, 4}, TSR_INT32), TSR_INT32));
  TensorGuard xb(upload(ctx, random_host({3, 4}, TSR_BOOL), TSR_BOOL));
  TensorGuard g5(upload(ctx, random_host({5}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard g2d(upload(ctx, random_host({1, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard g4(upload(ctx, random_host({4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard scalar(upload(ctx, random_host({}, TSR_FLOAT32), TSR_FLOAT32));
  const int64_t shape[2] = {3, 4};
  TensorGuard preset, wrong_shape, wrong_dtype;
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, TSR_FLOAT32, nullptr, preset.out()));
  const int64_t other[2] = {4, 3};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, other, 2, TSR_FLOAT32, nullptr, wrong_shape.out()));
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, TSR_FLOAT64, nullptr, wrong_dtype.out()));
  for (bool caller_out : {false, true}) {
    tsr_tensor out = caller_out ? preset.t : nullptr;
    const tsr_tensor before = out;
    EXPECT_TSR_ERROR(tsr_softmax(xi, nullptr, &out), TSR_ERROR_DTYPE_MISMATCH, "tsr_softmax");
    EXPECT_TSR_ERROR(tsr_log_softmax(xb, nullptr, &out), TSR_ERROR_DTYPE_MISMATCH,
                     "tsr_log_softmax");
    EXPECT_TSR_ERROR(tsr_layer_norm(xi, nullptr, nullptr, 1e-5, nullptr, &out),
                     TSR_ERROR_DTYPE_MISMATCH, "tsr_layer_norm");
    EXPECT_TSR_ERROR(tsr_rms_norm(xi, nullptr, 1e-5, nullptr, &out), TSR_ERROR_DTYPE_MISMATCH,
                     "tsr_rms_norm");
    EXPECT_TSR_ERROR(tsr_layer_norm(x, g5, nullptr, 1e-5, nullptr, &out),
                     TSR_ERROR_SHAPE_MISMATCH, "tsr_layer_norm");
    EXPECT_TSR_ERROR(tsr_layer_norm(x, g4, g2d, 1e-5, nullptr, &out), TSR_ERROR_SHAPE_MISMATCH,
                     "tsr_layer_norm");
    EXPECT_TSR_ERROR(tsr_rms_norm(x, g2d, 1e-5, nullptr, &out), TSR_ERROR_SHAPE_MISMATCH,
                     "tsr_rms_norm");
    EXPECT_TSR_ERROR(tsr_layer_norm(x, g4, nullptr, -1, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_layer_norm");
    EXPECT_TSR_ERROR(tsr_rms_norm(x, g4, NAN, nullptr, &out), TSR_ERROR_INVALID_ARGUMENT,
                     "tsr_rms_norm");
    EXPECT_TSR_ERROR(tsr_softmax(scalar, nullptr, &out), TSR_ERROR_INVALID_SHAPE, "tsr_softmax");
    EXPECT_TSR_ERROR(tsr_softmax(nullptr, nullptr, &out), TSR_ERROR_INVALID_HANDLE,
                     "tsr_softmax");
    EXPECT_TSR_ERROR(tsr_rms_norm(x, xi, 1e-5, nullptr, &out), TSR_ERROR_SHAPE_MISMATCH,
                     "tsr_rms_norm");  // [3, 4] gamma
    EXPECT_EQ(out, before);
  }
  tsr_tensor out = wrong_shape.t;
  EXPECT_TSR_ERROR(tsr_softmax(x, nullptr, &out), TSR_ERROR_SHAPE_MISMATCH, "tsr_softmax");
  EXPECT_EQ(out, wrong_shape.t);
  out = wrong_dtype.t;
  EXPECT_TSR_ERROR(tsr_layer_norm(x, g4, g4, 1e-5, nullptr, &out), TSR_ERROR_DTYPE_MISMATCH,
                   "tsr_layer_norm");
  EXPECT_EQ(out, wrong_dtype.t);
  EXPECT_EQ(download(preset).data, std::vector<double>(12, 0.0));
  EXPECT_EQ(download(wrong_dtype).data, std::vector<double>(12, 0.0));
}

TSR_INSTANTIATE_BACKENDS(Normalization);

}  // namespace
