// The raw CUDA runtime baselines that bench_cuda_ops is compared with in
// the same run: a cudaLaunchKernel loop of a 4096-element float32 add (the
// floor for Tessera's per-op host cost), cudaMalloc + cudaFree of 1 MiB
// (what the caching allocator saves), and a 1 GiB device-to-device copy
// (the bandwidth ceiling, counting bytes read plus written).
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#define CHECK(call)                                                                      \
  do {                                                                                   \
    cudaError_t e_ = (call);                                                             \
    if (e_ != cudaSuccess) {                                                             \
      std::fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(e_));            \
      std::exit(1);                                                                      \
    }                                                                                    \
  } while (0)

static double now_us() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

__global__ void add_kernel(const float* a, const float* b, float* out, long long n) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = a[i] + b[i];
}

// 1 GiB add variants: how far a plain kernel gets, and which launch shape
// does best on this device (the ceiling Tessera's add is compared with).
template <int U, bool kStride>
__global__ void add4_kernel(const float4* a, const float4* b, float4* o, long long nvec) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long step = (long long)gridDim.x * blockDim.x;
  for (long long base = tid; base < nvec; base += U * step) {
    float4 x[U], y[U];
#pragma unroll
    for (int u = 0; u < U; ++u)
      if (base + u * step < nvec) {
        x[u] = a[base + u * step];
        y[u] = b[base + u * step];
      }
#pragma unroll
    for (int u = 0; u < U; ++u)
      if (base + u * step < nvec)
        o[base + u * step] = make_float4(x[u].x + y[u].x, x[u].y + y[u].y, x[u].z + y[u].z, x[u].w + y[u].w);
    if (!kStride) break;
  }
}

__global__ void fill_kernel(float* p, long long n, float v) {
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    p[i] = v + float(i % 1000) * 1e-3f;
}

// --cold-context: the CUDA runtime's own start-up in this fresh process
// (first call that creates the primary context), the floor under any
// backend's cold start on this machine (see bench_cold_context).
static int cold_context() {
  const double t0 = now_us();
  CHECK(cudaFree(nullptr));
  std::printf("cuda-runtime-context %.1f ms\n", (now_us() - t0) / 1000);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--cold-context") return cold_context();
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  int driver = 0, runtime = 0;
  CHECK(cudaDriverGetVersion(&driver));
  CHECK(cudaRuntimeGetVersion(&runtime));
  std::printf("device: %s, driver %d, runtime %d\n", prop.name, driver, runtime);
  cudaStream_t s;
  CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));

  {
    long long n = 4096;
    float *a, *b, *o;
    CHECK(cudaMalloc(&a, n * 4));
    CHECK(cudaMalloc(&b, n * 4));
    CHECK(cudaMalloc(&o, n * 4));
    fill_kernel<<<16, 256, 0, s>>>(a, n, 1.0f);
    fill_kernel<<<16, 256, 0, s>>>(b, n, 2.0f);
    CHECK(cudaGetLastError());
    void* args[] = {&a, &b, &o, &n};
    const int iters = 20000;
    std::vector<double> per, issue;
    for (int rep = 0; rep < 8; ++rep) {
      CHECK(cudaStreamSynchronize(s));
      const double t0 = now_us();
      for (int i = 0; i < iters; ++i)
        CHECK(cudaLaunchKernel((const void*)add_kernel, dim3(16), dim3(256), args, 0, s));
      const double t1 = now_us();
      CHECK(cudaStreamSynchronize(s));
      const double t2 = now_us();
      if (rep == 0) continue;
      per.push_back((t2 - t0) / iters);
      issue.push_back((t1 - t0) / iters);
    }
    std::printf("raw cudaLaunchKernel add 4096 f32: %.3f us/op (host issue %.3f us/op)\n", median(per), median(issue));
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFree(o));
  }

  {
    std::vector<double> per;
    for (int rep = 0; rep < 7; ++rep) {
      const int iters = 2000;
      const double t0 = now_us();
      for (int i = 0; i < iters; ++i) {
        void* p = nullptr;
        CHECK(cudaMalloc(&p, 1 << 20));
        CHECK(cudaFree(p));
      }
      per.push_back((now_us() - t0) / iters);
    }
    std::printf("raw cudaMalloc+cudaFree 1 MiB: %.3f us\n", median(per));
  }

  {
    const long long n = 1ll << 28, nvec = n / 4;
    float *a, *b, *o;
    CHECK(cudaMalloc(&a, n * 4));
    CHECK(cudaMalloc(&b, n * 4));
    CHECK(cudaMalloc(&o, n * 4));
    fill_kernel<<<1024, 256, 0, s>>>(a, n, 0.25f);
    fill_kernel<<<1024, 256, 0, s>>>(b, n, 0.5f);
    CHECK(cudaGetLastError());
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    auto time_it = [&](const char* name, auto launch) {
      std::vector<double> t;
      for (int i = 0; i < 23; ++i) {
        CHECK(cudaEventRecord(e0, s));
        launch();
        CHECK(cudaGetLastError());
        CHECK(cudaEventRecord(e1, s));
        CHECK(cudaEventSynchronize(e1));
        float ms = 0;
        CHECK(cudaEventElapsedTime(&ms, e0, e1));
        if (i >= 3) t.push_back(ms);
      }
      const double ms = median(t);
      std::printf("raw add 1 GiB f32 %s: %.3f ms, %.0f GB/s\n", name, ms, 3.0 * double(n) * 4 / (ms * 1e6));
    };
    const float4 *a4 = (const float4*)a, *b4 = (const float4*)b;
    float4* o4 = (float4*)o;
    const unsigned sms = unsigned(prop.multiProcessorCount);
    time_it("1 vec/thread, full grid", [&] { add4_kernel<1, false><<<unsigned((nvec + 255) / 256), 256, 0, s>>>(a4, b4, o4, nvec); });
    time_it("2 vec/thread, full grid", [&] { add4_kernel<2, false><<<unsigned((nvec + 511) / 512), 256, 0, s>>>(a4, b4, o4, nvec); });
    time_it("4 vec/thread, full grid", [&] { add4_kernel<4, false><<<unsigned((nvec + 1023) / 1024), 256, 0, s>>>(a4, b4, o4, nvec); });
    time_it("1 vec/thread, grid-stride 32 blocks/SM", [&] { add4_kernel<1, true><<<sms * 32, 256, 0, s>>>(a4, b4, o4, nvec); });
    time_it("2 vec/thread, grid-stride 32 blocks/SM", [&] { add4_kernel<2, true><<<sms * 32, 256, 0, s>>>(a4, b4, o4, nvec); });
    time_it("2 vec/thread, grid-stride 8 blocks/SM", [&] { add4_kernel<2, true><<<sms * 8, 256, 0, s>>>(a4, b4, o4, nvec); });
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFree(o));
  }

  {
    const size_t bytes = size_t(1) << 30;
    float *a, *b;
    CHECK(cudaMalloc(&a, bytes));
    CHECK(cudaMalloc(&b, bytes));
    fill_kernel<<<1024, 256, 0, s>>>(a, (long long)(bytes / 4), 0.5f);
    CHECK(cudaGetLastError());
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    std::vector<double> t;
    for (int i = 0; i < 13; ++i) {
      CHECK(cudaEventRecord(e0, s));
      CHECK(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, s));
      CHECK(cudaEventRecord(e1, s));
      CHECK(cudaEventSynchronize(e1));
      float ms = 0;
      CHECK(cudaEventElapsedTime(&ms, e0, e1));
      if (i >= 3) t.push_back(ms);
    }
    const double ms = median(t);
    std::printf("raw device copy 1 GiB: %.3f ms, %.0f GB/s (read + write)\n", ms, 2.0 * double(bytes) / (ms * 1e6));
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
  }
  CHECK(cudaStreamDestroy(s));
  return 0;
}
