// tsr_reduce on every backend: every op and every dtype it claims, over one,
// several, all and no axes, with and without keepdims, on contiguous, permuted,
// sliced (steps, negative steps), broadcast and zero-size inputs, against a
// float64 (or exact 64-bit integer) reference computed from the downloaded
// input. Also NaN and tie semantics, integer wrap-around, large reductions
// (the multi-threaded schedules) and the error paths.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

const char* op_name(tsr_reduce_op op) {
  static const char* names[] = {"sum", "prod",   "mean",   "var", "std", "min",
                                "max", "argmin", "argmax", "any", "all"};
  return names[op];
}

bool is_signed_or_bool(tsr_dtype d) { return d == TSR_BOOL || (d >= TSR_INT8 && d <= TSR_INT64); }

// The documented result dtype (tessera.h), written out independently of the
// library's op table.
tsr_dtype expected_dtype(tsr_reduce_op op, tsr_dtype x) {
  switch (op) {
    case TSR_SUM:
    case TSR_PROD:
      if (is_signed_or_bool(x)) return TSR_INT64;
      if (is_int(x)) return TSR_UINT64;
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

// Where each input element goes: its output (C order over the kept axes, the
// same with or without keepdims) and its index over the reduced axes.
// Elements are visited in C order, so within one output the reduced index
// (what argmin/argmax report) only grows.
struct ReductionMap {
  std::vector<int64_t> out_of, red_of;
  int64_t outputs = 1, per_output = 1;

  ReductionMap(const Host& x, const std::vector<bool>& mask) {
    const size_t nd = x.shape.size();
    for (size_t i = 0; i < nd; ++i) (mask[i] ? per_output : outputs) *= x.shape[i];
    out_of.resize(size_t(x.numel()));
    red_of.resize(size_t(x.numel()));
    std::vector<int64_t> idx(nd, 0);
    for (int64_t lin = 0; lin < x.numel(); ++lin) {
      int64_t o = 0, r = 0;
      for (size_t k = 0; k < nd; ++k) {
        if (mask[k]) r = r * x.shape[k] + idx[k];
        else o = o * x.shape[k] + idx[k];
      }
      out_of[size_t(lin)] = o;
      red_of[size_t(lin)] = r;
      for (size_t k = nd; k-- > 0;) {
        if (++idx[k] < x.shape[k]) break;
        idx[k] = 0;
      }
    }
  }
};

// float64 reference of one reduction; `mask` marks the reduced axes.
std::vector<double> reference(tsr_reduce_op op, const Host& x, const std::vector<bool>& mask,
                              double correction, tsr_dtype in_dtype) {
  const ReductionMap map(x, mask);
  const auto& out_of = map.out_of;
  const auto& red_of = map.red_of;
  const int64_t outputs = map.outputs, per_output = map.per_output;
  const tsr_dtype out_dtype = expected_dtype(op, in_dtype);
  const double nan = std::numeric_limits<double>::quiet_NaN(), n = double(per_output);
  const size_t O = size_t(outputs);
  std::vector<double> want(O, 0.0);
  auto each = [&](auto&& f) {
    for (size_t i = 0; i < x.data.size(); ++i) f(size_t(out_of[i]), x.data[i], red_of[i]);
  };
  switch (op) {
    case TSR_SUM:
    case TSR_PROD:
      if (is_float(in_dtype)) {
        std::fill(want.begin(), want.end(), op == TSR_SUM ? 0.0 : 1.0);
        each([&](size_t o, double v, int64_t) {
          want[o] = op == TSR_SUM ? want[o] + v : want[o] * v;
        });
      } else {  // exact, wrapping modulo 2^64
        std::vector<uint64_t> u(O, op == TSR_SUM ? 0 : 1);
        each([&](size_t o, double v, int64_t) {
          const uint64_t w = uint64_t(int64_t(v));
          u[o] = op == TSR_SUM ? u[o] + w : u[o] * w;
        });
        for (size_t o = 0; o < O; ++o)
          want[o] = out_dtype == TSR_UINT64 ? double(u[o]) : double(int64_t(u[o]));
      }
      break;
    case TSR_MEAN:
    case TSR_VAR:
    case TSR_STD: {
      std::vector<double> mean(O, 0.0), m2(O, 0.0);
      each([&](size_t o, double v, int64_t) { mean[o] += v; });
      for (auto& m : mean) m /= n;  // NaN when empty
      each([&](size_t o, double v, int64_t) { m2[o] += (v - mean[o]) * (v - mean[o]); });
      for (size_t o = 0; o < O; ++o) {
        if (op == TSR_MEAN) want[o] = mean[o];
        else want[o] = n - correction > 0 ? m2[o] / (n - correction) : nan;
        if (op == TSR_STD) want[o] = std::sqrt(want[o]);
      }
      break;
    }
    case TSR_MIN:
    case TSR_MAX:
    case TSR_ARGMIN:
    case TSR_ARGMAX: {
      const bool mx = op == TSR_MAX || op == TSR_ARGMAX;
      std::vector<double> best(O, 0.0);
      std::vector<int64_t> at(O, -1);
      each([&](size_t o, double v, int64_t r) {
        // First occurrence of the extreme; the first NaN beats everything.
        const bool better = at[o] < 0 || (!std::isnan(best[o]) &&
                                          (std::isnan(v) || (mx ? v > best[o] : v < best[o])));
        if (better) {
          best[o] = v;
          at[o] = r;
        }
      });
      for (size_t o = 0; o < O; ++o)
        want[o] = (op == TSR_MIN || op == TSR_MAX) ? best[o] : double(at[o]);
      break;
    }
    case TSR_ANY:
    case TSR_ALL:
      std::fill(want.begin(), want.end(), op == TSR_ALL ? 1.0 : 0.0);
      each([&](size_t o, double v, int64_t) {
        if (op == TSR_ANY) want[o] = want[o] || v != 0;
        else want[o] = want[o] && v != 0;
      });
      break;
    default: break;
  }
  for (auto& v : want) v = round_to(v, out_dtype);
  return want;
}

// The result tolerance: exact for integer and bool results; for floats the
// dtype's own tolerance on the result (plus cancellation_allowance for sums
// and means); var/std/prod lose a little more.
double result_tolerance(tsr_reduce_op op, tsr_dtype in_dtype) {
  tsr_dtype out = expected_dtype(op, in_dtype);
  if (!is_float(out)) return 0;
  double t = tolerance(out);
  if (out == TSR_FLOAT64) t = 1e-12;
  return (op == TSR_VAR || op == TSR_STD || op == TSR_PROD) ? 2 * t : t;
}

struct AxesSpec {
  std::vector<int32_t> axes;
  int32_t num_axes;  // -1: all
};

std::vector<bool> mask_of(const AxesSpec& a, size_t nd) {
  std::vector<bool> m(nd, a.num_axes < 0);
  for (int32_t i = 0; i < a.num_axes; ++i)
    m[size_t((a.axes[size_t(i)] + int32_t(nd)) % int32_t(nd))] = true;
  return m;
}

std::string describe(tsr_reduce_op op, tsr_dtype d, const std::vector<int64_t>& shape,
                     const AxesSpec& a, bool keepdims) {
  std::string s = std::string(op_name(op)) + " " + tsr_dtype_name(d) + " " + shape_str(shape) +
                  " axes=";
  if (a.num_axes < 0) s += "all";
  for (int32_t i = 0; i < a.num_axes; ++i) s += (i ? "," : "") + std::to_string(a.axes[size_t(i)]);
  return s + (keepdims ? " keepdims" : "");
}

// Input values for an op: products stay near 1 so they neither overflow nor
// vanish; other ops take the default range (integers in [-4, 4], so ties,
// zeros and negative values all occur).
Host input_for(tsr_reduce_op op, const std::vector<int64_t>& shape, tsr_dtype d) {
  if (op == TSR_PROD && is_float(d)) return random_host(shape, d, 0.5, 1.5);
  return random_host(shape, d);
}

// What a float sum or mean may lose to rounding beyond the result's own
// tolerance. A backend accumulates in the accumulation type (float for
// float32 and halves, double for float64), so the error scales with the
// partial sums, i.e. with sum|x|, not with the result: a column of 66001
// values in [-4, 4] that cancels to 2.4 carries an error of about 1e-4 in
// float. We allow 2 * u * sum|x| (u the accumulation type's unit roundoff):
// about a hundred times the statistical error of a tree sum, and still far
// below the value of a typical element, so a lost or doubled element fails.
std::vector<double> cancellation_allowance(tsr_reduce_op op, const Host& x,
                                           const std::vector<bool>& mask, tsr_dtype in_dtype) {
  const ReductionMap map(x, mask);
  std::vector<double> slack(size_t(map.outputs), 0.0);
  if ((op != TSR_SUM && op != TSR_MEAN) || !is_float(in_dtype)) return slack;
  const double u = in_dtype == TSR_FLOAT64 ? std::ldexp(1.0, -53) : std::ldexp(1.0, -24);
  for (size_t i = 0; i < x.data.size(); ++i) slack[size_t(map.out_of[i])] += std::fabs(x.data[i]);
  const double scale = op == TSR_MEAN && map.per_output > 0 ? 1.0 / double(map.per_output) : 1.0;
  for (auto& v : slack) v *= 2 * u * scale;
  return slack;
}

bool argminmax(tsr_reduce_op op) { return op == TSR_ARGMIN || op == TSR_ARGMAX; }

class Reduce : public BackendTest {
 protected:
  bool dtype_ok(tsr_dtype d) const {
    return (d != TSR_FLOAT64 || supports_float64) &&
           ((d != TSR_FLOAT16 && d != TSR_BFLOAT16) || supports_float16);
  }

  // Reduces `x` (any layout) and checks dtype, shape and values against the
  // reference computed from x's downloaded contents.
  void check(tsr_reduce_op op, tsr_tensor x, tsr_dtype d, const AxesSpec& a, bool keepdims,
             double correction = 0, const Host* known = nullptr) {
    const Host hx = known ? *known : download(x);
    SCOPED_TRACE(describe(op, d, hx.shape, a, keepdims) + " correction=" +
                 std::to_string(correction));
    TensorGuard out;
    ASSERT_TSR_OK(tsr_reduce(op, x, a.axes.data(), a.num_axes, keepdims, correction, nullptr,
                             out.out()));
    tsr_dtype got_dtype = TSR_BOOL;
    ASSERT_TSR_OK(tsr_tensor_dtype(out, &got_dtype));
    EXPECT_EQ(got_dtype, expected_dtype(op, d));
    const auto mask = mask_of(a, hx.shape.size());
    std::vector<int64_t> want_shape;
    for (size_t i = 0; i < hx.shape.size(); ++i) {
      if (!mask[i]) want_shape.push_back(hx.shape[i]);
      else if (keepdims) want_shape.push_back(1);
    }
    Host got = download(out);
    EXPECT_EQ(got.shape, want_shape);
    EXPECT_TRUE(all_close(got, reference(op, hx, mask, correction, d), result_tolerance(op, d),
                          cancellation_allowance(op, hx, mask, d)));
  }

  void check_host(tsr_reduce_op op, const Host& h, tsr_dtype d, const AxesSpec& a, bool keepdims,
                  double correction = 0) {
    TensorGuard x(upload(ctx, h, d));
    check(op, x, d, a, keepdims, correction);
  }
};

const std::vector<AxesSpec> kAxesOf3d = {
    {{0}, 1},     {{1}, 1},     {{2}, 1},     {{-1}, 1},     {{-3}, 1},   {{0, 2}, 2},
    {{2, 0}, 2},  {{-1, 1}, 2}, {{0, 1, 2}, 3}, {{}, -1},    {{}, 0},
};

bool allowed(tsr_reduce_op op, const AxesSpec& a, size_t nd) {
  if (!argminmax(op)) return true;
  return a.num_axes <= 1 || a.num_axes < 0 || size_t(a.num_axes) == nd;
}

// Every op x every dtype x every axis set, contiguous input.
TEST_P(Reduce, EveryOpEveryDtypeEveryAxisSet) {
  for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes()) {
      if (!dtype_ok(d)) continue;
      Host h = input_for(tsr_reduce_op(op), {3, 4, 5}, d);
      for (const auto& a : kAxesOf3d)
        for (bool keep : {false, true})
          if (allowed(tsr_reduce_op(op), a, 3)) check_host(tsr_reduce_op(op), h, d, a, keep);
    }
}

TEST_P(Reduce, VarStdCorrections) {
  for (tsr_reduce_op op : {TSR_VAR, TSR_STD})
    for (tsr_dtype d :
         {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_BFLOAT16, TSR_INT32, TSR_UINT8}) {
      if (!dtype_ok(d)) continue;
      Host h = random_host({6, 5}, d);
      for (double corr : {0.0, 1.0, 2.5, 5.0, 7.0})  // 5 and 7 leave n - c <= 0: NaN
        for (const AxesSpec& a : {AxesSpec{{1}, 1}, AxesSpec{{0}, 1}, AxesSpec{{}, -1}})
          check_host(op, h, d, a, false, corr);
    }
}

TEST_P(Reduce, VarOfLargeOffsetIsStable) {
  // Values 1e6 + small noise: a one-pass sum of squares would lose everything.
  Host h = random_host({4, 1000}, TSR_FLOAT64, -1, 1);
  for (auto& v : h.data) v += 1e6;
  for (tsr_reduce_op op : {TSR_VAR, TSR_STD}) {
    check_host(op, h, TSR_FLOAT64, {{1}, 1}, false, 1);
    check_host(op, h, TSR_FLOAT64, {{}, -1}, false, 0);
  }
  Host f = random_host({2, 3000}, TSR_FLOAT32, 999, 1001);
  check_host(TSR_VAR, f, TSR_FLOAT32, {{1}, 1}, true, 0);
}

// Permuted, stepped and reversed views, and a broadcast (stride 0) input.
TEST_P(Reduce, NonContiguousInputs) {
  const std::vector<tsr_dtype> dtypes = {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_BFLOAT16,
                                         TSR_INT16,   TSR_UINT32,  TSR_BOOL,    TSR_INT64};
  for (tsr_dtype d : dtypes) {
    if (!dtype_ok(d)) continue;
    for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op) {
      const tsr_reduce_op rop = tsr_reduce_op(op);
      TensorGuard base(upload(ctx, input_for(rop, {6, 7, 8}, d), d));
      // Permuted: shape [8, 6, 7].
      TensorGuard perm;
      const int32_t order[3] = {2, 0, 1};
      ASSERT_TSR_OK(tsr_tensor_permute(base, order, 3, perm.out()));
      // Sliced with steps, one reversed: shape [3, 7, 3].
      TensorGuard sliced;
      const int64_t starts[3] = {0, INT64_MIN, 1}, stops[3] = {6, INT64_MAX, 8},
                    steps[3] = {2, -1, 3};
      ASSERT_TSR_OK(tsr_tensor_slice(base, starts, stops, steps, sliced.out()));
      for (tsr_tensor view : {perm.t, sliced.t})
        for (const auto& a : kAxesOf3d)
          if (allowed(rop, a, 3)) check(rop, view, d, a, op % 2 == 0);
      // Broadcast: [1, 5] expanded to [4, 5] (stride 0 on axis 0).
      TensorGuard row(upload(ctx, input_for(rop, {1, 5}, d), d)), wide;
      const int64_t to[2] = {4, 5};
      ASSERT_TSR_OK(tsr_tensor_expand(row, to, 2, wide.out()));
      for (const AxesSpec& a : {AxesSpec{{0}, 1}, AxesSpec{{1}, 1}, AxesSpec{{}, -1}})
        check(rop, wide, d, a, false);
    }
  }
}

// Sizes that reach every schedule: lanes and blocks on long contiguous runs,
// columns on a contiguous kept axis, split reductions for few outputs.
TEST_P(Reduce, LargeReductions) {
  struct Big {
    std::vector<int64_t> shape;
    AxesSpec axes;
  };
  const std::vector<Big> bigs = {
      {{256, 301}, {{}, -1}},  {{256, 301}, {{0}, 1}},   {{256, 301}, {{1}, 1}},
      {{3, 66001}, {{1}, 1}},  {{66001, 3}, {{0}, 1}},   {{20, 50, 80}, {{0, 2}, 2}},
      {{2, 1500, 30}, {{1}, 1}},
  };
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_INT32, TSR_BOOL}) {
    if (!dtype_ok(d)) continue;
    for (const auto& b : bigs) {
      // Float products stay near 1; integer products wrap (exact reference).
      const Host h = random_host(b.shape, d);
      const Host hp = is_float(d) ? random_host(b.shape, d, 0.999, 1.001) : h;
      TensorGuard x(upload(ctx, h, d)), xp(upload(ctx, hp, d));
      for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op) {
        const tsr_reduce_op rop = tsr_reduce_op(op);
        if (!allowed(rop, b.axes, b.shape.size())) continue;
        const bool prod = rop == TSR_PROD;
        check(rop, prod ? xp.t : x.t, d, b.axes, false, rop == TSR_VAR || rop == TSR_STD ? 1 : 0,
              prod ? &hp : &h);
      }
    }
  }
}

TEST_P(Reduce, LargeNonContiguous) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_INT64}) {
    TensorGuard base(upload(ctx, random_host({200, 300, 3}, d), d)), t;
    const int32_t order[3] = {2, 1, 0};
    ASSERT_TSR_OK(tsr_tensor_permute(base, order, 3, t.out()));  // [3, 300, 200]
    for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op)
      for (const AxesSpec& a : {AxesSpec{{}, -1}, AxesSpec{{2}, 1}, AxesSpec{{0}, 1},
                                AxesSpec{{0, 1}, 2}})
        if (allowed(tsr_reduce_op(op), a, 3)) check(tsr_reduce_op(op), t, d, a, true);
  }
}

TEST_P(Reduce, ZeroSizeInputs) {
  // Empty reductions: sum 0, prod 1, mean/var/std NaN, any false, all true.
  for (tsr_dtype d : {TSR_FLOAT32, TSR_INT32, TSR_BOOL, TSR_FLOAT16}) {
    if (!dtype_ok(d)) continue;
    for (tsr_reduce_op op : {TSR_SUM, TSR_PROD, TSR_MEAN, TSR_VAR, TSR_STD, TSR_ANY, TSR_ALL}) {
      check_host(op, random_host({0, 3}, d), d, {{0}, 1}, false);
      check_host(op, random_host({0, 3}, d), d, {{0}, 1}, true);
      check_host(op, random_host({2, 0, 3}, d), d, {{1}, 1}, false);
      check_host(op, random_host({0}, d), d, {{}, -1}, false);
      check_host(op, random_host({4, 0}, d), d, {{}, -1}, true);
    }
    // An empty result needs no identity: every op, min/max included.
    for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op) {
      check_host(tsr_reduce_op(op), random_host({3, 0}, d), d, {{0}, 1}, false);
      check_host(tsr_reduce_op(op), random_host({0, 0}, d), d, {{1}, 1}, true);
    }
  }
  // Spot-check the identities directly, not only through the reference.
  TensorGuard x(upload(ctx, random_host({0, 2}, TSR_FLOAT32), TSR_FLOAT32));
  const int32_t ax0[1] = {0};
  auto one = [&](tsr_reduce_op op) {
    TensorGuard out;
    EXPECT_TSR_OK(tsr_reduce(op, x, ax0, 1, 0, 0, nullptr, out.out()));
    return download(out).data;
  };
  EXPECT_EQ(one(TSR_SUM), (std::vector<double>{0, 0}));
  EXPECT_EQ(one(TSR_PROD), (std::vector<double>{1, 1}));
  EXPECT_TRUE(std::isnan(one(TSR_MEAN)[0]));
  EXPECT_TRUE(std::isnan(one(TSR_STD)[1]));
  EXPECT_EQ(one(TSR_ANY), (std::vector<double>{0, 0}));
  EXPECT_EQ(one(TSR_ALL), (std::vector<double>{1, 1}));
}

// A 0-d input: reducing "all" (no) axes gives the element itself (argmax 0).
TEST_P(Reduce, ZeroDimensionalInput) {
  for (tsr_dtype d : {TSR_FLOAT32, TSR_INT16, TSR_BOOL}) {
    Host h = random_host({}, d);
    for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op)
      for (bool keep : {false, true}) {
        check_host(tsr_reduce_op(op), h, d, {{}, -1}, keep);
        check_host(tsr_reduce_op(op), h, d, {{}, 0}, keep);
      }
  }
}

TEST_P(Reduce, NanPropagationAndFirstOccurrence) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_BFLOAT16}) {
    if (!dtype_ok(d)) continue;
    Host h;
    h.shape = {2, 6};
    h.data = {1, nan, 7, nan, -3, 7, /* row 1: ties, no NaN */ 5, -2, 5, -2, 0, 1};
    TensorGuard x(upload(ctx, h, d));
    const int32_t ax[1] = {1};
    auto run = [&](tsr_reduce_op op, const int32_t* axes, int32_t n) {
      TensorGuard out;
      EXPECT_TSR_OK(tsr_reduce(op, x, axes, n, 0, 0, nullptr, out.out()));
      return download(out).data;
    };
    auto mx = run(TSR_MAX, ax, 1), mn = run(TSR_MIN, ax, 1);
    EXPECT_TRUE(std::isnan(mx[0]) && std::isnan(mn[0])) << tsr_dtype_name(d);
    EXPECT_EQ(mx[1], 5);
    EXPECT_EQ(mn[1], -2);
    EXPECT_EQ(run(TSR_ARGMAX, ax, 1), (std::vector<double>{1, 0})) << tsr_dtype_name(d);
    EXPECT_EQ(run(TSR_ARGMIN, ax, 1), (std::vector<double>{1, 1})) << tsr_dtype_name(d);
    EXPECT_EQ(run(TSR_ARGMAX, nullptr, -1), (std::vector<double>{1}));
    EXPECT_TRUE(std::isnan(run(TSR_SUM, ax, 1)[0]));
    EXPECT_TRUE(std::isnan(run(TSR_VAR, ax, 1)[0]));
    EXPECT_EQ(run(TSR_ANY, ax, 1), (std::vector<double>{1, 1}));  // NaN is nonzero
    EXPECT_EQ(run(TSR_ALL, ax, 1), (std::vector<double>{1, 0}));
  }
  // A NaN late in a long row (several blocks and lanes) still wins argmax,
  // and the first of two NaNs is reported.
  Host big = random_host({1, 5000}, TSR_FLOAT32);
  big.data[4321] = nan;
  big.data[4999] = nan;
  TensorGuard xb(upload(ctx, big, TSR_FLOAT32)), out;
  ASSERT_TSR_OK(tsr_reduce(TSR_ARGMAX, xb, nullptr, -1, 0, 0, nullptr, out.out()));
  EXPECT_EQ(download(out).data, (std::vector<double>{4321}));
  // Ties across lanes and blocks: the maximum appears at 9, 16 and 3000 (16
  // sits in an earlier lane than 9); 9 wins.
  Host ties = random_host({6000}, TSR_INT32);
  ties.data[9] = 100;
  ties.data[16] = 100;
  ties.data[3000] = 100;
  TensorGuard xt(upload(ctx, ties, TSR_INT32)), outt;
  ASSERT_TSR_OK(tsr_reduce(TSR_ARGMAX, xt, nullptr, -1, 0, 0, nullptr, outt.out()));
  EXPECT_EQ(download(outt).data, (std::vector<double>{9}));
}

// Integer sums and products wrap modulo 2^64 (read back as raw bits: a
// float64 download would blur them).
TEST_P(Reduce, IntegerWrapAround) {
  auto raw = [&](tsr_reduce_op op, const void* data, int64_t n, tsr_dtype d, int64_t esize) {
    TensorGuard x, out;
    EXPECT_TSR_OK(tsr_tensor_from_host(ctx, data, n * esize, &n, 1, d, nullptr, x.out()));
    EXPECT_TSR_OK(tsr_reduce(op, x, nullptr, -1, 0, 0, nullptr, out.out()));
    uint64_t bits = 0;
    EXPECT_TSR_OK(tsr_tensor_to_host(out, &bits, 8, nullptr));
    return bits;
  };
  const int64_t i64[2] = {std::numeric_limits<int64_t>::max(), 1};
  EXPECT_EQ(raw(TSR_SUM, i64, 2, TSR_INT64, 8), uint64_t(std::numeric_limits<int64_t>::min()));
  const uint64_t u64[2] = {std::numeric_limits<uint64_t>::max(), 2};
  EXPECT_EQ(raw(TSR_SUM, u64, 2, TSR_UINT64, 8), 1u);
  // (2^33) * (2^33 + 1) * -1 = -(2^66 + 2^33), which is -2^33 modulo 2^64.
  const int64_t big[3] = {int64_t(1) << 33, (int64_t(1) << 33) + 1, -1};
  EXPECT_EQ(raw(TSR_PROD, big, 3, TSR_INT64, 8), uint64_t(-(int64_t(1) << 33)));
  // Small types widen before summing: 100 int8 values of 100 give 10000.
  std::vector<int8_t> i8(100, 100);
  EXPECT_EQ(raw(TSR_SUM, i8.data(), 100, TSR_INT8, 1), 10000u);
  std::vector<uint8_t> u8(300, 255);
  EXPECT_EQ(raw(TSR_SUM, u8.data(), 300, TSR_UINT8, 1), 76500u);
  const int32_t neg[3] = {-5, -7, 2};
  EXPECT_EQ(int64_t(raw(TSR_SUM, neg, 3, TSR_INT32, 4)), -10);
  EXPECT_EQ(int64_t(raw(TSR_PROD, neg, 3, TSR_INT32, 4)), 70);
}

TEST_P(Reduce, CallerSuppliedOutput) {
  // Sum over axis 0 with keepdims ([1, 6]) written into a strided view: column
  // 0 of a [6, 2] tensor, transposed to [1, 6] with strides (1, 2).
  Host h = random_host({4, 6}, TSR_FLOAT32);
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  const int64_t shape[2] = {6, 2};
  TensorGuard storage, column, view;
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, TSR_FLOAT32, nullptr, storage.out()));
  const int64_t starts[2] = {0, 0}, stops[2] = {6, 1}, steps[2] = {1, 1};
  ASSERT_TSR_OK(tsr_tensor_slice(storage, starts, stops, steps, column.out()));
  ASSERT_TSR_OK(tsr_tensor_transpose(column, 0, 1, view.out()));
  int32_t contiguous = 1;
  ASSERT_TSR_OK(tsr_tensor_is_contiguous(view, &contiguous));
  EXPECT_EQ(contiguous, 0);
  const int32_t ax[1] = {0};
  tsr_tensor out = view.t;
  ASSERT_TSR_OK(tsr_reduce(TSR_SUM, x, ax, 1, 1, 0, nullptr, &out));
  EXPECT_EQ(out, view.t);
  std::vector<double> sums = reference(TSR_SUM, h, {true, false}, 0, TSR_FLOAT32), want;
  for (double v : sums) {
    want.push_back(v);
    want.push_back(0);
  }
  EXPECT_TRUE(all_close(download(storage), want, tolerance(TSR_FLOAT32)));
}

TEST_P(Reduce, ErrorsLeaveOutputUntouched) {
  TensorGuard x(upload(ctx, random_host({2, 3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  const int64_t out_shape[1] = {3};
  TensorGuard preset;
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, out_shape, 1, TSR_FLOAT32, nullptr, preset.out()));
  for (bool caller_out : {false, true}) {
    tsr_tensor out = caller_out ? preset.t : nullptr;
    const tsr_tensor before = out;
    const int32_t twice[2] = {1, 1}, alias[2] = {0, -3}, far[1] = {3}, neg[1] = {-4},
                  two[2] = {0, 2}, many[4] = {0, 1, 2, 0};
    EXPECT_TSR_ERROR(tsr_reduce(TSR_SUM, x, twice, 2, 0, 0, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_MAX, x, alias, 2, 0, 0, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_SUM, x, far, 1, 0, 0, nullptr, &out),
                     TSR_ERROR_OUT_OF_RANGE, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_MEAN, x, neg, 1, 0, 0, nullptr, &out),
                     TSR_ERROR_OUT_OF_RANGE, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_ARGMAX, x, two, 2, 0, 0, nullptr, &out),
                     TSR_ERROR_UNSUPPORTED, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_ARGMIN, x, two, 2, 1, 0, nullptr, &out),
                     TSR_ERROR_UNSUPPORTED, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_SUM, x, many, 4, 0, 0, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_SUM, x, nullptr, 1, 0, 0, nullptr, &out),
                     TSR_ERROR_NULL_POINTER, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_SUM, x, nullptr, -2, 0, 0, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_VAR, x, nullptr, -1, 0, -1, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_STD, x, nullptr, -1, 0, NAN, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(tsr_reduce_op(TSR_REDUCE_OP_COUNT), x, nullptr, -1, 0, 0,
                                nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_SUM, nullptr, nullptr, -1, 0, 0, nullptr, &out),
                     TSR_ERROR_INVALID_HANDLE, "tsr_reduce");
    // Min/max/argmin/argmax over zero elements have no identity.
    TensorGuard empty(upload(ctx, random_host({0, 3}, TSR_FLOAT32), TSR_FLOAT32));
    const int32_t ax0[1] = {0};
    for (tsr_reduce_op op : {TSR_MIN, TSR_MAX, TSR_ARGMIN, TSR_ARGMAX})
      EXPECT_TSR_ERROR(tsr_reduce(op, empty, ax0, 1, 0, 0, nullptr, &out),
                       TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_TSR_ERROR(tsr_reduce(TSR_MAX, empty, nullptr, -1, 0, 0, nullptr, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_reduce");
    EXPECT_EQ(out, before);
  }
  // A caller's output of the wrong shape or dtype is refused, and untouched.
  const int32_t ax[2] = {0, 2};
  tsr_tensor out = preset.t;
  EXPECT_TSR_ERROR(tsr_reduce(TSR_ARGMAX, x, ax + 1, 1, 0, 0, nullptr, &out),
                   TSR_ERROR_SHAPE_MISMATCH, "tsr_reduce");  // [2, 3] vs [3]
  EXPECT_TSR_ERROR(tsr_reduce(TSR_ANY, x, ax, 2, 0, 0, nullptr, &out),
                   TSR_ERROR_DTYPE_MISMATCH, "tsr_reduce");  // bool vs float32
  EXPECT_EQ(out, preset.t);
  EXPECT_EQ(download(preset).data, (std::vector<double>{0, 0, 0}));
}

TSR_INSTANTIATE_BACKENDS(Reduce);

}  // namespace
