// Device memory of the OpenCL backend: cl_mem buffers under the core's
// caching allocator (fences are cl_event markers), per-stream scratch for an
// op's temporaries, and pinned (CL_MEM_ALLOC_HOST_PTR) staging buffers for
// host transfers.
#pragma once
#include <CL/cl.h>

#include <cstddef>
#include <mutex>
#include <vector>

#include "cl_platform.h"
#include "core/backend.h"

namespace tsr::opencl {

class ClStream;

// The raw allocator under CachingAllocator. Allocations are whole cl_mem
// buffers (a tensor is a buffer plus a byte offset).
class ClDeviceMemory : public DeviceMemory {
 public:
  ClDeviceMemory(cl_context context, const DeviceRecord& device)
      : context_(context), device_(device) {}
  Status allocate(size_t bytes, void** out) override;
  void free(void* ptr) override;
  void* create_fence(BackendStream* stream) override;
  bool fence_done(void* fence) override;
  void destroy_fence(void* fence) override;
  Status zero(void* base, int64_t offset, size_t bytes, BackendStream* stream) override;

 private:
  cl_context context_;
  const DeviceRecord& device_;
};

// Temporaries of the op being enqueued on one stream (packed operands,
// partial reductions, GEMM workspace). Work on one in-order queue runs in
// order, so the next op may reuse the space at once; a buffer dropped while
// queued work still uses it lives on until that work ends (OpenCL's rule for
// clReleaseMemObject). In steady state one buffer serves every op.
class Scratch {
 public:
  explicit Scratch(cl_context context) : context_(context) {}
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // Start of an op: everything handed out before may be reused.
  void begin();
  // `bytes` of scratch as (buffer, byte offset), aligned to 256 bytes.
  Status get(size_t bytes, cl_mem* mem, size_t* offset);
  // A whole buffer of at least `bytes` (for APIs without offsets, such as
  // CLBlast's GEMM workspace), valid until the next begin().
  Status get_buffer(size_t bytes, cl_mem* mem);

 private:
  Status make(size_t bytes, cl_mem* out);
  cl_context context_;
  cl_mem main_ = nullptr;
  size_t capacity_ = 0, used_ = 0, wanted_ = 0;
  std::vector<cl_mem> overflow_;  // made during this op when main_ was full
  cl_mem workspace_ = nullptr;
  size_t workspace_size_ = 0;
};

// Pinned host buffers, mapped once, through which uploads and downloads go.
// A chunk is reused when the transfer that last used it has completed.
class StagingPool {
 public:
  static constexpr size_t kChunkBytes = size_t(4) << 20;
  static constexpr int kMaxChunks = 8;

  StagingPool(cl_context context, cl_device_id device);
  ~StagingPool();

  struct Chunk {
    cl_mem mem = nullptr;
    void* host = nullptr;
    cl_event last = nullptr;  // the last transfer through this chunk
    bool busy = false;
  };
  // A free chunk (waits for the oldest transfer when all are in flight).
  Status acquire(Chunk** out);
  // Returns a chunk; `transfer` (retained here) is the work that uses it.
  void release(Chunk* chunk, cl_event transfer);

 private:
  cl_context context_;
  cl_command_queue map_queue_ = nullptr;  // maps and unmaps the chunks
  std::mutex mu_;
  std::vector<Chunk*> chunks_;
};

}  // namespace tsr::opencl
