// The project's own tiled GEMM kernel against the vendor BLAS (cuBLASLt) in
// the same run, through the public C ABI. The GEMM path is chosen when a
// context is created (TESSERA_CUDA_GEMM=tiled, see docs/hip.md), so the
// bench opens one context per path on the same device and uploads the same
// random operands (seeded draws are identical in every context) to both.
// Device times come from Tessera events: median of 10 runs after 2
// warm-ups. Each case also reports the largest difference between the two
// outputs relative to the largest output magnitude, so the two columns are
// known to compute the same product. On HIP only the tiled column exists.
// Usage: bench_gpu_gemm [cuda|hip]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "tessera/tessera.h"

namespace {

#define CHECK(call)                                                                          \
  do {                                                                                       \
    tsr_status st_ = (call);                                                                 \
    if (st_ != TSR_OK) {                                                                     \
      std::fprintf(stderr, "%s failed: %s: %s\n", #call, tsr_status_string(st_),            \
                   tsr_last_error_message());                                                \
      std::exit(1);                                                                          \
    }                                                                                        \
  } while (0)

// One context with its default stream and a pair of timing events.
struct Side {
  tsr_context ctx = nullptr;
  tsr_stream s = nullptr;
  tsr_event e0 = nullptr, e1 = nullptr;

  void open(tsr_device_kind kind, const char* gemm_env, const char* gemm) {
    if (gemm) setenv(gemm_env, gemm, 1);
    else unsetenv(gemm_env);
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = kind;
    CHECK(tsr_context_create(&o, &ctx));
    unsetenv(gemm_env);
    CHECK(tsr_context_default_stream(ctx, &s));
    CHECK(tsr_event_create(ctx, &e0));
    CHECK(tsr_event_create(ctx, &e1));
  }
  void close() {
    tsr_event_release(e0);
    tsr_event_release(e1);
    tsr_context_release(ctx);
  }
  // Median device milliseconds of fn().
  double time_ms(const std::function<void()>& fn) {
    for (int i = 0; i < 2; ++i) fn();
    std::vector<double> t;
    for (int i = 0; i < 10; ++i) {
      CHECK(tsr_event_record(e0, s));
      fn();
      CHECK(tsr_event_record(e1, s));
      CHECK(tsr_event_synchronize(e1));
      float ms = 0;
      CHECK(tsr_event_elapsed_ms(e0, e1, &ms));
      t.push_back(ms);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
  }
  tsr_tensor random(std::vector<int64_t> shape, tsr_dtype d, uint64_t seed, double lo, double hi) {
    tsr_tensor t = nullptr;
    CHECK(tsr_tensor_random(ctx, shape.data(), int32_t(shape.size()), d, TSR_RANDOM_UNIFORM, seed, lo, hi,
                            nullptr, &t));
    return t;
  }
};

std::vector<double> as_doubles(tsr_tensor t, tsr_stream s) {
  tsr_tensor d = nullptr;
  CHECK(tsr_astype(t, TSR_FLOAT64, s, &d));
  int64_t n = 0;
  CHECK(tsr_tensor_numel(d, &n));
  std::vector<double> v(static_cast<size_t>(n));
  CHECK(tsr_tensor_to_host(d, v.data(), n * int64_t(sizeof(double)), s));
  tsr_tensor_release(d);
  return v;
}

// max |a - b| / max |b|
double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

struct Case {
  const char* what;
  int64_t m, n, k;
  tsr_dtype dtype;
  bool linear;  // linear(x [m, k], w [n, k], bias [n], ReLU) instead of matmul
};

// Runs the case on one side; returns the median ms and leaves the output in *out.
double run_case(Side& side, const Case& c, tsr_tensor* out) {
  const double r = 1.0 / std::sqrt(double(c.k));  // keeps products O(1) in half precision
  tsr_tensor a = side.random({c.m, c.k}, c.dtype, 11, -1, 1);
  tsr_tensor b = c.linear ? side.random({c.n, c.k}, c.dtype, 12, -r, r) : side.random({c.k, c.n}, c.dtype, 12, -r, r);
  tsr_tensor bias = c.linear ? side.random({c.n}, c.dtype, 13, -0.1, 0.1) : nullptr;
  const double ms = side.time_ms([&] {
    if (c.linear) CHECK(tsr_linear(a, b, bias, TSR_ACTIVATION_RELU, side.s, out));
    else CHECK(tsr_matmul(a, b, 0, 0, 1.0, 0.0, side.s, out));
  });
  tsr_tensor_release(a);
  tsr_tensor_release(b);
  tsr_tensor_release(bias);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const bool hip = argc > 1 && !std::strcmp(argv[1], "hip");
  const tsr_device_kind kind = hip ? TSR_DEVICE_HIP : TSR_DEVICE_CUDA;
  const char* env = hip ? "TESSERA_HIP_GEMM" : "TESSERA_CUDA_GEMM";
  Side tiled, blas;
  tiled.open(kind, env, "tiled");
  if (!hip) blas.open(kind, env, "blas");
  tsr_device dev = nullptr;
  tsr_device_info info{};
  info.size = sizeof(info);
  CHECK(tsr_context_get_device(tiled.ctx, &dev));
  CHECK(tsr_device_get_info(dev, &info));
  int32_t major = 0, minor = 0, patch = 0;
  CHECK(tsr_version(&major, &minor, &patch));
  std::printf("device: %s (%d compute units), Tessera %d.%d.%d\n", info.name, info.compute_units, major,
              minor, patch);
  std::printf("%-22s %-9s %12s %9s %12s %9s %8s %10s\n", "case", "dtype", "tiled ms", "TFLOP/s",
              hip ? "-" : "cuBLASLt ms", "TFLOP/s", "ratio", "rel.diff");

  std::vector<Case> cases;
  for (tsr_dtype d : {TSR_FLOAT32, TSR_FLOAT16, TSR_BFLOAT16, TSR_FLOAT64})
    for (int64_t n : {256, 1024, 4096}) cases.push_back({"matmul n^3", n, n, n, d, false});
  cases.push_back({"linear 32x1024x1024", 32, 1024, 1024, TSR_FLOAT32, true});
  cases.push_back({"linear 4096x4096x4096", 4096, 4096, 4096, TSR_BFLOAT16, true});

  for (const Case& c : cases) {
    const double flop = 2.0 * double(c.m) * double(c.n) * double(c.k);
    tsr_tensor out_t = nullptr, out_b = nullptr;
    const double t_ms = run_case(tiled, c, &out_t);
    char name[64];
    if (c.linear) std::snprintf(name, sizeof name, "%s", c.what);
    else std::snprintf(name, sizeof name, "matmul %lld^3", (long long)c.n);
    if (hip) {
      std::printf("%-22s %-9s %12.3f %9.2f\n", name, tsr_dtype_name(c.dtype), t_ms, flop / (t_ms * 1e9));
    } else {
      const double b_ms = run_case(blas, c, &out_b);
      const double diff = relative_difference(as_doubles(out_t, tiled.s), as_doubles(out_b, blas.s));
      std::printf("%-22s %-9s %12.3f %9.2f %12.3f %9.2f %8.2f %10.2e\n", name, tsr_dtype_name(c.dtype), t_ms,
                  flop / (t_ms * 1e9), b_ms, flop / (b_ms * 1e9), t_ms / b_ms, diff);
    }
    tsr_tensor_release(out_t);
    tsr_tensor_release(out_b);
  }
  std::printf("ratio = tiled time / cuBLASLt time (above 1: the tiled kernel is slower)\n");
  tiled.close();
  if (!hip) blas.close();
  return 0;
}
