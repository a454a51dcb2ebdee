// Every unary op on every dtype, against the float64 reference of
// ops/elementwise_spec.h: result dtypes and rejections, special values,
// broadcast-free layouts (permuted, strided, reversed, expanded), zero-size
// and scalar-shaped tensors, 8 dimensions, caller-supplied and in-place outputs.
#include <cmath>

#include "ops/elementwise_spec.h"
#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;
using spec::Rule;
using spec::UnaryCase;

namespace {

// Inputs that keep each op's result meaningful: positive arguments for
// log/sqrt, |x| < pi/2 for tan, full integer ranges where wrapping is the
// point (abs/negative/square of the most negative value).
Host unary_input(tsr_unary_op op, tsr_dtype dtype, const std::vector<int64_t>& shape) {
  const bool integer = is_int(dtype);
  switch (op) {
    case TSR_LOG:
    case TSR_SQRT:
    case TSR_RSQRT: return random_values(shape, dtype, integer ? 1 : 0.25, 4);
    case TSR_LOG1P: return random_values(shape, dtype, integer ? 0 : -0.75, 4);
    case TSR_TAN: return random_values(shape, dtype, -1.2, 1.2);
    case TSR_ABS:
    case TSR_NEGATIVE:
    case TSR_SIGN:
    case TSR_RELU:
    case TSR_FLOOR:
    case TSR_CEIL:
    case TSR_ROUND:
      return integer ? random_values(shape, dtype, -1e300, 1e300) : random_values(shape, dtype, -4, 4);
    case TSR_SQUARE:
      // Squares stay exact in float64 (<= 2^52) yet wrap in 8-, 16- and 32-bit types.
      return integer ? random_values(shape, dtype, -std::ldexp(1.0, 26), std::ldexp(1.0, 26))
                     : random_values(shape, dtype, -4, 4);
    case TSR_LOGICAL_NOT: {
      Host h = random_values(shape, dtype, -2, 2);
      inject_zeros(h);
      return h;
    }
    default: return random_values(shape, dtype, -4, 4);
  }
}

const UnaryCase& case_of(tsr_unary_op op) {
  for (const auto& c : spec::unary_cases())
    if (c.op == op) return c;
  throw std::runtime_error("no such unary op");
}

// The expected output of `c` for the (logical, C-order) input values `x`.
std::vector<double> unary_expected(const UnaryCase& c, const Host& x, tsr_dtype in,
                                   tsr_dtype compute, tsr_dtype result) {
  std::vector<double> want(x.data.size());
  for (size_t i = 0; i < want.size(); ++i) {
    double v = spec::unary_ref(c.op, spec::cast_to(x.data[i], in, compute), compute);
    want[i] = is_float(result) ? round_to(v, result) : v;
  }
  return want;
}

class Unary : public BackendTest {
 protected:
  bool dtype_ok(tsr_dtype d) const {
    return (d != TSR_FLOAT64 || supports_float64) &&
           ((d != TSR_FLOAT16 && d != TSR_BFLOAT16) || supports_float16);
  }
  // Runs `c` on tensor `x` (any layout) and checks dtype, shape and values.
  void check(const UnaryCase& c, tsr_tensor x, tsr_dtype in) {
    tsr_dtype compute, result;
    ASSERT_TRUE(spec::dtypes_for(c.rule, in, &compute, &result));
    Host xs = download(x);
    TensorGuard y;
    ASSERT_TSR_OK(tsr_unary(c.op, x, nullptr, y.out()));
    EXPECT_EQ(dtype_of(y), result);
    EXPECT_EQ(shape_of(y), xs.shape);
    Host got = download(y);
    EXPECT_TRUE(all_close(got, unary_expected(c, xs, in, compute, result), tolerance(result)));
  }
};

TEST_P(Unary, EveryOpEveryDtype) {
  for (const auto& c : spec::unary_cases()) {
    for (tsr_dtype d : all_dtypes()) {
      if (!dtype_ok(d)) continue;
      SCOPED_TRACE(std::string(c.name) + " of " + dtype_str(d));
      tsr_dtype compute, result;
      Host h = unary_input(c.op, d, {3, 4, 5});
      inject_specials(h, d);
      TensorGuard x(upload(ctx, h, d));
      if (!spec::dtypes_for(c.rule, d, &compute, &result)) {
        tsr_tensor y = nullptr;
        EXPECT_TSR_ERROR(tsr_unary(c.op, x, nullptr, &y), TSR_ERROR_DTYPE_MISMATCH, "tsr_unary:");
        EXPECT_NE(std::string(tsr_last_error_message()).find(c.name), std::string::npos)
            << "the message should name the op: " << tsr_last_error_message();
        EXPECT_EQ(y, nullptr);
        continue;
      }
      check(c, x, d);
    }
  }
}

TEST_P(Unary, LargeTensorsRunInParallelChunks) {
  // > 2^16 elements: the stream's worker runs it, split over threads.
  for (tsr_unary_op op : {TSR_EXP, TSR_SQRT, TSR_NEGATIVE, TSR_RELU, TSR_ROUND}) {
    for (tsr_dtype d : {TSR_FLOAT32, TSR_INT32, TSR_BFLOAT16}) {
      SCOPED_TRACE(std::string(case_of(op).name) + " of " + dtype_str(d));
      TensorGuard x(upload(ctx, unary_input(op, d, {301, 257}), d));
      check(case_of(op), x, d);
    }
  }
}

TEST_P(Unary, NonContiguousInputs) {
  for (ViewKind kind : all_view_kinds()) {
    for (tsr_dtype d : {TSR_FLOAT32, TSR_INT16, TSR_FLOAT16, TSR_UINT8}) {
      for (tsr_unary_op op : {TSR_EXP, TSR_NEGATIVE, TSR_SQUARE, TSR_ABS, TSR_SIGN}) {
        SCOPED_TRACE(std::string(case_of(op).name) + " of " + dtype_str(d) + ", " + view_name(kind));
        TensorGuard x(make_view(kind, {4, 3, 6}, [&](const std::vector<int64_t>& s) {
          return upload(ctx, unary_input(op, d, s), d);
        }));
        ASSERT_NE(x.t, nullptr);
        check(case_of(op), x, d);
      }
    }
  }
}

TEST_P(Unary, ZeroSizeScalarShapedAndEightDims) {
  const std::vector<std::vector<int64_t>> shapes = {{0}, {2, 0, 3}, {}, {1}, {2, 1, 2, 1, 2, 1, 2, 3}};
  for (const auto& shape : shapes) {
    for (tsr_unary_op op : {TSR_EXP, TSR_ABS, TSR_ISNAN, TSR_LOGICAL_NOT}) {
      for (tsr_dtype d : {TSR_FLOAT32, TSR_INT64, TSR_BOOL}) {
        const UnaryCase& c = case_of(op);
        tsr_dtype compute, result;
        if (!spec::dtypes_for(c.rule, d, &compute, &result)) continue;  // rejections: above
        SCOPED_TRACE(std::string(c.name) + " of " + dtype_str(d) + " " + shape_str(shape));
        TensorGuard x(upload(ctx, unary_input(op, d, shape), d));
        check(c, x, d);
      }
    }
  }
}

TEST_P(Unary, WritesIntoCallerOutput) {
  Host h = unary_input(TSR_EXP, TSR_FLOAT32, {5, 7});
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  TensorGuard y;
  const int64_t shape[2] = {5, 7};
  ASSERT_TSR_OK(tsr_tensor_full(ctx, shape, 2, TSR_FLOAT32, -1.0, nullptr, y.out()));
  tsr_tensor given = y.t;
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, nullptr, y.out()));
  EXPECT_EQ(y.t, given) << "the caller's handle must be kept";
  EXPECT_TRUE(all_close(download(y), unary_expected(case_of(TSR_EXP), h, TSR_FLOAT32, TSR_FLOAT32,
                                                    TSR_FLOAT32),
                        tolerance(TSR_FLOAT32)));
}

TEST_P(Unary, WritesThroughATransposedOutputView) {
  Host h = unary_input(TSR_NEGATIVE, TSR_FLOAT32, {4, 6});
  TensorGuard x(upload(ctx, h, TSR_FLOAT32)), base, out;
  const int64_t base_shape[2] = {6, 4};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, base_shape, 2, TSR_FLOAT32, nullptr, base.out()));
  ASSERT_TSR_OK(tsr_tensor_transpose(base, 0, 1, out.out()));
  tsr_tensor given = out.t;
  ASSERT_TSR_OK(tsr_unary(TSR_NEGATIVE, x, nullptr, out.out()));
  EXPECT_EQ(out.t, given);
  Host b = download(base);  // base[j][i] = -x[i][j]
  std::vector<double> want(24);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 6; ++j) want[size_t(j * 4 + i)] = -h.data[size_t(i * 6 + j)];
  EXPECT_TRUE(all_close(b, want, 0));
}

TEST_P(Unary, RejectsMismatchedOutputAndLeavesItUntouched) {
  Host h = unary_input(TSR_EXP, TSR_FLOAT32, {3, 4});
  TensorGuard x(upload(ctx, h, TSR_FLOAT32)), wrong_shape, wrong_dtype;
  const int64_t s34[2] = {3, 4}, s43[2] = {4, 3};
  ASSERT_TSR_OK(tsr_tensor_full(ctx, s43, 2, TSR_FLOAT32, 7.0, nullptr, wrong_shape.out()));
  ASSERT_TSR_OK(tsr_tensor_full(ctx, s34, 2, TSR_FLOAT64, 7.0, nullptr, wrong_dtype.out()));
  tsr_tensor o1 = wrong_shape.t, o2 = wrong_dtype.t;
  EXPECT_TSR_ERROR(tsr_unary(TSR_EXP, x, nullptr, &o1), TSR_ERROR_SHAPE_MISMATCH, "tsr_unary:");
  EXPECT_EQ(o1, wrong_shape.t);
  EXPECT_TSR_ERROR(tsr_unary(TSR_EXP, x, nullptr, &o2), TSR_ERROR_DTYPE_MISMATCH, "tsr_unary:");
  EXPECT_EQ(o2, wrong_dtype.t);
  // isnan gives bool: a float32 output is the wrong dtype.
  tsr_tensor o3 = x.t;
  EXPECT_TSR_ERROR(tsr_unary(TSR_ISNAN, x, nullptr, &o3), TSR_ERROR_DTYPE_MISMATCH, "tsr_unary:");
  EXPECT_TRUE(all_close(download(wrong_shape), std::vector<double>(12, 7.0), 0));
  EXPECT_TRUE(all_close(download(wrong_dtype), std::vector<double>(12, 7.0), 0));
  EXPECT_TRUE(all_close(download(x), h.data, 0)) << "the input must be untouched";
}

TEST_P(Unary, InPlace) {
  for (tsr_unary_op op : {TSR_EXP, TSR_NEGATIVE, TSR_FLOOR, TSR_SQUARE}) {
    for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_INT32}) {
      const UnaryCase& c = case_of(op);
      tsr_dtype compute, result;
      if (!spec::dtypes_for(c.rule, d, &compute, &result) || result != d) continue;
      SCOPED_TRACE(std::string(c.name) + " of " + dtype_str(d) + " in place");
      Host h = unary_input(op, d, {6, 50});
      TensorGuard x(upload(ctx, h, d));
      tsr_tensor same = x.t;
      ASSERT_TSR_OK(tsr_unary(op, x, nullptr, &same));
      EXPECT_EQ(same, x.t);
      EXPECT_TRUE(all_close(download(x), unary_expected(c, h, d, compute, result), tolerance(d)));
    }
  }
}

TEST_P(Unary, InvalidOpCode) {
  TensorGuard x(upload(ctx, unary_input(TSR_EXP, TSR_FLOAT32, {2}), TSR_FLOAT32));
  for (int op : {-1, int(TSR_UNARY_OP_COUNT), 1000}) {
    tsr_tensor y = nullptr;
    EXPECT_TSR_ERROR(tsr_unary(tsr_unary_op(op), x, nullptr, &y), TSR_ERROR_INVALID_ARGUMENT,
                     "tsr_unary:");
    EXPECT_EQ(y, nullptr);
  }
}

TSR_INSTANTIATE_BACKENDS(Unary);

}  // namespace
