// CPU reductions and normalization ops: median and minimum wall time of many
// runs (warmed up, each op followed by a context synchronize) and the input
// bandwidth at the minimum. bench/bench_reduce_numpy.py times the same cases
// with NumPy; bench/run_bench_reduce.sh runs both in one go.
// The minimum is the figure to compare on a shared machine: preemption only
// ever adds time.
//
// Usage: bench_reduce [repeats]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "tessera/tessera.h"

namespace {

void check(tsr_status st, const char* what) {
  if (st != TSR_OK) {
    std::fprintf(stderr, "%s failed: %s: %s\n", what, tsr_status_string(st),
                 tsr_last_error_message());
    std::exit(1);
  }
}

struct Timing {
  double median, min;
};

Timing time_ms(int repeats, const std::function<void()>& run) {
  for (int i = 0; i < 3; ++i) run();  // warm up (allocator cache, pages, threads)
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    auto a = std::chrono::steady_clock::now();
    run();
    auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::milli>(b - a).count());
  }
  std::sort(t.begin(), t.end());
  return {t[t.size() / 2], t[0]};
}

tsr_tensor random(tsr_context ctx, std::vector<int64_t> shape, tsr_dtype d) {
  tsr_tensor t = nullptr;
  check(tsr_tensor_random(ctx, shape.data(), int32_t(shape.size()), d, TSR_RANDOM_UNIFORM, 7,
                          -4, 4, nullptr, &t),
        "random");
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 20;
  tsr_context ctx = nullptr;
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_CPU;
  check(tsr_context_create(&o, &ctx), "context");
  tsr_device dev = nullptr;
  tsr_device_info info{};
  info.size = sizeof(info);
  check(tsr_context_get_device(ctx, &dev), "device");
  check(tsr_device_get_info(dev, &info), "info");
  std::printf("# tessera CPU reductions: %s, %d cores, median of %d runs\n", info.name,
              info.compute_units, repeats);
  std::printf("%-44s %10s %10s %10s\n", "case", "median ms", "min ms", "GB/s");

  auto report = [&](const std::string& name, int64_t bytes, const std::function<void()>& run) {
    const Timing t = time_ms(repeats, run);
    std::printf("%-44s %10.3f %10.3f %10.2f\n", name.c_str(), t.median, t.min,
                double(bytes) / (t.min * 1e6));
  };
  auto reduce_case = [&](const char* label, tsr_reduce_op op, tsr_tensor x, int64_t bytes,
                         std::vector<int32_t> axes, int32_t n) {
    report(label, bytes, [&] {
      tsr_tensor out = nullptr;
      check(tsr_reduce(op, x, axes.data(), n, 0, 1, nullptr, &out), label);
      check(tsr_context_synchronize(ctx), "sync");
      tsr_tensor_release(out);
    });
  };

  const int64_t R = 4096, C = 4096;
  tsr_tensor f32 = random(ctx, {R, C}, TSR_FLOAT32);
  tsr_tensor f16 = random(ctx, {R, C}, TSR_FLOAT16);
  tsr_tensor i32 = random(ctx, {R, C}, TSR_INT32);
  tsr_tensor f64 = random(ctx, {R, C}, TSR_FLOAT64);
  tsr_tensor f32t = nullptr;
  check(tsr_tensor_transpose(f32, 0, 1, &f32t), "transpose");
  const int64_t b32 = R * C * 4;
  reduce_case("sum f32 [4096,4096] all", TSR_SUM, f32, b32, {}, -1);
  reduce_case("sum f32 [4096,4096] axis 1", TSR_SUM, f32, b32, {1}, 1);
  reduce_case("sum f32 [4096,4096] axis 0", TSR_SUM, f32, b32, {0}, 1);
  reduce_case("sum f32 transposed [4096,4096] axis 1", TSR_SUM, f32t, b32, {1}, 1);
  reduce_case("sum f64 [4096,4096] axis 1", TSR_SUM, f64, 2 * b32, {1}, 1);
  reduce_case("sum f16 [4096,4096] axis 1", TSR_SUM, f16, b32 / 2, {1}, 1);
  reduce_case("sum i32 [4096,4096] all", TSR_SUM, i32, b32, {}, -1);
  reduce_case("mean f32 [4096,4096] axis 1", TSR_MEAN, f32, b32, {1}, 1);
  reduce_case("var f32 [4096,4096] axis 1", TSR_VAR, f32, b32, {1}, 1);
  reduce_case("var f32 [4096,4096] axis 0", TSR_VAR, f32, b32, {0}, 1);
  reduce_case("max f32 [4096,4096] axis 1", TSR_MAX, f32, b32, {1}, 1);
  reduce_case("argmax f32 [4096,4096] axis 1", TSR_ARGMAX, f32, b32, {1}, 1);
  reduce_case("argmax f32 [4096,4096] all", TSR_ARGMAX, f32, b32, {}, -1);
  reduce_case("any i32 [4096,4096] axis 1", TSR_ANY, i32, b32, {1}, 1);

  tsr_tensor x = random(ctx, {4096, 1024}, TSR_FLOAT32);
  tsr_tensor g = random(ctx, {1024}, TSR_FLOAT32), b = random(ctx, {1024}, TSR_FLOAT32);
  tsr_tensor y = nullptr;
  check(tsr_softmax(x, nullptr, &y), "softmax");
  const int64_t bx = 4096 * 1024 * 4;
  report("softmax f32 [4096,1024]", bx, [&] {
    check(tsr_softmax(x, nullptr, &y), "softmax");
    check(tsr_context_synchronize(ctx), "sync");
  });
  report("log_softmax f32 [4096,1024]", bx, [&] {
    check(tsr_log_softmax(x, nullptr, &y), "log_softmax");
    check(tsr_context_synchronize(ctx), "sync");
  });
  report("layer_norm f32 [4096,1024] gamma beta", bx, [&] {
    check(tsr_layer_norm(x, g, b, 1e-5, nullptr, &y), "layer_norm");
    check(tsr_context_synchronize(ctx), "sync");
  });
  report("rms_norm f32 [4096,1024] gamma", bx, [&] {
    check(tsr_rms_norm(x, g, 1e-5, nullptr, &y), "rms_norm");
    check(tsr_context_synchronize(ctx), "sync");
  });

  for (tsr_tensor t : {f32, f16, i32, f64, f32t, x, g, b, y}) tsr_tensor_release(t);
  tsr_context_release(ctx);
  return 0;
}
