#include "api/api_util.h"

namespace tsr::api {

tsr_status report(const char* fn, tsr_status status, const std::string& message) {
  set_last_error(std::string(fn) + ": " + message);
  return status;
}

void bad_handle(const void* h, HandleKind kind, const char* arg) {
  fail(TSR_ERROR_INVALID_HANDLE, "argument '%s': %s (expected a %s)", arg,
       HandleTable::instance().diagnose(bits(h), kind), handle_kind_name(kind));
}

Stream& stream_arg(tsr_stream h, Context& ctx) {
  if (!h) return ctx.default_stream();
  Stream& s = lookup<Stream>(h, HandleKind::Stream, "stream");
  TSR_CHECK(&s.context() == &ctx, TSR_ERROR_DEVICE_MISMATCH,
            "the stream belongs to another context than the tensors");
  return s;
}

std::shared_ptr<Tensor> out_tensor(tsr_tensor* out) {
  require(out, "out");
  if (!*out) return nullptr;
  // Non-owning (no control block, so copies cost no atomics on the hot
  // path): the caller's handle keeps *out alive for the call, and set_out
  // never turns it into a new handle.
  return std::shared_ptr<Tensor>(std::shared_ptr<Tensor>(), &tensor_arg(*out, "*out"));
}

tsr_tensor new_tensor_handle(const std::shared_ptr<Tensor>& t) {
  return make_handle<tsr_tensor>(HandleTable::instance().insert(HandleKind::Tensor, t));
}

tsr_tensor new_tensor_handle(std::shared_ptr<Tensor>&& t) {
  return make_handle<tsr_tensor>(HandleTable::instance().insert(HandleKind::Tensor, std::move(t)));
}

void set_out(tsr_tensor* out, const std::shared_ptr<Tensor>& result) {
  if (*out) return;  // the caller's tensor was written in place
  *out = new_tensor_handle(result);
}

}  // namespace tsr::api
