// Every binary op on every dtype and every dtype pair, against the float64
// reference of ops/elementwise_spec.h: promotion and rejections,
// broadcasting (including [] and zero-size), non-contiguous operands, the
// scalar forms, caller-supplied and in-place outputs, and their errors.
#include <cmath>

#include "ops/elementwise_spec.h"
#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;
using spec::BinaryCase;
using spec::Rule;

namespace {

const BinaryCase& case_of(tsr_binary_op op) {
  for (const auto& c : spec::binary_cases())
    if (c.op == op) return c;
  throw std::runtime_error("no such binary op");
}

// Integer-valued floats in [lo, hi] (exact in every float dtype when small).
Host whole_floats(const std::vector<int64_t>& shape, double lo, double hi) {
  return random_values(shape, TSR_INT32, lo, hi);
}

// Operand values that keep each op exact or meaningful in `dtype`; `second`
// selects the right-hand operand (divisors, exponents).
Host binary_input(tsr_binary_op op, tsr_dtype dtype, const std::vector<int64_t>& shape,
                  bool second) {
  const bool integer = is_int(dtype), fl = is_float(dtype);
  const double big = 1e300;  // clamped to the dtype's exact range
  Host h;
  switch (op) {
    case TSR_ADD:
    case TSR_SUBTRACT:
    case TSR_BITWISE_AND:
    case TSR_BITWISE_OR:
    case TSR_BITWISE_XOR:
      h = integer ? random_values(shape, dtype, -big, big) : random_values(shape, dtype, -4, 4);
      break;
    case TSR_MAXIMUM:
    case TSR_MINIMUM:
      h = integer ? random_values(shape, dtype, -big, big) : random_values(shape, dtype, -4, 4);
      if (fl && !second && !h.data.empty()) h.data[0] = NAN;
      if (fl && second && h.data.size() > 1) h.data[1] = NAN;
      break;
    case TSR_MULTIPLY: {
      const double lim = std::ldexp(1.0, 26);  // products exact in float64, wrapping below 64 bits
      h = integer ? random_values(shape, dtype, -lim, lim) : random_values(shape, dtype, -4, 4);
      break;
    }
    case TSR_DIVIDE:
      h = random_values(shape, dtype, -4, 4);
      if (second) inject_zeros(h);
      break;
    case TSR_FLOOR_DIVIDE:
    case TSR_REMAINDER:
      // Whole numbers keep float quotients away from integer boundaries;
      // int8 covers -128 // -1; zeros cover division by zero.
      if (fl) h = whole_floats(shape, -8, 8);
      else h = random_values(shape, dtype, spec::int_bits(dtype) == 8 ? -128 : -300, 300);
      if (second) inject_zeros(h);
      break;
    case TSR_POW:
      if (fl) h = second ? random_values(shape, dtype, -3, 3) : random_values(shape, dtype, 0.25, 3);
      else h = second ? random_values(shape, dtype, -2, 5) : random_values(shape, dtype, -4, 4);
      break;
    case TSR_EQUAL:
    case TSR_NOT_EQUAL:
    case TSR_LESS:
    case TSR_LESS_EQUAL:
    case TSR_GREATER:
    case TSR_GREATER_EQUAL:
      // A coarse grid so that equal pairs are common.
      h = fl ? whole_floats(shape, -3, 3) : random_values(shape, dtype, -3, 3);
      if (fl && h.data.size() > 2) h.data[second ? 2 : 1] = NAN;
      break;
    default:  // logical ops
      h = fl ? whole_floats(shape, -2, 2) : random_values(shape, dtype, -2, 2);
      inject_zeros(h);
      break;
  }
  if (dtype == TSR_BOOL)
    for (auto& v : h.data) v = v != 0 ? 1 : 0;
  return h;
}

// The expected output of `c` for logical inputs `a` and `b` of dtypes da, db.
std::vector<double> binary_expected(const BinaryCase& c, const Host& a, tsr_dtype da,
                                    const Host& b, tsr_dtype db, tsr_dtype compute,
                                    tsr_dtype result) {
  auto shape = broadcast_shape(a.shape, b.shape);
  Host probe;
  probe.shape = shape;
  std::vector<double> want(size_t(probe.numel()));
  for (int64_t i = 0; i < probe.numel(); ++i) {
    double x = spec::cast_to(broadcast_at(a, shape, i), da, compute);
    double y = spec::cast_to(broadcast_at(b, shape, i), db, compute);
    double v = spec::binary_ref(c.op, x, y, compute);
    want[size_t(i)] = is_float(result) ? round_to(v, result) : v;
  }
  return want;
}

class Binary : public BackendTest {
 protected:
  bool dtype_ok(tsr_dtype d) const {
    return (d != TSR_FLOAT64 || supports_float64) &&
           ((d != TSR_FLOAT16 && d != TSR_BFLOAT16) || supports_float16);
  }
  // Runs `c` on tensors a and b (any layout) and checks everything.
  void check(const BinaryCase& c, tsr_tensor a, tsr_dtype da, tsr_tensor b, tsr_dtype db) {
    bool ok = false;
    tsr_dtype promoted = spec::promote(da, db, &ok), compute, result;
    ASSERT_TRUE(ok && spec::dtypes_for(c.rule, promoted, &compute, &result));
    Host ha = download(a), hb = download(b);
    TensorGuard y;
    ASSERT_TSR_OK(tsr_binary(c.op, a, b, nullptr, y.out()));
    EXPECT_EQ(dtype_of(y), result);
    EXPECT_EQ(shape_of(y), broadcast_shape(ha.shape, hb.shape));
    EXPECT_TRUE(all_close(download(y), binary_expected(c, ha, da, hb, db, compute, result),
                          tolerance(result)));
  }
  tsr_tensor input(tsr_binary_op op, tsr_dtype d, const std::vector<int64_t>& shape, bool second) {
    return upload(ctx, binary_input(op, d, shape, second), d);
  }
};

TEST_P(Binary, EveryOpEveryDtypeWithBroadcast) {
  for (const auto& c : spec::binary_cases()) {
    for (tsr_dtype d : all_dtypes()) {
      if (!dtype_ok(d)) continue;
      SCOPED_TRACE(std::string(c.name) + " of " + dtype_str(d));
      TensorGuard a(input(c.op, d, {3, 1, 5}, false)), b(input(c.op, d, {4, 5}, true));
      tsr_dtype compute, result;
      if (!spec::dtypes_for(c.rule, d, &compute, &result)) {
        tsr_tensor y = nullptr;
        EXPECT_TSR_ERROR(tsr_binary(c.op, a, b, nullptr, &y), TSR_ERROR_DTYPE_MISMATCH, "tsr_binary:");
        EXPECT_NE(std::string(tsr_last_error_message()).find(c.name), std::string::npos)
            << "the message should name the op: " << tsr_last_error_message();
        EXPECT_EQ(y, nullptr);
        continue;
      }
      check(c, a, d, b, d);
    }
  }
}

TEST_P(Binary, EveryDtypePair) {
  const tsr_binary_op ops[] = {TSR_ADD, TSR_MULTIPLY, TSR_DIVIDE, TSR_MAXIMUM, TSR_LESS,
                               TSR_EQUAL, TSR_LOGICAL_AND, TSR_BITWISE_XOR};
  for (tsr_binary_op op : ops) {
    const BinaryCase& c = case_of(op);
    for (tsr_dtype da : all_dtypes()) {
      for (tsr_dtype db : all_dtypes()) {
        if (!dtype_ok(da) || !dtype_ok(db)) continue;
        SCOPED_TRACE(std::string(c.name) + " of " + dtype_str(da) + " and " + dtype_str(db));
        // Small values: exact in every dtype of the pair.
        Host ha = random_values({2, 3}, da, -4, 4), hb = random_values({3}, db, -4, 4);
        TensorGuard a(upload(ctx, ha, da)), b(upload(ctx, hb, db));
        bool ok = false;
        tsr_dtype promoted = spec::promote(da, db, &ok), compute, result;
        if (!ok || !spec::dtypes_for(c.rule, promoted, &compute, &result)) {
          tsr_tensor y = nullptr;
          EXPECT_TSR_ERROR(tsr_binary(op, a, b, nullptr, &y), TSR_ERROR_DTYPE_MISMATCH, "tsr_binary:");
          EXPECT_EQ(y, nullptr);
          continue;
        }
        check(c, a, da, b, db);
      }
    }
  }
}

TEST_P(Binary, NamedPromotions) {
  struct P {
    tsr_dtype a, b, want;
  };
  const P cases[] = {{TSR_INT8, TSR_UINT8, TSR_INT16},       {TSR_INT32, TSR_FLOAT16, TSR_FLOAT16},
                     {TSR_BOOL, TSR_INT32, TSR_INT32},       {TSR_UINT16, TSR_BOOL, TSR_UINT16},
                     {TSR_UINT32, TSR_INT32, TSR_INT64},     {TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT32},
                     {TSR_UINT8, TSR_INT64, TSR_INT64},      {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT64}};
  for (const P& p : cases) {
    SCOPED_TRACE(dtype_str(p.a) + " + " + dtype_str(p.b));
    tsr_dtype got = TSR_DTYPE_COUNT;
    ASSERT_TSR_OK(tsr_result_type(p.a, p.b, &got));
    EXPECT_EQ(got, p.want);
    TensorGuard a(upload(ctx, random_values({2}, p.a, 0, 1), p.a)),
        b(upload(ctx, random_values({2}, p.b, 0, 1), p.b)), y;
    ASSERT_TSR_OK(tsr_binary(TSR_ADD, a, b, nullptr, y.out()));
    EXPECT_EQ(dtype_of(y), p.want);
  }
  // int64 with uint64 has no common type.
  tsr_dtype sentinel = TSR_DTYPE_COUNT;
  EXPECT_TSR_ERROR(tsr_result_type(TSR_INT64, TSR_UINT64, &sentinel), TSR_ERROR_DTYPE_MISMATCH,
                   "tsr_result_type:");
  EXPECT_EQ(sentinel, TSR_DTYPE_COUNT);
  TensorGuard a(upload(ctx, random_values({2}, TSR_INT64, 0, 3), TSR_INT64)),
      b(upload(ctx, random_values({2}, TSR_UINT64, 0, 3), TSR_UINT64));
  tsr_tensor y = nullptr;
  EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, b, nullptr, &y), TSR_ERROR_DTYPE_MISMATCH, "tsr_binary:");
  EXPECT_EQ(y, nullptr);
  // tsr_result_type agrees with the promotion table for every pair.
  for (tsr_dtype da : all_dtypes())
    for (tsr_dtype db : all_dtypes()) {
      bool ok = false;
      tsr_dtype want = spec::promote(da, db, &ok), got = TSR_DTYPE_COUNT;
      tsr_status st = tsr_result_type(da, db, &got);
      EXPECT_EQ(st, ok ? TSR_OK : TSR_ERROR_DTYPE_MISMATCH) << dtype_str(da) << "," << dtype_str(db);
      if (ok) {
        EXPECT_EQ(got, want) << dtype_str(da) << "," << dtype_str(db);
      }
    }
}

TEST_P(Binary, BroadcastShapes) {
  struct S {
    std::vector<int64_t> a, b;
  };
  const S cases[] = {{{3, 1, 5}, {4, 5}}, {{4, 5}, {3, 1, 5}}, {{}, {2, 3}},   {{2, 3}, {}},
                     {{}, {}},            {{1}, {0}},          {{0}, {1}},     {{0}, {}},
                     {{2, 0, 3}, {1, 3}}, {{2, 1}, {1, 3}},    {{1, 1}, {7}},
                     {{2, 1, 2, 1, 2, 1, 2, 1}, {1, 2, 1, 2, 1, 2, 1, 2}}};
  for (const S& s : cases) {
    for (tsr_binary_op op : {TSR_SUBTRACT, TSR_LESS, TSR_POW}) {
      for (tsr_dtype d : {TSR_FLOAT32, TSR_INT32}) {
        SCOPED_TRACE(std::string(case_of(op).name) + " " + dtype_str(d) + " " + shape_str(s.a) +
                     " with " + shape_str(s.b));
        TensorGuard a(input(op, d, s.a, false)), b(input(op, d, s.b, true));
        check(case_of(op), a, d, b, d);
      }
    }
  }
}

TEST_P(Binary, IncompatibleShapes) {
  const std::vector<std::vector<int64_t>> pairs[] = {{{5}, {3}}, {{2, 3}, {3, 2}}, {{0}, {2}}};
  for (const auto& p : pairs) {
    TensorGuard a(input(TSR_ADD, TSR_FLOAT32, p[0], false)),
        b(input(TSR_ADD, TSR_FLOAT32, p[1], true));
    tsr_tensor y = nullptr;
    EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, b, nullptr, &y), TSR_ERROR_SHAPE_MISMATCH, "tsr_binary:");
    EXPECT_NE(std::string(tsr_last_error_message()).find("add"), std::string::npos)
        << tsr_last_error_message();
    EXPECT_EQ(y, nullptr);
  }
}

TEST_P(Binary, NonContiguousOperands) {
  for (ViewKind ka : all_view_kinds()) {
    for (ViewKind kb : {ViewKind::Permuted, ViewKind::Reversed}) {
      for (tsr_binary_op op : {TSR_ADD, TSR_MULTIPLY, TSR_REMAINDER, TSR_GREATER}) {
        for (tsr_dtype d : {TSR_FLOAT32, TSR_INT8, TSR_BFLOAT16}) {
          SCOPED_TRACE(std::string(case_of(op).name) + " of " + dtype_str(d) + ", " +
                       view_name(ka) + " with " + view_name(kb));
          auto mk = [&](bool second) {
            return [&, second](const std::vector<int64_t>& s) { return input(op, d, s, second); };
          };
          TensorGuard a(make_view(ka, {3, 4, 5}, mk(false))), b(make_view(kb, {3, 4, 5}, mk(true)));
          ASSERT_TRUE(a.t && b.t);
          check(case_of(op), a, d, b, d);
          // A view against a broadcast contiguous operand.
          TensorGuard c(input(op, d, {4, 1}, true));
          check(case_of(op), a, d, c, d);
        }
      }
    }
  }
}

TEST_P(Binary, LargeTensorsRunInParallelChunks) {
  for (tsr_binary_op op : {TSR_ADD, TSR_MAXIMUM, TSR_LESS_EQUAL}) {
    for (tsr_dtype d : {TSR_FLOAT32, TSR_INT64, TSR_FLOAT16}) {
      SCOPED_TRACE(std::string(case_of(op).name) + " of " + dtype_str(d));
      TensorGuard a(input(op, d, {301, 257}, false)), b(input(op, d, {257}, true)),
          c(input(op, d, {301, 1}, true));
      check(case_of(op), a, d, b, d);
      check(case_of(op), c, d, a, d);
    }
  }
}

// ---- scalar forms --------------------------------------------------------

// The documented scalar rule: the scalar takes a's dtype, except a
// non-integral scalar with an integer or bool tensor (float32; float64 for
// comparisons, which stay exact), and bool tensors in arithmetic (int64).
bool scalar_dtypes(const BinaryCase& c, tsr_dtype a, double s, tsr_dtype* compute,
                   tsr_dtype* result) {
  const bool integral = std::isfinite(s) && s == std::floor(s);
  const bool comparison = c.rule == Rule::ToBool;
  tsr_dtype promoted = a;
  if (c.rule == Rule::Logical) promoted = TSR_BOOL;
  else if (!is_float(a) && !integral) promoted = comparison ? TSR_FLOAT64 : TSR_FLOAT32;
  else if (a == TSR_BOOL && (c.rule == Rule::Arith || c.rule == Rule::Same ||
                             ((comparison || c.rule == Rule::Float) && s != 0 && s != 1)))
    promoted = TSR_INT64;
  return spec::dtypes_for(c.rule, promoted, compute, result);
}

TEST_P(Binary, ScalarForms) {
  const double scalars[] = {3, -2, 0, 1, 0.5, -1.5};
  for (const auto& c : spec::binary_cases()) {
    for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_FLOAT64, TSR_INT32, TSR_INT8, TSR_BOOL}) {
      if (!dtype_ok(d)) continue;
      for (double s : scalars) {
        for (int first : {0, 1}) {
          SCOPED_TRACE(std::string(c.name) + " of " + dtype_str(d) + " and scalar " +
                       std::to_string(s) + (first ? " (scalar first)" : ""));
          Host h = binary_input(c.op, d, {4, 6}, first == 1);
          TensorGuard a(upload(ctx, h, d));
          tsr_dtype compute, result;
          tsr_tensor y = nullptr;
          if (!scalar_dtypes(c, d, s, &compute, &result)) {
            EXPECT_TSR_ERROR(tsr_binary_scalar(c.op, a, s, first, nullptr, &y),
                             TSR_ERROR_DTYPE_MISMATCH, "tsr_binary_scalar:");
            EXPECT_EQ(y, nullptr);
            continue;
          }
          ASSERT_TSR_OK(tsr_binary_scalar(c.op, a, s, first, nullptr, &y));
          TensorGuard yg(y);
          EXPECT_EQ(dtype_of(y), result);
          EXPECT_EQ(shape_of(y), h.shape);
          Host hs;
          hs.data = {s};  // shape [] broadcasts
          std::vector<double> want = first ? binary_expected(c, hs, TSR_FLOAT64, h, d, compute, result)
                                           : binary_expected(c, h, d, hs, TSR_FLOAT64, compute, result);
          EXPECT_TRUE(all_close(download(y), want, tolerance(result)));
        }
      }
    }
  }
}

TEST_P(Binary, ScalarOutOfTheIntegerRange) {
  // Comparisons stay exact; arithmetic cannot represent the scalar.
  Host h;
  h.shape = {4};
  h.data = {0, 1, 200, 255};
  TensorGuard a(upload(ctx, h, TSR_UINT8));
  TensorGuard gt;
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_GREATER, a, -1, 0, nullptr, gt.out()));
  EXPECT_TRUE(all_close(download(gt), {1, 1, 1, 1}, 0));
  TensorGuard lt;
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_LESS, a, 256, 0, nullptr, lt.out()));
  EXPECT_TRUE(all_close(download(lt), {1, 1, 1, 1}, 0));
  TensorGuard eq;
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_EQUAL, a, 511, 1, nullptr, eq.out()));
  EXPECT_TRUE(all_close(download(eq), {0, 0, 0, 0}, 0));
  for (tsr_binary_op op : {TSR_ADD, TSR_SUBTRACT, TSR_MAXIMUM, TSR_BITWISE_AND}) {
    tsr_tensor y = nullptr;
    EXPECT_TSR_ERROR(tsr_binary_scalar(op, a, -1, 0, nullptr, &y), TSR_ERROR_OUT_OF_RANGE,
                     "tsr_binary_scalar:");
    EXPECT_EQ(y, nullptr);
  }
}

TEST_P(Binary, ScalarNaNWithAnIntegerTensor) {
  TensorGuard a(upload(ctx, random_values({3}, TSR_INT32, -3, 3), TSR_INT32));
  tsr_tensor y = nullptr;
  EXPECT_TSR_ERROR(tsr_binary_scalar(TSR_ADD, a, NAN, 0, nullptr, &y), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_binary_scalar:");
  EXPECT_EQ(y, nullptr);
  TensorGuard eq;  // comparisons with NaN are simply false
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_EQUAL, a, NAN, 0, nullptr, eq.out()));
  EXPECT_TRUE(all_close(download(eq), {0, 0, 0}, 0));
}

// ---- outputs ---------------------------------------------------------------

TEST_P(Binary, WritesIntoCallerOutputAndInPlace) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_INT16, TSR_FLOAT16}) {
    SCOPED_TRACE(dtype_str(d));
    const BinaryCase& c = case_of(TSR_SUBTRACT);
    Host ha = binary_input(c.op, d, {4, 5}, false), hb = binary_input(c.op, d, {5}, true);
    TensorGuard a(upload(ctx, ha, d)), b(upload(ctx, hb, d)), out;
    const int64_t shape[2] = {4, 5};
    ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, d, nullptr, out.out()));
    tsr_tensor given = out.t;
    ASSERT_TSR_OK(tsr_binary(c.op, a, b, nullptr, out.out()));
    EXPECT_EQ(out.t, given);
    auto want = binary_expected(c, ha, d, hb, d, d, d);
    EXPECT_TRUE(all_close(download(out), want, tolerance(d)));
    // out == a: a -= b.
    tsr_tensor same = a.t;
    ASSERT_TSR_OK(tsr_binary(c.op, a, b, nullptr, &same));
    EXPECT_EQ(same, a.t);
    EXPECT_TRUE(all_close(download(a), want, tolerance(d)));
    // out == a for the scalar form: a = 2 - a.
    ASSERT_TSR_OK(tsr_binary_scalar(c.op, a, 2, 1, nullptr, &same));
    Host h2;
    h2.data = {2};
    EXPECT_TRUE(all_close(download(a), binary_expected(c, h2, d, download(out), d, d, d), tolerance(d)));
  }
}

TEST_P(Binary, RejectsMismatchedOutputs) {
  TensorGuard a(input(TSR_ADD, TSR_FLOAT32, {4, 5}, false)), b(input(TSR_ADD, TSR_FLOAT32, {5}, true));
  TensorGuard wrong_shape, wrong_dtype, small_a(input(TSR_ADD, TSR_INT8, {4, 5}, false)),
      b16(input(TSR_ADD, TSR_INT16, {5}, true));
  const int64_t s45[2] = {4, 5}, s5[1] = {5};
  ASSERT_TSR_OK(tsr_tensor_full(ctx, s5, 1, TSR_FLOAT32, 9, nullptr, wrong_shape.out()));
  ASSERT_TSR_OK(tsr_tensor_full(ctx, s45, 2, TSR_FLOAT64, 9, nullptr, wrong_dtype.out()));
  tsr_tensor o = wrong_shape.t;
  EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, b, nullptr, &o), TSR_ERROR_SHAPE_MISMATCH, "tsr_binary:");
  EXPECT_EQ(o, wrong_shape.t);
  o = wrong_dtype.t;
  EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, b, nullptr, &o), TSR_ERROR_DTYPE_MISMATCH, "tsr_binary:");
  EXPECT_EQ(o, wrong_dtype.t);
  o = wrong_dtype.t;
  EXPECT_TSR_ERROR(tsr_binary_scalar(TSR_ADD, a, 1, 0, nullptr, &o), TSR_ERROR_DTYPE_MISMATCH,
                   "tsr_binary_scalar:");
  // In place into the narrower operand: int8 + int16 gives int16.
  Host before = download(small_a);
  o = small_a.t;
  EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, small_a, b16, nullptr, &o), TSR_ERROR_DTYPE_MISMATCH,
                   "tsr_binary:");
  EXPECT_TRUE(all_close(download(small_a), before.data, 0));
  EXPECT_TRUE(all_close(download(wrong_shape), std::vector<double>(5, 9.0), 0));
  EXPECT_TRUE(all_close(download(wrong_dtype), std::vector<double>(20, 9.0), 0));
  // An expanded view cannot be an output: its elements share memory.
  TensorGuard row, wide;
  const int64_t s15[2] = {1, 5};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, s15, 2, TSR_FLOAT32, nullptr, row.out()));
  ASSERT_TSR_OK(tsr_tensor_expand(row, s45, 2, wide.out()));
  o = wide.t;
  EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, b, nullptr, &o), TSR_ERROR_INVALID_ARGUMENT, "tsr_binary:");
  EXPECT_TSR_ERROR(tsr_tensor_copy(wide, a, nullptr), TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_copy:");
  EXPECT_TRUE(all_close(download(row), std::vector<double>(5, 0.0), 0));
}

TEST_P(Binary, OperandsFromAnotherContext) {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = GetParam().kind;
  tsr_context other = nullptr;
  ASSERT_TSR_OK(tsr_context_create(&o, &other));
  {
    TensorGuard a(input(TSR_ADD, TSR_FLOAT32, {3}, false));
    TensorGuard b(upload(other, binary_input(TSR_ADD, TSR_FLOAT32, {3}, true), TSR_FLOAT32));
    TensorGuard out_other(upload(other, binary_input(TSR_ADD, TSR_FLOAT32, {3}, true), TSR_FLOAT32));
    TensorGuard a2(input(TSR_ADD, TSR_FLOAT32, {3}, true));
    tsr_tensor y = nullptr;
    EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, b, nullptr, &y), TSR_ERROR_DEVICE_MISMATCH, "tsr_binary:");
    EXPECT_EQ(y, nullptr);
    tsr_tensor o2 = out_other.t;
    EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, a2, nullptr, &o2), TSR_ERROR_DEVICE_MISMATCH, "tsr_binary:");
    EXPECT_EQ(o2, out_other.t);
    tsr_stream s_other = nullptr;
    ASSERT_TSR_OK(tsr_context_default_stream(other, &s_other));
    EXPECT_TSR_ERROR(tsr_binary(TSR_ADD, a, a2, s_other, &y), TSR_ERROR_DEVICE_MISMATCH, "tsr_binary:");
    EXPECT_TSR_ERROR(tsr_binary_scalar(TSR_ADD, a, 1, 0, s_other, &y), TSR_ERROR_DEVICE_MISMATCH,
                     "tsr_binary_scalar:");
    EXPECT_EQ(y, nullptr);
  }
  tsr_context_release(other);
}

TEST_P(Binary, InvalidOpCode) {
  TensorGuard a(input(TSR_ADD, TSR_FLOAT32, {2}, false));
  for (int op : {-1, int(TSR_BINARY_OP_COUNT), 77}) {
    tsr_tensor y = nullptr;
    EXPECT_TSR_ERROR(tsr_binary(tsr_binary_op(op), a, a, nullptr, &y), TSR_ERROR_INVALID_ARGUMENT,
                     "tsr_binary:");
    EXPECT_TSR_ERROR(tsr_binary_scalar(tsr_binary_op(op), a, 1, 0, nullptr, &y),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_binary_scalar:");
    EXPECT_EQ(y, nullptr);
  }
}

TSR_INSTANTIATE_BACKENDS(Binary);

}  // namespace
