// The backend interface: what a backend (the built-in CPU one, or a plugin
// such as libtessera_cuda.so) implements. A chain of small abstract classes
// (Backend -> BackendContext -> BackendStream/BackendEvent, DeviceMemory).
// Methods never throw across this boundary: they return a Status.
// Plugins export `tessera_backend_entry` (see BackendEntryFn) and must
// report kBackendApiVersion; the loader refuses any other version.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/op_call.h"
#include "core/status.h"

namespace tsr {

constexpr int32_t kBackendApiVersion = 1;

// Reference-counted memory that tensors point into. The core owns the
// concrete classes; backends only retain/release it to keep memory alive
// while asynchronous work runs.
class Storage {
 public:
  virtual ~Storage() = default;
  void retain() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 private:
  std::atomic<int64_t> refs_{1};
};

class BackendEvent;

class BackendStream {
 public:
  virtual ~BackendStream() = default;
  // Wait for all enqueued work; return (and clear) the first async error.
  virtual Status synchronize() = 0;
  virtual Status query(bool* done) = 0;
  virtual void* native_handle() = 0;
  virtual Status record(BackendEvent* event) = 0;
  virtual Status wait(BackendEvent* event) = 0;
  // Hand every op accepted so far to the device's queue (a stream with a
  // submission thread); the others submit at once and need nothing.
  virtual void flush() {}
};

class BackendEvent {
 public:
  virtual ~BackendEvent() = default;
  virtual Status synchronize() = 0;
  virtual Status query(bool* done) = 0;
  // Milliseconds from this event's record to `end`'s.
  virtual Status elapsed_ms(BackendEvent* end, float* out) = 0;
};

// Raw device memory underneath the core's caching allocator.
class DeviceMemory {
 public:
  virtual ~DeviceMemory() = default;
  virtual Status allocate(size_t bytes, void** out) = 0;
  virtual void free(void* ptr) = 0;
  // Stream-ordered reuse: a fence records the current end of a stream. A
  // backend whose streams keep memory alive themselves (the CPU) returns
  // null fences, and then freed blocks are reusable at once.
  virtual void* create_fence(BackendStream* /*stream*/) { return nullptr; }
  virtual bool fence_done(void* /*fence*/) { return true; }
  virtual void destroy_fence(void* /*fence*/) {}
  // Fill `bytes` at base+offset with zeros, ordered on `stream`.
  virtual Status zero(void* base, int64_t offset, size_t bytes, BackendStream* stream) = 0;
};

struct DeviceInfo {
  tsr_device_kind kind = TSR_DEVICE_CPU;
  int32_t index = 0;
  std::string name;
  int64_t total_memory = 0;
  int64_t free_memory = -1;
  int32_t compute_units = 0;
  bool supports_float64 = true;
  bool supports_float16 = true;
  int32_t score = 0;       // higher wins when TSR_DEVICE_BEST is asked for
  int32_t dlpack_device_type = 1;  // kDLCPU = 1, kDLCUDA = 2, kDLROCM = 10, kDLOpenCL = 4
};

// Memory addressed by pointers (CPU, CUDA, HIP), where a view's address is
// base + offset, as opposed to OpenCL's cl_mem handles, which have no
// address to add an offset to.
inline bool pointer_memory(const DeviceInfo& info) { return info.kind != TSR_DEVICE_OPENCL; }

struct ContextConfig {
  uint32_t flags = 0;                 // TSR_CONTEXT_*
  uint32_t default_stream_flags = 0;  // TSR_STREAM_*
};

// Per-context state of a backend on one device.
class BackendContext {
 public:
  virtual ~BackendContext() = default;
  virtual DeviceMemory* memory() = 0;
  virtual Status create_stream(uint32_t flags, BackendStream** out) = 0;
  virtual Status wrap_stream(void* native, BackendStream** out) = 0;
  virtual Status create_event(BackendEvent** out) = 0;
  // Enqueue one op on `stream`. TSR_ERROR_UNSUPPORTED (before enqueueing
  // anything) when the op or dtype is not implemented here.
  virtual Status run(const OpCall& call, BackendStream* stream) = 0;
  // Host <-> device transfers of contiguous bytes; `to_host` blocks until the
  // bytes are in `dst` (only `stream` is waited for).
  virtual Status upload(const TensorDesc& dst, const void* src, size_t bytes,
                        BackendStream* stream) = 0;
  virtual Status download(void* dst, const TensorDesc& src, size_t bytes,
                          BackendStream* stream) = 0;
  virtual int64_t kernel_compilations() { return 0; }
  virtual int64_t synchronizations() { return 0; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() = 0;
  virtual tsr_device_kind kind() = 0;
  virtual int32_t device_count() = 0;
  virtual Status device_info(int32_t index, DeviceInfo* out) = 0;
  virtual Status create_context(int32_t index, const ContextConfig& config,
                                BackendContext** out) = 0;
};

// What the core gives a plugin at load time.
struct HostServices {
  int32_t api_version = kBackendApiVersion;
};

// Exported by a plugin as `tessera_backend_entry`. Returns null and writes a
// static reason when the backend cannot work here (no driver, no device).
using BackendEntryFn = Backend* (*)(const HostServices* host, int32_t api_version,
                                    const char** reason);

}  // namespace tsr
