#include "cl_program_cache.h"

#include "cl_error.h"
#include "cl_sources.h"
#include "core/backend.h"

namespace tsr::opencl {

ProgramCache::ProgramCache(cl_context context, const DeviceRecord& device, DiskCache disk)
    : context_(context), device_(device), disk_(std::move(disk)) {
  base_options_ = "-cl-std=CL1.2";
  // Exact float division and sqrt: floor_divide and friends must agree with
  // the CPU at integer boundaries.
  if (device_.exact_divide) base_options_ += " -cl-fp32-correctly-rounded-divide-sqrt";
  // float16 needs no define: its kernels use only vload_half/vstore_half.
  base_options_ += device_.fp64 ? " -DTSR_FP64=1" : " -DTSR_FP64=0";
}

ProgramCache::~ProgramCache() {
  // No recorded launch may keep this context's events (and so the context).
  if (device_.ordered_launches) forget_launches(context_);
  for (auto& [key, p] : programs_) {
    for (auto& [name, k] : p.kernels) clReleaseKernel(k->handle);
    clReleaseProgram(p.handle);
  }
}

int64_t ProgramCache::compilations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compilations_;
}

int64_t ProgramCache::disk_hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return disk_hits_;
}

std::string ProgramCache::key_text(const std::string& family, const std::string& defines) const {
  const std::string source = program_source(family);
  // Everything that changes the binary: the source, the options, the
  // device and its driver, and this library's version and backend API.
  return "tessera-opencl " + std::to_string(TSR_VERSION_MAJOR) + "." +
         std::to_string(TSR_VERSION_MINOR) + "." + std::to_string(TSR_VERSION_PATCH) + " api " +
         std::to_string(kBackendApiVersion) + "\nplatform: " + device_.platform_name + " | " +
         device_.platform_version + "\ndevice: " + device_.name + " | " + device_.vendor + " | " +
         device_.device_version + "\ndriver: " + device_.driver_version + "\noptions: " +
         base_options_ + " " + defines + "\nsource: " + family + " " +
         hex64(fnv1a64(source.data(), source.size())) + " " + std::to_string(source.size()) + "\n";
}

Status ProgramCache::kernel(const std::string& family, const std::string& defines,
                            const std::string& name, Kernel** out) {
  std::lock_guard<std::mutex> lock(mu_);
  Program* p = nullptr;
  Status st = program_locked(family, defines, &p);
  if (!st.ok()) return st;
  auto it = p->kernels.find(name);
  if (it != p->kernels.end()) {
    *out = it->second.get();
    return Status::Ok();
  }
  cl_int err = CL_SUCCESS;
  cl_kernel k = clCreateKernel(p->handle, name.c_str(), &err);
  if (err != CL_SUCCESS) {
    // A missing kernel means this (op, dtype) pair has no implementation.
    if (err == CL_INVALID_KERNEL_NAME)
      return Status::Err(TSR_ERROR_UNSUPPORTED, "the OpenCL backend has no kernel '" + name +
                                                    "' (" + family + " " + defines + ")");
    return cl_failure(err, "clCreateKernel", "kernel " + name);
  }
  auto entry = std::make_unique<Kernel>();
  entry->handle = k;
  entry->name = name;
  // Identity as PoCL sees it: program text, options, device, kernel name.
  if (device_.ordered_launches)
    entry->order = launch_order(key_text(family, defines) + "kernel: " + name);
  size_t wg = 0;
  if (clGetKernelWorkGroupInfo(k, device_.device, CL_KERNEL_WORK_GROUP_SIZE, sizeof(wg), &wg,
                               nullptr) == CL_SUCCESS &&
      wg > 0)
    entry->max_local = wg;
  *out = entry.get();
  p->kernels.emplace(name, std::move(entry));
  return Status::Ok();
}

Status ProgramCache::prepare(const std::string& family, const std::string& defines) {
  std::lock_guard<std::mutex> lock(mu_);
  Program* p = nullptr;
  return program_locked(family, defines, &p);
}

Status ProgramCache::program_locked(const std::string& family, const std::string& defines,
                                    Program** out) {
  const std::string key = family + "|" + defines;
  auto it = programs_.find(key);
  if (it == programs_.end()) {
    cl_program prog = nullptr;
    Status st = build(family, defines, &prog);
    if (!st.ok()) return st;
    it = programs_.emplace(key, Program{}).first;
    it->second.handle = prog;
  }
  *out = &it->second;
  return Status::Ok();
}

Status ProgramCache::build(const std::string& family, const std::string& defines,
                           cl_program* out) {
  const std::string source = program_source(family);
  if (source.empty())
    return Status::Err(TSR_ERROR_INTERNAL, "no embedded OpenCL source for program '" + family + "'");
  const std::string options = base_options_ + " " + defines;
  const std::string key = key_text(family, defines);
  const std::string what = "program " + family + " (" + defines + ")";

  // 1. A cached binary, if the driver takes it. Any failure falls through
  //    to a rebuild, which then overwrites the bad file.
  std::vector<unsigned char> binary;
  if (disk_.load(key, &binary)) {
    const unsigned char* bin = binary.data();
    size_t size = binary.size();
    cl_int bin_status = CL_SUCCESS, err = CL_SUCCESS;
    cl_program p = clCreateProgramWithBinary(context_, 1, &device_.device, &size, &bin,
                                             &bin_status, &err);
    if (err == CL_SUCCESS && bin_status == CL_SUCCESS &&
        clBuildProgram(p, 1, &device_.device, options.c_str(), nullptr, nullptr) == CL_SUCCESS) {
      ++disk_hits_;
      *out = p;
      return Status::Ok();
    }
    if (p) clReleaseProgram(p);
  }

  // 2. From source.
  cl_program p = nullptr;
  Status st = build_from_source(source, options, what, &p);
  if (!st.ok()) return st;
  ++compilations_;

  // 3. Keep the binary for the next process.
  size_t size = 0;
  if (disk_.enabled() &&
      clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, nullptr) == CL_SUCCESS &&
      size > 0) {
    binary.assign(size, 0);
    unsigned char* ptr = binary.data();
    if (clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof(ptr), &ptr, nullptr) == CL_SUCCESS)
      disk_.store(key, binary);
  }
  *out = p;
  return Status::Ok();
}

Status ProgramCache::build_from_source(const std::string& source, const std::string& options,
                                       const std::string& what, cl_program* out) {
  const char* text = source.c_str();
  size_t len = source.size();
  cl_int err = CL_SUCCESS;
  cl_program p = clCreateProgramWithSource(context_, 1, &text, &len, &err);
  if (err != CL_SUCCESS) return cl_failure(err, "clCreateProgramWithSource", what);
  err = clBuildProgram(p, 1, &device_.device, options.c_str(), nullptr, nullptr);
  if (err != CL_SUCCESS) {
    std::string log;
    size_t n = 0;
    if (clGetProgramBuildInfo(p, device_.device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &n) ==
            CL_SUCCESS &&
        n > 1) {
      log.resize(n);
      clGetProgramBuildInfo(p, device_.device, CL_PROGRAM_BUILD_LOG, n, log.data(), nullptr);
      log.resize(log.find('\0') == std::string::npos ? n : log.find('\0'));
      if (log.size() > 4000) log = log.substr(0, 4000) + "\n...";
    }
    clReleaseProgram(p);
    Status st = cl_failure(err, "clBuildProgram", what + " on " + device_label(device_));
    if (!log.empty()) st.message += "; build log:\n" + log;
    return st;
  }
  *out = p;
  return Status::Ok();
}

}  // namespace tsr::opencl
