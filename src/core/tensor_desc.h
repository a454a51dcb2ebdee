// What a kernel sees of a tensor: a base handle (host/device pointer, or a
// cl_mem on OpenCL), a byte offset, dtype, shape and strides in elements.
// Plain data so every backend, and plugins built apart, can share it.
#pragma once
#include <cstdint>
#include "tessera/tessera.h"

namespace tsr {

struct TensorDesc {
  void* base = nullptr;     // allocation base (pointer or cl_mem)
  int64_t offset = 0;       // bytes from base to element 0
  tsr_dtype dtype = TSR_FLOAT32;
  int32_t ndim = 0;
  int64_t shape[TSR_MAX_DIMS] = {};
  int64_t strides[TSR_MAX_DIMS] = {};  // elements; 0 on broadcast axes

  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) n *= shape[i];
    return n;
  }
  bool is_contiguous() const {
    if (numel() == 0) return true;  // no element is out of place
    int64_t expect = 1;
    for (int i = ndim - 1; i >= 0; --i) {
      if (shape[i] != 1 && strides[i] != expect) return false;
      expect *= shape[i];
    }
    return true;
  }
  // Valid only for host-addressable backends (CPU, CUDA, HIP).
  template <typename T = void>
  T* ptr() const {
    return reinterpret_cast<T*>(static_cast<char*>(base) + offset);
  }
};

}  // namespace tsr
