// The device registry: the built-in CPU backend plus every plugin that
// loads (libtessera_<name>.so next to libtessera.so or on
// TESSERA_BACKEND_PATH). A plugin is loaded when first needed: a context of
// one kind loads that kind's plugin only (a cold OpenCL start does not pay
// for bringing up the CUDA driver and cuBLASLt), while enumerating devices
// or asking for the best one loads them all. Never torn down.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/backend.h"
#include "core/object.h"

namespace tsr {

class DeviceEntry : public Object {
 public:
  Backend* backend = nullptr;
  DeviceInfo info;
  uint64_t handle = 0;
};

struct BackendSlot {
  tsr_device_kind kind;
  const char* plugin;     // file stem, e.g. "tessera_cuda"
  Backend* backend = nullptr;
  std::string reason;     // why it is unavailable
  bool tried = false;     // load_plugin has run (backend or reason is final)
  std::vector<std::shared_ptr<DeviceEntry>> devices;  // this backend's, by index
};

class Registry {
 public:
  static Registry& get();
  // Every device of every backend, in backend order (loads all plugins).
  const std::vector<std::shared_ptr<DeviceEntry>>& devices();
  // The slot of `kind`, its plugin loaded (or its reason set); null for an
  // unknown kind.
  const BackendSlot* backend(tsr_device_kind kind);
  // The device for (kind, index); TSR_DEVICE_BEST takes the highest score.
  // Throws TSR_ERROR_DEVICE_UNAVAILABLE with the reason.
  std::shared_ptr<DeviceEntry> find(tsr_device_kind kind, int32_t index);

 private:
  Registry();
  void ensure_loaded(BackendSlot& slot);  // under mu_
  void load_plugin(BackendSlot& slot);
  void add_devices(BackendSlot& slot);

  std::mutex mu_;  // loading; slots and devices_ never change once loaded
  std::vector<BackendSlot> backends_;
  bool all_loaded_ = false;
  std::vector<std::shared_ptr<DeviceEntry>> devices_;  // complete once all_loaded_
  std::vector<std::string> search_dirs_;
};

// The built-in CPU backend (src/backends/cpu).
Backend* cpu_backend();

}  // namespace tsr
