// The GPU backend's elementwise ops give the CPU backend's results: every
// unary and binary op (tensor and scalar operands) for every dtype, casts
// between every pair of dtypes, where, fill, arange and seeded random
// tensors, on contiguous (vector path and tail), permuted, sliced-with-step
// (misaligned), broadcast, zero-size and 0-d operands, with NaN, infinities
// and integer extremes among the inputs. Results that IEEE arithmetic fixes
// must match exactly; transcendental functions within the dtype tolerance.
#include <array>
#include <string>

#include "backends/gpu_compare.h"

using namespace tsrtest;

namespace {

enum class Layout { Contiguous, Permuted, Sliced, Empty, Scalar };
const Layout kLayouts[] = {Layout::Contiguous, Layout::Permuted, Layout::Sliced, Layout::Empty,
                           Layout::Scalar};
const char* layout_name(Layout l) {
  switch (l) {
    case Layout::Contiguous: return "contiguous";
    case Layout::Permuted: return "permuted";
    case Layout::Sliced: return "sliced";
    case Layout::Empty: return "empty";
    default: return "0-d";
  }
}
std::vector<int64_t> base_shape(Layout l) {
  switch (l) {
    case Layout::Contiguous: return {1031};  // 16-byte vectors plus a tail
    case Layout::Permuted: return {5, 6, 7};
    case Layout::Sliced: return {9, 31};
    case Layout::Empty: return {0, 5};
    default: return {};
  }
}
// The view of `t` the layout tests (a new reference in *out).
void apply_layout(tsr_tensor t, Layout l, tsr_tensor* out) {
  if (l == Layout::Permuted) {
    const int32_t axes[3] = {2, 0, 1};
    ASSERT_TSR_OK(tsr_tensor_permute(t, axes, 3, out));
  } else if (l == Layout::Sliced) {
    const int64_t starts[2] = {1, 2}, stops[2] = {9, 31}, steps[2] = {2, 3};
    ASSERT_TSR_OK(tsr_tensor_slice(t, starts, stops, steps, out));
  } else {
    ASSERT_TSR_OK(tsr_tensor_retain(t));
    *out = t;
  }
}

// Inputs of `dtype` in a layout, in both contexts.
void make_input(tsr_context cpu, tsr_context gpu, Layout l, tsr_dtype dtype, double lo, double hi,
                Both* out) {
  Both base;
  upload_host_both(cpu, gpu, mixed_host(base_shape(l), dtype, lo, hi), dtype, &base);
  apply_layout(base.cpu, l, out->cpu.out());
  apply_layout(base.gpu, l, out->gpu.out());
}

bool exact_unary(tsr_unary_op op) {
  switch (op) {
    case TSR_EXP: case TSR_EXPM1: case TSR_LOG: case TSR_LOG1P: case TSR_SIN: case TSR_COS:
    case TSR_TAN: case TSR_TANH: case TSR_SIGMOID: case TSR_GELU: case TSR_SILU: return false;
    default: return true;
  }
}

double tol_for(tsr_tensor t, bool exact) {
  if (exact) return 0;
  tsr_dtype d = TSR_FLOAT32;
  tsr_tensor_dtype(t, &d);
  return tolerance(d);
}

}  // namespace

class GpuElementwiseVsCpu : public GpuVsCpuTest {};

TEST_P(GpuElementwiseVsCpu, UnaryEveryOpDtypeLayout) {
  for (int op = 0; op < TSR_UNARY_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes())
      for (Layout l : kLayouts) {
        Both x;
        make_input(cpu, ctx, l, d, -4, 4, &x);
        Both y;
        const std::string what = std::string("unary op ") + std::to_string(op) + " " +
                                 tsr_dtype_name(d) + " " + layout_name(l);
        tsr_status sc = tsr_unary(tsr_unary_op(op), x.cpu, nullptr, y.cpu.out());
        tsr_status sg = tsr_unary(tsr_unary_op(op), x.gpu, nullptr, y.gpu.out());
        ASSERT_EQ(sc, sg) << what << ": " << tsr_last_error_message();
        if (sc != TSR_OK) continue;
        EXPECT_TRUE(same_values(y.cpu, y.gpu, tol_for(y.cpu, exact_unary(tsr_unary_op(op))))) << what;
      }
}

namespace {
bool exact_binary(tsr_binary_op op) { return op != TSR_POW; }
// Operand ranges that exercise each op (divisors include zero for integers).
void binary_range(tsr_binary_op op, tsr_dtype d, double* lo, double* hi) {
  *lo = -6;
  *hi = 6;
  if (op == TSR_POW && d != TSR_FLOAT16 && d != TSR_BFLOAT16 && d != TSR_FLOAT32 && d != TSR_FLOAT64) {
    *lo = -3;
    *hi = 9;
  }
}
}  // namespace

TEST_P(GpuElementwiseVsCpu, BinaryEveryOpDtypeLayout) {
  for (int op = 0; op < TSR_BINARY_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes()) {
      double lo, hi;
      binary_range(tsr_binary_op(op), d, &lo, &hi);
      auto check = [&](Both& a, Both& b, const std::string& where) {
        Both y;
        const std::string what = std::string("binary op ") + std::to_string(op) + " " +
                                 tsr_dtype_name(d) + " " + where;
        tsr_status sc = tsr_binary(tsr_binary_op(op), a.cpu, b.cpu, nullptr, y.cpu.out());
        tsr_status sg = tsr_binary(tsr_binary_op(op), a.gpu, b.gpu, nullptr, y.gpu.out());
        ASSERT_EQ(sc, sg) << what << ": " << tsr_last_error_message();
        if (sc != TSR_OK) return;
        EXPECT_TRUE(same_values(y.cpu, y.gpu, tol_for(y.cpu, exact_binary(tsr_binary_op(op))))) << what;
      };
      for (Layout l : kLayouts) {
        Both a, b;
        make_input(cpu, ctx, l, d, lo, hi, &a);
        make_input(cpu, ctx, l, d, lo, hi, &b);
        check(a, b, layout_name(l));
      }
      // Broadcasting: [3,1,5] with [4,5], and a one-element operand.
      Both a, b, s;
      upload_host_both(cpu, ctx, mixed_host({3, 1, 5}, d, lo, hi), d, &a);
      upload_host_both(cpu, ctx, mixed_host({4, 5}, d, lo, hi), d, &b);
      upload_host_both(cpu, ctx, mixed_host({1}, d, lo, hi, false), d, &s);
      check(a, b, "broadcast");
      check(b, s, "broadcast-one");
      check(s, a, "one-broadcast");
    }
}

TEST_P(GpuElementwiseVsCpu, BinaryMixedDtypes) {
  const std::array<std::pair<tsr_dtype, tsr_dtype>, 6> pairs = {{{TSR_INT8, TSR_UINT8},
                                                                 {TSR_FLOAT16, TSR_BFLOAT16},
                                                                 {TSR_INT32, TSR_FLOAT16},
                                                                 {TSR_BOOL, TSR_INT16},
                                                                 {TSR_UINT32, TSR_INT64},
                                                                 {TSR_FLOAT32, TSR_FLOAT64}}};
  for (auto [da, db] : pairs)
    for (tsr_binary_op op : {TSR_ADD, TSR_MULTIPLY, TSR_LESS, TSR_MAXIMUM, TSR_DIVIDE, TSR_BITWISE_XOR}) {
      Both a, b, y;
      upload_host_both(cpu, ctx, mixed_host({6, 7}, da), da, &a);
      upload_host_both(cpu, ctx, mixed_host({7}, db), db, &b);
      tsr_status sc = tsr_binary(op, a.cpu, b.cpu, nullptr, y.cpu.out());
      tsr_status sg = tsr_binary(op, a.gpu, b.gpu, nullptr, y.gpu.out());
      ASSERT_EQ(sc, sg) << tsr_last_error_message();
      if (sc == TSR_OK) {
        EXPECT_TRUE(same_values(y.cpu, y.gpu, 0)) << tsr_dtype_name(da) << " op " << op << " " << tsr_dtype_name(db);
      }
    }
}

TEST_P(GpuElementwiseVsCpu, BinaryScalarEveryOpDtype) {
  const double scalars[] = {2.0, -3.0, 0.5, 0.0, 300.0};
  for (int op = 0; op < TSR_BINARY_OP_COUNT; ++op)
    for (tsr_dtype d : all_dtypes())
      for (double sv : scalars)
        for (int first = 0; first < 2; ++first)
          for (Layout l : {Layout::Contiguous, Layout::Permuted}) {
            Both x, y;
            make_input(cpu, ctx, l, d, -6, 6, &x);
            const std::string what = std::string("binary_scalar op ") + std::to_string(op) + " " +
                                     tsr_dtype_name(d) + " scalar " + std::to_string(sv) +
                                     (first ? " first " : " second ") + layout_name(l);
            tsr_status sc = tsr_binary_scalar(tsr_binary_op(op), x.cpu, sv, first, nullptr, y.cpu.out());
            tsr_status sg = tsr_binary_scalar(tsr_binary_op(op), x.gpu, sv, first, nullptr, y.gpu.out());
            ASSERT_EQ(sc, sg) << what << ": " << tsr_last_error_message();
            if (sc != TSR_OK) continue;
            EXPECT_TRUE(same_values(y.cpu, y.gpu, tol_for(y.cpu, exact_binary(tsr_binary_op(op))))) << what;
          }
}

TEST_P(GpuElementwiseVsCpu, CastEveryPairAndLayout) {
  for (tsr_dtype from : all_dtypes())
    for (tsr_dtype to : all_dtypes())
      for (Layout l : kLayouts) {
        Both x, y;
        make_input(cpu, ctx, l, from, -300, 300, &x);
        ASSERT_TSR_OK(tsr_astype(x.cpu, to, nullptr, y.cpu.out()));
        ASSERT_TSR_OK(tsr_astype(x.gpu, to, nullptr, y.gpu.out()));
        EXPECT_TRUE(same_values(y.cpu, y.gpu, 0))
            << tsr_dtype_name(from) << " -> " << tsr_dtype_name(to) << " " << layout_name(l);
      }
}

TEST_P(GpuElementwiseVsCpu, CopyIntoStridedDestination) {
  for (tsr_dtype d : {TSR_UINT8, TSR_FLOAT16, TSR_FLOAT32, TSR_INT64}) {
    Both src, dst;
    upload_host_both(cpu, ctx, mixed_host({4, 10}, d), d, &src);
    upload_host_both(cpu, ctx, mixed_host({9, 31}, d), d, &dst);
    Both view;
    apply_layout(dst.cpu, Layout::Sliced, view.cpu.out());
    apply_layout(dst.gpu, Layout::Sliced, view.gpu.out());
    ASSERT_TSR_OK(tsr_tensor_copy(view.cpu, src.cpu, nullptr));
    ASSERT_TSR_OK(tsr_tensor_copy(view.gpu, src.gpu, nullptr));
    EXPECT_TRUE(same_values(dst.cpu, dst.gpu, 0)) << tsr_dtype_name(d);  // untouched elements too
  }
}

TEST_P(GpuElementwiseVsCpu, WhereWithBroadcastAndPromotion) {
  for (tsr_dtype da : all_dtypes())
    for (tsr_dtype db : {da, TSR_FLOAT32, TSR_INT8}) {
      Both c, a, b, y;
      upload_host_both(cpu, ctx, mixed_host({3, 1, 5}, TSR_BOOL), TSR_BOOL, &c);
      upload_host_both(cpu, ctx, mixed_host({4, 5}, da), da, &a);
      upload_host_both(cpu, ctx, mixed_host({3, 4, 1}, db), db, &b);
      tsr_status sc = tsr_where(c.cpu, a.cpu, b.cpu, nullptr, y.cpu.out());
      tsr_status sg = tsr_where(c.gpu, a.gpu, b.gpu, nullptr, y.gpu.out());
      ASSERT_EQ(sc, sg) << tsr_last_error_message();
      if (sc == TSR_OK) {
        EXPECT_TRUE(same_values(y.cpu, y.gpu, 0)) << tsr_dtype_name(da) << "/" << tsr_dtype_name(db);
      }
    }
  // A non-bool condition is converted (NaN counts as true).
  Both c, a, b, y;
  upload_host_both(cpu, ctx, mixed_host({50}, TSR_FLOAT32), TSR_FLOAT32, &c);
  upload_host_both(cpu, ctx, mixed_host({50}, TSR_INT32), TSR_INT32, &a);
  upload_host_both(cpu, ctx, mixed_host({50}, TSR_INT32), TSR_INT32, &b);
  ASSERT_TSR_OK(tsr_where(c.cpu, a.cpu, b.cpu, nullptr, y.cpu.out()));
  ASSERT_TSR_OK(tsr_where(c.gpu, a.gpu, b.gpu, nullptr, y.gpu.out()));
  EXPECT_TRUE(same_values(y.cpu, y.gpu, 0));
}

TEST_P(GpuElementwiseVsCpu, FillEveryDtype) {
  const double values[] = {NAN, INFINITY, -INFINITY, 1e20, -1e20, 3.7, -2.5, 0.0, 255.9, 65504, 70000, -129};
  const int64_t shape[2] = {37, 3};
  for (tsr_dtype d : all_dtypes())
    for (double v : values) {
      Both y;
      ASSERT_TSR_OK(tsr_tensor_full(cpu, shape, 2, d, v, nullptr, y.cpu.out()));
      ASSERT_TSR_OK(tsr_tensor_full(ctx, shape, 2, d, v, nullptr, y.gpu.out()));
      EXPECT_TRUE(same_values(y.cpu, y.gpu, 0)) << tsr_dtype_name(d) << " " << v;
    }
}

TEST_P(GpuElementwiseVsCpu, ArangeEveryDtype) {
  const double cases[][3] = {{0, 10, 1}, {-3.5, 7.25, 0.37}, {10, -5, -1.5}, {0, 1000.5, 0.1}, {5, 5, 1}};
  for (tsr_dtype d : all_dtypes()) {
    if (d == TSR_BOOL) continue;
    for (const auto& c : cases) {
      Both y;
      tsr_status sc = tsr_tensor_arange(cpu, c[0], c[1], c[2], d, nullptr, y.cpu.out());
      tsr_status sg = tsr_tensor_arange(ctx, c[0], c[1], c[2], d, nullptr, y.gpu.out());
      ASSERT_EQ(sc, sg) << tsr_last_error_message();
      if (sc == TSR_OK) {
        EXPECT_TRUE(same_values(y.cpu, y.gpu, 0)) << tsr_dtype_name(d) << " " << c[0] << ":" << c[1] << ":" << c[2];
      }
    }
  }
}

TEST_P(GpuElementwiseVsCpu, SeededRandomIsIdentical) {
  const int64_t shape[2] = {257, 129};
  for (tsr_dtype d : all_dtypes()) {
    if (d == TSR_BOOL) continue;
    for (uint64_t seed : {uint64_t(0), uint64_t(42), ~uint64_t(0)}) {
      Both u;
      const double lo = is_float(d) ? -2.5 : 0, hi = is_float(d) ? 3.0 : 100;
      ASSERT_TSR_OK(tsr_tensor_random(cpu, shape, 2, d, TSR_RANDOM_UNIFORM, seed, lo, hi, nullptr, u.cpu.out()));
      ASSERT_TSR_OK(tsr_tensor_random(ctx, shape, 2, d, TSR_RANDOM_UNIFORM, seed, lo, hi, nullptr, u.gpu.out()));
      EXPECT_EQ(raw_bytes(u.cpu), raw_bytes(u.gpu)) << "uniform " << tsr_dtype_name(d) << " seed " << seed;
      if (!is_float(d)) continue;
      Both n;
      ASSERT_TSR_OK(tsr_tensor_random(cpu, shape, 2, d, TSR_RANDOM_NORMAL, seed, 1.0, 2.0, nullptr, n.cpu.out()));
      ASSERT_TSR_OK(tsr_tensor_random(ctx, shape, 2, d, TSR_RANDOM_NORMAL, seed, 1.0, 2.0, nullptr, n.gpu.out()));
      // float64 normal draws go through log1p and cos, whose last bit may
      // differ between math libraries; narrower types round that away.
      if (d == TSR_FLOAT64) {
        EXPECT_TRUE(same_values(n.cpu, n.gpu, 1e-14)) << "normal float64";
      } else {
        EXPECT_EQ(raw_bytes(n.cpu), raw_bytes(n.gpu)) << "normal " << tsr_dtype_name(d) << " seed " << seed;
      }
    }
  }
}

TEST_P(GpuElementwiseVsCpu, LargeVectorPathAndMisalignedOffsets) {
  // 1,000,003 elements: many grid-stride iterations, a tail, and a view
  // starting one element in (not 16-byte aligned: the strided kernel).
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_INT8, TSR_FLOAT64}) {
    Both a, b;
    upload_host_both(cpu, ctx, mixed_host({1000003}, d), d, &a);
    upload_host_both(cpu, ctx, mixed_host({1000003}, d), d, &b);
    Both y;
    ASSERT_TSR_OK(tsr_binary(TSR_ADD, a.cpu, b.cpu, nullptr, y.cpu.out()));
    ASSERT_TSR_OK(tsr_binary(TSR_ADD, a.gpu, b.gpu, nullptr, y.gpu.out()));
    EXPECT_TRUE(same_values(y.cpu, y.gpu, 0)) << tsr_dtype_name(d);
    const int64_t start[1] = {1}, stop[1] = {1000003}, step[1] = {1};
    Both as, bs, ys;
    ASSERT_TSR_OK(tsr_tensor_slice(a.cpu, start, stop, step, as.cpu.out()));
    ASSERT_TSR_OK(tsr_tensor_slice(a.gpu, start, stop, step, as.gpu.out()));
    ASSERT_TSR_OK(tsr_tensor_slice(b.cpu, start, stop, step, bs.cpu.out()));
    ASSERT_TSR_OK(tsr_tensor_slice(b.gpu, start, stop, step, bs.gpu.out()));
    ASSERT_TSR_OK(tsr_binary(TSR_MULTIPLY, as.cpu, bs.cpu, nullptr, ys.cpu.out()));
    ASSERT_TSR_OK(tsr_binary(TSR_MULTIPLY, as.gpu, bs.gpu, nullptr, ys.gpu.out()));
    EXPECT_TRUE(same_values(ys.cpu, ys.gpu, 0)) << tsr_dtype_name(d) << " misaligned";
  }
}

TSR_INSTANTIATE_GPU_BACKENDS(GpuElementwiseVsCpu);
