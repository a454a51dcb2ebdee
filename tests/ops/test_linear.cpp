// tsr_linear on every backend against a float64 reference: each activation
// with and without bias, every float dtype, x of rank 1 to 3, strided
// weights and biases, zero sizes, and the error paths.
#include <cmath>

#include "ops/matmul_reference.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

double activate(tsr_activation act, double v) {
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

const tsr_activation kActivations[] = {TSR_ACTIVATION_NONE, TSR_ACTIVATION_RELU,
                                       TSR_ACTIVATION_GELU, TSR_ACTIVATION_SILU,
                                       TSR_ACTIVATION_SIGMOID, TSR_ACTIVATION_TANH};

// act(x @ w^T + bias): the matmul reference with bias folded in as beta * c
// (so the tolerance covers it), then the activation, whose slope is at most
// about 1.13 (GELU), so the bound carries over.
MatmulRef ref_linear(const Host& x, const Host& w, const Host* bias, tsr_activation act) {
  MatmulRef r = ref_matmul(x, w, false, true, 1.0, 0.0, nullptr);
  const int64_t N = w.shape[0];
  for (size_t i = 0; i < r.want.size(); ++i) {
    const double b = bias ? bias->data[i % size_t(N)] : 0;
    r.mag[i] = 1.2 * (r.mag[i] + std::fabs(b));
    r.want[i] = activate(act, r.want[i] + b);
  }
  return r;
}

class Linear : public BackendTest {
 protected:
  bool supported(tsr_dtype dt) const {
    if (dt == TSR_FLOAT64) return supports_float64;
    if (dt == TSR_FLOAT16 || dt == TSR_BFLOAT16) return supports_float16;
    return true;
  }
  void check(const std::vector<int64_t>& sx, int64_t N, bool with_bias, tsr_activation act,
             tsr_dtype dt) {
    SCOPED_TRACE("x " + shape_str(sx) + " N=" + std::to_string(N) + (with_bias ? " bias" : "") +
                 " act " + std::to_string(int(act)) + " " + tsr_dtype_name(dt));
    const int64_t K = sx.back();
    Host x = random_host(sx, dt, -1, 1), w = random_host({N, K}, dt, -1, 1);
    Host b = random_host({N}, dt, -1, 1);
    TensorGuard tx(upload(ctx, x, dt)), tw(upload(ctx, w, dt)), tb(upload(ctx, b, dt)), out;
    ASSERT_TSR_OK(tsr_linear(tx, tw, with_bias ? tb.t : nullptr, act, nullptr, out.out()));
    expect_matmul(download(out), ref_linear(x, w, with_bias ? &b : nullptr, act), dt);
  }
};

TEST_P(Linear, EveryActivationDtypeAndBias) {
  for (tsr_dtype dt : {TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT32, TSR_FLOAT64}) {
    if (!supported(dt)) continue;
    for (tsr_activation act : kActivations)
      for (bool bias : {false, true}) check({5, 12}, 7, bias, act, dt);
  }
}

TEST_P(Linear, InputRanks) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16}) {
    if (!supported(dt)) continue;
    check({12}, 7, true, TSR_ACTIVATION_GELU, dt);         // [K] -> [N]
    check({1, 12}, 7, true, TSR_ACTIVATION_RELU, dt);
    check({2, 3, 12}, 7, true, TSR_ACTIVATION_SILU, dt);   // [.., K] -> [.., N]
    check({4, 128, 64}, 300, true, TSR_ACTIVATION_GELU, dt);  // a parallel epilogue
    check({3, 40, 96}, 130, false, TSR_ACTIVATION_TANH, dt);
  }
}

// Weights BLAS reads as stored ([K, N] transposed to [N, K]) and ones it
// cannot (steps), strided biases, a permuted x, a caller's strided output.
TEST_P(Linear, NonContiguousOperands) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_BFLOAT16}) {
    if (!supported(dt)) continue;
    SCOPED_TRACE(tsr_dtype_name(dt));
    const int64_t M = 6, K = 10, N = 5;
    TensorGuard x_base(upload(ctx, random_host({K, M}, dt, -1, 1), dt)), x;
    ASSERT_TSR_OK(tsr_tensor_transpose(x_base, 0, 1, x.out()));
    TensorGuard wt_base(upload(ctx, random_host({K, N}, dt, -1, 1), dt)), w_t;
    ASSERT_TSR_OK(tsr_tensor_transpose(wt_base, 0, 1, w_t.out()));
    TensorGuard ws_base(upload(ctx, random_host({2 * N, 2 * K}, dt, -1, 1), dt)), w_s;
    const int64_t s0[2] = {1, 0}, e0[2] = {INT64_MAX, INT64_MAX}, st[2] = {2, 2};
    ASSERT_TSR_OK(tsr_tensor_slice(ws_base, s0, e0, st, w_s.out()));
    TensorGuard b_base(upload(ctx, random_host({3 * N}, dt, -1, 1), dt)), b_s;
    const int64_t bs[1] = {INT64_MIN}, be[1] = {INT64_MAX}, bst[1] = {-3};
    ASSERT_TSR_OK(tsr_tensor_slice(b_base, bs, be, bst, b_s.out()));
    Host hx = download(x), hwt = download(w_t), hws = download(w_s), hb = download(b_s);
    ASSERT_EQ(hws.shape, (std::vector<int64_t>{N, K}));
    ASSERT_EQ(hb.shape, (std::vector<int64_t>{N}));
    for (tsr_tensor w : {w_t.t, w_s.t}) {
      const Host& hw = w == w_t.t ? hwt : hws;
      TensorGuard out;
      ASSERT_TSR_OK(tsr_linear(x, w, b_s, TSR_ACTIVATION_SIGMOID, nullptr, out.out()));
      expect_matmul(download(out), ref_linear(hx, hw, &hb, TSR_ACTIVATION_SIGMOID), dt);
    }
    // A caller's output that is a transposed view.
    TensorGuard o_base(upload(ctx, random_host({N, M}, dt, -1, 1), dt)), o_t;
    ASSERT_TSR_OK(tsr_tensor_transpose(o_base, 0, 1, o_t.out()));
    const tsr_tensor h = o_t.t;
    ASSERT_TSR_OK(tsr_linear(x, w_t, b_s, TSR_ACTIVATION_RELU, nullptr, o_t.out()));
    EXPECT_EQ(o_t.t, h);
    expect_matmul(download(o_t), ref_linear(hx, hwt, &hb, TSR_ACTIVATION_RELU), dt);
  }
}

TEST_P(Linear, ZeroSizes) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT16}) {
    if (!supported(dt)) continue;
    for (tsr_activation act : kActivations) {
      check({4, 0}, 6, true, act, dt);   // K = 0: act(bias)
      check({4, 0}, 6, false, act, dt);  // K = 0: act(0)
    }
    check({0, 8}, 6, true, TSR_ACTIVATION_GELU, dt);  // M = 0
    check({4, 8}, 0, true, TSR_ACTIVATION_GELU, dt);  // N = 0
    check({0}, 3, true, TSR_ACTIVATION_TANH, dt);     // a 1-D x with no features
  }
}

// The output is written in place when supplied, even when it is x itself.
TEST_P(Linear, CallersOutput) {
  const tsr_dtype dt = TSR_FLOAT32;
  const int64_t M = 5, K = 8;
  Host x = random_host({M, K}, dt, -1, 1), w = random_host({K, K}, dt, -1, 1);
  Host b = random_host({K}, dt, -1, 1);
  TensorGuard tx(upload(ctx, x, dt)), tw(upload(ctx, w, dt)), tb(upload(ctx, b, dt));
  TensorGuard out(upload(ctx, random_host({M, K}, dt), dt));
  const tsr_tensor h = out.t;
  ASSERT_TSR_OK(tsr_linear(tx, tw, tb, TSR_ACTIVATION_SILU, nullptr, out.out()));
  EXPECT_EQ(out.t, h);
  expect_matmul(download(out), ref_linear(x, w, &b, TSR_ACTIVATION_SILU), dt);
  tsr_tensor self = tx;  // x = act(x @ w^T + b)
  ASSERT_TSR_OK(tsr_linear(tx, tw, tb, TSR_ACTIVATION_TANH, nullptr, &self));
  EXPECT_EQ(self, tx.t);
  expect_matmul(download(tx), ref_linear(x, w, &b, TSR_ACTIVATION_TANH), dt);
}

TSR_INSTANTIATE_BACKENDS(Linear);

// ---------------------------------------------------------------- errors

class LinearErrors : public BackendTest {
 protected:
  void expect_untouched(const TensorGuard& out, tsr_tensor handle, const Host& before) {
    EXPECT_EQ(out.t, handle) << "the output handle changed";
    Host now = download(out);
    EXPECT_EQ(now.data, before.data) << "the output was written";
  }
};

TEST_P(LinearErrors, MismatchedDtypes) {
  TensorGuard x(upload(ctx, random_host({3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard w64(upload(ctx, random_host({2, 4}, TSR_FLOAT64), TSR_FLOAT64));
  TensorGuard w(upload(ctx, random_host({2, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard b16(upload(ctx, random_host({2}, TSR_FLOAT16), TSR_FLOAT16));
  TensorGuard xi(upload(ctx, random_host({3, 4}, TSR_INT32), TSR_INT32));
  TensorGuard wi(upload(ctx, random_host({2, 4}, TSR_INT32), TSR_INT32));
  Host c = random_host({3, 2}, TSR_FLOAT32);
  TensorGuard out(upload(ctx, c, TSR_FLOAT32)), none;
  const tsr_tensor h = out.t;
  EXPECT_TSR_ERROR(tsr_linear(x, w64, nullptr, TSR_ACTIVATION_NONE, nullptr, out.out()),
                   TSR_ERROR_DTYPE_MISMATCH, "tsr_linear");
  expect_untouched(out, h, c);
  EXPECT_TSR_ERROR(tsr_linear(x, w, b16, TSR_ACTIVATION_NONE, nullptr, out.out()),
                   TSR_ERROR_DTYPE_MISMATCH, "tsr_linear");
  expect_untouched(out, h, c);
  EXPECT_TSR_ERROR(tsr_linear(xi, wi, nullptr, TSR_ACTIVATION_NONE, nullptr, none.out()),
                   TSR_ERROR_DTYPE_MISMATCH, "tsr_linear");
  EXPECT_EQ(none.t, nullptr);
}

TEST_P(LinearErrors, MismatchedShapes) {
  TensorGuard x(upload(ctx, random_host({3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard w(upload(ctx, random_host({2, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard w5(upload(ctx, random_host({2, 5}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard w1(upload(ctx, random_host({4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard b3(upload(ctx, random_host({3}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard b2d(upload(ctx, random_host({1, 2}, TSR_FLOAT32), TSR_FLOAT32));
  Host c = random_host({3, 2}, TSR_FLOAT32);
  TensorGuard out(upload(ctx, c, TSR_FLOAT32)), none;
  const tsr_tensor h = out.t;
  EXPECT_TSR_ERROR(tsr_linear(x, w, b3, TSR_ACTIVATION_RELU, nullptr, out.out()),
                   TSR_ERROR_SHAPE_MISMATCH, "tsr_linear");
  expect_untouched(out, h, c);
  EXPECT_TSR_ERROR(tsr_linear(x, w, b2d, TSR_ACTIVATION_RELU, nullptr, out.out()),
                   TSR_ERROR_SHAPE_MISMATCH, "tsr_linear");
  expect_untouched(out, h, c);
  EXPECT_TSR_ERROR(tsr_linear(x, w5, nullptr, TSR_ACTIVATION_RELU, nullptr, out.out()),
                   TSR_ERROR_SHAPE_MISMATCH, "tsr_linear");
  expect_untouched(out, h, c);
  EXPECT_TSR_ERROR(tsr_linear(x, w1, nullptr, TSR_ACTIVATION_RELU, nullptr, none.out()),
                   TSR_ERROR_INVALID_SHAPE, "tsr_linear");
  EXPECT_EQ(none.t, nullptr);
  // A supplied output of the wrong shape.
  Host wrong = random_host({2, 3}, TSR_FLOAT32);
  TensorGuard out_wrong(upload(ctx, wrong, TSR_FLOAT32));
  const tsr_tensor hw = out_wrong.t;
  EXPECT_TSR_ERROR(tsr_linear(x, w, nullptr, TSR_ACTIVATION_RELU, nullptr, out_wrong.out()),
                   TSR_ERROR_SHAPE_MISMATCH, "tsr_linear");
  expect_untouched(out_wrong, hw, wrong);
}

TEST_P(LinearErrors, InvalidActivation) {
  TensorGuard x(upload(ctx, random_host({3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard w(upload(ctx, random_host({2, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard none;
  EXPECT_TSR_ERROR(tsr_linear(x, w, nullptr, tsr_activation(42), nullptr, none.out()),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_linear");
  EXPECT_EQ(none.t, nullptr);
}

TSR_INSTANTIATE_BACKENDS(LinearErrors);

}  // namespace
