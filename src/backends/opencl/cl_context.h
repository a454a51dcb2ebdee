// One OpenCL context on one device: its cl_context, memory, programs,
// staging buffers, streams and events, and the dispatch of ops to kernels.
#pragma once
#include <CL/cl.h>

#include <atomic>
#include <memory>

#include "cl_memory.h"
#include "cl_platform.h"
#include "cl_program_cache.h"
#include "cl_stream.h"
#include "core/backend.h"

namespace tsr::opencl {

class ClContext : public BackendContext {
 public:
  // `device` must outlive the context (the backend keeps its records).
  static Status create(const DeviceRecord& device, const ContextConfig& config,
                       BackendContext** out);
  ~ClContext() override;

  DeviceMemory* memory() override { return memory_.get(); }
  Status create_stream(uint32_t flags, BackendStream** out) override;
  Status wrap_stream(void* native, BackendStream** out) override;
  Status create_event(BackendEvent** out) override;
  Status run(const OpCall& call, BackendStream* stream) override;
  Status upload(const TensorDesc& dst, const void* src, size_t bytes,
                BackendStream* stream) override;
  Status download(void* dst, const TensorDesc& src, size_t bytes, BackendStream* stream) override;
  int64_t kernel_compilations() override { return programs_->compilations(); }

  cl_context handle() const { return context_; }
  const DeviceRecord& device() const { return device_; }
  ProgramCache& programs() { return *programs_; }


 private:
  explicit ClContext(const DeviceRecord& device) : device_(device) {}
  // TSR_ERROR_UNSUPPORTED, before anything is enqueued, for dtypes this
  // device lacks.
  Status check_dtypes(const OpCall& call) const;
  Status dispatch(const OpCall& call, class ClStream& stream);

  const DeviceRecord& device_;
  cl_context context_ = nullptr;
  std::unique_ptr<ClDeviceMemory> memory_;
  std::unique_ptr<ProgramCache> programs_;
  std::unique_ptr<StagingPool> staging_;
  StreamOrder order_;          // the default-stream rule among this context's streams
  std::atomic<bool> have_default_{false};  // the core creates the default stream first
};

}  // namespace tsr::opencl
