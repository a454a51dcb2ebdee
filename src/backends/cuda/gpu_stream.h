// GPU streams and events. A GpuStream owns its native stream, or wraps a
// caller's (which Tessera never destroys). It remembers the ops enqueued
// since its last synchronization, so an asynchronous device fault reported
// by the runtime at the next synchronizing call names the op(s) involved.
// Each stream also keeps device scratch memory for ops that need temporary
// space (cuBLASLt's workspace, reduction partials), so that work on one
// stream never races with another stream's use of the same bytes.
#pragma once
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>

#include "backends/cuda/gpu_submit_queue.h"
#include "backends/cuda/vendor.h"
#include "core/backend.h"

namespace tsr::gpu {

class GpuStream : public BackendStream {
 public:
  // A new native stream on `device`; flags are TSR_STREAM_* bits.
  static Status create(int device, uint32_t flags, std::atomic<int64_t>* sync_counter,
                       GpuStream** out);
  // Wraps `native` (not owned).
  GpuStream(int device, gpuStream_t native, bool owned, std::atomic<int64_t>* sync_counter);
  ~GpuStream() override;

  Status synchronize() override;
  Status query(bool* done) override;
  void* native_handle() override;
  Status record(BackendEvent* event) override;
  Status wait(BackendEvent* event) override;
  void flush() override;

  // TSR_STREAM_SUBMIT_THREAD: from now on, run() hands ops to a worker that
  // calls `runner`; the queue is registered in `queues` until destruction.
  void start_submit_thread(SubmitQueue::Runner runner, SubmitQueues* queues);
  SubmitQueue* submit_queue() { return queue_.get(); }
  // Hands every queued op to the driver and returns the first launch
  // failure among them (Ok without a submission thread).
  Status flush_and_check();

  gpuStream_t get() const { return stream_; }
  int device() const { return device_; }
  // Called for every op enqueued (error attribution).
  void note_op(const char* name) {
    last_op_.store(name, std::memory_order_relaxed);
    ops_since_sync_.fetch_add(1, std::memory_order_relaxed);
  }
  // Everything enqueued so far has completed (a download waited for it).
  void mark_synchronized() {
    last_op_.store(nullptr, std::memory_order_relaxed);
    ops_since_sync_.store(0, std::memory_order_relaxed);
  }
  // The status for `err` returned by a call that waited for this stream:
  // TSR_ERROR_ASYNC naming the op(s) enqueued since the last synchronization.
  Status async_failure(gpuError_t err, const char* call);
  // Device scratch of at least `bytes`, valid for work enqueued on this
  // stream until the next call. Grows rarely (it waits for the stream first).
  Status scratch(size_t bytes, void** out);
  // cuBLASLt's workspace (a fixed size, allocated on first use).
  Status blas_workspace(size_t bytes, void** out);

 private:
  Status grow(void** buffer, size_t* capacity, size_t bytes, const char* what);

  int device_;
  gpuStream_t stream_;
  bool owned_;
  std::atomic<int64_t>* sync_counter_;  // the context's backend-internal waits
  std::atomic<const char*> last_op_{nullptr};
  std::atomic<int64_t> ops_since_sync_{0};
  SubmitQueues* queues_ = nullptr;
  std::unique_ptr<SubmitQueue> queue_;  // destroyed first (see ~GpuStream)
  std::mutex scratch_mu_;
  void* scratch_ = nullptr;
  size_t scratch_bytes_ = 0;
  void* workspace_ = nullptr;
  size_t workspace_bytes_ = 0;
};

class GpuEvent : public BackendEvent {
 public:
  static Status create(int device, GpuEvent** out);
  ~GpuEvent() override;
  Status synchronize() override;
  Status query(bool* done) override;
  Status elapsed_ms(BackendEvent* end, float* out) override;
  gpuEvent_t get() const { return event_; }

 private:
  GpuEvent(int device, gpuEvent_t e) : device_(device), event_(e) {}
  int device_;
  gpuEvent_t event_;
};

}  // namespace tsr::gpu
