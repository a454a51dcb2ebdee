// Streams and events.
#include "api/api_util.h"

using namespace tsr;
using namespace tsr::api;

namespace {
Stream& any_stream(tsr_stream h) { return lookup<Stream>(h, HandleKind::Stream, "stream"); }
tsr_stream insert_stream(Context& ctx, BackendStream* impl) {
  auto ctxp = shared(ctx);
  auto s = std::make_shared<Stream>(&ctx, ctxp, std::unique_ptr<BackendStream>(impl));
  return make_handle<tsr_stream>(HandleTable::instance().insert(HandleKind::Stream, s));
}
}  // namespace

extern "C" {

TSR_API tsr_status tsr_stream_create(tsr_context context, uint32_t flags, tsr_stream* out_stream) {
  TSR_API_BEGIN
  require(out_stream, "out_stream");
  Context& ctx = context_arg(context, "context");
  TSR_CHECK((flags & ~3u) == 0, TSR_ERROR_INVALID_ARGUMENT, "unknown stream flags 0x%x", flags);
  BackendStream* impl = nullptr;
  throw_if(ctx.impl().create_stream(flags, &impl));
  *out_stream = insert_stream(ctx, impl);
  TSR_API_END
}

TSR_API tsr_status tsr_stream_wrap_native(tsr_context context, void* native_stream,
                                          tsr_stream* out_stream) {
  TSR_API_BEGIN
  require(out_stream, "out_stream");
  Context& ctx = context_arg(context, "context");
  BackendStream* impl = nullptr;
  throw_if(ctx.impl().wrap_stream(native_stream, &impl));
  *out_stream = insert_stream(ctx, impl);
  TSR_API_END
}

TSR_API tsr_status tsr_stream_native_handle(tsr_stream stream, void** out_native) {
  TSR_API_BEGIN
  require(out_native, "out_native");
  *out_native = any_stream(stream).impl().native_handle();
  TSR_API_END
}

TSR_API tsr_status tsr_stream_retain(tsr_stream stream) {
  TSR_API_BEGIN
  if (!HandleTable::instance().retain(bits(stream), HandleKind::Stream))
    bad_handle(stream, HandleKind::Stream, "stream");
  TSR_API_END
}

TSR_API void tsr_stream_release(tsr_stream stream) {
  HandleTable::instance().release(bits(stream), HandleKind::Stream);
}

TSR_API tsr_status tsr_stream_synchronize(tsr_stream stream) {
  TSR_API_BEGIN
  any_stream(stream).synchronize();
  TSR_API_END
}

TSR_API tsr_status tsr_stream_query(tsr_stream stream, int32_t* out_done) {
  TSR_API_BEGIN
  require(out_done, "out_done");
  bool done = false;
  throw_if(any_stream(stream).impl().query(&done));
  *out_done = done;
  TSR_API_END
}

TSR_API tsr_status tsr_stream_wait_event(tsr_stream stream, tsr_event event) {
  TSR_API_BEGIN
  Stream& s = any_stream(stream);
  Event& e = event_arg(event, "event");
  TSR_CHECK(&e.context() == &s.context(), TSR_ERROR_DEVICE_MISMATCH,
            "the event and the stream belong to different contexts");
  throw_if(s.impl().wait(&e.impl()));
  TSR_API_END
}

TSR_API tsr_status tsr_event_create(tsr_context context, tsr_event* out_event) {
  TSR_API_BEGIN
  require(out_event, "out_event");
  Context& ctx = context_arg(context, "context");
  BackendEvent* impl = nullptr;
  throw_if(ctx.impl().create_event(&impl));
  auto e = std::make_shared<Event>(shared(ctx), std::unique_ptr<BackendEvent>(impl));
  *out_event = make_handle<tsr_event>(HandleTable::instance().insert(HandleKind::Event, e));
  TSR_API_END
}

TSR_API tsr_status tsr_event_retain(tsr_event event) {
  TSR_API_BEGIN
  if (!HandleTable::instance().retain(bits(event), HandleKind::Event))
    bad_handle(event, HandleKind::Event, "event");
  TSR_API_END
}

TSR_API void tsr_event_release(tsr_event event) {
  HandleTable::instance().release(bits(event), HandleKind::Event);
}

TSR_API tsr_status tsr_event_record(tsr_event event, tsr_stream stream) {
  TSR_API_BEGIN
  Event& e = event_arg(event, "event");
  Stream& s = stream_arg(stream, e.context());
  throw_if(s.impl().record(&e.impl()));
  e.recorded = true;
  TSR_API_END
}

TSR_API tsr_status tsr_event_synchronize(tsr_event event) {
  TSR_API_BEGIN
  Event& e = event_arg(event, "event");
  e.context().synchronizations.fetch_add(1, std::memory_order_relaxed);
  throw_if(e.impl().synchronize());
  TSR_API_END
}

TSR_API tsr_status tsr_event_query(tsr_event event, int32_t* out_done) {
  TSR_API_BEGIN
  require(out_done, "out_done");
  bool done = false;
  throw_if(event_arg(event, "event").impl().query(&done));
  *out_done = done;
  TSR_API_END
}

TSR_API tsr_status tsr_event_elapsed_ms(tsr_event start, tsr_event end, float* out_ms) {
  TSR_API_BEGIN
  require(out_ms, "out_ms");
  Event& a = event_arg(start, "start");
  Event& b = event_arg(end, "end");
  TSR_CHECK(&a.context() == &b.context(), TSR_ERROR_DEVICE_MISMATCH,
            "the events belong to different contexts");
  TSR_CHECK(a.recorded && b.recorded, TSR_ERROR_INVALID_ARGUMENT, "both events must be recorded");
  float ms = 0;
  throw_if(a.impl().elapsed_ms(&b.impl(), &ms));
  *out_ms = ms;
  TSR_API_END
}

}  // extern "C"
