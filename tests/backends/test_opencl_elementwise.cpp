// The OpenCL backend's elementwise ops against the CPU backend, whose
// scalar_math.h defines their semantics: every op, every dtype, contiguous,
// broadcast, permuted and step-sliced inputs, with NaN, infinities, -0,
// halfway cases and integer extremes mixed in. Integer and bool results must
// match byte for byte (wrapping, division by zero, floor division,
// saturating casts); floating results within the dtype's tolerance (OpenCL's
// math functions may differ from libm by a few ulp), with NaNs in the same
// places. Dtypes the device lacks must fail with TSR_ERROR_UNSUPPORTED.
#include <climits>
#include <functional>
#include <memory>

#include "backends/opencl_test_util.h"

using namespace tsrtest;
using namespace tsrtest::ocl;

namespace {

using OpFn = std::function<tsr_status(const std::vector<tsr_tensor>& in, tsr_tensor* out)>;

class OpenclElementwise : public ::testing::Test {
 protected:
  void SetUp() override {
    TSR_REQUIRE_OPENCL();
    cl_ = std::make_unique<ContextGuard>(TSR_DEVICE_OPENCL);
    cpu_ = std::make_unique<ContextGuard>(TSR_DEVICE_CPU);
    ASSERT_NE(cl_->c, nullptr);
    ASSERT_NE(cpu_->c, nullptr);
    info_ = device_info(*cl_);
  }

  // Runs `op` on both backends (CPU inputs contiguous, OpenCL inputs in
  // layout `l`; `cl_layouts` may give a layout per input) and compares.
  void check(const std::string& what, const OpFn& op, const std::vector<Host>& hs,
             const std::vector<tsr_dtype>& ds, Layout l, double tol_scale = 1) {
    SCOPED_TRACE(what + " [" + layout_name(l) + "]");
    std::vector<TensorGuard> cpu_in(hs.size()), cl_in(hs.size());
    std::vector<tsr_tensor> a, b;
    for (size_t i = 0; i < hs.size(); ++i) {
      cpu_in[i].t = upload(*cpu_, hs[i], ds[i]);
      cl_in[i].t = make_tensor(*cl_, hs[i], ds[i], l);
      a.push_back(cpu_in[i]);
      b.push_back(cl_in[i]);
    }
    TensorGuard want, got;
    tsr_status s_cpu = op(a, want.out());
    tsr_status s_cl = op(b, got.out());
    const std::string cl_msg = tsr_last_error_message();
    bool lacking = false;
    for (tsr_dtype d : ds) lacking |= !dtype_supported(info_, d);
    tsr_dtype out_dtype = TSR_BOOL;
    if (s_cpu == TSR_OK) {
      tsr_tensor_dtype(want, &out_dtype);
      lacking |= !dtype_supported(info_, out_dtype);
    }
    if (lacking && s_cpu == TSR_OK) {
      EXPECT_EQ(s_cl, TSR_ERROR_UNSUPPORTED) << cl_msg;
      EXPECT_NE(cl_msg.find("cl_khr_fp"), std::string::npos) << cl_msg;
      return;
    }
    ASSERT_EQ(s_cl, s_cpu) << "CPU: " << tsr_status_string(s_cpu) << ", OpenCL: " << cl_msg;
    if (s_cpu != TSR_OK) return;  // an error both agree on (e.g. abs of bool)
    tsr_dtype got_dtype = TSR_BOOL;
    tsr_tensor_dtype(got, &got_dtype);
    ASSERT_EQ(got_dtype, out_dtype);
    if (is_float(out_dtype)) {
      Host w = download(want), g = download(got);
      EXPECT_EQ(g.shape, w.shape);
      EXPECT_TRUE(all_close(g, w.data, tolerance(out_dtype) * tol_scale));
    } else {
      EXPECT_EQ(raw_bytes(got), raw_bytes(want)) << "results differ byte for byte";
    }
  }

  std::unique_ptr<ContextGuard> cl_, cpu_;
  tsr_device_info info_{};
};

const std::vector<int64_t> kShape = {3, 4, 5};
const Layout kLayouts[] = {Layout::Contiguous, Layout::Permuted, Layout::Sliced, Layout::Reversed};

std::string name_of(tsr_dtype d) { return tsr_dtype_name(d); }

TEST_F(OpenclElementwise, UnaryEveryOpAndDtype) {
  for (int op = 0; op < TSR_UNARY_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes())
      for (Layout l : {Layout::Contiguous, Layout::Reversed}) {
        Host h = special_host(kShape, d);
        // Transcendental functions: a few ulp apart from libm.
        check("unary " + std::to_string(op) + " " + name_of(d),
              [op](const std::vector<tsr_tensor>& in, tsr_tensor* out) {
                return tsr_unary(tsr_unary_op(op), in[0], nullptr, out);
              },
              {h}, {d}, l, 4);
      }
}

TEST_F(OpenclElementwise, BinaryEveryOpAndDtype) {
  for (int op = 0; op < TSR_BINARY_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes())
      for (Layout l : kLayouts) {
        Host a = special_host(kShape, d), b = special_host(kShape, d);
        check("binary " + std::to_string(op) + " " + name_of(d),
              [op](const std::vector<tsr_tensor>& in, tsr_tensor* out) {
                return tsr_binary(tsr_binary_op(op), in[0], in[1], nullptr, out);
              },
              {a, b}, {d, d}, l, 4);
      }
}

TEST_F(OpenclElementwise, BinaryBroadcastAndPromotion) {
  const std::pair<tsr_dtype, tsr_dtype> pairs[] = {
      {TSR_FLOAT32, TSR_FLOAT32}, {TSR_INT32, TSR_INT32}, {TSR_INT8, TSR_UINT8},
      {TSR_INT16, TSR_FLOAT32},   {TSR_BOOL, TSR_INT64},  {TSR_UINT32, TSR_FLOAT64},
      {TSR_BFLOAT16, TSR_FLOAT32}};
  for (int op : {TSR_ADD, TSR_SUBTRACT, TSR_MULTIPLY, TSR_FLOOR_DIVIDE, TSR_REMAINDER, TSR_MAXIMUM,
                 TSR_LESS, TSR_POW})
    for (auto [da, db] : pairs) {
      Host a = special_host({3, 1, 5}, da), b = special_host({4, 5}, db);
      check("broadcast binary " + std::to_string(op) + " " + name_of(da) + "/" + name_of(db),
            [op](const std::vector<tsr_tensor>& in, tsr_tensor* out) {
              return tsr_binary(tsr_binary_op(op), in[0], in[1], nullptr, out);
            },
            {a, b}, {da, db}, Layout::Contiguous, 4);
    }
}

TEST_F(OpenclElementwise, BinaryScalarEveryOpAndDtype) {
  for (int op = 0; op < TSR_BINARY_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes())
      for (double s : {3.0, -2.0, 0.0, 2.5})
        for (int first : {0, 1}) {
          Host a = special_host(kShape, d);
          check("scalar " + std::to_string(op) + " " + name_of(d) + " s=" + std::to_string(s) +
                    (first ? " first" : ""),
                [op, s, first](const std::vector<tsr_tensor>& in, tsr_tensor* out) {
                  return tsr_binary_scalar(tsr_binary_op(op), in[0], s, first, nullptr, out);
                },
                {a}, {d}, first ? Layout::Sliced : Layout::Contiguous, 4);
        }
}

TEST_F(OpenclElementwise, WhereEveryDtype) {
  for (tsr_dtype d : all_dtypes())
    for (Layout l : kLayouts) {
      Host c = random_host({4, 5}, TSR_BOOL), a = special_host(kShape, d),
           b = special_host({3, 1, 5}, d);
      check("where " + name_of(d),
            [](const std::vector<tsr_tensor>& in, tsr_tensor* out) {
              return tsr_where(in[0], in[1], in[2], nullptr, out);
            },
            {c, a, b}, {TSR_BOOL, d, d}, l);
    }
}

TEST_F(OpenclElementwise, AstypeEveryPair) {
  for (tsr_dtype from : all_dtypes())
    for (tsr_dtype to : all_dtypes())
      for (Layout l : {Layout::Contiguous, Layout::Permuted}) {
        // Wide float values so float -> integer conversions saturate.
        Host h = is_float(from) && from != TSR_FLOAT16 ? special_host(kShape, from, -1e10, 1e10)
                                                       : special_host(kShape, from);
        check("astype " + name_of(from) + " -> " + name_of(to),
              [to](const std::vector<tsr_tensor>& in, tsr_tensor* out) {
                return tsr_astype(in[0], to, nullptr, out);
              },
              {h}, {from}, l);
      }
}

TEST_F(OpenclElementwise, ContiguousCopiesOfViews) {
  // Views only: a contiguous tensor is returned as it is, with no op to run
  // (and so no dtype gate to hit).
  for (tsr_dtype d : all_dtypes())
    for (Layout l : {Layout::Permuted, Layout::Sliced, Layout::Reversed}) {
      Host h = special_host({2, 3, 4, 5}, d);
      check("contiguous " + name_of(d),
            [](const std::vector<tsr_tensor>& in, tsr_tensor* out) {
              return tsr_tensor_contiguous(in[0], nullptr, out);
            },
            {h}, {d}, l);
    }
}

TEST_F(OpenclElementwise, FullArangeAndEmpty) {
  for (tsr_dtype d : all_dtypes()) {
    SCOPED_TRACE(name_of(d));
    for (double v : {3.7, -2.5, 1e30, -1e30, double(NAN)}) {
      const int64_t shape[] = {5, 7};
      TensorGuard want, got;
      ASSERT_TSR_OK(tsr_tensor_full(*cpu_, shape, 2, d, v, nullptr, want.out()));
      tsr_status st = tsr_tensor_full(*cl_, shape, 2, d, v, nullptr, got.out());
      if (!dtype_supported(info_, d)) {
        EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED);
        continue;
      }
      ASSERT_TSR_OK(st);
      EXPECT_EQ(raw_bytes(got), raw_bytes(want)) << "full " << v;
    }
    if (d == TSR_BOOL) continue;
    TensorGuard want, got;
    ASSERT_TSR_OK(tsr_tensor_arange(*cpu_, -3.5, 40.0, 0.75, d, nullptr, want.out()));
    tsr_status st = tsr_tensor_arange(*cl_, -3.5, 40.0, 0.75, d, nullptr, got.out());
    if (!dtype_supported(info_, d) || !info_.supports_float64) {
      EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << tsr_last_error_message();
      continue;
    }
    ASSERT_TSR_OK(st);
    EXPECT_EQ(raw_bytes(got), raw_bytes(want)) << "arange";
  }
  // Zero-size operands: nothing to do, but shapes and dtypes as usual.
  Host e = random_host({0, 3}, TSR_FLOAT32);
  TensorGuard t(upload(*cl_, e, TSR_FLOAT32)), r;
  ASSERT_TSR_OK(tsr_binary(TSR_ADD, t, t, nullptr, r.out()));
  int64_t n = -1;
  ASSERT_TSR_OK(tsr_tensor_numel(r, &n));
  EXPECT_EQ(n, 0);
}

TEST_F(OpenclElementwise, RandomMatchesTheCpuDrawForDraw) {
  for (tsr_dtype d : all_dtypes()) {
    if (d == TSR_BOOL) continue;
    for (tsr_distribution dist : {TSR_RANDOM_UNIFORM, TSR_RANDOM_NORMAL}) {
      if (dist == TSR_RANDOM_NORMAL && !is_float(d)) continue;
      SCOPED_TRACE(name_of(d) + (dist == TSR_RANDOM_NORMAL ? " normal" : " uniform"));
      const int64_t shape[] = {1000, 37};
      const uint64_t seed = rng()();
      const double a = dist == TSR_RANDOM_UNIFORM ? -3 : 0.5, b = dist == TSR_RANDOM_UNIFORM ? 9 : 2;
      TensorGuard want, got;
      ASSERT_TSR_OK(tsr_tensor_random(*cpu_, shape, 2, d, dist, seed, a, b, nullptr, want.out()));
      tsr_status st = tsr_tensor_random(*cl_, shape, 2, d, dist, seed, a, b, nullptr, got.out());
      if (!dtype_supported(info_, d) || !info_.supports_float64) {
        EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << tsr_last_error_message();
        continue;
      }
      ASSERT_TSR_OK(st);
      if (dist == TSR_RANDOM_UNIFORM || d != TSR_FLOAT64) {
        // Uniform draws are exact arithmetic; normal draws round a double
        // to a narrower type, where a last-ulp difference of log1p/cos
        // (libm vs OpenCL) almost never shows.
        auto g = raw_bytes(got), w = raw_bytes(want);
        size_t differ = 0;
        for (size_t i = 0; i < g.size(); ++i) differ += g[i] != w[i];
        EXPECT_LE(differ, dist == TSR_RANDOM_UNIFORM ? 0u : g.size() / 10000)
            << "bytes that differ from the CPU's draws";
      }
      Host hw = download(want), hg = download(got);
      EXPECT_TRUE(all_close(hg, hw.data, 1e-15 + tolerance(d)));
    }
  }
}

}  // namespace

// A contiguous 1-d view of `h` that starts `offset` elements into its buffer.
tsr_tensor offset_view(tsr_context ctx, const Host& h, tsr_dtype d, int64_t offset) {
  Host padded = special_host({h.numel() + offset}, d);
  for (int64_t i = 0; i < h.numel(); ++i) padded.data[size_t(offset + i)] = h.data[size_t(i)];
  TensorGuard base(upload(ctx, padded, d));
  const int64_t start = offset, stop = INT64_MAX, step = 1;
  tsr_tensor out = nullptr;
  EXPECT_EQ(tsr_tensor_slice(base, &start, &stop, &step, &out), TSR_OK) << tsr_last_error_message();
  return out;
}

// Contiguous binary kernels take 4 elements per work-item when every offset
// is a multiple of 4, one otherwise: every length (tails of 1 to 3), every
// alignment of inputs and of a caller's output view, each dtype, against the
// CPU. Forms: a + b, a < b, 3 * a (scalar first).
TEST_F(OpenclElementwise, ContiguousBinaryEveryAlignmentAndLength) {
  const int64_t offsets[][3] = {{0, 0, 0}, {4, 8, 0}, {1, 1, 1}, {0, 2, 0}, {0, 0, 3}, {4, 4, 4}};
  for (tsr_dtype d : all_dtypes()) {
    if (!dtype_supported(info_, d)) continue;
    for (int64_t n : {1, 3, 4, 5, 8, 67, 1030}) {
      Host a = special_host({n}, d), b = special_host({n}, d);
      TensorGuard ca(upload(*cpu_, a, d)), cb(upload(*cpu_, b, d));
      for (const auto& off : offsets) {
        const std::string what = name_of(d) + " n=" + std::to_string(n) + " offsets " +
                                 std::to_string(off[0]) + "," + std::to_string(off[1]) + "," +
                                 std::to_string(off[2]);
        SCOPED_TRACE(what);
        TensorGuard ga(offset_view(*cl_, a, d, off[0])), gb(offset_view(*cl_, b, d, off[1]));
        for (int form = 0; form < 3; ++form) {
          // Arithmetic is not defined on bool: maximum (logical or) instead.
          const bool is_bool = d == TSR_BOOL;
          auto run = [&](tsr_tensor x, tsr_tensor y, tsr_tensor* out) {
            if (form == 0) return tsr_binary(is_bool ? TSR_MAXIMUM : TSR_ADD, x, y, nullptr, out);
            if (form == 1) return tsr_binary(TSR_LESS, x, y, nullptr, out);
            return tsr_binary_scalar(is_bool ? TSR_MAXIMUM : TSR_MULTIPLY, x, is_bool ? 0.0 : 3.0, 1,
                                     nullptr, out);
          };
          TensorGuard want;
          ASSERT_TSR_OK(run(ca, cb, want.out()));
          tsr_dtype out_d = TSR_BOOL;
          ASSERT_TSR_OK(tsr_tensor_dtype(want, &out_d));
          // Into a caller's output view at its own offset.
          TensorGuard got(offset_view(*cl_, special_host({n}, out_d), out_d, off[2]));
          ASSERT_TSR_OK(run(ga, gb, got.out()));
          if (is_float(out_d)) {
            EXPECT_TRUE(all_close(download(got), download(want).data, tolerance(out_d))) << form;
          } else {
            EXPECT_EQ(raw_bytes(got), raw_bytes(want)) << form;
          }
        }
      }
    }
  }
}
