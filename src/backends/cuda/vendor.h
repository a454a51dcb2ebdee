// The GPU vendor layer: the one file of the backend that names the CUDA (or
// HIP) runtime. Everything else says gpu*, so src/backends/hip can compile
// the same sources with hipcc by defining TSR_GPU_HIP (the scheme of ggml's
// vendors/hip.h). Host code may include this file; device-only helpers sit
// under __CUDACC__/__HIPCC__.
#pragma once

#if defined(TSR_GPU_HIP)
#include <hip/hip_runtime.h>
#else
#include <cuda_runtime.h>
#endif

#include "tessera/tessera.h"

#if defined(TSR_GPU_HIP)
// ---------------------------------------------------------------- HIP
#define TSR_GPU_NAME "HIP"
#define TSR_GPU_API_PREFIX "hip"  // what gpu* names are called in messages
#define TSR_GPU_DEVICE_KIND TSR_DEVICE_HIP
#define TSR_GPU_DLPACK_DEVICE 10  // kDLROCM
typedef hipError_t gpuError_t;
typedef hipStream_t gpuStream_t;
typedef hipEvent_t gpuEvent_t;
typedef hipDeviceProp_t gpuDeviceProp_t;
#define gpuSuccess hipSuccess
#define gpuErrorNotReady hipErrorNotReady
#define gpuErrorMemoryAllocation hipErrorOutOfMemory
#define gpuErrorNoDevice hipErrorNoDevice
#define gpuErrorInsufficientDriver hipErrorInsufficientDriver
#define gpuGetErrorName hipGetErrorName
#define gpuGetErrorString hipGetErrorString
#define gpuGetLastError hipGetLastError
#define gpuPeekAtLastError hipPeekAtLastError
#define gpuGetDeviceCount hipGetDeviceCount
#define gpuGetDevice hipGetDevice
#define gpuSetDevice hipSetDevice
#define gpuGetDeviceProperties hipGetDeviceProperties
#define gpuDriverGetVersion hipDriverGetVersion
#define gpuRuntimeGetVersion hipRuntimeGetVersion
#define gpuMemGetInfo hipMemGetInfo
#define gpuMalloc hipMalloc
#define gpuFree hipFree
#define gpuHostAlloc(p, n) hipHostMalloc((p), (n), hipHostMallocDefault)
#define gpuFreeHost hipHostFree
#define gpuMemcpyAsync hipMemcpyAsync
#define gpuMemsetAsync hipMemsetAsync
#define gpuMemcpyHostToDevice hipMemcpyHostToDevice
#define gpuMemcpyDeviceToHost hipMemcpyDeviceToHost
#define gpuMemcpyDeviceToDevice hipMemcpyDeviceToDevice
#define gpuStreamCreateWithFlags hipStreamCreateWithFlags
#define gpuStreamDestroy hipStreamDestroy
#define gpuStreamSynchronize hipStreamSynchronize
#define gpuStreamQuery hipStreamQuery
#define gpuStreamWaitEvent hipStreamWaitEvent
#define gpuStreamDefault hipStreamDefault
#define gpuStreamNonBlocking hipStreamNonBlocking
#define gpuEventCreateWithFlags hipEventCreateWithFlags
#define gpuEventDestroy hipEventDestroy
#define gpuEventRecord hipEventRecord
#define gpuEventQuery hipEventQuery
#define gpuEventSynchronize hipEventSynchronize
#define gpuEventElapsedTime hipEventElapsedTime
#define gpuEventDefault hipEventDefault
#define gpuEventDisableTiming hipEventDisableTiming
#define gpuFuncSetAttribute hipFuncSetAttribute
#define gpuFuncAttributeMaxDynamicSharedMemorySize hipFuncAttributeMaxDynamicSharedMemorySize
#else
// ---------------------------------------------------------------- CUDA
#define TSR_GPU_NAME "CUDA"
#define TSR_GPU_API_PREFIX "cuda"  // what gpu* names are called in messages
#define TSR_GPU_DEVICE_KIND TSR_DEVICE_CUDA
#define TSR_GPU_DLPACK_DEVICE 2  // kDLCUDA
typedef cudaError_t gpuError_t;
typedef cudaStream_t gpuStream_t;
typedef cudaEvent_t gpuEvent_t;
typedef cudaDeviceProp gpuDeviceProp_t;
#define gpuSuccess cudaSuccess
#define gpuErrorNotReady cudaErrorNotReady
#define gpuErrorMemoryAllocation cudaErrorMemoryAllocation
#define gpuErrorNoDevice cudaErrorNoDevice
#define gpuErrorInsufficientDriver cudaErrorInsufficientDriver
#define gpuGetErrorName cudaGetErrorName
#define gpuGetErrorString cudaGetErrorString
#define gpuGetLastError cudaGetLastError
#define gpuPeekAtLastError cudaPeekAtLastError
#define gpuGetDeviceCount cudaGetDeviceCount
#define gpuGetDevice cudaGetDevice
#define gpuSetDevice cudaSetDevice
#define gpuGetDeviceProperties cudaGetDeviceProperties
#define gpuDriverGetVersion cudaDriverGetVersion
#define gpuRuntimeGetVersion cudaRuntimeGetVersion
#define gpuMemGetInfo cudaMemGetInfo
#define gpuMalloc cudaMalloc
#define gpuFree cudaFree
#define gpuHostAlloc(p, n) cudaHostAlloc((p), (n), cudaHostAllocDefault)
#define gpuFreeHost cudaFreeHost
#define gpuMemcpyAsync cudaMemcpyAsync
#define gpuMemsetAsync cudaMemsetAsync
#define gpuMemcpyHostToDevice cudaMemcpyHostToDevice
#define gpuMemcpyDeviceToHost cudaMemcpyDeviceToHost
#define gpuMemcpyDeviceToDevice cudaMemcpyDeviceToDevice
#define gpuStreamCreateWithFlags cudaStreamCreateWithFlags
#define gpuStreamDestroy cudaStreamDestroy
#define gpuStreamSynchronize cudaStreamSynchronize
#define gpuStreamQuery cudaStreamQuery
#define gpuStreamWaitEvent(s, e, f) cudaStreamWaitEvent((s), (e), (f))
#define gpuStreamDefault cudaStreamDefault
#define gpuStreamNonBlocking cudaStreamNonBlocking
#define gpuEventCreateWithFlags cudaEventCreateWithFlags
#define gpuEventDestroy cudaEventDestroy
#define gpuEventRecord cudaEventRecord
#define gpuEventQuery cudaEventQuery
#define gpuEventSynchronize cudaEventSynchronize
#define gpuEventElapsedTime cudaEventElapsedTime
#define gpuEventDefault cudaEventDefault
#define gpuEventDisableTiming cudaEventDisableTiming
#define gpuFuncSetAttribute cudaFuncSetAttribute
#define gpuFuncAttributeMaxDynamicSharedMemorySize cudaFuncAttributeMaxDynamicSharedMemorySize
#endif

// ---------------------------------------------------------------- device side
#if defined(__CUDACC__) || defined(__HIPCC__)
#if defined(TSR_GPU_HIP)
#include <hip/hip_fp16.h>
// Wavefront size is 64 on CDNA (gfx9xx) and 32 on RDNA; the compiler says which.
#if defined(__AMDGCN_WAVEFRONT_SIZE)
#define TSR_WARP_SIZE __AMDGCN_WAVEFRONT_SIZE
#else
#define TSR_WARP_SIZE 64
#endif
template <typename T>
__device__ __forceinline__ T gpu_shfl_xor(T v, int lane_mask) {
  return __shfl_xor(v, lane_mask, TSR_WARP_SIZE);
}
__device__ __forceinline__ float gpu_half_to_float(uint16_t b) {
  return __half2float(__ushort_as_half(b));
}
__device__ __forceinline__ uint16_t gpu_float_to_half(float f) {
  return __half_as_ushort(__float2half_rn(f));
}
// ROCm 5.2 has no bfloat16 conversion intrinsics usable here: bit arithmetic
// with round-to-nearest-even (the same rule as core/half.h).
__device__ __forceinline__ float gpu_bf16_to_float(uint16_t b) {
  return __uint_as_float(uint32_t(b) << 16);
}
__device__ __forceinline__ uint16_t gpu_float_to_bf16(float f) {
  uint32_t u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40);
  return uint16_t((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
#else
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#define TSR_WARP_SIZE 32
template <typename T>
__device__ __forceinline__ T gpu_shfl_xor(T v, int lane_mask) {
  return __shfl_xor_sync(0xffffffffu, v, lane_mask, TSR_WARP_SIZE);
}
__device__ __forceinline__ float gpu_half_to_float(uint16_t b) {
  return __half2float(__ushort_as_half(b));
}
__device__ __forceinline__ uint16_t gpu_float_to_half(float f) {
  return __half_as_ushort(__float2half_rn(f));
}
__device__ __forceinline__ float gpu_bf16_to_float(uint16_t b) {
  return __bfloat162float(__ushort_as_bfloat16(b));
}
__device__ __forceinline__ uint16_t gpu_float_to_bf16(float f) {
  return __bfloat16_as_ushort(__float2bfloat16_rn(f));
}
#endif
#endif  // device side
