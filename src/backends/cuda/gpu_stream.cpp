#include "backends/cuda/gpu_stream.h"

#include <string>

#include "backends/cuda/gpu_check.h"

namespace tsr::gpu {

Status GpuStream::create(int device, uint32_t flags, std::atomic<int64_t>* sync_counter,
                         GpuStream** out) {
  TSR_GPU_DEVICE_SCOPE(device);
  gpuStream_t s = nullptr;
  unsigned native_flags = (flags & TSR_STREAM_NON_BLOCKING) ? gpuStreamNonBlocking : gpuStreamDefault;
  TSR_GPU_TRY(gpuStreamCreateWithFlags(&s, native_flags), "creating a stream");
  *out = new GpuStream(device, s, true, sync_counter);
  return Status::Ok();
}

GpuStream::GpuStream(int device, gpuStream_t native, bool owned, std::atomic<int64_t>* sync_counter)
    : device_(device), stream_(native), owned_(owned), sync_counter_(sync_counter) {}

GpuStream::~GpuStream() {
  // The worker may still be launching: stop it first (it flushes).
  if (queue_) {
    queues_->remove(queue_.get());
    queue_.reset();
  }
  // The core synchronizes a stream before destroying it; errors here have
  // nobody to go to, so they are dropped deliberately.
  DeviceGuard guard(device_);
  if (scratch_ || workspace_) (void)gpuStreamSynchronize(stream_);
  if (scratch_) (void)gpuFree(scratch_);
  if (workspace_) (void)gpuFree(workspace_);
  if (owned_) (void)gpuStreamDestroy(stream_);
}

Status GpuStream::async_failure(gpuError_t err, const char* call) {
  const char* last = last_op_.exchange(nullptr, std::memory_order_relaxed);
  int64_t n = ops_since_sync_.exchange(0, std::memory_order_relaxed);
  std::string msg = "asynchronous failure";
  if (last) {
    msg += std::string(" in op '") + last + "'";
    if (n > 1)
      msg += " (the last of " + std::to_string(n) +
             " ops enqueued on this stream since its last synchronization; any of them may have "
             "faulted)";
  }
  msg += ", reported by " + vendor_call(call) + ": " + error_text(err);
  if (is_sticky(err)) msg += "; the " TSR_GPU_NAME " context is unusable from now on";
  return Status::Err(TSR_ERROR_ASYNC, msg);
}

void GpuStream::start_submit_thread(SubmitQueue::Runner runner, SubmitQueues* queues) {
  queue_ = std::make_unique<SubmitQueue>(std::move(runner));
  queues_ = queues;
  queues_->add(queue_.get());
}

void GpuStream::flush() {
  if (queue_) queue_->flush();
}

Status GpuStream::flush_and_check() {
  if (!queue_) return Status::Ok();
  queue_->flush();
  return queue_->take_error();
}

void* GpuStream::native_handle() {
  // The caller is about to use the native stream directly: what Tessera
  // queued before must be on it first.
  flush();
  return stream_;
}

Status GpuStream::synchronize() {
  Status queued = flush_and_check();
  gpuError_t err = gpuStreamSynchronize(stream_);
  if (err != gpuSuccess) return async_failure(err, "gpuStreamSynchronize");
  last_op_.store(nullptr, std::memory_order_relaxed);
  ops_since_sync_.store(0, std::memory_order_relaxed);
  return queued;
}

Status GpuStream::query(bool* done) {
  Status queued = flush_and_check();
  if (!queued.ok()) return queued;
  gpuError_t err = gpuStreamQuery(stream_);
  if (err == gpuErrorNotReady) {
    *done = false;
    return Status::Ok();
  }
  if (err != gpuSuccess) return async_failure(err, "gpuStreamQuery");
  *done = true;
  return Status::Ok();
}

Status GpuStream::record(BackendEvent* event) {
  flush();
  TSR_GPU_TRY(gpuEventRecord(static_cast<GpuEvent*>(event)->get(), stream_), "recording an event");
  return Status::Ok();
}

Status GpuStream::wait(BackendEvent* event) {
  flush();
  TSR_GPU_TRY(gpuStreamWaitEvent(stream_, static_cast<GpuEvent*>(event)->get(), 0),
              "making a stream wait for an event");
  return Status::Ok();
}

Status GpuStream::grow(void** buffer, size_t* capacity, size_t bytes, const char* what) {
  if (*capacity >= bytes) return Status::Ok();
  TSR_GPU_DEVICE_SCOPE(device_);
  if (*buffer) {
    // Queued work may still read the old buffer: wait, then replace it.
    if (sync_counter_) sync_counter_->fetch_add(1, std::memory_order_relaxed);
    gpuError_t err = gpuStreamSynchronize(stream_);
    if (err != gpuSuccess) return async_failure(err, "gpuStreamSynchronize");
    TSR_GPU_TRY(gpuFree(*buffer), what);
    *buffer = nullptr;
    *capacity = 0;
  }
  size_t size = size_t(1) << 20;
  while (size < bytes) size *= 2;
  gpuError_t err = gpuMalloc(buffer, size);
  if (err != gpuSuccess) {
    (void)gpuGetLastError();  // an allocation failure must not poison the next launch check
    *buffer = nullptr;
    return error_status(err, what, "gpuMalloc");
  }
  *capacity = size;
  return Status::Ok();
}

Status GpuStream::scratch(size_t bytes, void** out) {
  std::lock_guard<std::mutex> lock(scratch_mu_);
  Status st = grow(&scratch_, &scratch_bytes_, bytes, "allocating stream scratch memory");
  if (!st.ok()) return st;
  *out = scratch_;
  return Status::Ok();
}

Status GpuStream::blas_workspace(size_t bytes, void** out) {
  std::lock_guard<std::mutex> lock(scratch_mu_);
  Status st = grow(&workspace_, &workspace_bytes_, bytes, "allocating the BLAS workspace");
  if (!st.ok()) return st;
  *out = workspace_;
  return Status::Ok();
}

Status GpuEvent::create(int device, GpuEvent** out) {
  TSR_GPU_DEVICE_SCOPE(device);
  gpuEvent_t e = nullptr;
  TSR_GPU_TRY(gpuEventCreateWithFlags(&e, gpuEventDefault), "creating an event");
  *out = new GpuEvent(device, e);
  return Status::Ok();
}

GpuEvent::~GpuEvent() {
  DeviceGuard guard(device_);
  (void)gpuEventDestroy(event_);  // nothing to report a failure to
}

static Status event_wait_status(gpuError_t err, const char* call) {
  Status st = error_status(err, "waiting for an event", call);
  if (is_sticky(err)) st.code = TSR_ERROR_ASYNC;
  return st;
}

Status GpuEvent::synchronize() {
  gpuError_t err = gpuEventSynchronize(event_);
  if (err != gpuSuccess) return event_wait_status(err, "gpuEventSynchronize");
  return Status::Ok();
}

Status GpuEvent::query(bool* done) {
  gpuError_t err = gpuEventQuery(event_);
  if (err == gpuErrorNotReady) {
    *done = false;
    return Status::Ok();
  }
  if (err != gpuSuccess) return event_wait_status(err, "gpuEventQuery");
  *done = true;
  return Status::Ok();
}

Status GpuEvent::elapsed_ms(BackendEvent* end, float* out) {
  float ms = 0;
  gpuError_t err = gpuEventElapsedTime(&ms, event_, static_cast<GpuEvent*>(end)->event_);
  if (err == gpuErrorNotReady)
    return Status::Err(TSR_ERROR_INVALID_ARGUMENT, "both events must have completed");
  if (err != gpuSuccess) return event_wait_status(err, "gpuEventElapsedTime");
  *out = ms;
  return Status::Ok();
}

}  // namespace tsr::gpu
