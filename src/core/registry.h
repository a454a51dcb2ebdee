// The device registry: the built-in CPU backend plus every plugin that
// loads (libtessera_<name>.so next to libtessera.so or on
// TESSERA_BACKEND_PATH). Built once, on first use; never torn down.
#pragma once
#include <memory>
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
};

class Registry {
 public:
  static Registry& get();
  const std::vector<std::shared_ptr<DeviceEntry>>& devices() const { return devices_; }
  const BackendSlot* backend(tsr_device_kind kind) const;
  // The device for (kind, index); TSR_DEVICE_BEST takes the highest score.
  // Throws TSR_ERROR_DEVICE_UNAVAILABLE with the reason.
  std::shared_ptr<DeviceEntry> find(tsr_device_kind kind, int32_t index) const;

 private:
  Registry();
  void load_plugin(BackendSlot& slot);
  void add_devices(Backend* backend);

  std::vector<BackendSlot> backends_;
  std::vector<std::shared_ptr<DeviceEntry>> devices_;
  std::vector<std::string> search_dirs_;
};

// The built-in CPU backend (src/backends/cpu).
Backend* cpu_backend();

}  // namespace tsr
