// Which cuBLASLt algorithm wins a large product on this device, measured
// sustained (several back-to-back products between events, medians of
// rounds): the heuristic's candidates for 8192^3 in bfloat16, TF32 and
// float32, in the layout Tessera uses for row-major operands (D^T = B^T A^T).
// It is how the CUDA backend's matmul tuning was chosen (docs/cuda.md).
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CK(call)                                                                         \
  do {                                                                                   \
    cudaError_t e_ = (call);                                                             \
    if (e_ != cudaSuccess) {                                                             \
      std::fprintf(stderr, "%s failed: %s\n", #call, cudaGetErrorString(e_));            \
      std::exit(1);                                                                      \
    }                                                                                    \
  } while (0)
#define BK(call)                                                                         \
  do {                                                                                   \
    cublasStatus_t s_ = (call);                                                          \
    if (s_ != CUBLAS_STATUS_SUCCESS) {                                                   \
      std::fprintf(stderr, "%s failed: %s\n", #call, cublasLtGetStatusString(s_));       \
      std::exit(1);                                                                      \
    }                                                                                    \
  } while (0)

int main() {
  const int64_t n = 8192;
  const size_t ws_bytes = size_t(32) << 20;
  cublasLtHandle_t h;
  BK(cublasLtCreate(&h));
  cudaStream_t s;
  CK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  void *a, *b, *d, *ws;
  CK(cudaMalloc(&a, n * n * 4));
  CK(cudaMalloc(&b, n * n * 4));
  CK(cudaMalloc(&d, n * n * 4));
  CK(cudaMalloc(&ws, ws_bytes));
  // Small random-looking bit patterns, finite in every dtype used here.
  std::vector<uint16_t> host(size_t(n * n * 2));
  uint32_t x = 12345;
  for (auto& v : host) {
    x = x * 1664525u + 1013904223u;
    v = uint16_t(0x3c00 | ((x >> 16) & 0x03ff));  // [1, 2) as f16/bf16 high halves
  }
  CK(cudaMemcpy(a, host.data(), n * n * 4, cudaMemcpyHostToDevice));
  CK(cudaMemcpy(b, host.data(), n * n * 4, cudaMemcpyHostToDevice));
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0));
  CK(cudaEventCreate(&e1));
  struct Case {
    const char* name;
    cudaDataType_t t;
    cublasComputeType_t c;
  } cases[] = {{"bfloat16", CUDA_R_16BF, CUBLAS_COMPUTE_32F},
               {"tf32", CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32},
               {"float32", CUDA_R_32F, CUBLAS_COMPUTE_32F}};
  for (const Case& k : cases) {
    cublasLtMatmulDesc_t desc;
    BK(cublasLtMatmulDescCreate(&desc, k.c, CUDA_R_32F));
    cublasLtMatrixLayout_t la, lb, ld;
    BK(cublasLtMatrixLayoutCreate(&la, k.t, n, n, n));
    BK(cublasLtMatrixLayoutCreate(&lb, k.t, n, n, n));
    BK(cublasLtMatrixLayoutCreate(&ld, k.t, n, n, n));
    cublasLtMatmulPreference_t pref;
    BK(cublasLtMatmulPreferenceCreate(&pref));
    BK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_bytes,
                                            sizeof ws_bytes));
    cublasLtMatmulHeuristicResult_t r[8];
    int found = 0;
    BK(cublasLtMatmulAlgoGetHeuristic(h, desc, la, lb, ld, ld, pref, 8, r, &found));
    const float alpha = 1, beta = 0;
    const double flop = 2.0 * double(n) * double(n) * double(n);
    for (int round = 0; round < 2; ++round)
      for (int i = 0; i < found; ++i) {
        auto run = [&] {
          return cublasLtMatmul(h, desc, &alpha, b, la, a, lb, &beta, d, ld, d, ld, &r[i].algo, ws, ws_bytes, s);
        };
        if (run() != CUBLAS_STATUS_SUCCESS) continue;
        std::vector<float> t;
        for (int rep = 0; rep < 3; ++rep) {
          CK(cudaEventRecord(e0, s));
          for (int j = 0; j < 5; ++j) BK(run());
          CK(cudaEventRecord(e1, s));
          CK(cudaEventSynchronize(e1));
          float ms = 0;
          CK(cudaEventElapsedTime(&ms, e0, e1));
          t.push_back(ms / 5);
        }
        std::sort(t.begin(), t.end());
        std::printf("cublasLt %s 8192^3 round %d candidate %d: %.3f ms, %.1f TFLOP/s (workspace %zu)\n", k.name,
                    round, i, t[1], flop / (t[1] * 1e9), r[i].workspaceSize);
      }
    BK(cublasLtMatmulPreferenceDestroy(pref));
    BK(cublasLtMatrixLayoutDestroy(la));
    BK(cublasLtMatrixLayoutDestroy(lb));
    BK(cublasLtMatrixLayoutDestroy(ld));
    BK(cublasLtMatmulDescDestroy(desc));
  }
  CK(cudaFree(a));
  CK(cudaFree(b));
  CK(cudaFree(d));
  CK(cudaFree(ws));
  BK(cublasLtDestroy(h));
  return 0;
}
