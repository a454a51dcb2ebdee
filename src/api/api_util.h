// Shared by the extern "C" shims: the try/catch boundary and handle lookups.
// No C++ exception crosses the C ABI: TSR_API_BEGIN/END turn every one into
// a status plus a message that starts with the function's name.
#pragma once
#include <memory>
#include <new>

#include "core/context.h"
#include "core/error.h"
#include "core/handle_table.h"
#include "core/tensor.h"

namespace tsr::api {

tsr_status report(const char* fn, tsr_status status, const std::string& message);

inline uint64_t bits(const void* h) { return uint64_t(reinterpret_cast<uintptr_t>(h)); }
template <typename H>
inline H make_handle(uint64_t v) {
  return reinterpret_cast<H>(uintptr_t(v));
}

[[noreturn]] void bad_handle(const void* h, HandleKind kind, const char* arg);

template <typename T>
T& lookup(const void* h, HandleKind kind, const char* arg) {
  Object* o = HandleTable::instance().lookup(bits(h), kind);
  if (!o) bad_handle(h, kind, arg);
  return *static_cast<T*>(o);
}

template <typename T>
std::shared_ptr<T> shared(T& obj) {
  return std::static_pointer_cast<T>(obj.shared_from_this());
}

inline Tensor& tensor_arg(tsr_tensor h, const char* arg) { return lookup<Tensor>(h, HandleKind::Tensor, arg); }
inline Context& context_arg(tsr_context h, const char* arg) { return lookup<Context>(h, HandleKind::Context, arg); }
inline Event& event_arg(tsr_event h, const char* arg) { return lookup<Event>(h, HandleKind::Event, arg); }
// A null stream is ctx's default stream; a stream of another context is an error.
Stream& stream_arg(tsr_stream h, Context& ctx);
// An optional tensor argument: null handle -> nullptr.
inline Tensor* optional_tensor(tsr_tensor h, const char* arg) { return h ? &tensor_arg(h, arg) : nullptr; }

// The in/out tensor protocol: *out null -> allocate; else write into it.
// *out as an op's output (null when *out is null); valid for the call only.
std::shared_ptr<Tensor> out_tensor(tsr_tensor* out);
// Stores a new handle for `result` unless it is the caller's own *out.
void set_out(tsr_tensor* out, const std::shared_ptr<Tensor>& result);
tsr_tensor new_tensor_handle(const std::shared_ptr<Tensor>& t);
// As above, taking over the caller's reference (no reference-count round trip).
tsr_tensor new_tensor_handle(std::shared_ptr<Tensor>&& t);

template <typename P>
void require(P* p, const char* arg) {
  if (!p) fail(TSR_ERROR_NULL_POINTER, "%s is null", arg);
}

}  // namespace tsr::api

#define TSR_API_BEGIN \
  try {               \
    ::tsr::clear_last_error();

#define TSR_API_END                                                                          \
  return TSR_OK;                                                                             \
  }                                                                                          \
  catch (const ::tsr::Error& e) {                                                            \
    return ::tsr::api::report(__func__, e.status(), e.message());                            \
  }                                                                                          \
  catch (const std::bad_alloc&) {                                                            \
    return ::tsr::api::report(__func__, TSR_ERROR_OUT_OF_MEMORY, "host allocation failed");  \
  }                                                                                          \
  catch (const std::exception& e) {                                                          \
    return ::tsr::api::report(__func__, TSR_ERROR_INTERNAL, e.what());                       \
  }                                                                                          \
  catch (...) {                                                                              \
    return ::tsr::api::report(__func__, TSR_ERROR_INTERNAL, "unknown exception");            \
  }
