// Compiled programs and their kernels for one context. A program is a
// family (kernels/<family>.cl after common.cl) built with a set of defines
// (e.g. "-DT=f32"). Each is built once, on first use: from the disk cache
// when it holds a binary the driver accepts, else from source (counted in
// compilations()) and then stored to disk for the next process.
#pragma once
#include <CL/cl.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cl_disk_cache.h"
#include "cl_launch_order.h"
#include "cl_platform.h"
#include "core/status.h"

namespace tsr::opencl {

// A kernel object and the lock that makes "set arguments, then enqueue"
// atomic when several threads launch it.
struct Kernel {
  cl_kernel handle = nullptr;
  std::mutex mu;
  std::string name;
  size_t max_local = 1;  // CL_KERNEL_WORK_GROUP_SIZE on this device
  // Where the device needs launches of one kernel kept apart (PoCL): the
  // kernel's process-wide order, shared by every context (cl_launch_order.h).
  LaunchOrder* order = nullptr;
};

class ProgramCache {
 public:
  ProgramCache(cl_context context, const DeviceRecord& device, DiskCache disk);
  ~ProgramCache();
  ProgramCache(const ProgramCache&) = delete;
  ProgramCache& operator=(const ProgramCache&) = delete;

  // The kernel `name` of program (family, defines), building the program if
  // this context has not yet. The pointer lives as long as the cache.
  Status kernel(const std::string& family, const std::string& defines, const std::string& name,
                Kernel** out);
  // Kernels remembered under a small index the caller computes (elementwise
  // ops: kind, op, dtype, form), so a launch that found its kernel once
  // builds no strings and takes no lock again. Kernel pointers are stable.
  static constexpr size_t kSlots = 4096;
  Kernel* slot(size_t i) const {
    return i < kSlots ? slots_[i].load(std::memory_order_acquire) : nullptr;
  }
  void remember(size_t i, Kernel* k) {
    if (i < kSlots) slots_[i].store(k, std::memory_order_release);
  }
  // Builds (or loads) a program without asking for a kernel.
  Status prepare(const std::string& family, const std::string& defines);

  // Programs built from source by this cache (binary loads do not count).
  int64_t compilations() const;
  // Programs loaded from the disk cache.
  int64_t disk_hits() const;
  const DiskCache& disk() const { return disk_; }
  // Options every program is built with (language version, precision, ...).
  const std::string& base_options() const { return base_options_; }
  // The key text a program is cached under (tests, diagnostics).
  std::string key_text(const std::string& family, const std::string& defines) const;

 private:
  struct Program {
    cl_program handle = nullptr;
    std::map<std::string, std::unique_ptr<Kernel>> kernels;
  };
  Status program_locked(const std::string& family, const std::string& defines, Program** out);
  Status build(const std::string& family, const std::string& defines, cl_program* out);
  Status build_from_source(const std::string& source, const std::string& options,
                           const std::string& what, cl_program* out);

  cl_context context_;
  const DeviceRecord& device_;
  DiskCache disk_;
  std::string base_options_;
  mutable std::mutex mu_;
  std::map<std::string, Program> programs_;
  int64_t compilations_ = 0;
  int64_t disk_hits_ = 0;
  std::atomic<Kernel*> slots_[kSlots] = {};
};

}  // namespace tsr::opencl
