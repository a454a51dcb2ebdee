// where (three-way broadcast, promotion, any condition dtype) and astype
// (every dtype pair, with the values conversion rules decide: NaN, +-inf,
// out-of-range floats saturate, integers wrap, halves round to even).
#include <cmath>

#include "ops/elementwise_spec.h"
#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

class WhereAstype : public BackendTest {
 protected:
  bool dtype_ok(tsr_dtype d) const {
    return (d != TSR_FLOAT64 || supports_float64) &&
           ((d != TSR_FLOAT16 && d != TSR_BFLOAT16) || supports_float16);
  }
  // Runs where(cond, a, b) and checks dtype, shape and values.
  void check_where(tsr_tensor cond, tsr_dtype dc, tsr_tensor a, tsr_dtype da, tsr_tensor b,
                   tsr_dtype db) {
    bool ok = false;
    tsr_dtype result = spec::promote(da, db, &ok);
    ASSERT_TRUE(ok);
    Host hc = download(cond), ha = download(a), hb = download(b);
    TensorGuard y;
    ASSERT_TSR_OK(tsr_where(cond, a, b, nullptr, y.out()));
    auto shape = broadcast_shape(broadcast_shape(hc.shape, ha.shape), hb.shape);
    EXPECT_EQ(shape_of(y), shape);
    EXPECT_EQ(dtype_of(y), result);
    Host probe;
    probe.shape = shape;
    std::vector<double> want(size_t(probe.numel()));
    for (int64_t i = 0; i < probe.numel(); ++i) {
      bool c = spec::cast_to(broadcast_at(hc, shape, i), dc, TSR_BOOL) != 0;
      want[size_t(i)] = c ? spec::cast_to(broadcast_at(ha, shape, i), da, result)
                          : spec::cast_to(broadcast_at(hb, shape, i), db, result);
    }
    EXPECT_TRUE(all_close(download(y), want, 0));
  }
};

TEST_P(WhereAstype, WhereEveryValueDtypeAndConditionDtype) {
  for (tsr_dtype d : all_dtypes()) {
    for (tsr_dtype dc : {TSR_BOOL, TSR_INT32, TSR_FLOAT32, TSR_UINT8}) {
      if (!dtype_ok(d) || !dtype_ok(dc)) continue;
      SCOPED_TRACE(dtype_str(d) + " values, " + dtype_str(dc) + " condition");
      Host hc = random_values({3, 1, 5}, dc, -2, 2);
      inject_zeros(hc);
      if (is_float(dc)) hc.data[1] = NAN;  // NaN is true
      TensorGuard c(upload(ctx, hc, dc)), a(upload(ctx, random_values({4, 5}, d, -9, 9), d)),
          b(upload(ctx, random_values({3, 4, 1}, d, -9, 9), d));
      check_where(c, dc, a, d, b, d);
    }
  }
}

TEST_P(WhereAstype, WherePromotesValues) {
  const std::pair<tsr_dtype, tsr_dtype> pairs[] = {
      {TSR_INT8, TSR_UINT8}, {TSR_INT32, TSR_FLOAT16}, {TSR_BOOL, TSR_INT64}, {TSR_FLOAT32, TSR_FLOAT64},
      {TSR_UINT16, TSR_INT16}, {TSR_BFLOAT16, TSR_FLOAT16}};
  for (auto [da, db] : pairs) {
    SCOPED_TRACE(dtype_str(da) + " with " + dtype_str(db));
    TensorGuard c(upload(ctx, random_values({6}, TSR_BOOL, 0, 1), TSR_BOOL)),
        a(upload(ctx, random_values({6}, da, -5, 5), da)), b(upload(ctx, random_values({1}, db, -5, 5), db));
    check_where(c, TSR_BOOL, a, da, b, db);
  }
  TensorGuard c(upload(ctx, random_values({2}, TSR_BOOL, 0, 1), TSR_BOOL)),
      a(upload(ctx, random_values({2}, TSR_INT64, 0, 5), TSR_INT64)),
      b(upload(ctx, random_values({2}, TSR_UINT64, 0, 5), TSR_UINT64));
  tsr_tensor y = nullptr;
  EXPECT_TSR_ERROR(tsr_where(c, a, b, nullptr, &y), TSR_ERROR_DTYPE_MISMATCH, "tsr_where:");
  EXPECT_EQ(y, nullptr);
}

TEST_P(WhereAstype, WhereShapesAndLayouts) {
  // Scalar-shaped, zero-size and 8-d operands.
  struct S {
    std::vector<int64_t> c, a, b;
  };
  const S cases[] = {{{}, {}, {}},          {{}, {2, 3}, {}},        {{2, 3}, {}, {1}},
                     {{0}, {1}, {}},        {{2, 0}, {2, 1}, {0}},   {{1, 2, 1, 2, 1, 2, 1, 2}, {2, 1, 2, 1, 2, 1, 2, 1}, {}}};
  for (const S& s : cases) {
    SCOPED_TRACE(shape_str(s.c) + " " + shape_str(s.a) + " " + shape_str(s.b));
    TensorGuard c(upload(ctx, random_values(s.c, TSR_BOOL, 0, 1), TSR_BOOL)),
        a(upload(ctx, random_values(s.a, TSR_FLOAT32, -3, 3), TSR_FLOAT32)),
        b(upload(ctx, random_values(s.b, TSR_FLOAT32, -3, 3), TSR_FLOAT32));
    check_where(c, TSR_BOOL, a, TSR_FLOAT32, b, TSR_FLOAT32);
  }
  for (ViewKind kind : all_view_kinds()) {
    SCOPED_TRACE(view_name(kind));
    auto mk = [&](tsr_dtype d) {
      return [&, d](const std::vector<int64_t>& s) { return upload(ctx, random_values(s, d, -3, 3), d); };
    };
    TensorGuard c(make_view(kind, {3, 4, 2}, mk(TSR_BOOL))), a(make_view(kind, {3, 4, 2}, mk(TSR_INT16))),
        b(make_view(ViewKind::Permuted, {3, 4, 2}, mk(TSR_INT16)));
    ASSERT_TRUE(c.t && a.t && b.t);
    check_where(c, TSR_BOOL, a, TSR_INT16, b, TSR_INT16);
  }
  // Shapes that do not broadcast.
  TensorGuard c(upload(ctx, random_values({3}, TSR_BOOL, 0, 1), TSR_BOOL)),
      a(upload(ctx, random_values({4}, TSR_FLOAT32, 0, 1), TSR_FLOAT32));
  tsr_tensor y = nullptr;
  EXPECT_TSR_ERROR(tsr_where(c, a, a, nullptr, &y), TSR_ERROR_SHAPE_MISMATCH, "tsr_where:");
  EXPECT_EQ(y, nullptr);
}

TEST_P(WhereAstype, WhereIntoCallerOutputAndInPlace) {
  Host ha = random_values({3, 4}, TSR_FLOAT32, -3, 3), hb = random_values({4}, TSR_FLOAT32, -3, 3);
  TensorGuard c(upload(ctx, random_values({3, 4}, TSR_BOOL, 0, 1), TSR_BOOL)),
      a(upload(ctx, ha, TSR_FLOAT32)), b(upload(ctx, hb, TSR_FLOAT32)), out, wrong;
  const int64_t shape[2] = {3, 4};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, TSR_FLOAT32, nullptr, out.out()));
  tsr_tensor given = out.t;
  Host hc = download(c);
  ASSERT_TSR_OK(tsr_where(c, a, b, nullptr, out.out()));
  EXPECT_EQ(out.t, given);
  std::vector<double> want(12);
  for (int i = 0; i < 12; ++i) want[size_t(i)] = hc.data[size_t(i)] ? ha.data[size_t(i)] : hb.data[size_t(i % 4)];
  EXPECT_TRUE(all_close(download(out), want, 0));
  tsr_tensor same = a.t;  // a = where(c, a, b)
  ASSERT_TSR_OK(tsr_where(c, a, b, nullptr, &same));
  EXPECT_EQ(same, a.t);
  EXPECT_TRUE(all_close(download(a), want, 0));
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, TSR_FLOAT64, nullptr, wrong.out()));
  tsr_tensor w = wrong.t;
  EXPECT_TSR_ERROR(tsr_where(c, a, b, nullptr, &w), TSR_ERROR_DTYPE_MISMATCH, "tsr_where:");
  EXPECT_EQ(w, wrong.t);
}

// Values each source dtype should be converted from: the extremes and the
// cases the rules decide, all exact in float64.
Host astype_source(tsr_dtype from) {
  Host h;
  if (is_float(from)) {
    h.data = {NAN, INFINITY, -INFINITY, -0.0, 0.5, 1.5, 2.5, -2.5, 2.7, -2.7, 127.9, 128.5, -129.5,
              255.9, 256.0, 300.0, -300.0, 40000.5, 70000.0, -70000.0, 3e9, -3e9, 1e19, -1e19, 1e30};
    for (auto& v : h.data) v = round_to(v, from);  // what the source tensor actually holds
  } else if (from == TSR_BOOL) {
    h.data = {0, 1, 1, 0};
  } else {
    h.data = {0, 1, 2, spec::dtype_min(from), spec::dtype_max(from), 127, 128, 255, 256, -1, -129,
              65535, 65536, -32769, 4294967295.0, 4294967296.0, 9007199254740991.0, -9007199254740991.0};
    if (spec::int_bits(from) == 64) h.data[4] = std::ldexp(1.0, 62);  // max itself is not exact
    // Keep what the source dtype holds (wrapping the rest in).
    for (auto& v : h.data) {
      v = spec::wrap_to(v, from);
      if (v >= std::ldexp(1.0, 63) && from == TSR_UINT64) v = std::ldexp(1.0, 63);  // exact
    }
  }
  h.shape = {int64_t(h.data.size())};
  return h;
}

TEST_P(WhereAstype, AstypeEveryPair) {
  for (tsr_dtype from : all_dtypes()) {
    for (tsr_dtype to : all_dtypes()) {
      if (!dtype_ok(from) || !dtype_ok(to)) continue;
      SCOPED_TRACE(dtype_str(from) + " -> " + dtype_str(to));
      Host h = astype_source(from);
      TensorGuard x(upload(ctx, h, from)), y;
      ASSERT_TSR_OK(tsr_astype(x, to, nullptr, y.out()));
      EXPECT_EQ(dtype_of(y), to);
      Host src = download(x);
      std::vector<double> want(src.data.size());
      for (size_t i = 0; i < want.size(); ++i) want[i] = spec::cast_to(src.data[i], from, to);
      EXPECT_TRUE(all_close(download(y), want, 0));
    }
  }
}

TEST_P(WhereAstype, AstypeLayoutsOutputsAndErrors) {
  for (ViewKind kind : all_view_kinds()) {
    SCOPED_TRACE(view_name(kind));
    TensorGuard x(make_view(kind, {2, 3, 4}, [&](const std::vector<int64_t>& s) {
      return upload(ctx, random_values(s, TSR_FLOAT32, -300, 300), TSR_FLOAT32);
    }));
    ASSERT_NE(x.t, nullptr);
    Host hx = download(x);
    TensorGuard y;
    ASSERT_TSR_OK(tsr_astype(x, TSR_INT8, nullptr, y.out()));
    EXPECT_TRUE(contiguous(y));
    std::vector<double> want(hx.data.size());
    for (size_t i = 0; i < want.size(); ++i) want[i] = spec::cast_to(hx.data[i], TSR_FLOAT32, TSR_INT8);
    EXPECT_TRUE(all_close(download(y), want, 0));
  }
  // Zero-size and scalar-shaped.
  for (const std::vector<int64_t>& shape : {std::vector<int64_t>{0, 4}, std::vector<int64_t>{}}) {
    TensorGuard x(upload(ctx, random_values(shape, TSR_INT32, -5, 5), TSR_INT32)), y;
    ASSERT_TSR_OK(tsr_astype(x, TSR_FLOAT16, nullptr, y.out()));
    EXPECT_EQ(shape_of(y), shape);
    EXPECT_TRUE(all_close(download(y), download(x).data, 0));
  }
  // Into a caller's output; a wrong dtype or shape is refused.
  Host h = random_values({2, 3}, TSR_INT32, -5, 5);
  TensorGuard x(upload(ctx, h, TSR_INT32)), out, wrong_shape;
  const int64_t s23[2] = {2, 3}, s32[2] = {3, 2};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, s23, 2, TSR_FLOAT64, nullptr, out.out()));
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, s32, 2, TSR_FLOAT64, nullptr, wrong_shape.out()));
  tsr_tensor given = out.t;
  ASSERT_TSR_OK(tsr_astype(x, TSR_FLOAT64, nullptr, out.out()));
  EXPECT_EQ(out.t, given);
  EXPECT_TRUE(all_close(download(out), h.data, 0));
  tsr_tensor o = out.t;
  EXPECT_TSR_ERROR(tsr_astype(x, TSR_FLOAT32, nullptr, &o), TSR_ERROR_DTYPE_MISMATCH, "tsr_astype:");
  o = wrong_shape.t;
  EXPECT_TSR_ERROR(tsr_astype(x, TSR_FLOAT64, nullptr, &o), TSR_ERROR_SHAPE_MISMATCH, "tsr_astype:");
  EXPECT_TRUE(all_close(download(wrong_shape), std::vector<double>(6, 0.0), 0));
  for (int bad : {-1, int(TSR_DTYPE_COUNT), 99}) {
    tsr_tensor y = nullptr;
    EXPECT_TSR_ERROR(tsr_astype(x, tsr_dtype(bad), nullptr, &y), TSR_ERROR_INVALID_ARGUMENT,
                     "tsr_astype:");
    EXPECT_EQ(y, nullptr);
  }
}

TSR_INSTANTIATE_BACKENDS(WhereAstype);

}  // namespace
