// Views: reshape (a view when the layout allows, a copy otherwise, -1
// inference), permute, transpose, slice (Python semantics), expand,
// squeeze/unsqueeze and contiguous; views share storage with their base and
// keep it alive.
#include <algorithm>
#include <cstring>

#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

std::vector<int64_t> strides_of(tsr_tensor t) {
  std::vector<int64_t> s(shape_of(t).size());
  if (!s.empty()) tsr_tensor_strides(t, s.data());
  return s;
}
char* data_of(tsr_tensor t) {
  void* p = nullptr;
  EXPECT_EQ(tsr_tensor_data_pointer(t, &p), TSR_OK) << tsr_last_error_message();
  return static_cast<char*>(p);
}
// 0, 1, 2, ... as float32 in `shape`.
std::vector<double> iota(int64_t n) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[size_t(i)] = double(i);
  return v;
}

// Python's slice.indices() followed by range(): the selected indices.
// INT64_MIN as start and INT64_MAX as stop mean "omitted".
std::vector<int64_t> py_slice(int64_t n, int64_t start, int64_t stop, int64_t step) {
  const int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? n : n - 1;
  auto clamp = [&](int64_t v) {
    if (v < 0) v += n;
    return v < lower ? lower : (v > upper ? upper : v);
  };
  int64_t b = start == INT64_MIN ? (step > 0 ? lower : upper) : clamp(start);
  int64_t e = stop == INT64_MAX ? (step > 0 ? upper : lower) : clamp(stop);
  std::vector<int64_t> out;
  for (int64_t i = b; step > 0 ? i < e : i > e; i += step) {
    out.push_back(i);
    if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
  }
  return out;
}

class Views : public BackendTest {
 protected:
  tsr_tensor iota_tensor(const std::vector<int64_t>& shape, tsr_dtype d = TSR_FLOAT32) {
    Host h;
    h.shape = shape;
    h.data = iota(h.numel());
    return upload(ctx, h, d);
  }
  int64_t bytes_in_use() {
    tsr_stats s{};
    s.size = sizeof(s);
    EXPECT_TSR_OK(tsr_context_get_stats(ctx, &s));
    return s.bytes_in_use;
  }
  bool host_pointers() const { return GetParam().kind == TSR_DEVICE_CPU; }
};

TEST_P(Views, ReshapeOfContiguousIsAView) {
  TensorGuard t(iota_tensor({2, 3, 4}));
  const std::vector<std::vector<int64_t>> shapes = {{6, 4}, {24}, {-1}, {4, -1}, {2, -1, 3},
                                                    {24, 1, 1}, {1, 2, 1, 12}, {2, 3, 4}};
  for (const auto& s : shapes) {
    SCOPED_TRACE(shape_str(s));
    TensorGuard r;
    ASSERT_TSR_OK(tsr_tensor_reshape(t, s.data(), int32_t(s.size()), r.out()));
    int64_t known = 1;
    for (int64_t d : s)
      if (d != -1) known *= d;
    std::vector<int64_t> want = s;
    for (auto& d : want)
      if (d == -1) d = 24 / known;
    EXPECT_EQ(shape_of(r), want);
    EXPECT_EQ(data_of(r), data_of(t)) << "a contiguous reshape must not copy";
    EXPECT_TRUE(all_close(download(r), iota(24), 0));
  }
  // A scalar-shaped tensor and one element.
  TensorGuard one(iota_tensor({1, 1})), scalar;
  ASSERT_TSR_OK(tsr_tensor_reshape(one, nullptr, 0, scalar.out()));
  EXPECT_EQ(shape_of(scalar), std::vector<int64_t>{});
  EXPECT_EQ(data_of(scalar), data_of(one));
}

TEST_P(Views, ReshapeOfStridedViews) {
  // Transposed [4, 3] (strides [1, 4]): splitting or adding unit axes is a
  // view; flattening needs a copy.
  TensorGuard base(iota_tensor({3, 4})), tr;
  ASSERT_TSR_OK(tsr_tensor_transpose(base, 0, 1, tr.out()));
  Host logical = download(tr);
  struct R {
    std::vector<int64_t> shape;
    bool view;
  };
  const R cases[] = {{{4, 3, 1}, true}, {{2, 2, 3}, true}, {{1, 4, 1, 3}, true}, {{12}, false},
                     {{4, 3}, true},    {{3, 4}, false},   {{6, 2}, false}};
  for (const R& c : cases) {
    SCOPED_TRACE(shape_str(c.shape));
    TensorGuard r;
    ASSERT_TSR_OK(tsr_tensor_reshape(tr, c.shape.data(), int32_t(c.shape.size()), r.out()));
    EXPECT_EQ(shape_of(r), c.shape);
    if (c.view) {
      EXPECT_EQ(data_of(r), data_of(tr));
    } else {
      EXPECT_TRUE(contiguous(r)) << "a reshape that cannot view must give a C-order copy";
    }
    EXPECT_TRUE(all_close(download(r), logical.data, 0)) << "the elements keep their C order";
  }
  // A slice [2, 3] of [2, 5] with a unit axis inserted in the middle: rows
  // are 5 apart, so [2, 1, 3] -> [6] cannot be a view.
  TensorGuard wide(iota_tensor({2, 5})), sl, un, flat;
  const int64_t starts[2] = {0, 0}, stops[2] = {2, 3}, steps[2] = {1, 1}, six[1] = {6};
  ASSERT_TSR_OK(tsr_tensor_slice(wide, starts, stops, steps, sl.out()));
  ASSERT_TSR_OK(tsr_tensor_unsqueeze(sl, 1, un.out()));
  ASSERT_TSR_OK(tsr_tensor_reshape(un, six, 1, flat.out()));
  EXPECT_TRUE(all_close(download(flat), {0, 1, 2, 5, 6, 7}, 0));
  // The same with the unit axis first and last.
  for (int32_t axis : {0, 2}) {
    TensorGuard u2, f2;
    ASSERT_TSR_OK(tsr_tensor_unsqueeze(sl, axis, u2.out()));
    ASSERT_TSR_OK(tsr_tensor_reshape(u2, six, 1, f2.out()));
    EXPECT_TRUE(all_close(download(f2), {0, 1, 2, 5, 6, 7}, 0)) << "unit axis at " << axis;
  }
}

TEST_P(Views, ReshapeZeroSizeAndErrors) {
  TensorGuard z(iota_tensor({0, 3})), r;
  const int64_t s30[2] = {3, 0};
  ASSERT_TSR_OK(tsr_tensor_reshape(z, s30, 2, r.out()));
  EXPECT_EQ(shape_of(r), (std::vector<int64_t>{3, 0}));
  TensorGuard t(iota_tensor({2, 3}));
  struct E {
    std::vector<int64_t> shape;
    tsr_status status;
  };
  const E errors[] = {{{-1, -1}, TSR_ERROR_INVALID_SHAPE}, {{4, 2}, TSR_ERROR_INVALID_SHAPE},
                      {{-1, 4}, TSR_ERROR_INVALID_SHAPE},  {{-2, -3}, TSR_ERROR_INVALID_SHAPE},
                      {{0, -1}, TSR_ERROR_INVALID_SHAPE},  {{INT64_MAX, 4}, TSR_ERROR_SIZE_OVERFLOW},
                      {{1, 1, 1, 1, 1, 1, 1, 1, 6}, TSR_ERROR_TOO_MANY_DIMS}};
  for (const E& e : errors) {
    SCOPED_TRACE(shape_str(e.shape));
    tsr_tensor out = nullptr;
    EXPECT_TSR_ERROR(tsr_tensor_reshape(t, e.shape.data(), int32_t(e.shape.size()), &out), e.status,
                     "tsr_tensor_reshape:");
    EXPECT_EQ(out, nullptr);
  }
}

TEST_P(Views, PermuteAndTranspose) {
  TensorGuard t(iota_tensor({2, 3, 4}));
  std::vector<int64_t> st = strides_of(t);
  const int32_t axes[3] = {2, 0, -2};  // negative axes count from the end
  TensorGuard p;
  ASSERT_TSR_OK(tsr_tensor_permute(t, axes, 3, p.out()));
  EXPECT_EQ(shape_of(p), (std::vector<int64_t>{4, 2, 3}));
  EXPECT_EQ(strides_of(p), (std::vector<int64_t>{st[2], st[0], st[1]}));
  EXPECT_EQ(data_of(p), data_of(t));
  std::vector<double> want;
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) want.push_back(i * 12 + j * 4 + k);
  EXPECT_TRUE(all_close(download(p), want, 0));
  TensorGuard tr, same;
  ASSERT_TSR_OK(tsr_tensor_transpose(t, 0, -1, tr.out()));
  EXPECT_EQ(shape_of(tr), (std::vector<int64_t>{4, 3, 2}));
  ASSERT_TSR_OK(tsr_tensor_transpose(t, 1, 1, same.out()));
  EXPECT_TRUE(contiguous(same));
  tsr_tensor out = nullptr;
  const int32_t repeated[3] = {0, 0, 1}, too_big[3] = {0, 1, 3}, two[2] = {0, 1};
  EXPECT_TSR_ERROR(tsr_tensor_permute(t, repeated, 3, &out), TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_permute:");
  EXPECT_TSR_ERROR(tsr_tensor_permute(t, too_big, 3, &out), TSR_ERROR_OUT_OF_RANGE, "tsr_tensor_permute:");
  EXPECT_TSR_ERROR(tsr_tensor_permute(t, two, 2, &out), TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_permute:");
  EXPECT_TSR_ERROR(tsr_tensor_permute(t, nullptr, 3, &out), TSR_ERROR_NULL_POINTER, "tsr_tensor_permute:");
  EXPECT_TSR_ERROR(tsr_tensor_transpose(t, 0, 3, &out), TSR_ERROR_OUT_OF_RANGE, "tsr_tensor_transpose:");
  EXPECT_TSR_ERROR(tsr_tensor_transpose(t, -4, 0, &out), TSR_ERROR_OUT_OF_RANGE, "tsr_tensor_transpose:");
  TensorGuard scalar(iota_tensor({}));
  EXPECT_TSR_ERROR(tsr_tensor_transpose(scalar, 0, 0, &out), TSR_ERROR_OUT_OF_RANGE, "tsr_tensor_transpose:");
  EXPECT_EQ(out, nullptr);
  TensorGuard p0;  // permuting a scalar-shaped tensor by no axes is fine
  ASSERT_TSR_OK(tsr_tensor_permute(scalar, nullptr, 0, p0.out()));
}

TEST_P(Views, SliceFollowsPython) {
  const int64_t n = 7;
  TensorGuard t(iota_tensor({n}, TSR_INT32));
  const int64_t big = int64_t(1) << 40;
  const int64_t starts[] = {INT64_MIN, 0, 2, -3, -100, 100, 6, -1, 3, -big, big};
  const int64_t stops[] = {INT64_MAX, 0, 5, -1, -100, 100, 1, -8, 3, -big, big};
  const int64_t steps[] = {1, 2, 3, -1, -2, -3, 6, 7, -7, 100, -100, INT64_MAX, INT64_MIN + 1, INT64_MIN};
  for (int64_t b : starts)
    for (int64_t e : stops)
      for (int64_t s : steps) {
        SCOPED_TRACE("[" + std::to_string(b) + ":" + std::to_string(e) + ":" + std::to_string(s) + "]");
        std::vector<int64_t> idx = py_slice(n, b, e, s);
        TensorGuard v;
        ASSERT_TSR_OK(tsr_tensor_slice(t, &b, &e, &s, v.out()));
        ASSERT_EQ(shape_of(v), std::vector<int64_t>{int64_t(idx.size())});
        std::vector<double> want(idx.begin(), idx.end());
        EXPECT_TRUE(all_close(download(v), want, 0));
        if (host_pointers() && !idx.empty()) {
          EXPECT_EQ(data_of(v), data_of(t) + 4 * idx[0]);
        }
      }
  tsr_tensor out = nullptr;
  const int64_t zero = 0, one = 1;
  EXPECT_TSR_ERROR(tsr_tensor_slice(t, &zero, &one, &zero, &out), TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_slice:");
  EXPECT_TSR_ERROR(tsr_tensor_slice(t, nullptr, &one, &one, &out), TSR_ERROR_NULL_POINTER, "tsr_tensor_slice:");
  EXPECT_EQ(out, nullptr);
}

TEST_P(Views, SliceInSeveralAxesAndOfViews) {
  TensorGuard t(iota_tensor({4, 5, 6}));
  const int64_t starts[3] = {-1, 1, INT64_MIN}, stops[3] = {INT64_MAX, 5, INT64_MAX},
                steps[3] = {-2, 2, -1};
  TensorGuard v;
  ASSERT_TSR_OK(tsr_tensor_slice(t, starts, stops, steps, v.out()));
  // axis 0: 3, 1; axis 1: 1, 3; axis 2: 5..0
  std::vector<double> want;
  for (int i : {3, 1})
    for (int j : {1, 3})
      for (int k = 5; k >= 0; --k) want.push_back(i * 30 + j * 6 + k);
  EXPECT_EQ(shape_of(v), (std::vector<int64_t>{2, 2, 6}));
  EXPECT_TRUE(all_close(download(v), want, 0));
  // A slice of that slice composes offsets and strides.
  const int64_t s2[3] = {1, 0, 1}, e2[3] = {2, 2, 6}, st2[3] = {1, 1, 2};
  TensorGuard vv;
  ASSERT_TSR_OK(tsr_tensor_slice(v, s2, e2, st2, vv.out()));
  std::vector<double> want2;
  for (int j : {1, 3})
    for (int k : {4, 2, 0}) want2.push_back(1 * 30 + j * 6 + k);
  EXPECT_TRUE(all_close(download(vv), want2, 0));
  // Empty results in one axis give a zero-size tensor.
  const int64_t s3[3] = {0, 3, 0}, e3[3] = {4, 3, 6}, st3[3] = {1, 1, 1};
  TensorGuard empty;
  ASSERT_TSR_OK(tsr_tensor_slice(t, s3, e3, st3, empty.out()));
  EXPECT_EQ(shape_of(empty), (std::vector<int64_t>{4, 0, 6}));
  EXPECT_TRUE(download(empty).data.empty());
}

TEST_P(Views, Expand) {
  TensorGuard t(iota_tensor({3, 1}));
  const int64_t to[3] = {2, 3, 4};
  TensorGuard e;
  ASSERT_TSR_OK(tsr_tensor_expand(t, to, 3, e.out()));
  EXPECT_EQ(shape_of(e), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(strides_of(e), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(data_of(e), data_of(t));
  std::vector<double> want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) want.push_back(j);
  EXPECT_TRUE(all_close(download(e), want, 0));
  TensorGuard one(iota_tensor({1})), zero;
  const int64_t to0[2] = {2, 0};
  ASSERT_TSR_OK(tsr_tensor_expand(one, to0, 2, zero.out()));
  EXPECT_EQ(shape_of(zero), (std::vector<int64_t>{2, 0}));
  tsr_tensor out = nullptr;
  const int64_t bad[2] = {2, 2}, fewer[1] = {3}, neg[2] = {3, -1}, nine[9] = {1, 1, 1, 1, 1, 1, 1, 3, 1};
  EXPECT_TSR_ERROR(tsr_tensor_expand(t, bad, 2, &out), TSR_ERROR_SHAPE_MISMATCH, "tsr_tensor_expand:");
  EXPECT_TSR_ERROR(tsr_tensor_expand(t, fewer, 1, &out), TSR_ERROR_SHAPE_MISMATCH, "tsr_tensor_expand:");
  EXPECT_TSR_ERROR(tsr_tensor_expand(t, neg, 2, &out), TSR_ERROR_INVALID_SHAPE, "tsr_tensor_expand:");
  EXPECT_TSR_ERROR(tsr_tensor_expand(t, nine, 9, &out), TSR_ERROR_TOO_MANY_DIMS, "tsr_tensor_expand:");
  EXPECT_EQ(out, nullptr);
}

TEST_P(Views, SqueezeUnsqueeze) {
  TensorGuard t(iota_tensor({2, 1, 3}));
  TensorGuard s, s_neg, u0, u_last, u_neg;
  ASSERT_TSR_OK(tsr_tensor_squeeze(t, 1, s.out()));
  EXPECT_EQ(shape_of(s), (std::vector<int64_t>{2, 3}));
  ASSERT_TSR_OK(tsr_tensor_squeeze(t, -2, s_neg.out()));
  EXPECT_EQ(shape_of(s_neg), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(data_of(s), data_of(t));
  ASSERT_TSR_OK(tsr_tensor_unsqueeze(t, 0, u0.out()));
  EXPECT_EQ(shape_of(u0), (std::vector<int64_t>{1, 2, 1, 3}));
  ASSERT_TSR_OK(tsr_tensor_unsqueeze(t, 3, u_last.out()));
  EXPECT_EQ(shape_of(u_last), (std::vector<int64_t>{2, 1, 3, 1}));
  ASSERT_TSR_OK(tsr_tensor_unsqueeze(t, -1, u_neg.out()));
  EXPECT_EQ(shape_of(u_neg), (std::vector<int64_t>{2, 1, 3, 1}));
  for (tsr_tensor v : {s.t, u0.t, u_last.t}) {
    EXPECT_TRUE(contiguous(v));
    EXPECT_TRUE(all_close(download(v), iota(6), 0));
  }
  tsr_tensor out = nullptr;
  EXPECT_TSR_ERROR(tsr_tensor_squeeze(t, 0, &out), TSR_ERROR_INVALID_SHAPE, "tsr_tensor_squeeze:");
  EXPECT_TSR_ERROR(tsr_tensor_squeeze(t, 3, &out), TSR_ERROR_OUT_OF_RANGE, "tsr_tensor_squeeze:");
  EXPECT_TSR_ERROR(tsr_tensor_unsqueeze(t, 4, &out), TSR_ERROR_OUT_OF_RANGE, "tsr_tensor_unsqueeze:");
  EXPECT_TSR_ERROR(tsr_tensor_unsqueeze(t, -5, &out), TSR_ERROR_OUT_OF_RANGE, "tsr_tensor_unsqueeze:");
  TensorGuard eight(iota_tensor({1, 1, 1, 1, 1, 1, 1, 2}));
  EXPECT_TSR_ERROR(tsr_tensor_unsqueeze(eight, 0, &out), TSR_ERROR_TOO_MANY_DIMS, "tsr_tensor_unsqueeze:");
  EXPECT_EQ(out, nullptr);
  // Unsqueeze of a strided view keeps its strides.
  TensorGuard tr, ut;
  ASSERT_TSR_OK(tsr_tensor_transpose(s, 0, 1, tr.out()));
  ASSERT_TSR_OK(tsr_tensor_unsqueeze(tr, 1, ut.out()));
  EXPECT_TRUE(all_close(download(ut), download(tr).data, 0));
}

TEST_P(Views, Contiguous) {
  TensorGuard t(iota_tensor({3, 4})), c, tr, ct;
  ASSERT_TSR_OK(tsr_tensor_contiguous(t, nullptr, c.out()));
  EXPECT_NE(c.t, t.t) << "a new handle";
  EXPECT_EQ(data_of(c), data_of(t)) << "an already contiguous tensor is not copied";
  ASSERT_TSR_OK(tsr_tensor_transpose(t, 0, 1, tr.out()));
  ASSERT_TSR_OK(tsr_tensor_contiguous(tr, nullptr, ct.out()));
  EXPECT_TRUE(contiguous(ct));
  EXPECT_NE(data_of(ct), data_of(t));
  std::vector<double> want;
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 3; ++i) want.push_back(i * 4 + j);
  EXPECT_TRUE(all_close(download(ct), want, 0));
}

TEST_P(Views, ViewsShareStorageAndKeepItAlive) {
  const int64_t in_use0 = bytes_in_use();
  tsr_tensor base = iota_tensor({4, 6});
  // Write through an op into a strided view: the base sees it.
  tsr_tensor view = nullptr;
  const int64_t starts[2] = {1, 0}, stops[2] = {4, 6}, steps[2] = {2, 3};
  ASSERT_TSR_OK(tsr_tensor_slice(base, starts, stops, steps, &view));  // rows 1, 3; cols 0, 3
  TensorGuard minus(upload(ctx, Host{{2, 2}, {-1, -2, -3, -4}}, TSR_FLOAT32));
  tsr_tensor target = view;
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_MULTIPLY, minus, 100, 0, nullptr, &target));
  std::vector<double> want = iota(24);
  want[6] = -100, want[9] = -200, want[18] = -300, want[21] = -400;
  EXPECT_TRUE(all_close(download(base), want, 0));
  const int64_t in_use1 = bytes_in_use();
  EXPECT_GT(in_use1, in_use0);
  // Releasing the base keeps the storage alive for the view.
  tsr_tensor_release(base);
  EXPECT_EQ(bytes_in_use(), in_use1) << "the view still holds the storage";
  EXPECT_TRUE(all_close(download(view), {-100, -200, -300, -400}, 0));
  TensorGuard sum;
  ASSERT_TSR_OK(tsr_binary(TSR_ADD, view, view, nullptr, sum.out()));
  EXPECT_TRUE(all_close(download(sum), {-200, -400, -600, -800}, 0));
  const int64_t in_use2 = bytes_in_use();
  tsr_tensor_release(view);
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));
  EXPECT_LT(bytes_in_use(), in_use2) << "the last view frees the storage";
}

TEST_P(Views, ChainsOfViews) {
  // reshape -> permute -> slice -> expand, checked against host index math.
  TensorGuard t(iota_tensor({24})), r, p, s, e;
  const int64_t shape[3] = {2, 3, 4};
  ASSERT_TSR_OK(tsr_tensor_reshape(t, shape, 3, r.out()));
  const int32_t axes[3] = {1, 2, 0};
  ASSERT_TSR_OK(tsr_tensor_permute(r, axes, 3, p.out()));  // [3, 4, 2]: p[i][j][k] = k*12 + i*4 + j
  const int64_t starts[3] = {2, 0, 1}, stops[3] = {INT64_MAX, 4, 2}, steps[3] = {-1, 3, 1};
  ASSERT_TSR_OK(tsr_tensor_slice(p, starts, stops, steps, s.out()));  // [3, 2, 1]
  const int64_t to[4] = {2, 3, 2, 5};
  ASSERT_TSR_OK(tsr_tensor_expand(s, to, 4, e.out()));
  std::vector<double> want;
  for (int a = 0; a < 2; ++a)
    for (int i : {2, 1, 0})
      for (int j : {0, 3})
        for (int k = 0; k < 5; ++k) want.push_back(1 * 12 + i * 4 + j);
  EXPECT_EQ(shape_of(e), (std::vector<int64_t>{2, 3, 2, 5}));
  EXPECT_TRUE(all_close(download(e), want, 0));
  // An OpenCL view that starts inside its cl_mem has no address of its own
  // (tsr_tensor_data_pointer says so with UNSUPPORTED); elsewhere element 0
  // must be t[20] of the shared storage.
  void* addr = nullptr;
  const tsr_status st = tsr_tensor_data_pointer(e, &addr);
  if (GetParam().kind == TSR_DEVICE_OPENCL) {
    EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << tsr_last_error_message();
  } else {
    ASSERT_TSR_OK(st);
    EXPECT_EQ(static_cast<char*>(addr), data_of(t) + 4 * (12 + 8)) << "element 0 is t[20]";
  }
}

TSR_INSTANTIATE_BACKENDS(Views);

}  // namespace
