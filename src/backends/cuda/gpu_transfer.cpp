// Host <-> device transfers. Uploads copy the caller's (pageable) bytes into
// pinned staging slots and enqueue DMA copies on the stream, so the call
// returns once the host bytes are captured and the device work stays
// asynchronous. Downloads DMA into pinned slots and wait for that stream
// only, overlapping the host-side copy of one chunk with the DMA of the next.
#include <algorithm>
#include <cstring>

#include "backends/cuda/gpu_check.h"
#include "backends/cuda/gpu_context.h"

namespace tsr::gpu {

Status GpuContext::upload(const TensorDesc& dst, const void* src, size_t bytes,
                          BackendStream* stream) {
  auto* s = static_cast<GpuStream*>(stream);
  s->flush();  // the copy follows the ops queued before it
  TSR_GPU_DEVICE_SCOPE(facts_.index);
  std::lock_guard<std::mutex> lock(staging_.mutex());
  char* d = dst.ptr<char>();
  const char* h = static_cast<const char*>(src);
  s->note_op("upload");
  for (size_t off = 0; off < bytes; off += PinnedStaging::kSlotBytes) {
    const size_t chunk = std::min(PinnedStaging::kSlotBytes, bytes - off);
    PinnedStaging::Slot* slot = nullptr;
    Status st = staging_.acquire(&slot);
    if (!st.ok()) return st;
    std::memcpy(slot->host, h + off, chunk);
    gpuError_t err = gpuMemcpyAsync(d + off, slot->host, chunk, gpuMemcpyHostToDevice, s->get());
    if (err == gpuSuccess) err = gpuEventRecord(slot->done, s->get());
    if (err == gpuSuccess) slot->pending = true;
    staging_.release(slot);
    if (err != gpuSuccess) return error_status(err, "upload", "gpuMemcpyAsync");
  }
  return Status::Ok();
}

Status GpuContext::download(void* dst, const TensorDesc& src, size_t bytes, BackendStream* stream) {
  auto* s = static_cast<GpuStream*>(stream);
  Status queued = s->flush_and_check();  // a queued op's launch failure is this read's to report
  if (!queued.ok()) return queued;
  TSR_GPU_DEVICE_SCOPE(facts_.index);
  std::lock_guard<std::mutex> lock(staging_.mutex());
  const char* d = src.ptr<const char>();
  char* h = static_cast<char*>(dst);
  // The chunk whose DMA was issued last, drained after the next one is issued.
  PinnedStaging::Slot* prev = nullptr;
  size_t prev_off = 0, prev_len = 0;
  auto drain = [&]() -> Status {
    gpuError_t err = gpuEventSynchronize(prev->done);
    if (err != gpuSuccess) {
      staging_.release(prev);
      // The failure belongs to earlier work on the stream: name it.
      return s->async_failure(err, "gpuEventSynchronize (download)");
    }
    prev->pending = false;
    std::memcpy(h + prev_off, prev->host, prev_len);
    staging_.release(prev);
    prev = nullptr;
    return Status::Ok();
  };
  for (size_t off = 0; off < bytes; off += PinnedStaging::kSlotBytes) {
    const size_t chunk = std::min(PinnedStaging::kSlotBytes, bytes - off);
    PinnedStaging::Slot* slot = nullptr;
    Status st = staging_.acquire(&slot);
    if (!st.ok()) {
      if (prev) staging_.release(prev);
      return st;
    }
    gpuError_t err = gpuMemcpyAsync(slot->host, d + off, chunk, gpuMemcpyDeviceToHost, s->get());
    if (err == gpuSuccess) err = gpuEventRecord(slot->done, s->get());
    if (err != gpuSuccess) {
      staging_.release(slot);
      if (prev) staging_.release(prev);
      return s->async_failure(err, "gpuMemcpyAsync (download)");
    }
    slot->pending = true;
    if (prev) {
      st = drain();
      if (!st.ok()) {
        staging_.release(slot);
        return st;
      }
    }
    prev = slot;
    prev_off = off;
    prev_len = chunk;
  }
  if (prev) {
    Status st = drain();
    if (!st.ok()) return st;
  }
  s->mark_synchronized();
  return Status::Ok();
}

}  // namespace tsr::gpu
