// tsr_matmul on every backend against a float64 reference computed here:
// 1-D and batched operands with broadcasting, transposes, alpha/beta into a
// caller's output, non-contiguous operands and outputs, zero sizes, every
// float dtype (tolerance scaled with K) and integers exactly (wrapping).
#include <algorithm>
#include <cmath>
#include <thread>

#include "support/backends.h"
#include "ops/matmul_reference.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

const tsr_dtype kFloats[] = {TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT32, TSR_FLOAT64};

class Matmul : public BackendTest {
 protected:
  bool supported(tsr_dtype dt) const {
    if (dt == TSR_FLOAT64) return supports_float64;
    if (dt == TSR_FLOAT16 || dt == TSR_BFLOAT16) return supports_float16;
    return true;
  }
  // Small values so integer sums stay exact unless a test wants wrapping.
  Host input(const std::vector<int64_t>& shape, tsr_dtype dt) {
    return is_int(dt) ? random_host(shape, dt, -3, 3) : random_host(shape, dt, -1, 1);
  }
  // Runs tsr_matmul on fresh uploads of a and b and checks it.
  void check(const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, tsr_dtype dt,
             bool ta = false, bool tb = false) {
    SCOPED_TRACE(shape_str(sa) + (ta ? "^T" : "") + " @ " + shape_str(sb) + (tb ? "^T" : "") +
                 " " + tsr_dtype_name(dt));
    Host a = input(sa, dt), b = input(sb, dt);
    TensorGuard ta_(upload(ctx, a, dt)), tb_(upload(ctx, b, dt)), out;
    ASSERT_TSR_OK(tsr_matmul(ta_, tb_, ta, tb, 1.0, 0.0, nullptr, out.out()));
    expect_matmul(download(out), ref_matmul(a, b, ta, tb, 1.0, 0.0, nullptr), dt);
  }
};

TEST_P(Matmul, TwoDimensionalEveryDtype) {
  for (tsr_dtype dt : {TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT32, TSR_FLOAT64, TSR_INT8, TSR_INT16,
                       TSR_INT32, TSR_INT64, TSR_UINT8, TSR_UINT16, TSR_UINT32, TSR_UINT64}) {
    if (!supported(dt)) continue;
    check({7, 13}, {13, 5}, dt);
    check({1, 1}, {1, 1}, dt);
  }
}

TEST_P(Matmul, SizesAcrossBlockBoundaries) {
  check({130, 300}, {300, 70}, TSR_FLOAT32);
  check({64, 257}, {257, 129}, TSR_FLOAT64);
  check({65, 257}, {257, 33}, TSR_FLOAT16);
  // The integer kernel's tiles are 64 x 256 with 256-deep panels.
  check({70, 300}, {300, 260}, TSR_INT16);
  check({129, 513}, {513, 17}, TSR_INT32);
}

TEST_P(Matmul, VectorOperands) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_INT32}) {
    if (!supported(dt)) continue;
    check({9}, {9, 4}, dt);        // [K] @ [K, N] -> [N]
    check({6, 9}, {9}, dt);        // [M, K] @ [K] -> [M]
    check({9}, {9}, dt);           // [K] @ [K] -> []
    check({3, 6, 9}, {9}, dt);     // batched matrix @ vector
    check({9}, {2, 9, 4}, dt);     // vector @ batched matrix
    check({5}, {4, 5}, dt, true, true);  // a vector is not transposed; b^T is [5, 4]
  }
}

TEST_P(Matmul, BatchedWithBroadcastBatchAxes) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_BFLOAT16, TSR_INT32}) {
    if (!supported(dt)) continue;
    check({4, 5, 6}, {4, 6, 3}, dt);
    check({2, 1, 5, 6}, {3, 6, 3}, dt);     // -> [2, 3, 5, 3]
    check({1, 3, 5, 6}, {2, 1, 6, 3}, dt);  // both broadcast
    check({5, 4, 6}, {6, 3}, dt);           // b shared by every entry
    check({64, 8, 8}, {64, 8, 8}, dt);      // many small matrices (batch-parallel path)
    check({2, 3, 2, 2, 3}, {3, 1, 3, 2}, dt);  // 5-D result
  }
}

TEST_P(Matmul, Transposes) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_INT64}) {
    if (!supported(dt)) continue;
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        const int64_t M = 6, K = 11, N = 4;
        std::vector<int64_t> sa = ta ? std::vector<int64_t>{2, K, M} : std::vector<int64_t>{2, M, K};
        std::vector<int64_t> sb = tb ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N};
        check(sa, sb, dt, ta, tb);
      }
  }
}

TEST_P(Matmul, AlphaBetaIntoCallersOutput) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_BFLOAT16, TSR_INT32, TSR_INT64}) {
    if (!supported(dt)) continue;
    SCOPED_TRACE(tsr_dtype_name(dt));
    const double alpha = is_int(dt) ? 2 : 1.5, beta = is_int(dt) ? -3 : -0.75;
    Host a = input({2, 5, 7}, dt), b = input({7, 3}, dt), c = input({2, 5, 3}, dt);
    TensorGuard ta(upload(ctx, a, dt)), tb(upload(ctx, b, dt)), out(upload(ctx, c, dt));
    const tsr_tensor before = out.t;
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, alpha, beta, nullptr, out.out()));
    EXPECT_EQ(out.t, before) << "the caller's output must be written in place";
    expect_matmul(download(out), ref_matmul(a, b, false, false, alpha, beta, &c), dt);
  }
}

// A caller's output that is a transposed view (BLAS writes C^T) or a view
// with steps (computed aside, then stored), with beta reading it.
TEST_P(Matmul, NonContiguousOutput) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_INT32}) {
    if (!supported(dt)) continue;
    SCOPED_TRACE(tsr_dtype_name(dt));
    const int64_t M = 5, K = 8, N = 6;
    Host a = input({M, K}, dt), b = input({K, N}, dt);
    TensorGuard ta(upload(ctx, a, dt)), tb(upload(ctx, b, dt));
    // Transposed: a [N, M] tensor viewed as [M, N].
    TensorGuard base_t(upload(ctx, input({N, M}, dt), dt)), out_t;
    ASSERT_TSR_OK(tsr_tensor_transpose(base_t, 0, 1, out_t.out()));
    Host c_t = download(out_t);
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 1.0, 2.0, nullptr, out_t.out()));
    expect_matmul(download(out_t), ref_matmul(a, b, false, false, 1.0, 2.0, &c_t), dt);
    // Stepped: every second row, every third column from the end backwards.
    Host base_host = input({2 * M, 3 * N}, dt);
    TensorGuard base_s(upload(ctx, base_host, dt)), out_s;
    const int64_t starts[2] = {0, INT64_MIN}, stops[2] = {INT64_MAX, INT64_MAX}, steps[2] = {2, -3};
    ASSERT_TSR_OK(tsr_tensor_slice(base_s, starts, stops, steps, out_s.out()));
    Host c_s = download(out_s);
    ASSERT_EQ(c_s.shape, (std::vector<int64_t>{M, N}));
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, -1.0, 1.0, nullptr, out_s.out()));
    expect_matmul(download(out_s), ref_matmul(a, b, false, false, -1.0, 1.0, &c_s), dt);
    // The elements between the stepped ones keep their values.
    Host whole = download(base_s);
    int64_t changed = 0;
    for (int64_t i = 0; i < 2 * M; ++i)
      for (int64_t j = 0; j < 3 * N; ++j) {
        const bool in_view = i % 2 == 0 && (3 * N - 1 - j) % 3 == 0;
        const size_t o = size_t(i * 3 * N + j);
        if (!in_view && whole.data[o] != base_host.data[o]) ++changed;
      }
    EXPECT_EQ(changed, 0) << "elements outside the output view were written";
  }
}

// Operands that BLAS reads in place (transposed views) and ones it cannot
// (steps, reversed axes, stride-0 rows), which are packed first.
TEST_P(Matmul, NonContiguousOperands) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_FLOAT16, TSR_INT32}) {
    if (!supported(dt)) continue;
    SCOPED_TRACE(tsr_dtype_name(dt));
    const int64_t M = 6, K = 9, N = 5;
    // a: a permuted [K, 3, M] tensor seen as [3, M, K].
    TensorGuard a_base(upload(ctx, input({K, 3, M}, dt), dt)), a_perm;
    const int32_t perm[3] = {1, 2, 0};
    ASSERT_TSR_OK(tsr_tensor_permute(a_base, perm, 3, a_perm.out()));
    // b: rows with step 2 and columns reversed, from a [2K, N] tensor.
    TensorGuard b_base(upload(ctx, input({2 * K, N}, dt), dt)), b_step;
    const int64_t starts[2] = {1, INT64_MIN}, stops[2] = {INT64_MAX, INT64_MAX}, steps[2] = {2, -1};
    ASSERT_TSR_OK(tsr_tensor_slice(b_base, starts, stops, steps, b_step.out()));
    // c: one row repeated K times (stride 0 along the rows).
    TensorGuard c_row(upload(ctx, input({1, N}, dt), dt)), c_rep;
    const int64_t rep[2] = {K, N};
    ASSERT_TSR_OK(tsr_tensor_expand(c_row, rep, 2, c_rep.out()));
    // d: every third column of a [M, 3K] tensor.
    TensorGuard d_base(upload(ctx, input({M, 3 * K}, dt), dt)), d_step;
    const int64_t ds[2] = {0, 0}, de[2] = {INT64_MAX, INT64_MAX}, dst[2] = {1, 3};
    ASSERT_TSR_OK(tsr_tensor_slice(d_base, ds, de, dst, d_step.out()));

    Host a = download(a_perm), b = download(b_step), c = download(c_rep), d = download(d_step);
    ASSERT_EQ(b.shape, (std::vector<int64_t>{K, N}));
    ASSERT_EQ(d.shape, (std::vector<int64_t>{M, K}));
    struct Case { tsr_tensor x, y; const Host *hx, *hy; bool tx, ty; };
    const Case cases[] = {
        {a_perm, b_step, &a, &b, false, false},  // permuted batch @ stepped
        {a_perm, c_rep, &a, &c, false, false},   // @ stride-0 rows
        {d_step, b_step, &d, &b, false, false},  // stepped @ stepped
        {b_step, d_step, &b, &d, true, true},    // transposes of stepped views
        {a_perm, a_perm, &a, &a, false, true},   // a @ a^T, both permuted
    };
    for (const Case& k : cases) {
      TensorGuard out;
      ASSERT_TSR_OK(tsr_matmul(k.x, k.y, k.tx, k.ty, 1.0, 0.0, nullptr, out.out()));
      expect_matmul(download(out), ref_matmul(*k.hx, *k.hy, k.tx, k.ty, 1.0, 0.0, nullptr), dt);
    }
  }
}

TEST_P(Matmul, ZeroSizes) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT16, TSR_INT32}) {
    if (!supported(dt)) continue;
    check({0, 4}, {4, 3}, dt);        // M = 0
    check({3, 4}, {4, 0}, dt);        // N = 0
    check({3, 0}, {0, 5}, dt);        // K = 0: zeros
    check({0}, {0}, dt);              // empty dot product: 0
    check({0, 2, 3}, {0, 3, 4}, dt);  // no batch entries
    check({2, 3, 0}, {0, 4}, dt);     // K = 0, batched
    // K = 0 with beta: out = beta * out.
    SCOPED_TRACE(tsr_dtype_name(dt));
    Host a = input({3, 0}, dt), b = input({0, 4}, dt), c = input({3, 4}, dt);
    TensorGuard ta(upload(ctx, a, dt)), tb(upload(ctx, b, dt)), out(upload(ctx, c, dt));
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 1.0, -2.0, nullptr, out.out()));
    expect_matmul(download(out), ref_matmul(a, b, false, false, 1.0, -2.0, &c), dt);
  }
}

// out aliasing an input: the product must use the input as it was.
TEST_P(Matmul, OutputIsAnInput) {
  for (tsr_dtype dt : {TSR_FLOAT32, TSR_FLOAT64, TSR_BFLOAT16, TSR_INT32}) {
    if (!supported(dt)) continue;
    SCOPED_TRACE(tsr_dtype_name(dt));
    Host a = input({2, 7, 7}, dt), b = input({2, 7, 7}, dt);
    TensorGuard ta(upload(ctx, a, dt)), tb(upload(ctx, b, dt));
    tsr_tensor out = ta;  // a = a @ b + a
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 1.0, 1.0, nullptr, &out));
    ASSERT_EQ(out, ta.t);
    expect_matmul(download(ta), ref_matmul(a, b, false, false, 1.0, 1.0, &a), dt);
    out = tb;  // b = a' @ b: the output is the right operand
    Host a2 = download(ta);
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 1.0, 0.0, nullptr, &out));
    expect_matmul(download(tb), ref_matmul(a2, b, false, false, 1.0, 0.0, nullptr), dt);
  }
}

// Integer arithmetic wraps like the elementwise ops (the low bits of the
// exact result), for signed and unsigned types.
TEST_P(Matmul, IntegerOverflowWraps) {
  for (tsr_dtype dt : {TSR_INT8, TSR_UINT8, TSR_INT16}) {
    SCOPED_TRACE(tsr_dtype_name(dt));
    const double lo = dt == TSR_INT16 ? -30000 : -120, hi = dt == TSR_INT16 ? 30000 : 120;
    Host a = random_host({9, 40}, dt, lo, dt == TSR_UINT8 ? 250 : hi);
    Host b = random_host({40, 7}, dt, lo, dt == TSR_UINT8 ? 250 : hi);
    TensorGuard ta(upload(ctx, a, dt)), tb(upload(ctx, b, dt)), out;
    ASSERT_TSR_OK(tsr_matmul(ta, tb, 0, 0, 3.0, 0.0, nullptr, out.out()));
    Host got = download(out);
    const int bits = int(dtype_bytes(dt)) * 8;
    const bool is_signed = dt == TSR_INT8 || dt == TSR_INT16;
    int bad = 0;
    for (int64_t i = 0; i < 9; ++i)
      for (int64_t j = 0; j < 7; ++j) {
        uint64_t s = 0;
        for (int64_t k = 0; k < 40; ++k)
          s += uint64_t(int64_t(a.data[size_t(i * 40 + k)])) * uint64_t(int64_t(b.data[size_t(k * 7 + j)]));
        s = (s * 3) & ((uint64_t(1) << bits) - 1);
        int64_t want = int64_t(s);
        if (is_signed && s >= (uint64_t(1) << (bits - 1))) want -= int64_t(1) << bits;
        if (got.data[size_t(i * 7 + j)] != double(want) && bad++ < 5)
          ADD_FAILURE() << "[" << i << "," << j << "] got " << got.data[size_t(i * 7 + j)]
                        << ", expected " << want;
      }
    EXPECT_EQ(bad, 0);
  }
}

// Sixteen threads, each on its own stream, at once: results must not mix.
TEST_P(Matmul, ConcurrentStreams) {
  constexpr int kThreads = 16;
  struct Job {
    Host a, b;
    tsr_dtype dt;
    TensorGuard out;
    tsr_status status = TSR_OK;
  };
  std::vector<Job> jobs(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    Job& j = jobs[size_t(t)];
    j.dt = t % 3 == 0 ? TSR_FLOAT16 : (t % 3 == 1 ? TSR_FLOAT32 : TSR_INT32);
    if (!supported(j.dt)) j.dt = TSR_FLOAT32;
    const int64_t M = 40 + 3 * t, K = 70 + t, N = 30 + 5 * t;
    j.a = input({t % 2 ? 3 : 1, M, K}, j.dt);
    j.b = input({K, N}, j.dt);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Job& j = jobs[size_t(t)];
      tsr_stream s = nullptr;
      if ((j.status = tsr_stream_create(ctx, 0, &s)) != TSR_OK) return;
      TensorGuard ta(upload(ctx, j.a, j.dt)), tb(upload(ctx, j.b, j.dt));
      for (int rep = 0; rep < 4 && j.status == TSR_OK; ++rep) {
        tsr_tensor_release(j.out.t);
        j.out.t = nullptr;
        j.status = tsr_matmul(ta, tb, 0, 0, 1.0, 0.0, s, j.out.out());
      }
      if (j.status == TSR_OK) j.status = tsr_stream_synchronize(s);
      tsr_stream_release(s);
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    Job& j = jobs[size_t(t)];
    SCOPED_TRACE("thread " + std::to_string(t));
    ASSERT_EQ(j.status, TSR_OK);
    expect_matmul(download(j.out), ref_matmul(j.a, j.b, false, false, 1.0, 0.0, nullptr), j.dt);
  }
}

TSR_INSTANTIATE_BACKENDS(Matmul);

// ---------------------------------------------------------------- errors

class MatmulErrors : public BackendTest {
 protected:
  // A caller's output with known contents, to check it is left untouched.
  void expect_untouched(const TensorGuard& out, tsr_tensor handle, const Host& before) {
    EXPECT_EQ(out.t, handle) << "the output handle changed";
    Host now = download(out);
    EXPECT_EQ(now.shape, before.shape);
    EXPECT_EQ(now.data, before.data) << "the output was written";
  }
};

TEST_P(MatmulErrors, InnerDimensionMismatch) {
  TensorGuard a(upload(ctx, random_host({3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard b(upload(ctx, random_host({5, 6}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard none;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 0, nullptr, none.out()), TSR_ERROR_SHAPE_MISMATCH,
                   "tsr_matmul");
  EXPECT_EQ(none.t, nullptr);
  Host c = random_host({3, 6}, TSR_FLOAT32);
  TensorGuard out(upload(ctx, c, TSR_FLOAT32));
  const tsr_tensor h = out.t;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 1, nullptr, out.out()), TSR_ERROR_SHAPE_MISMATCH,
                   "tsr_matmul");
  expect_untouched(out, h, c);
  // Transposing b does not fix it: [5, 6]^T is [6, 5].
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 1, 1, 0, nullptr, out.out()), TSR_ERROR_SHAPE_MISMATCH,
                   "tsr_matmul");
  expect_untouched(out, h, c);
  // Vectors of different lengths.
  TensorGuard v3(upload(ctx, random_host({3}, TSR_FLOAT32), TSR_FLOAT32));
  EXPECT_TSR_ERROR(tsr_matmul(v3, b, 0, 0, 1, 0, nullptr, none.out()), TSR_ERROR_SHAPE_MISMATCH,
                   "tsr_matmul");
  EXPECT_EQ(none.t, nullptr);
}

TEST_P(MatmulErrors, BatchAxesDoNotBroadcast) {
  TensorGuard a(upload(ctx, random_host({2, 3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard b(upload(ctx, random_host({3, 4, 5}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard none;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 0, nullptr, none.out()), TSR_ERROR_SHAPE_MISMATCH,
                   "tsr_matmul");
  EXPECT_EQ(none.t, nullptr);
}

TEST_P(MatmulErrors, BoolOperands) {
  TensorGuard a(upload(ctx, random_host({3, 4}, TSR_BOOL), TSR_BOOL));
  TensorGuard b(upload(ctx, random_host({4, 2}, TSR_BOOL), TSR_BOOL));
  TensorGuard none;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 0, nullptr, none.out()), TSR_ERROR_DTYPE_MISMATCH,
                   "tsr_matmul");
  EXPECT_EQ(none.t, nullptr);
  Host c = random_host({3, 2}, TSR_BOOL);
  TensorGuard out(upload(ctx, c, TSR_BOOL));
  const tsr_tensor h = out.t;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 0, nullptr, out.out()), TSR_ERROR_DTYPE_MISMATCH,
                   "tsr_matmul");
  expect_untouched(out, h, c);
}

TEST_P(MatmulErrors, BetaNeedsAnOutput) {
  TensorGuard a(upload(ctx, random_host({3, 4}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard b(upload(ctx, random_host({4, 2}, TSR_FLOAT32), TSR_FLOAT32));
  TensorGuard none;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 0.5, nullptr, none.out()),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_matmul");
  EXPECT_EQ(none.t, nullptr);
}

TEST_P(MatmulErrors, BadScalarsAndOutputs) {
  TensorGuard a(upload(ctx, random_host({3, 4}, TSR_INT32), TSR_INT32));
  TensorGuard b(upload(ctx, random_host({4, 2}, TSR_INT32), TSR_INT32));
  Host c = random_host({3, 2}, TSR_INT32);
  TensorGuard out(upload(ctx, c, TSR_INT32));
  const tsr_tensor h = out.t;
  // Integer products take integral alpha and beta only.
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 0.5, 0, nullptr, out.out()), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_matmul");
  expect_untouched(out, h, c);
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 1.25, nullptr, out.out()), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_matmul");
  expect_untouched(out, h, c);
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, NAN, 0, nullptr, out.out()), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_matmul");
  expect_untouched(out, h, c);
  // An output of the wrong shape or dtype.
  Host w = random_host({2, 3}, TSR_INT32);
  TensorGuard wrong(upload(ctx, w, TSR_INT32));
  const tsr_tensor hw = wrong.t;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 0, nullptr, wrong.out()), TSR_ERROR_SHAPE_MISMATCH,
                   "tsr_matmul");
  expect_untouched(wrong, hw, w);
  Host f = random_host({3, 2}, TSR_FLOAT32);
  TensorGuard wrong_dt(upload(ctx, f, TSR_FLOAT32));
  const tsr_tensor hf = wrong_dt.t;
  EXPECT_TSR_ERROR(tsr_matmul(a, b, 0, 0, 1, 0, nullptr, wrong_dt.out()), TSR_ERROR_DTYPE_MISMATCH,
                   "tsr_matmul");
  expect_untouched(wrong_dt, hf, f);
  // Null and released handles.
  EXPECT_TSR_ERROR(tsr_matmul(nullptr, b, 0, 0, 1, 0, nullptr, out.out()), TSR_ERROR_INVALID_HANDLE,
                   "tsr_matmul");
  expect_untouched(out, h, c);
}

TSR_INSTANTIATE_BACKENDS(MatmulErrors);

}  // namespace
