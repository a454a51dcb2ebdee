// A GPU context: one device, its raw memory under the core's caching
// allocator, pinned staging buffers for transfers, and the per-context
// BLAS state. Op dispatch lives in gpu_dispatch.cpp, transfers in
// gpu_transfer.cpp.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "backends/cuda/gpu_stream.h"
#include "backends/cuda/vendor.h"
#include "core/backend.h"

namespace tsr::gpu {

// What kernels' launch configurations need to know about the device.
struct DeviceFacts {
  int index = 0;
  int sm_count = 1;
  int warp_size = 32;
  int max_threads_per_sm = 2048;
  int major = 0, minor = 0;
};

// Device memory straight from the runtime (gpuMalloc/gpuFree): the core's
// CachingAllocator does the caching, size classes and stream-aware reuse.
// Fences are pooled events, so a free on another stream costs no creation.
class GpuMemory : public DeviceMemory {
 public:
  GpuMemory(int device, SubmitQueues* queues) : device_(device), queues_(queues) {}
  ~GpuMemory() override;
  Status allocate(size_t bytes, void** out) override;
  void free(void* ptr) override;
  void* create_fence(BackendStream* stream) override;
  bool fence_done(void* fence) override;
  void destroy_fence(void* fence) override;
  Status zero(void* base, int64_t offset, size_t bytes, BackendStream* stream) override;

 private:
  int device_;
  SubmitQueues* queues_;  // flushed before memory goes back to the driver
  std::mutex mu_;
  std::vector<gpuEvent_t> idle_fences_;
};

// Page-locked host buffers that pageable uploads and downloads go through,
// so copies are true DMA and a host buffer is reused only after the copy
// that read it has finished (an event per slot).
class PinnedStaging {
 public:
  static constexpr size_t kSlotBytes = size_t(4) << 20;
  static constexpr int kMaxSlots = 16;
  PinnedStaging(int device, std::atomic<int64_t>* sync_counter)
      : device_(device), sync_counter_(sync_counter) {}
  ~PinnedStaging();
  struct Slot {
    void* host = nullptr;
    gpuEvent_t done = nullptr;  // recorded after the copy that uses the slot
    bool pending = false;       // an event was recorded and may not have completed
    bool claimed = false;       // the host is filling or draining it (until release)
  };
  // A slot whose previous copy has completed; waits only when every slot is busy.
  // The caller holds mutex() from acquire to release.
  Status acquire(Slot** out);
  void release(Slot* slot) { slot->claimed = false; }
  std::mutex& mutex() { return mu_; }

 private:
  int device_;
  std::atomic<int64_t>* sync_counter_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Slot>> slots_;
  size_t next_ = 0;
};

class BlasLt;  // gpu_blaslt.cpp: the cuBLASLt handle and matmul plans

// How matmul and linear run: through the vendor's BLAS where the build has
// one (cuBLASLt), or on the project's own tiled GEMM kernel (always on HIP;
// on CUDA when TESSERA_CUDA_GEMM=tiled, to compare the two).
enum class GemmPath { VendorBlas, Tiled };

class GpuContext : public BackendContext {
 public:
  GpuContext(const DeviceFacts& facts, const ContextConfig& config, GemmPath gemm);
  ~GpuContext() override;

  DeviceMemory* memory() override { return &memory_; }
  Status create_stream(uint32_t flags, BackendStream** out) override;
  Status wrap_stream(void* native, BackendStream** out) override;
  Status create_event(BackendEvent** out) override;
  // Runs the op, or queues it for the stream's submission thread.
  Status run(const OpCall& call, BackendStream* stream) override;
  Status upload(const TensorDesc& dst, const void* src, size_t bytes,
                BackendStream* stream) override;
  Status download(void* dst, const TensorDesc& src, size_t bytes, BackendStream* stream) override;
  int64_t kernel_compilations() override { return 0; }  // every kernel is compiled ahead of time
  int64_t synchronizations() override { return syncs_.load(std::memory_order_relaxed); }

  const DeviceFacts& facts() const { return facts_; }
  const ContextConfig& config() const { return config_; }
  GemmPath gemm_path() const { return gemm_; }
  // The BLAS state, created on the first matmul.
  Status blas(BlasLt** out);

 private:
  // Makes the driver calls of one op on `stream` (gpu_dispatch.cpp).
  Status run_now(const OpCall& call, GpuStream& stream);

  DeviceFacts facts_;
  ContextConfig config_;
  GemmPath gemm_;
  std::atomic<int64_t> syncs_{0};  // waits inside the backend (staging, scratch growth)
  SubmitQueues queues_;            // before memory_, which flushes them
  GpuMemory memory_;
  PinnedStaging staging_;
  std::mutex blas_mu_;
  BlasLt* blas_ = nullptr;
};

}  // namespace tsr::gpu
