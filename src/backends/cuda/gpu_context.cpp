#include "backends/cuda/gpu_context.h"

#include <string>

#include "backends/cuda/gpu_check.h"
#include "backends/cuda/gpu_matmul.h"

namespace tsr::gpu {

// ------------------------------------------------------------ GpuMemory

GpuMemory::~GpuMemory() {
  DeviceGuard guard(device_);
  for (gpuEvent_t e : idle_fences_) (void)gpuEventDestroy(e);  // teardown: nothing to report to
}

Status GpuMemory::allocate(size_t bytes, void** out) {
  TSR_GPU_DEVICE_SCOPE(device_);
  void* p = nullptr;
  gpuError_t err = gpuMalloc(&p, bytes);
  if (err == gpuSuccess) {
    *out = p;
    return Status::Ok();
  }
  (void)gpuGetLastError();  // clear it, or the next launch check would report it
  size_t free_bytes = 0, total_bytes = 0;
  std::string detail;
  if (gpuMemGetInfo(&free_bytes, &total_bytes) == gpuSuccess)
    detail = " (the device has " + std::to_string(free_bytes) + " of " +
             std::to_string(total_bytes) + " bytes free)";
  else
    (void)gpuGetLastError();
  Status st = error_status(err, ("allocating " + std::to_string(bytes) + " bytes on " TSR_GPU_NAME
                                 " device " + std::to_string(device_) + detail).c_str(),
                           "gpuMalloc");
  return st;
}

void GpuMemory::free(void* ptr) {
  // Queued ops may still name this block: they reach the driver first, and
  // the driver's free waits for them.
  queues_->flush_all();
  DeviceGuard guard(device_);
  // A failure here means the device already faulted; the next synchronizing
  // call reports that fault, so this one is not reported twice.
  (void)gpuFree(ptr);
}

void* GpuMemory::create_fence(BackendStream* stream) {
  auto* s = static_cast<GpuStream*>(stream);
  s->flush();  // the fence must follow the queued ops that use the block
  gpuEvent_t e = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_fences_.empty()) {
      e = idle_fences_.back();
      idle_fences_.pop_back();
    }
  }
  DeviceGuard guard(device_);
  if (!e && (!guard.status().ok() ||
             gpuEventCreateWithFlags(&e, gpuEventDisableTiming) != gpuSuccess)) {
    // No fence: make the block safe to reuse at once by waiting for the stream.
    (void)gpuStreamSynchronize(s->get());
    return nullptr;
  }
  if (gpuEventRecord(e, s->get()) != gpuSuccess) {
    (void)gpuStreamSynchronize(s->get());
    destroy_fence(e);
    return nullptr;
  }
  return e;
}

bool GpuMemory::fence_done(void* fence) {
  gpuError_t err = gpuEventQuery(static_cast<gpuEvent_t>(fence));
  if (err == gpuErrorNotReady) return false;
  // Any other error means the device faulted: the block is never read again.
  return true;
}

void GpuMemory::destroy_fence(void* fence) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_fences_.push_back(static_cast<gpuEvent_t>(fence));
}

Status GpuMemory::zero(void* base, int64_t offset, size_t bytes, BackendStream* stream) {
  stream->flush();
  TSR_GPU_DEVICE_SCOPE(device_);
  TSR_GPU_TRY(gpuMemsetAsync(static_cast<char*>(base) + offset, 0, bytes,
                             static_cast<GpuStream*>(stream)->get()),
              "zero-filling an allocation");
  return Status::Ok();
}

// ------------------------------------------------------------ PinnedStaging

PinnedStaging::~PinnedStaging() {
  DeviceGuard guard(device_);
  for (auto& s : slots_) {
    if (s->pending) (void)gpuEventSynchronize(s->done);
    (void)gpuEventDestroy(s->done);
    (void)gpuFreeHost(s->host);
  }
}

Status PinnedStaging::acquire(Slot** out) {
  // Caller holds mu_.
  const size_t n = slots_.size();
  for (size_t k = 0; k < n; ++k) {
    Slot* s = slots_[(next_ + k) % n].get();
    if (s->claimed) continue;
    if (s->pending) {
      gpuError_t err = gpuEventQuery(s->done);
      if (err == gpuErrorNotReady) continue;
      if (err != gpuSuccess) return error_status(err, "reusing a pinned staging buffer", "gpuEventQuery");
      s->pending = false;
    }
    next_ = (next_ + k + 1) % n;
    s->claimed = true;
    *out = s;
    return Status::Ok();
  }
  if (int(n) < kMaxSlots) {
    TSR_GPU_DEVICE_SCOPE(device_);
    auto s = std::make_unique<Slot>();
    TSR_GPU_TRY(gpuHostAlloc(&s->host, kSlotBytes), "allocating a pinned staging buffer");
    gpuError_t err = gpuEventCreateWithFlags(&s->done, gpuEventDisableTiming);
    if (err != gpuSuccess) {
      (void)gpuFreeHost(s->host);
      return error_status(err, "allocating a pinned staging buffer", "gpuEventCreateWithFlags");
    }
    s->claimed = true;
    *out = s.get();
    slots_.push_back(std::move(s));
    return Status::Ok();
  }
  // Every slot is in flight: wait for the oldest unclaimed one (round-robin order).
  for (size_t k = 0; k < n; ++k) {
    Slot* s = slots_[(next_ + k) % n].get();
    if (s->claimed) continue;
    next_ = (next_ + k + 1) % n;
    sync_counter_->fetch_add(1, std::memory_order_relaxed);
    TSR_GPU_TRY(gpuEventSynchronize(s->done), "waiting for a pinned staging buffer");
    s->pending = false;
    s->claimed = true;
    *out = s;
    return Status::Ok();
  }
  return Status::Err(TSR_ERROR_INTERNAL, "every pinned staging buffer is claimed");
}

// ------------------------------------------------------------ GpuContext

GpuContext::GpuContext(const DeviceFacts& facts, const ContextConfig& config, GemmPath gemm)
    : facts_(facts), config_(config), gemm_(gemm), memory_(facts.index, &queues_),
      staging_(facts.index, &syncs_) {}

GpuContext::~GpuContext() { destroy_blas(blas_); }

Status GpuContext::create_stream(uint32_t flags, BackendStream** out) {
  GpuStream* s = nullptr;
  Status st = GpuStream::create(facts_.index, flags, &syncs_, &s);
  if (!st.ok()) return st;
  if ((flags & TSR_STREAM_SUBMIT_THREAD) && submit_thread_enabled()) {
    try {
      s->start_submit_thread([this, s](const OpCall& call) { return run_now(call, *s); }, &queues_);
    } catch (const std::exception& e) {  // std::thread could not start one
      delete s;
      return Status::Err(TSR_ERROR_INTERNAL,
                         std::string("starting a stream's submission thread: ") + e.what());
    }
  }
  *out = s;
  return st;
}

Status GpuContext::wrap_stream(void* native, BackendStream** out) {
  // A null native stream would be the legacy default stream, which
  // synchronizes with every other blocking stream: accept it, as the
  // runtime does, but it is the caller's choice.
  *out = new GpuStream(facts_.index, static_cast<gpuStream_t>(native), false, &syncs_);
  return Status::Ok();
}

Status GpuContext::create_event(BackendEvent** out) {
  GpuEvent* e = nullptr;
  Status st = GpuEvent::create(facts_.index, &e);
  if (st.ok()) *out = e;
  return st;
}

Status GpuContext::blas(BlasLt** out) {
  std::lock_guard<std::mutex> lock(blas_mu_);
  if (!blas_) {
    TSR_GPU_DEVICE_SCOPE(facts_.index);
    Status st = create_blas(&blas_);
    if (!st.ok()) return st;
  }
  *out = blas_;
  return Status::Ok();
}

}  // namespace tsr::gpu
