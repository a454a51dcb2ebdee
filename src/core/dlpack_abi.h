// The DLPack 1.x ABI (https://dmlc.github.io/dlpack/latest/c_api.html),
// written from the specification's facts because the system header in
// Debian (libdlpack-dev 0.6) predates DLManagedTensorVersioned and kDLBool.
// Layouts, names and values are the standard's; they live in a namespace so
// a translation unit that also includes <dlpack/dlpack.h> does not clash.
#pragma once
#include <cstdint>

namespace tsr::dl {

// The version Tessera produces in DLManagedTensorVersioned. Every type code
// and field we use exists since 1.0, so consumers of any 1.x accept it.
constexpr uint32_t kMajorVersion = 1;
constexpr uint32_t kMinorVersion = 0;

// DLDeviceType (int32 on the wire).
enum DeviceType : int32_t {
  kDLCPU = 1,
  kDLCUDA = 2,
  kDLCUDAHost = 3,
  kDLOpenCL = 4,
  kDLVulkan = 7,
  kDLMetal = 8,
  kDLVPI = 9,
  kDLROCM = 10,
  kDLROCMHost = 11,
  kDLExtDev = 12,
  kDLCUDAManaged = 13,
  kDLOneAPI = 14,
};

// DLDataTypeCode (stored in DLDataType::code, one byte).
enum TypeCode : uint8_t {
  kDLInt = 0,
  kDLUInt = 1,
  kDLFloat = 2,
  kDLOpaqueHandle = 3,
  kDLBfloat = 4,
  kDLComplex = 5,
  kDLBool = 6,
};

// DLManagedTensorVersioned::flags bits.
constexpr uint64_t kFlagReadOnly = 1ull << 0;  // the consumer must not write
constexpr uint64_t kFlagIsCopied = 1ull << 1;  // the producer made a copy for this export

struct DLPackVersion {
  uint32_t major;
  uint32_t minor;
};

struct DLDevice {
  int32_t device_type;  // a DeviceType
  int32_t device_id;    // CUDA/ROCm ordinal; 0 for the CPU
};

struct DLDataType {
  uint8_t code;    // a TypeCode
  uint8_t bits;    // bits per lane (8 for bool)
  uint16_t lanes;  // 1 for scalar element types
};

struct DLTensor {
  void* data;              // host or device pointer (cl_mem on OpenCL)
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;          // ndim entries, owned by the producer
  int64_t* strides;        // ndim entries in elements, or null for C order
  uint64_t byte_offset;    // bytes from data to element 0
};

// Legacy (ABI 0.x) managed tensor: the deleter frees the whole thing.
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};

// Versioned (ABI 1.x) managed tensor.
struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
};

// The standard's layouts on LP64 (what every producer and consumer assumes).
static_assert(sizeof(DLDevice) == 8, "DLDevice layout");
static_assert(sizeof(DLDataType) == 4, "DLDataType layout");
static_assert(sizeof(DLTensor) == 48, "DLTensor layout");
static_assert(sizeof(DLManagedTensor) == 64, "DLManagedTensor layout");
static_assert(sizeof(DLManagedTensorVersioned) == 80, "DLManagedTensorVersioned layout");

}  // namespace tsr::dl
