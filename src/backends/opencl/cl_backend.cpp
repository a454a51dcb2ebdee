// The plugin's entry point and its Backend: the devices found at load time
// (see cl_platform.h) and contexts on them.
#include <vector>

#include "cl_context.h"
#include "cl_platform.h"

namespace tsr::opencl {
namespace {

class ClBackend : public Backend {
 public:
  explicit ClBackend(std::vector<DeviceRecord> devices) : devices_(std::move(devices)) {}
  const char* name() override { return "opencl"; }
  tsr_device_kind kind() override { return TSR_DEVICE_OPENCL; }
  int32_t device_count() override { return int32_t(devices_.size()); }
  Status device_info(int32_t index, DeviceInfo* out) override {
    if (index < 0 || index >= device_count())
      return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE, "no OpenCL device " + std::to_string(index));
    describe_device(devices_[size_t(index)], out);
    out->index = index;
    return Status::Ok();
  }
  Status create_context(int32_t index, const ContextConfig& config, BackendContext** out) override {
    if (index < 0 || index >= device_count())
      return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE, "no OpenCL device " + std::to_string(index));
    return ClContext::create(devices_[size_t(index)], config, out);
  }

 private:
  std::vector<DeviceRecord> devices_;  // never changes after load: contexts keep references
};

}  // namespace
}  // namespace tsr::opencl

extern "C" __attribute__((visibility("default"))) tsr::Backend* tessera_backend_entry(
    const tsr::HostServices* /*host*/, int32_t api_version, const char** reason) {
  using namespace tsr::opencl;
  static std::string why;  // the registry keeps only the pointer
  if (api_version != tsr::kBackendApiVersion) {
    why = "libtessera_opencl.so was built for backend API " +
          std::to_string(tsr::kBackendApiVersion) + ", libtessera asks for " +
          std::to_string(api_version);
    if (reason) *reason = why.c_str();
    return nullptr;
  }
  std::vector<DeviceRecord> devices;
  tsr::Status st = discover_devices(&devices);
  if (!st.ok() || devices.empty()) {
    why = st.ok() ? "no usable OpenCL device (check clinfo, TESSERA_OPENCL_PLATFORM and "
                    "TESSERA_OPENCL_DEVICE)"
                  : st.message;
    if (reason) *reason = why.c_str();
    return nullptr;
  }
  static ClBackend* backend = new ClBackend(std::move(devices));  // lives as long as the process
  return backend;
}
