// Platform and device discovery: every OpenCL device of every platform,
// narrowed by TESSERA_OPENCL_PLATFORM / TESSERA_OPENCL_DEVICE (an index or a
// case-insensitive part of the name), with the facts the backend needs.
#pragma once
#include <CL/cl.h>

#include <string>
#include <vector>

#include "core/backend.h"

namespace tsr::opencl {

struct DeviceRecord {
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  std::string platform_name, platform_version;
  std::string name, vendor, driver_version, device_version;
  cl_device_type type = 0;
  bool fp64 = false;           // cl_khr_fp64 (or OpenCL 3.0's __opencl_c_fp64)
  bool fp16 = false;           // float16 storage: every device, unless hidden (see below)
  bool exact_divide = false;   // CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT for float
  cl_ulong global_mem = 0;
  cl_ulong max_alloc = 0;
  cl_uint compute_units = 0;
  size_t max_work_group = 0;
  size_t max_parameter_size = 0;
  // Launches of one kernel must not overlap (PoCL's kernel cache; see
  // cl_launch_order.h). TESSERA_OPENCL_ORDER_LAUNCHES=0/1 overrides.
  bool ordered_launches = false;
};

// Fills `out` (possibly empty). Fails only when OpenCL itself is unusable;
// `reason` then says why. Testing overrides read here:
//   TESSERA_OPENCL_DISABLE_FP16=1  hide float16 support (every device has
//     it otherwise: the kernels use only vload_half/vstore_half, core in
//     OpenCL 1.2, and compute in float);
//   TESSERA_OPENCL_DISABLE_FP64=1  hide float64 support;
//   TESSERA_OPENCL_ORDER_LAUNCHES=0|1  keep launches of one kernel from
//     overlapping (default: on for PoCL only; 0 shows PoCL's abort).
Status discover_devices(std::vector<DeviceRecord>* out);

// The DeviceInfo the registry shows for `rec`.
void describe_device(const DeviceRecord& rec, DeviceInfo* out);

// A one-line description for messages: "'<device>' (<platform>, driver <v>)".
std::string device_label(const DeviceRecord& rec);

}  // namespace tsr::opencl
