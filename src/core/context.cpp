#include "core/context.h"

#include "core/error.h"
#include "core/handle_table.h"

namespace tsr {

void throw_if(const Status& st, const char* what) {
  if (st.ok()) return;
  if (what) throw Error(st.code, std::string(what) + ": " + st.message);
  throw Error(st.code, st.message);
}

std::shared_ptr<Context> Context::create(const tsr_context_options& o) {
  auto device = Registry::get().find(o.device_kind, o.device_index);
  TSR_CHECK(o.memory_quota >= 0, TSR_ERROR_INVALID_ARGUMENT, "memory_quota is negative (%lld)",
            (long long)o.memory_quota);
  std::shared_ptr<Context> ctx(new Context());
  ctx->device_ = device;
  ctx->flags_ = o.flags;
  ContextConfig config;
  config.flags = o.flags;
  config.default_stream_flags = o.default_stream_flags;
  BackendContext* impl = nullptr;
  throw_if(device->backend->create_context(device->info.index, config, &impl));
  ctx->impl_.reset(impl);
  ctx->allocator_ = std::make_unique<CachingAllocator>(impl->memory(), o.memory_quota);
  BackendStream* s = nullptr;
  throw_if(impl->create_stream(o.default_stream_flags, &s));
  std::unique_ptr<BackendStream> sp(s);
  // Backends whose streams keep memory alive themselves give no fences.
  void* probe = impl->memory()->create_fence(sp.get());
  ctx->uses_fences_ = probe != nullptr;
  if (probe) impl->memory()->destroy_fence(probe);
  ctx->allocator_->set_cross_stream_reuse(!ctx->uses_fences_);
  ctx->default_stream_ = std::make_shared<Stream>(ctx.get(), nullptr, std::move(sp));
  ctx->default_stream_handle_ = HandleTable::instance().insert(HandleKind::Stream, ctx->default_stream_);
  return ctx;
}

Context::~Context() {
  HandleTable::instance().revoke(default_stream_handle_, HandleKind::Stream);
  default_stream_.reset();
  allocator_.reset();
  impl_.reset();
}

void Context::synchronize() {
  default_stream_->synchronize();
  std::lock_guard<std::mutex> lock(streams_mu_);
  for (Stream* s : streams_) s->synchronize();
}

void Context::add_stream(Stream* s) {
  std::lock_guard<std::mutex> lock(streams_mu_);
  streams_.push_back(s);
}

void Context::remove_stream(Stream* s) {
  std::lock_guard<std::mutex> lock(streams_mu_);
  for (size_t i = 0; i < streams_.size(); ++i)
    if (streams_[i] == s) {
      streams_[i] = streams_.back();
      streams_.pop_back();
      return;
    }
}

Stream::Stream(Context* ctx, std::shared_ptr<Context> keep, std::unique_ptr<BackendStream> impl)
    : ctx_(ctx), keep_(std::move(keep)), impl_(std::move(impl)) {
  if (keep_) ctx_->add_stream(this);
}

Stream::~Stream() {
  if (keep_) ctx_->remove_stream(this);
  if (impl_) (void)impl_->synchronize();
}

void Stream::synchronize() {
  ctx_->synchronizations.fetch_add(1, std::memory_order_relaxed);
  throw_if(impl_->synchronize());
}

}  // namespace tsr
