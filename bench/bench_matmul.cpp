// float32 matmul on the CPU backend: tsr_matmul through the C ABI (into a
// preallocated output, stream synchronized every iteration) against
// cblas_sgemm called directly on the same buffers, in the same process.
// Runs alternate between the two so background load hits both alike.
// Usage: bench_matmul [reps_1024 [reps_4096]]  (defaults 15 and 3)
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "tessera/tessera.h"

namespace {

#define CHECK(expr)                                                                   \
  do {                                                                                \
    tsr_status st_ = (expr);                                                          \
    if (st_ != TSR_OK) {                                                              \
      std::fprintf(stderr, "%s failed: %s: %s\n", #expr, tsr_status_string(st_),      \
                   tsr_last_error_message());                                         \
      std::exit(1);                                                                   \
    }                                                                                 \
  } while (0)

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Result {
  int64_t n;
  int reps;
  double t_tessera, t_blas, max_diff;
};

Result run(tsr_context ctx, tsr_stream stream, int64_t n, int reps) {
  const int64_t shape[2] = {n, n};
  tsr_tensor a = nullptr, b = nullptr, out = nullptr;
  CHECK(tsr_tensor_random(ctx, shape, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, -1, 1, stream, &a));
  CHECK(tsr_tensor_random(ctx, shape, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 2, -1, 1, stream, &b));
  CHECK(tsr_tensor_empty(ctx, shape, 2, TSR_FLOAT32, &out));
  CHECK(tsr_stream_synchronize(stream));
  void *pa = nullptr, *pb = nullptr, *po = nullptr;
  CHECK(tsr_tensor_data_pointer(a, &pa));
  CHECK(tsr_tensor_data_pointer(b, &pb));
  CHECK(tsr_tensor_data_pointer(out, &po));
  std::vector<float> c(size_t(n * n));

  auto tessera = [&] {
    auto t0 = std::chrono::steady_clock::now();
    CHECK(tsr_matmul(a, b, 0, 0, 1.0, 0.0, stream, &out));
    CHECK(tsr_stream_synchronize(stream));
    return seconds_since(t0);
  };
  auto blas = [&] {
    auto t0 = std::chrono::steady_clock::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(n), int(n), 1.0f,
                static_cast<const float*>(pa), int(n), static_cast<const float*>(pb), int(n), 0.0f,
                c.data(), int(n));
    return seconds_since(t0);
  };
  tessera();  // warm-up: thread pools, page faults of the output
  blas();
  std::vector<double> tt, tb;
  for (int r = 0; r < reps; ++r) {
    if (r % 2) {
      tb.push_back(blas());
      tt.push_back(tessera());
    } else {
      tt.push_back(tessera());
      tb.push_back(blas());
    }
  }
  double diff = 0;
  const float* o = static_cast<const float*>(po);
  for (int64_t i = 0; i < n * n; ++i) diff = std::max(diff, double(std::fabs(o[i] - c[size_t(i)])));
  tsr_tensor_release(a);
  tsr_tensor_release(b);
  tsr_tensor_release(out);
  return {n, reps, median(tt), median(tb), diff};
}

}  // namespace

int main(int argc, char** argv) {
  const int reps_small = argc > 1 ? std::atoi(argv[1]) : 15;
  const int reps_large = argc > 2 ? std::atoi(argv[2]) : 3;
  tsr_context_options opt{};
  opt.size = sizeof(opt);
  opt.device_kind = TSR_DEVICE_CPU;
  tsr_context ctx = nullptr;
  CHECK(tsr_context_create(&opt, &ctx));
  tsr_stream stream = nullptr;
  CHECK(tsr_context_default_stream(ctx, &stream));
  tsr_device dev = nullptr;
  CHECK(tsr_context_get_device(ctx, &dev));
  tsr_device_info info{};
  info.size = sizeof(info);
  CHECK(tsr_device_get_info(dev, &info));
  int32_t vmaj = 0, vmin = 0, vpat = 0;
  CHECK(tsr_version(&vmaj, &vmin, &vpat));
  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));

  std::printf("CPU matmul, float32, C = A @ B (square), median of timed runs after one warm-up\n");
  std::printf("device:   %s (%d cores)\n", info.name, info.compute_units);
  std::printf("OpenBLAS: %s, %d threads\n", openblas_get_config(), openblas_get_num_threads());
  std::printf("Tessera:  %d.%d.%d    date: %s\n\n", vmaj, vmin, vpat, date);
  std::printf("| size | runs | Tessera ms | Tessera GFLOP/s | cblas_sgemm ms | cblas GFLOP/s | ratio | max |diff| |\n");
  std::printf("|------|------|-----------:|----------------:|---------------:|--------------:|------:|-----------:|\n");
  const struct { int64_t n; int reps; } sizes[] = {{1024, reps_small}, {4096, reps_large}};
  for (const auto& s : sizes) {
    if (s.reps <= 0) continue;
    Result r = run(ctx, stream, s.n, s.reps);
    const double flop = 2.0 * double(r.n) * double(r.n) * double(r.n);
    std::printf("| %lld^3 | %d | %.2f | %.1f | %.2f | %.1f | %.3f | %.2g |\n", (long long)r.n, r.reps,
                r.t_tessera * 1e3, flop / r.t_tessera * 1e-9, r.t_blas * 1e3,
                flop / r.t_blas * 1e-9, r.t_blas / r.t_tessera, r.max_diff);
    std::fflush(stdout);
  }
  std::printf("\nratio = Tessera GFLOP/s / cblas GFLOP/s (target >= 0.9)\n");
  tsr_context_release(ctx);
  return 0;
}
