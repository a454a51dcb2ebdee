// Contexts and their statistics.
#include <cstring>

#include "api/api_util.h"
#include "core/registry.h"

using namespace tsr;
using namespace tsr::api;

extern "C" {

TSR_API tsr_status tsr_context_create(const tsr_context_options* options, tsr_context* out_context) {
  TSR_API_BEGIN
  require(out_context, "out_context");
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_BEST;
  if (options) {
    TSR_CHECK(options->size >= sizeof(size_t) && options->size <= 4096, TSR_ERROR_INVALID_ARGUMENT,
              "options->size is %zu: set it to sizeof(tsr_context_options)", options->size);
    std::memcpy(&o, options, options->size < sizeof(o) ? options->size : sizeof(o));
  }
  TSR_CHECK(o.device_kind >= TSR_DEVICE_BEST && o.device_kind <= TSR_DEVICE_OPENCL,
            TSR_ERROR_INVALID_ARGUMENT, "invalid device kind %d", int(o.device_kind));
  TSR_CHECK(o.device_index >= 0, TSR_ERROR_INVALID_ARGUMENT, "negative device index %d",
            o.device_index);
  TSR_CHECK((o.flags & ~7u) == 0, TSR_ERROR_INVALID_ARGUMENT, "unknown context flags 0x%x", o.flags);
  TSR_CHECK((o.default_stream_flags & ~3u) == 0, TSR_ERROR_INVALID_ARGUMENT,
            "unknown default stream flags 0x%x", o.default_stream_flags);
  auto ctx = Context::create(o);
  *out_context = make_handle<tsr_context>(HandleTable::instance().insert(HandleKind::Context, ctx));
  TSR_API_END
}

TSR_API tsr_status tsr_context_retain(tsr_context context) {
  TSR_API_BEGIN
  if (!HandleTable::instance().retain(bits(context), HandleKind::Context))
    bad_handle(context, HandleKind::Context, "context");
  TSR_API_END
}

TSR_API void tsr_context_release(tsr_context context) {
  HandleTable::instance().release(bits(context), HandleKind::Context);
}

TSR_API tsr_status tsr_context_get_device(tsr_context context, tsr_device* out_device) {
  TSR_API_BEGIN
  require(out_device, "out_device");
  *out_device = make_handle<tsr_device>(context_arg(context, "context").device().handle);
  TSR_API_END
}

TSR_API tsr_status tsr_context_synchronize(tsr_context context) {
  TSR_API_BEGIN
  context_arg(context, "context").synchronize();
  TSR_API_END
}

TSR_API tsr_status tsr_context_default_stream(tsr_context context, tsr_stream* out_stream) {
  TSR_API_BEGIN
  require(out_stream, "out_stream");
  *out_stream = make_handle<tsr_stream>(context_arg(context, "context").default_stream_handle());
  TSR_API_END
}

TSR_API tsr_status tsr_context_get_stats(tsr_context context, tsr_stats* stats) {
  TSR_API_BEGIN
  require(stats, "stats");
  Context& ctx = context_arg(context, "context");
  TSR_CHECK(stats->size >= sizeof(tsr_stats), TSR_ERROR_INVALID_ARGUMENT,
            "stats->size is %zu, expected at least %zu", stats->size, sizeof(tsr_stats));
  AllocatorStats a = ctx.allocator().stats();
  tsr_stats r{};
  r.size = sizeof(tsr_stats);
  r.bytes_in_use = a.bytes_in_use;
  r.bytes_reserved = a.bytes_reserved;
  r.peak_bytes_in_use = a.peak_bytes_in_use;
  r.device_allocations = a.device_allocations;
  r.device_frees = a.device_frees;
  r.allocation_requests = a.requests;
  r.cache_hits = a.cache_hits;
  r.synchronizations = ctx.synchronizations.load() + ctx.impl().synchronizations() - ctx.sync_base;
  r.kernel_compilations = ctx.impl().kernel_compilations() - ctx.compile_base;
  r.ops_launched = ctx.ops_launched.load();
  *stats = r;
  TSR_API_END
}

TSR_API tsr_status tsr_context_reset_stats(tsr_context context) {
  TSR_API_BEGIN
  Context& ctx = context_arg(context, "context");
  ctx.allocator().reset_counters();
  ctx.synchronizations = 0;
  ctx.ops_launched = 0;
  ctx.sync_base = ctx.impl().synchronizations();
  ctx.compile_base = ctx.impl().kernel_compilations();
  TSR_API_END
}

TSR_API tsr_status tsr_context_trim(tsr_context context) {
  TSR_API_BEGIN
  context_arg(context, "context").allocator().trim();
  TSR_API_END
}

}  // extern "C"
