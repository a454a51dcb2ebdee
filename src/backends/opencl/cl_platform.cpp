#include "cl_platform.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "cl_error.h"

namespace tsr::opencl {
namespace {

std::string platform_string(cl_platform_id p, cl_platform_info what) {
  size_t n = 0;
  if (clGetPlatformInfo(p, what, 0, nullptr, &n) != CL_SUCCESS || n == 0) return {};
  std::string s(n, '\0');
  if (clGetPlatformInfo(p, what, n, s.data(), nullptr) != CL_SUCCESS) return {};
  s.resize(s.find('\0') == std::string::npos ? n : s.find('\0'));
  return s;
}

std::string device_string(cl_device_id d, cl_device_info what) {
  size_t n = 0;
  if (clGetDeviceInfo(d, what, 0, nullptr, &n) != CL_SUCCESS || n == 0) return {};
  std::string s(n, '\0');
  if (clGetDeviceInfo(d, what, n, s.data(), nullptr) != CL_SUCCESS) return {};
  s.resize(s.find('\0') == std::string::npos ? n : s.find('\0'));
  return s;
}

template <typename T>
T device_value(cl_device_id d, cl_device_info what) {
  T v{};
  if (clGetDeviceInfo(d, what, sizeof(T), &v, nullptr) != CL_SUCCESS) return T{};
  return v;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && v[0] == '1';
}

// An environment selector: empty (everything), a decimal index, or a part
// of one of the names (case-insensitive).
bool selected(const char* env, size_t index, const std::vector<std::string>& names) {
  const char* sel = std::getenv(env);
  if (!sel || !*sel) return true;
  std::string s = sel;
  if (std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::strtoull(s.c_str(), nullptr, 10) == index;
  for (const auto& n : names)
    if (lower(n).find(lower(s)) != std::string::npos) return true;
  return false;
}

bool has_extension(const std::string& list, const char* ext) {
  std::string padded = " " + list + " ";
  return padded.find(std::string(" ") + ext + " ") != std::string::npos;
}

int type_rank(cl_device_type t) {
  if (t & CL_DEVICE_TYPE_GPU) return 0;
  if (t & CL_DEVICE_TYPE_ACCELERATOR) return 1;
  if (t & CL_DEVICE_TYPE_CPU) return 3;
  return 2;
}

}  // namespace

Status discover_devices(std::vector<DeviceRecord>* out) {
  out->clear();
  cl_uint np = 0;
  cl_int err = clGetPlatformIDs(0, nullptr, &np);
  if (err != CL_SUCCESS || np == 0)
    return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE,
                       "no OpenCL platform (clGetPlatformIDs: " +
                           (err != CL_SUCCESS ? cl_error_name(err) : std::string("0 platforms")) +
                           "); is an ICD such as pocl-opencl-icd installed?");
  std::vector<cl_platform_id> platforms(np);
  if ((err = clGetPlatformIDs(np, platforms.data(), nullptr)) != CL_SUCCESS)
    return cl_failure(err, "clGetPlatformIDs", "OpenCL discovery");

  const bool hide_fp16 = env_flag("TESSERA_OPENCL_DISABLE_FP16");
  const bool hide_fp64 = env_flag("TESSERA_OPENCL_DISABLE_FP64");
  const char* order_env = std::getenv("TESSERA_OPENCL_ORDER_LAUNCHES");
  for (cl_uint pi = 0; pi < np; ++pi) {
    cl_platform_id p = platforms[pi];
    std::string pname = platform_string(p, CL_PLATFORM_NAME);
    std::string pvendor = platform_string(p, CL_PLATFORM_VENDOR);
    if (!selected("TESSERA_OPENCL_PLATFORM", pi, {pname, pvendor})) continue;
    cl_uint nd = 0;
    if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &nd) != CL_SUCCESS || nd == 0) continue;
    std::vector<cl_device_id> devices(nd);
    if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd, devices.data(), nullptr) != CL_SUCCESS) continue;
    for (cl_uint di = 0; di < nd; ++di) {
      cl_device_id d = devices[di];
      DeviceRecord r;
      r.platform = p;
      r.device = d;
      r.platform_name = pname;
      r.platform_version = platform_string(p, CL_PLATFORM_VERSION);
      r.name = device_string(d, CL_DEVICE_NAME);
      r.vendor = device_string(d, CL_DEVICE_VENDOR);
      r.driver_version = device_string(d, CL_DRIVER_VERSION);
      r.device_version = device_string(d, CL_DEVICE_VERSION);
      if (!selected("TESSERA_OPENCL_DEVICE", di, {r.name})) continue;
      if (!device_value<cl_bool>(d, CL_DEVICE_AVAILABLE) ||
          !device_value<cl_bool>(d, CL_DEVICE_COMPILER_AVAILABLE))
        continue;  // nothing to run our kernels on
      std::string ext = device_string(d, CL_DEVICE_EXTENSIONS);
      r.type = device_value<cl_device_type>(d, CL_DEVICE_TYPE);
      r.fp64 = !hide_fp64 && (has_extension(ext, "cl_khr_fp64") ||
                              device_value<cl_device_fp_config>(d, CL_DEVICE_DOUBLE_FP_CONFIG) != 0);
      // float16 is storage only (vload_half/vstore_half, core OpenCL 1.2;
      // arithmetic in float as on every backend): no cl_khr_fp16 needed.
      r.fp16 = !hide_fp16;
      r.exact_divide = (device_value<cl_device_fp_config>(d, CL_DEVICE_SINGLE_FP_CONFIG) &
                        CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
      r.global_mem = device_value<cl_ulong>(d, CL_DEVICE_GLOBAL_MEM_SIZE);
      r.max_alloc = device_value<cl_ulong>(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
      r.compute_units = device_value<cl_uint>(d, CL_DEVICE_MAX_COMPUTE_UNITS);
      r.max_work_group = device_value<size_t>(d, CL_DEVICE_MAX_WORK_GROUP_SIZE);
      r.max_parameter_size = device_value<size_t>(d, CL_DEVICE_MAX_PARAMETER_SIZE);
      // PoCL aborts when launches of one kernel with growing grids overlap
      // (cl_launch_order.h); its platform is "Portable Computing Language".
      const bool pocl = lower(pname).find("portable computing language") != std::string::npos;
      r.ordered_launches =
          order_env && (order_env[0] == '0' || order_env[0] == '1') ? order_env[0] == '1' : pocl;
      out->push_back(std::move(r));
    }
  }
  // GPUs first, so index 0 is the device most callers want.
  std::stable_sort(out->begin(), out->end(), [](const DeviceRecord& a, const DeviceRecord& b) {
    return type_rank(a.type) < type_rank(b.type);
  });
  return Status::Ok();
}

void describe_device(const DeviceRecord& rec, DeviceInfo* out) {
  out->kind = TSR_DEVICE_OPENCL;
  out->name = rec.name;
  out->total_memory = int64_t(rec.global_mem);
  out->free_memory = -1;  // OpenCL has no portable query
  out->compute_units = int32_t(rec.compute_units);
  out->supports_float64 = rec.fp64;
  out->supports_float16 = rec.fp16;
  // Below the built-in CPU backend (1) for CPU devices such as PoCL, so
  // TSR_DEVICE_BEST keeps the native CPU code; GPUs rank above it.
  out->score = (rec.type & CL_DEVICE_TYPE_GPU) ? 50 : (rec.type & CL_DEVICE_TYPE_ACCELERATOR) ? 40 : 0;
  out->dlpack_device_type = 4;  // kDLOpenCL
}

std::string device_label(const DeviceRecord& rec) {
  return "'" + rec.name + "' (" + rec.platform_name + ", driver " + rec.driver_version + ")";
}

}  // namespace tsr::opencl
