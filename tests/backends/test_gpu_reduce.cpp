// GPU reductions against a float64 host reference: every reduce op and
// dtype, one axis, several axes, all axes, keepdims, permuted and sliced
// inputs, rows long enough to be split across blocks (both the row and the
// column kernels), a million-element total, and empty reduced axes.
// Integer sums and products wrap in 64 bits; min/max propagate NaN;
// argmin/argmax report the first extreme, and the first NaN.
#include <cmath>
#include <string>

#include "backends/gpu_compare.h"

using namespace tsrtest;

namespace {

struct Case {
  std::vector<int64_t> shape;
  std::vector<int32_t> axes;  // empty with all = true: every axis
  bool all = false;
  int view = 0;  // 0 as is, 1 permuted (last axis first), 2 sliced with steps
};

// The C-order index of a multi-index restricted to a set of axes.
int64_t sub_index(const std::vector<int64_t>& idx, const std::vector<int64_t>& shape,
                  const std::vector<bool>& pick) {
  int64_t r = 0;
  for (size_t i = 0; i < shape.size(); ++i)
    if (pick[i]) r = r * shape[i] + idx[i];
  return r;
}

// Expected results (C order over kept axes), as float64 of the result dtype.
std::vector<double> reference(tsr_reduce_op op, const Host& x, tsr_dtype dt,
                              const std::vector<bool>& mask, double correction) {
  const size_t nd = x.shape.size();
  std::vector<bool> kept(nd);
  int64_t outs = 1, reds = 1;
  for (size_t i = 0; i < nd; ++i) {
    kept[i] = !mask[i];
    (mask[i] ? reds : outs) *= x.shape[i];
  }
  const bool sig = dt == TSR_BOOL || (dt >= TSR_INT8 && dt <= TSR_INT64);
  const bool uns = dt >= TSR_UINT8 && dt <= TSR_UINT64;
  std::vector<std::vector<std::pair<double, int64_t>>> groups(static_cast<size_t>(outs));
  std::vector<int64_t> idx(nd, 0);
  for (int64_t lin = 0; lin < x.numel(); ++lin) {
    int64_t rem = lin;
    for (size_t k = nd; k-- > 0;) {
      idx[k] = rem % x.shape[k];
      rem /= x.shape[k];
    }
    groups[size_t(sub_index(idx, x.shape, kept))].push_back({x.data[size_t(lin)], sub_index(idx, x.shape, mask)});
  }
  std::vector<double> out(static_cast<size_t>(outs));
  for (size_t o = 0; o < out.size(); ++o) {
    auto& g = groups[o];  // in C order, so in increasing reduced index already
    double r = 0;
    switch (op) {
      case TSR_SUM:
      case TSR_PROD: {
        if (sig || uns) {
          uint64_t acc = op == TSR_SUM ? 0 : 1;
          for (auto& e : g) {
            uint64_t v = sig ? uint64_t(int64_t(e.first)) : uint64_t(e.first);
            acc = op == TSR_SUM ? acc + v : acc * v;
          }
          r = sig ? double(int64_t(acc)) : double(acc);
        } else {
          r = op == TSR_SUM ? 0 : 1;
          for (auto& e : g) r = op == TSR_SUM ? r + e.first : r * e.first;
        }
        break;
      }
      case TSR_MEAN: {
        double s = 0;
        for (auto& e : g) s += e.first;
        r = s / double(g.size());
        break;
      }
      case TSR_VAR:
      case TSR_STD: {
        double s = 0;
        for (auto& e : g) s += e.first;
        const double mean = s / double(g.size());
        double q = 0;
        for (auto& e : g) q += (e.first - mean) * (e.first - mean);
        double denom = double(g.size()) - correction;
        if (denom < 0) denom = 0;
        r = q / denom;
        if (op == TSR_STD) r = std::sqrt(r);
        break;
      }
      case TSR_MIN:
      case TSR_MAX:
      case TSR_ARGMIN:
      case TSR_ARGMAX: {
        const bool mx = op == TSR_MAX || op == TSR_ARGMAX;
        if (g.empty()) {  // no identity: the op reports an error instead
          r = NAN;
          break;
        }
        size_t best = 0;
        for (size_t k = 1; k < g.size(); ++k) {
          if (std::isnan(g[best].first)) break;
          if (std::isnan(g[k].first) || (mx ? g[k].first > g[best].first : g[k].first < g[best].first))
            best = k;
        }
        r = (op == TSR_MIN || op == TSR_MAX) ? g[best].first : double(g[best].second);
        break;
      }
      case TSR_ANY:
        r = 0;
        for (auto& e : g) r = r || e.first != 0;
        break;
      case TSR_ALL:
        r = 1;
        for (auto& e : g) r = r && e.first != 0;
        break;
      default: break;
    }
    out[o] = r;
  }
  return out;
}

tsr_dtype result_dtype(tsr_reduce_op op, tsr_dtype d) {
  const bool fl = is_float(d);
  switch (op) {
    case TSR_SUM: case TSR_PROD: return fl ? d : (d >= TSR_UINT8 && d <= TSR_UINT64 ? TSR_UINT64 : TSR_INT64);
    case TSR_MEAN: case TSR_VAR: case TSR_STD: return fl ? d : TSR_FLOAT32;
    case TSR_MIN: case TSR_MAX: return d;
    case TSR_ARGMIN: case TSR_ARGMAX: return TSR_INT64;
    default: return TSR_BOOL;
  }
}

// The view a case asks for (a new reference).
void make_view(tsr_tensor t, const Case& c, tsr_tensor* out) {
  const int nd = int(c.shape.size());
  if (c.view == 1) {
    std::vector<int32_t> axes(static_cast<size_t>(nd));
    for (int i = 0; i < nd; ++i) axes[size_t(i)] = (i + nd - 1) % nd;
    ASSERT_TSR_OK(tsr_tensor_permute(t, axes.data(), nd, out));
  } else if (c.view == 2) {
    std::vector<int64_t> st(size_t(nd), 1), sp(c.shape), step(size_t(nd), 2);
    ASSERT_TSR_OK(tsr_tensor_slice(t, st.data(), sp.data(), step.data(), out));
  } else {
    ASSERT_TSR_OK(tsr_tensor_retain(t));
    *out = t;
  }
}

}  // namespace

class GpuReduce : public GpuVsCpuTest {};

TEST_P(GpuReduce, EveryOpDtypeAndAxisLayout) {
  const std::vector<Case> cases = {
      {{5, 6, 7}, {1}}, {{5, 6, 7}, {0, 2}}, {{5, 6, 7}, {}, true}, {{5, 6, 7}, {-1}, false, 1},
      {{5, 6, 7}, {0, 1}, false, 2}, {{3, 70001}, {1}}, {{70001, 3}, {0}}, {{2000, 33}, {0}},
      {{1000000}, {}, true}, {{4, 0}, {1}}, {{0, 4}, {1}}, {{6, 1, 5}, {1}}, {{}, {}, true}};
  for (const Case& c : cases)
    for (tsr_dtype d : all_dtypes()) {
      // Products stay in range with factors near 1 (or small integers).
      const bool fl = is_float(d);
      Host base = mixed_host(c.shape, d, fl ? -4 : -20, fl ? 4 : 20, false);
      Both x0, x;
      upload_host_both(cpu, ctx, base, d, &x0);
      make_view(x0.cpu, c, x.cpu.out());
      make_view(x0.gpu, c, x.gpu.out());
      const Host logical = download(x.cpu);  // the view's values, read through the CPU backend
      const int nd = int(logical.shape.size());
      std::vector<bool> mask(size_t(nd), c.all);
      for (int32_t a : c.axes) mask[size_t(a < 0 ? a + nd : a)] = true;
      for (int op = 0; op < TSR_REDUCE_OP_COUNT; ++op) {
        const tsr_reduce_op rop = tsr_reduce_op(op);
        Host in = logical;
        if (rop == TSR_PROD && fl)  // factors in [0.5, 1.5)
          for (auto& v : in.data) v = 0.5 + std::fabs(std::fmod(v, 1.0));
        TensorGuard xg;
        if (rop == TSR_PROD && fl) xg.t = upload(ctx, in, d);
        const std::vector<double> expected = reference(rop, in, d, mask, 1.0);
        for (int keep = 0; keep < 2; ++keep) {
          const std::string what = std::string("reduce op ") + std::to_string(op) + " " +
                                   tsr_dtype_name(d) + " shape " + shape_str(c.shape) + " view " +
                                   std::to_string(c.view) + (keep ? " keepdims" : "");
          TensorGuard y;
          const int32_t* axes = c.all ? nullptr : c.axes.data();
          const int32_t na = c.all ? -1 : int32_t(c.axes.size());
          tsr_status st = tsr_reduce(rop, xg.t ? xg.t : x.gpu.t, axes, na, keep, 1.0, nullptr, y.out());
          int64_t reduced = 1;
          for (int i = 0; i < nd; ++i)
            if (mask[size_t(i)]) reduced *= logical.shape[size_t(i)];
          if ((rop == TSR_MIN || rop == TSR_MAX || rop == TSR_ARGMIN || rop == TSR_ARGMAX) && reduced == 0) {
            // No identity: an error unless the output is empty as well.
            if (st != TSR_OK) continue;
          }
          if ((rop == TSR_ARGMIN || rop == TSR_ARGMAX) && !c.all && c.axes.size() > 1) {
            EXPECT_EQ(st, TSR_ERROR_UNSUPPORTED) << what;
            continue;
          }
          ASSERT_EQ(st, TSR_OK) << what << ": " << tsr_last_error_message();
          tsr_dtype rd = TSR_FLOAT32;
          ASSERT_TSR_OK(tsr_tensor_dtype(y, &rd));
          EXPECT_EQ(rd, result_dtype(rop, d)) << what;
          Host got = download(y);
          std::vector<double> want = expected;
          for (auto& w : want) w = round_to(w, rd);
          const double tol = (rop == TSR_VAR || rop == TSR_STD || rop == TSR_MEAN || rop == TSR_SUM ||
                              rop == TSR_PROD) ? tolerance(rd) * 4 : 0;
          EXPECT_TRUE(all_close(got, want, tol)) << what;
        }
      }
    }
}

TEST_P(GpuReduce, NanPropagatesAndArgPicksFirstNan) {
  Host h = random_host({4, 9}, TSR_FLOAT32);
  h.data[2 * 9 + 5] = NAN;
  h.data[2 * 9 + 7] = NAN;
  TensorGuard x(upload(ctx, h, TSR_FLOAT32));
  const int32_t axis = 1;
  for (tsr_reduce_op op : {TSR_MAX, TSR_MIN, TSR_ARGMAX, TSR_ARGMIN, TSR_SUM}) {
    TensorGuard y;
    ASSERT_TSR_OK(tsr_reduce(op, x, &axis, 1, 0, 0, nullptr, y.out()));
    Host got = download(y);
    std::vector<bool> mask = {false, true};
    EXPECT_TRUE(all_close(got, reference(op, h, TSR_FLOAT32, mask, 0), op == TSR_SUM ? 1e-5 : 0)) << op;
    if (op == TSR_ARGMAX || op == TSR_ARGMIN) {
      EXPECT_EQ(got.data[2], 5);
    }
  }
}

TEST_P(GpuReduce, IntegerSumsWrapLikeInt64) {
  Host h;
  h.shape = {3};
  h.data = {9223372036854774784.0, 9223372036854774784.0, 5};
  TensorGuard x(upload(ctx, h, TSR_INT64));
  TensorGuard y;
  ASSERT_TSR_OK(tsr_reduce(TSR_SUM, x, nullptr, -1, 0, 0, nullptr, y.out()));
  int64_t got = 0;
  ASSERT_TSR_OK(tsr_tensor_to_host(y, &got, sizeof got, nullptr));
  const uint64_t want = uint64_t(9223372036854774784ull) * 2 + 5;
  EXPECT_EQ(got, int64_t(want));
}

TSR_INSTANTIATE_GPU_BACKENDS(GpuReduce);
