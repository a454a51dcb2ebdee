#include "core/registry.h"

#include <dlfcn.h>

#include <cstdlib>
#include <sstream>

#include "core/error.h"
#include "core/handle_table.h"

namespace tsr {

static std::string library_dir() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&library_dir), &info) && info.dli_fname) {
    std::string path = info.dli_fname;
    auto slash = path.rfind('/');
    if (slash != std::string::npos) return path.substr(0, slash);
  }
  return ".";
}

Registry& Registry::get() {
  static Registry* registry = new Registry();  // lives as long as the process
  return *registry;
}

Registry::Registry() {
  if (const char* env = std::getenv("TESSERA_BACKEND_PATH")) {
    std::stringstream ss(env);
    std::string dir;
    while (std::getline(ss, dir, ':'))
      if (!dir.empty()) search_dirs_.push_back(dir);
  }
  search_dirs_.push_back(library_dir());

  auto slot = [](tsr_device_kind kind, const char* plugin, Backend* backend) {
    BackendSlot s;
    s.kind = kind;
    s.plugin = plugin;
    s.backend = backend;
    return s;
  };
  backends_.push_back(slot(TSR_DEVICE_CPU, "", cpu_backend()));
  backends_.push_back(slot(TSR_DEVICE_CUDA, "tessera_cuda", nullptr));
  backends_.push_back(slot(TSR_DEVICE_HIP, "tessera_hip", nullptr));
  backends_.push_back(slot(TSR_DEVICE_OPENCL, "tessera_opencl", nullptr));
}

void Registry::ensure_loaded(BackendSlot& slot) {
  if (slot.tried) return;
  if (!slot.backend) load_plugin(slot);
  if (slot.backend) add_devices(slot);
  slot.tried = true;
}

const std::vector<std::shared_ptr<DeviceEntry>>& Registry::devices() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!all_loaded_) {
    for (auto& slot : backends_) {
      ensure_loaded(slot);
      devices_.insert(devices_.end(), slot.devices.begin(), slot.devices.end());
    }
    all_loaded_ = true;
  }
  return devices_;
}

void Registry::load_plugin(BackendSlot& slot) {
  // TESSERA_DISABLE_<KIND>=1 hides a backend (tests of the unavailable path).
  std::string stem = slot.plugin;
  std::string disable = "TESSERA_DISABLE_" + stem.substr(stem.find('_') + 1);
  for (auto& c : disable) c = char(toupper(c));
  if (const char* v = std::getenv(disable.c_str()); v && v[0] == '1') {
    slot.reason = disable + "=1 disables this backend";
    return;
  }
  std::string tried;
  for (const auto& dir : search_dirs_) {
    std::string path = dir + "/lib" + stem + ".so";
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* err = dlerror();
      tried += (tried.empty() ? "" : "; ") + path + ": " + (err ? err : "not loadable");
      continue;
    }
    auto entry = reinterpret_cast<BackendEntryFn>(dlsym(lib, "tessera_backend_entry"));
    if (!entry) {
      slot.reason = path + " has no tessera_backend_entry symbol";
      return;  // the handle stays open: dlclose of C++ plugins is not worth the risk
    }
    static HostServices host;
    const char* why = nullptr;
    Backend* b = entry(&host, kBackendApiVersion, &why);
    if (!b) {
      slot.reason = path + ": " + (why ? why : "the backend refused to start");
      return;
    }
    slot.backend = b;
    return;
  }
  slot.reason = "plugin lib" + stem + ".so not found (" + tried + ")";
}

void Registry::add_devices(BackendSlot& slot) {
  Backend* backend = slot.backend;
  int32_t n = backend->device_count();
  for (int32_t i = 0; i < n; ++i) {
    auto entry = std::make_shared<DeviceEntry>();
    entry->backend = backend;
    if (!backend->device_info(i, &entry->info).ok()) continue;
    entry->info.index = i;
    entry->handle = HandleTable::instance().insert(HandleKind::Device, entry);
    slot.devices.push_back(entry);
  }
}

const BackendSlot* Registry::backend(tsr_device_kind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& slot : backends_)
    if (slot.kind == kind) {
      ensure_loaded(slot);
      return &slot;
    }
  return nullptr;
}

static const char* kind_name(tsr_device_kind kind) {
  switch (kind) {
    case TSR_DEVICE_CPU: return "CPU";
    case TSR_DEVICE_CUDA: return "CUDA";
    case TSR_DEVICE_HIP: return "HIP";
    case TSR_DEVICE_OPENCL: return "OpenCL";
    default: return "best";
  }
}

std::shared_ptr<DeviceEntry> Registry::find(tsr_device_kind kind, int32_t index) {
  if (kind == TSR_DEVICE_BEST) {
    std::shared_ptr<DeviceEntry> best;
    for (const auto& d : devices())
      if (!best || d->info.score > best->info.score) best = d;
    return best;
  }
  const BackendSlot* slot = backend(kind);
  if (!slot) fail(TSR_ERROR_INVALID_ARGUMENT, "unknown device kind %d", int(kind));
  if (!slot->backend)
    fail(TSR_ERROR_DEVICE_UNAVAILABLE, "no %s backend: %s", kind_name(kind), slot->reason.c_str());
  if (index >= 0 && size_t(index) < slot->devices.size()) return slot->devices[size_t(index)];
  const int32_t seen = int32_t(slot->devices.size());
  fail(TSR_ERROR_DEVICE_UNAVAILABLE, "no %s device with index %d (%d present)%s%s", kind_name(kind),
       index, seen, slot->reason.empty() ? "" : ": ", slot->reason.c_str());
}

}  // namespace tsr
