// A context: one device, its backend state, its caching allocator, its
// default stream and its statistics.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "core/backend.h"
#include "core/caching_allocator.h"
#include "core/object.h"
#include "core/registry.h"

namespace tsr {

class Stream;

class Context : public Object {
 public:
  static std::shared_ptr<Context> create(const tsr_context_options& options);
  ~Context() override;

  DeviceEntry& device() { return *device_; }
  BackendContext& impl() { return *impl_; }
  CachingAllocator& allocator() { return *allocator_; }
  Stream& default_stream() { return *default_stream_; }
  uint64_t default_stream_handle() const { return default_stream_handle_; }
  uint32_t flags() const { return flags_; }
  bool zero_on_allocate() const { return flags_ & TSR_CONTEXT_ZERO_ON_ALLOCATE; }
  bool uses_fences() const { return uses_fences_; }
  void synchronize();
  void add_stream(Stream* s);
  void remove_stream(Stream* s);

  std::atomic<int64_t> synchronizations{0};
  std::atomic<int64_t> ops_launched{0};
  // Written by tsr_context_reset_stats, read by get_stats, from any thread.
  std::atomic<int64_t> sync_base{0}, compile_base{0};

 private:
  Context() = default;
  std::shared_ptr<DeviceEntry> device_;
  std::unique_ptr<BackendContext> impl_;
  std::unique_ptr<CachingAllocator> allocator_;
  std::shared_ptr<Stream> default_stream_;
  uint64_t default_stream_handle_ = 0;
  uint32_t flags_ = 0;
  bool uses_fences_ = false;
  std::mutex streams_mu_;
  std::vector<Stream*> streams_;  // streams made by tsr_stream_create, for context-wide waits
};

class Stream : public Object {
 public:
  Stream(Context* ctx, std::shared_ptr<Context> keep, std::unique_ptr<BackendStream> impl);
  ~Stream() override;
  Context& context() { return *ctx_; }
  BackendStream& impl() { return *impl_; }
  // Waits for the stream; counts a synchronization; throws on async errors.
  void synchronize();

 private:
  Context* ctx_;                  // the owner; kept alive by keep_ except for the default stream
  std::shared_ptr<Context> keep_;
  std::unique_ptr<BackendStream> impl_;
};

class Event : public Object {
 public:
  Event(std::shared_ptr<Context> ctx, std::unique_ptr<BackendEvent> impl)
      : ctx_(std::move(ctx)), impl_(std::move(impl)) {}
  Context& context() { return *ctx_; }
  BackendEvent& impl() { return *impl_; }
  std::atomic<bool> recorded{false};  // set by tsr_event_record on any thread

 private:
  std::shared_ptr<Context> ctx_;
  std::unique_ptr<BackendEvent> impl_;
};

// Throws the Status as a tsr::Error (prefixing `what` when given).
void throw_if(const Status& st, const char* what = nullptr);

}  // namespace tsr
