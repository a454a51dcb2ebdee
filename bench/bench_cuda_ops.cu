// Tessera on a CUDA device, through the public C ABI only: the figures of
// issue 3 (tiny-op host cost, 1 GiB add bandwidth, softmax and layer_norm
// 8192x8192, matmul 8192^3 in float32/TF32/bfloat16, the MLP example's pass,
// pool allocation + free). Device times come from Tessera events; host
// times from steady_clock. Every figure is the median of several repeats,
// after a warm-up, on random (never zero) inputs. The same-run comparisons
// are bench_cuda_raw (raw CUDA runtime) and bench/compare_torch.py; the
// tiny-op host cost is compared here, in one process, with a raw
// cudaLaunchKernel loop of an equivalent kernel, the two loops alternating
// so both see the same machine state.
// Usage: bench_cuda_ops
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
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

__global__ void raw_add(const float* a, const float* b, float* out, long long n) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = a[i] + b[i];
}

double now_us() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Bench {
  tsr_context ctx = nullptr, ctx_tf32 = nullptr;
  tsr_stream s = nullptr;
  tsr_event e0 = nullptr, e1 = nullptr;

  // Median device milliseconds of `fn` (events around each call).
  double device_ms(int warmup, int reps, const std::function<void()>& fn) {
    for (int i = 0; i < warmup; ++i) fn();
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
      CHECK(tsr_event_record(e0, s));
      fn();
      CHECK(tsr_event_record(e1, s));
      CHECK(tsr_event_synchronize(e1));
      float ms = 0;
      CHECK(tsr_event_elapsed_ms(e0, e1, &ms));
      t.push_back(ms);
    }
    return median(t);
  }

  tsr_tensor random(tsr_context c, std::vector<int64_t> shape, tsr_dtype d, uint64_t seed, double lo = -1,
                    double hi = 1) {
    tsr_tensor t = nullptr;
    CHECK(tsr_tensor_random(c, shape.data(), int32_t(shape.size()), d, TSR_RANDOM_UNIFORM, seed, lo, hi, nullptr, &t));
    return t;
  }
  tsr_tensor empty(tsr_context c, std::vector<int64_t> shape, tsr_dtype d) {
    tsr_tensor t = nullptr;
    CHECK(tsr_tensor_empty(c, shape.data(), int32_t(shape.size()), d, &t));
    return t;
  }
};

}  // namespace

int main() {
  Bench b;
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_CUDA;
  CHECK(tsr_context_create(&o, &b.ctx));
  o.flags = TSR_CONTEXT_ALLOW_TF32;
  CHECK(tsr_context_create(&o, &b.ctx_tf32));
  CHECK(tsr_context_default_stream(b.ctx, &b.s));
  CHECK(tsr_event_create(b.ctx, &b.e0));
  CHECK(tsr_event_create(b.ctx, &b.e1));
  tsr_device dev = nullptr;
  tsr_device_info info{};
  info.size = sizeof(info);
  CHECK(tsr_context_get_device(b.ctx, &dev));
  CHECK(tsr_device_get_info(dev, &info));
  std::printf("device: %s (%d SMs, %.1f GiB)\n", info.name, info.compute_units,
              double(info.total_memory) / (1 << 30));

  // 1. Host cost per op: 4096-element float32 add into a preallocated
  // output, back to back on one stream; total time (queue drained) / ops.
  // Rounds alternate with a raw cudaLaunchKernel loop on Tessera's own
  // native stream (the tensors' device pointers, the same launch shape).
  {
    tsr_tensor a = b.random(b.ctx, {4096}, TSR_FLOAT32, 1), c = b.random(b.ctx, {4096}, TSR_FLOAT32, 2);
    tsr_tensor out = b.empty(b.ctx, {4096}, TSR_FLOAT32);
    void *pa = nullptr, *pc = nullptr, *po = nullptr, *native = nullptr;
    CHECK(tsr_tensor_data_pointer(a, &pa));
    CHECK(tsr_tensor_data_pointer(c, &pc));
    CHECK(tsr_tensor_data_pointer(out, &po));
    CHECK(tsr_stream_native_handle(b.s, &native));
    long long n4096 = 4096;
    void* args[] = {&pa, &pc, &po, &n4096};
    const int n = 20000;
    // The same loop on a stream with a submission thread (what Python's
    // CUDA contexts use): the caller only queues; a worker launches.
    tsr_stream sub = nullptr;
    CHECK(tsr_stream_create(b.ctx, TSR_STREAM_SUBMIT_THREAD, &sub));
    std::vector<double> tessera, issue, raw, queued, queued_issue;
    for (int rep = 0; rep < 9; ++rep) {
      CHECK(tsr_stream_synchronize(b.s));
      const double t0 = now_us();
      for (int i = 0; i < n; ++i) CHECK(tsr_binary(TSR_ADD, a, c, b.s, &out));
      const double t1 = now_us();
      CHECK(tsr_stream_synchronize(b.s));
      const double t2 = now_us();
      for (int i = 0; i < n; ++i)
        if (cudaLaunchKernel((const void*)raw_add, dim3(16), dim3(256), args, 0, cudaStream_t(native)) != cudaSuccess) {
          std::fprintf(stderr, "cudaLaunchKernel failed\n");
          std::exit(1);
        }
      CHECK(tsr_stream_synchronize(b.s));
      const double t3 = now_us();
      for (int i = 0; i < n; ++i) CHECK(tsr_binary(TSR_ADD, a, c, sub, &out));
      const double t4 = now_us();
      CHECK(tsr_stream_synchronize(sub));
      const double t5 = now_us();
      if (rep == 0) continue;  // warm-up
      tessera.push_back((t2 - t0) / n);
      issue.push_back((t1 - t0) / n);
      raw.push_back((t3 - t2) / n);
      queued.push_back((t5 - t3) / n);
      queued_issue.push_back((t4 - t3) / n);
    }
    const double mt = median(tessera), mr = median(raw);
    std::printf("tiny add 4096 f32: C ABI %.3f us/op (host issue %.3f), raw cudaLaunchKernel %.3f us/op, ratio %.3f\n",
                mt, median(issue), mr, mt / mr);
    std::printf("tiny add 4096 f32 on a submission-thread stream: %.3f us/op (caller's issue %.3f), ratio to raw %.3f\n",
                median(queued), median(queued_issue), median(queued) / mr);
    CHECK(tsr_stream_synchronize(sub));
    tsr_stream_release(sub);
    tsr_tensor_release(a);
    tsr_tensor_release(c);
    tsr_tensor_release(out);
  }

  // 2. 1 GiB float32 add: reads 2 GiB, writes 1 GiB.
  {
    const int64_t n = int64_t(1) << 28;
    tsr_tensor a = b.random(b.ctx, {n}, TSR_FLOAT32, 3), c = b.random(b.ctx, {n}, TSR_FLOAT32, 4);
    tsr_tensor out = b.empty(b.ctx, {n}, TSR_FLOAT32);
    const double ms = b.device_ms(3, 20, [&] { CHECK(tsr_binary(TSR_ADD, a, c, b.s, &out)); });
    std::printf("add 1 GiB f32: %.3f ms, %.0f GB/s\n", ms, 3.0 * double(n) * 4 / (ms * 1e6));
    tsr_tensor_release(a);
    tsr_tensor_release(c);
    tsr_tensor_release(out);
  }

  // 3. softmax and layer_norm over 8192x8192 (each reads and writes 256 MiB in f32).
  for (tsr_dtype d : {TSR_FLOAT32, TSR_BFLOAT16}) {
    const int64_t r = 8192, c = 8192;
    tsr_tensor x = b.random(b.ctx, {r, c}, d, 5, -3, 3), out = b.empty(b.ctx, {r, c}, d);
    tsr_tensor g = b.random(b.ctx, {c}, d, 6, 0.5, 1.5), be = b.random(b.ctx, {c}, d, 7);
    const double bytes = 2.0 * double(r * c) * (d == TSR_FLOAT32 ? 4 : 2);
    const double sm = b.device_ms(3, 20, [&] { CHECK(tsr_softmax(x, b.s, &out)); });
    const double ln = b.device_ms(3, 20, [&] { CHECK(tsr_layer_norm(x, g, be, 1e-5, b.s, &out)); });
    std::printf("softmax 8192x8192 %s: %.3f ms (%.0f GB/s)\n", tsr_dtype_name(d), sm, bytes / (sm * 1e6));
    std::printf("layer_norm 8192x8192 %s: %.3f ms (%.0f GB/s)\n", tsr_dtype_name(d), ln, bytes / (ln * 1e6));
    tsr_tensor_release(x);
    tsr_tensor_release(out);
    tsr_tensor_release(g);
    tsr_tensor_release(be);
  }

  // 4. matmul 8192^3: float32, TF32 (context flag), bfloat16.
  {
    const int64_t n = 8192;
    const double flop = 2.0 * double(n) * double(n) * double(n);
    struct Case {
      const char* name;
      tsr_context c;
      tsr_dtype d;
    } cases[] = {{"float32", b.ctx, TSR_FLOAT32}, {"tf32", b.ctx_tf32, TSR_FLOAT32}, {"bfloat16", b.ctx, TSR_BFLOAT16}};
    for (const Case& k : cases) {
      tsr_stream ks = nullptr;
      CHECK(tsr_context_default_stream(k.c, &ks));
      tsr_event k0 = nullptr, k1 = nullptr;
      CHECK(tsr_event_create(k.c, &k0));
      CHECK(tsr_event_create(k.c, &k1));
      tsr_tensor x = b.random(k.c, {n, n}, k.d, 8), y = b.random(k.c, {n, n}, k.d, 9), out = b.empty(k.c, {n, n}, k.d);
      std::vector<double> t;
      for (int i = 0; i < 12; ++i) {
        CHECK(tsr_event_record(k0, ks));
        CHECK(tsr_matmul(x, y, 0, 0, 1.0, 0.0, ks, &out));
        CHECK(tsr_event_record(k1, ks));
        CHECK(tsr_event_synchronize(k1));
        float ms = 0;
        CHECK(tsr_event_elapsed_ms(k0, k1, &ms));
        if (i >= 2) t.push_back(ms);
      }
      const double ms = median(t);
      std::printf("matmul 8192^3 %s: %.3f ms, %.1f TFLOP/s\n", k.name, ms, flop / (ms * 1e9));
      tsr_tensor_release(x);
      tsr_tensor_release(y);
      tsr_tensor_release(out);
      tsr_event_release(k0);
      tsr_event_release(k1);
    }
  }

  // 5. The MLP example: 4 x linear(1024 -> 1024), batch 32, ReLU between,
  // each pass issued and waited for (as examples/mlp_inference.c does).
  {
    tsr_tensor w[4], bias[4];
    for (int l = 0; l < 4; ++l) {
      w[l] = b.random(b.ctx, {1024, 1024}, TSR_FLOAT32, 100 + l, -0.03125, 0.03125);
      bias[l] = b.random(b.ctx, {1024}, TSR_FLOAT32, 200 + l, -0.1, 0.1);
    }
    tsr_tensor in = b.random(b.ctx, {32, 1024}, TSR_FLOAT32, 7);
    tsr_tensor act[2] = {b.empty(b.ctx, {32, 1024}, TSR_FLOAT32), b.empty(b.ctx, {32, 1024}, TSR_FLOAT32)};
    auto pass = [&] {
      tsr_tensor x = in;
      for (int l = 0; l < 4; ++l) {
        tsr_tensor y = act[l & 1];
        CHECK(tsr_linear(x, w[l], bias[l], l < 3 ? TSR_ACTIVATION_RELU : TSR_ACTIVATION_NONE, b.s, &y));
        x = y;
      }
    };
    std::vector<double> t;
    for (int i = 0; i < 1100; ++i) {
      const double t0 = now_us();
      pass();
      CHECK(tsr_stream_synchronize(b.s));
      if (i >= 100) t.push_back(now_us() - t0);
    }
    const double dev = b.device_ms(10, 50, pass);
    std::printf("mlp 4x1024 batch 32 f32: %.1f us/pass (synchronized each pass; device time %.1f us)\n",
                median(t), dev * 1e3);
    for (int l = 0; l < 4; ++l) {
      tsr_tensor_release(w[l]);
      tsr_tensor_release(bias[l]);
    }
    tsr_tensor_release(in);
    tsr_tensor_release(act[0]);
    tsr_tensor_release(act[1]);
  }

  // 6. Pool allocation + free of 1 MiB through the caching allocator.
  {
    const int64_t n = int64_t(1) << 20;
    for (int i = 0; i < 1000; ++i) {
      tsr_tensor t = nullptr;
      CHECK(tsr_tensor_empty(b.ctx, &n, 1, TSR_UINT8, &t));
      tsr_tensor_release(t);
    }
    std::vector<double> per;
    for (int rep = 0; rep < 7; ++rep) {
      const int iters = 100000;
      const double t0 = now_us();
      for (int i = 0; i < iters; ++i) {
        tsr_tensor t = nullptr;
        CHECK(tsr_tensor_empty(b.ctx, &n, 1, TSR_UINT8, &t));
        tsr_tensor_release(t);
      }
      per.push_back((now_us() - t0) / iters);
    }
    tsr_stats st{};
    st.size = sizeof(st);
    CHECK(tsr_context_get_stats(b.ctx, &st));
    std::printf("pool alloc+free 1 MiB: %.3f us (device allocations so far: %lld)\n", median(per),
                (long long)st.device_allocations);
  }

  tsr_event_release(b.e0);
  tsr_event_release(b.e1);
  tsr_context_release(b.ctx_tf32);
  tsr_context_release(b.ctx);
  return 0;
}
