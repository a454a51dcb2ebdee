#include "cl_memory.h"

#include <string>
#include <thread>

#include "cl_error.h"
#include "cl_stream.h"

namespace tsr::opencl {

// ---- ClDeviceMemory ---------------------------------------------------------

Status ClDeviceMemory::allocate(size_t bytes, void** out) {
  if (bytes > device_.max_alloc)
    return Status::Err(TSR_ERROR_OUT_OF_MEMORY,
                       std::to_string(bytes) + " bytes exceed the largest buffer device " +
                           device_label(device_) + " allows (CL_DEVICE_MAX_MEM_ALLOC_SIZE " +
                           std::to_string(device_.max_alloc) + ")");
  cl_int err = CL_SUCCESS;
  cl_mem m = clCreateBuffer(context_, CL_MEM_READ_WRITE, bytes, nullptr, &err);
  if (err != CL_SUCCESS) return cl_failure(err, "clCreateBuffer", std::to_string(bytes) + " bytes");
  *out = m;
  return Status::Ok();
}

void ClDeviceMemory::free(void* ptr) {
  // Deferred by OpenCL until queued commands that use the buffer finish.
  if (ptr) clReleaseMemObject(static_cast<cl_mem>(ptr));
}

void* ClDeviceMemory::create_fence(BackendStream* stream) {
  auto* s = static_cast<ClStream*>(stream);
  cl_event marker = nullptr;
  if (clEnqueueMarkerWithWaitList(s->queue(), 0, nullptr, &marker) != CL_SUCCESS) {
    // No fence: make the stream idle instead, so the block is safe to reuse.
    clFinish(s->queue());
    return nullptr;
  }
  clFlush(s->queue());  // so the marker completes without anyone waiting on it
  return marker;
}

bool ClDeviceMemory::fence_done(void* fence) {
  if (!fence) return true;
  cl_int s = CL_QUEUED;
  if (clGetEventInfo(static_cast<cl_event>(fence), CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(s), &s,
                     nullptr) != CL_SUCCESS)
    return true;
  return s <= CL_COMPLETE;  // complete, or failed (nothing will touch the block any more)
}

void ClDeviceMemory::destroy_fence(void* fence) {
  if (fence) clReleaseEvent(static_cast<cl_event>(fence));
}

Status ClDeviceMemory::zero(void* base, int64_t offset, size_t bytes, BackendStream* stream) {
  auto* s = static_cast<ClStream*>(stream);
  Status ordered = s->order_before_work();
  if (!ordered.ok()) return ordered;
  const cl_uchar pattern = 0;
  cl_event ev = nullptr;
  cl_int err = clEnqueueFillBuffer(s->queue(), static_cast<cl_mem>(base), &pattern, 1,
                                   size_t(offset), bytes, 0, nullptr, &ev);
  if (err != CL_SUCCESS) return cl_failure(err, "clEnqueueFillBuffer", "zero-fill");
  s->track(ev, "zero-fill");
  return Status::Ok();
}

// ---- Scratch ------------------------------------------------------------------

namespace {
constexpr size_t kScratchAlign = 256;
size_t align_up(size_t v) { return (v + kScratchAlign - 1) / kScratchAlign * kScratchAlign; }
}  // namespace

Scratch::~Scratch() {
  for (cl_mem m : overflow_) clReleaseMemObject(m);
  if (main_) clReleaseMemObject(main_);
  if (workspace_) clReleaseMemObject(workspace_);
}

Status Scratch::make(size_t bytes, cl_mem* out) {
  cl_int err = CL_SUCCESS;
  *out = clCreateBuffer(context_, CL_MEM_READ_WRITE, bytes, nullptr, &err);
  if (err != CL_SUCCESS)
    return cl_failure(err, "clCreateBuffer", "scratch of " + std::to_string(bytes) + " bytes");
  return Status::Ok();
}

void Scratch::begin() {
  if (!overflow_.empty()) {
    // The last op needed more than main_: grow it to what that op used.
    for (cl_mem m : overflow_) clReleaseMemObject(m);
    overflow_.clear();
    if (main_) clReleaseMemObject(main_);
    main_ = nullptr;
    capacity_ = wanted_;
  }
  used_ = wanted_ = 0;
}

Status Scratch::get(size_t bytes, cl_mem* mem, size_t* offset) {
  bytes = align_up(bytes ? bytes : 1);
  wanted_ += bytes;
  if (!main_ && capacity_ > 0 && capacity_ >= bytes) {
    Status st = make(capacity_, &main_);
    if (!st.ok()) return st;
  }
  if (main_ && used_ + bytes <= capacity_) {
    *mem = main_;
    *offset = used_;
    used_ += bytes;
    return Status::Ok();
  }
  cl_mem extra = nullptr;
  Status st = make(bytes, &extra);
  if (!st.ok()) return st;
  overflow_.push_back(extra);
  *mem = extra;
  *offset = 0;
  return Status::Ok();
}

Status Scratch::get_buffer(size_t bytes, cl_mem* mem) {
  if (bytes == 0) bytes = 1;
  if (workspace_size_ < bytes) {
    if (workspace_) clReleaseMemObject(workspace_);
    workspace_ = nullptr;
    workspace_size_ = 0;
    Status st = make(bytes, &workspace_);
    if (!st.ok()) return st;
    workspace_size_ = bytes;
  }
  *mem = workspace_;
  return Status::Ok();
}

// ---- StagingPool ----------------------------------------------------------------

StagingPool::StagingPool(cl_context context, cl_device_id device) : context_(context) {
  cl_int err = CL_SUCCESS;
  map_queue_ = clCreateCommandQueue(context, device, 0, &err);
  if (err != CL_SUCCESS) map_queue_ = nullptr;  // acquire() reports it
}

StagingPool::~StagingPool() {
  for (Chunk* c : chunks_) {
    if (c->last) {
      clWaitForEvents(1, &c->last);
      clReleaseEvent(c->last);
    }
    if (map_queue_) clEnqueueUnmapMemObject(map_queue_, c->mem, c->host, 0, nullptr, nullptr);
  }
  if (map_queue_) clFinish(map_queue_);
  for (Chunk* c : chunks_) {
    clReleaseMemObject(c->mem);
    delete c;
  }
  if (map_queue_) clReleaseCommandQueue(map_queue_);
}

Status StagingPool::acquire(Chunk** out) {
  if (!map_queue_)
    return Status::Err(TSR_ERROR_BACKEND, "staging: the OpenCL map queue could not be created");
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    Chunk* oldest = nullptr;
    for (Chunk* c : chunks_) {
      if (c->busy) continue;
      cl_int s = CL_COMPLETE;
      // An event that cannot be queried is treated as finished: its chunk is reused.
      if (c->last &&
          clGetEventInfo(c->last, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(s), &s, nullptr) !=
              CL_SUCCESS)
        s = CL_COMPLETE;
      if (s <= CL_COMPLETE) {
        c->busy = true;
        *out = c;
        return Status::Ok();
      }
      if (!oldest) oldest = c;
    }
    if (int(chunks_.size()) < kMaxChunks) {
      auto* c = new Chunk();
      cl_int err = CL_SUCCESS;
      c->mem = clCreateBuffer(context_, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, kChunkBytes,
                              nullptr, &err);
      if (err == CL_SUCCESS)
        c->host = clEnqueueMapBuffer(map_queue_, c->mem, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0,
                                     kChunkBytes, 0, nullptr, nullptr, &err);
      if (err != CL_SUCCESS) {
        if (c->mem) clReleaseMemObject(c->mem);
        delete c;
        return cl_failure(err, "clCreateBuffer/clEnqueueMapBuffer", "pinned staging buffer");
      }
      c->busy = true;
      chunks_.push_back(c);
      *out = c;
      return Status::Ok();
    }
    if (!oldest) {
      // Every chunk is being filled by other threads: wait for one to be released.
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
      continue;
    }
    cl_event e = oldest->last;
    clRetainEvent(e);
    lock.unlock();
    // A failed transfer also ends the wait; its error reaches the stream that made it.
    (void)clWaitForEvents(1, &e);
    clReleaseEvent(e);
    lock.lock();
  }
}

void StagingPool::release(Chunk* chunk, cl_event transfer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (chunk->last) clReleaseEvent(chunk->last);
  chunk->last = transfer;
  if (transfer) clRetainEvent(transfer);
  chunk->busy = false;
}

}  // namespace tsr::opencl
