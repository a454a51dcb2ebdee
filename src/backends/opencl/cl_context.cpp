#include "cl_context.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cl_dtype.h"
#include "cl_error.h"
#include "cl_ops.h"
#include "cl_stream.h"

namespace tsr::opencl {

Status ClContext::create(const DeviceRecord& device, const ContextConfig& /*config*/,
                         BackendContext** out) {
  std::unique_ptr<ClContext> c(new ClContext(device));
  cl_context_properties props[] = {CL_CONTEXT_PLATFORM,
                                   reinterpret_cast<cl_context_properties>(device.platform), 0};
  cl_int err = CL_SUCCESS;
  c->context_ = clCreateContext(props, 1, &device.device, nullptr, nullptr, &err);
  if (err != CL_SUCCESS) {
    Status st = cl_failure(err, "clCreateContext", "OpenCL context on " + device_label(device));
    if (st.code == TSR_ERROR_BACKEND) st.code = TSR_ERROR_DEVICE_UNAVAILABLE;
    return st;
  }
  c->memory_ = std::make_unique<ClDeviceMemory>(c->context_, device);
  c->programs_ = std::make_unique<ProgramCache>(c->context_, device, DiskCache(DiskCache::default_dir()));
  c->staging_ = std::make_unique<StagingPool>(c->context_, device.device);
  *out = c.release();
  return Status::Ok();
}

ClContext::~ClContext() {
  staging_.reset();
  programs_.reset();
  memory_.reset();
  if (context_) clReleaseContext(context_);
}

Status ClContext::create_stream(uint32_t flags, BackendStream** out) {
  cl_int err = CL_SUCCESS;
  cl_command_queue q =
      clCreateCommandQueue(context_, device_.device, CL_QUEUE_PROFILING_ENABLE, &err);
  if (err != CL_SUCCESS) return cl_failure(err, "clCreateCommandQueue", "stream create");
  // The first stream is the context's default stream (Context::create makes
  // it right after the context); the others follow the default-stream rule
  // unless created non-blocking.
  const bool is_default = !have_default_.exchange(true);
  *out = new ClStream(context_, q, &order_, is_default, !(flags & TSR_STREAM_NON_BLOCKING));
  return Status::Ok();
}

namespace {

// Whether `candidate` looks like an object of the same OpenCL platform as
// `reference`, without trusting it: objects of an ICD driver begin with a
// pointer to the driver's dispatch table, the same for all its objects.
// The words are read with process_vm_readv, which fails instead of
// faulting on unmapped memory, so a stray pointer cannot crash the process
// in the ICD loader.
bool same_platform_object(const void* candidate, const void* reference) {
  void* words[2] = {nullptr, nullptr};
  iovec local = {words, sizeof(words)};
  iovec remote[2] = {{const_cast<void*>(candidate), sizeof(void*)},
                     {const_cast<void*>(reference), sizeof(void*)}};
  if (process_vm_readv(getpid(), &local, 1, remote, 2, 0) != ssize_t(sizeof(words))) return false;
  return words[0] != nullptr && words[0] == words[1];
}

}  // namespace

Status ClContext::wrap_stream(void* native, BackendStream** out) {
  if (!native)
    return Status::Err(TSR_ERROR_NULL_POINTER, "native_stream (a cl_command_queue) is null");
  if (!same_platform_object(native, context_))
    return Status::Err(TSR_ERROR_INVALID_ARGUMENT,
                       "native_stream is not a cl_command_queue of this context's OpenCL platform");
  auto q = static_cast<cl_command_queue>(native);
  cl_context qc = nullptr;
  cl_device_id qd = nullptr;
  cl_command_queue_properties props = 0;
  cl_int err = clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(qc), &qc, nullptr);
  if (err == CL_SUCCESS) err = clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(qd), &qd, nullptr);
  if (err == CL_SUCCESS)
    err = clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES, sizeof(props), &props, nullptr);
  if (err != CL_SUCCESS)
    return Status::Err(TSR_ERROR_INVALID_ARGUMENT,
                       "native_stream is not a valid cl_command_queue (clGetCommandQueueInfo: " +
                           cl_error_name(err) + ")");
  if (qc != context_ || qd != device_.device)
    return Status::Err(TSR_ERROR_DEVICE_MISMATCH,
                       "the cl_command_queue belongs to another cl_context or device; create it "
                       "on the context of this Tessera context's queues (CL_QUEUE_CONTEXT of "
                       "tsr_stream_native_handle)");
  if (props & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE)
    return Status::Err(TSR_ERROR_UNSUPPORTED,
                       "out-of-order command queues cannot be wrapped: Tessera relies on "
                       "in-order execution within a stream");
  err = clRetainCommandQueue(q);
  if (err != CL_SUCCESS) return cl_failure(err, "clRetainCommandQueue", "stream wrap");
  *out = new ClStream(context_, q);
  return Status::Ok();
}

Status ClContext::create_event(BackendEvent** out) {
  *out = new ClEvent();
  return Status::Ok();
}

Status ClContext::check_dtypes(const OpCall& call) const {
  auto check = [&](tsr_dtype d) -> Status {
    if (d == TSR_FLOAT64 && !device_.fp64)
      return Status::Err(TSR_ERROR_UNSUPPORTED,
                         std::string(call.name) + ": float64 is not supported on OpenCL device " +
                             device_label(device_) + ": it lacks cl_khr_fp64");
    if (d == TSR_FLOAT16 && !device_.fp16)
      return Status::Err(TSR_ERROR_UNSUPPORTED,
                         std::string(call.name) + ": float16 is not supported on OpenCL device " +
                             device_label(device_) +
                             ": it is disabled (TESSERA_OPENCL_DISABLE_FP16)");
    return Status::Ok();
  };
  Status st = check(call.compute_dtype);
  if (st.ok()) st = check(call.out.dtype);
  for (int i = 0; i < call.n_in && st.ok(); ++i) st = check(call.in[i].dtype);
  if (st.ok() && (call.kind == OpKind::Arange || call.kind == OpKind::Random) && !device_.fp64)
    st = Status::Err(TSR_ERROR_UNSUPPORTED,
                     std::string(call.name) + " needs cl_khr_fp64 on OpenCL device " +
                         device_label(device_) +
                         " to compute in double precision, as every backend does, so that "
                         "results match the CPU's");
  return st;
}

Status ClContext::run(const OpCall& call, BackendStream* stream) {
  Status st = check_dtypes(call);
  if (!st.ok()) return st;
  auto* s = static_cast<ClStream*>(stream);
  std::lock_guard<std::mutex> lock(s->op_mutex());
  st = s->order_before_work();
  if (!st.ok()) return st;
  s->scratch().begin();
  return dispatch(call, *s);
}

Status ClContext::dispatch(const OpCall& call, ClStream& stream) {
  Launch L(*this, stream, call.name);
  switch (call.kind) {
    case OpKind::Unary:
    case OpKind::Binary:
    case OpKind::BinaryScalar:
    case OpKind::Where:
    case OpKind::Copy:
    case OpKind::Fill: return run_elementwise(L, call);
    case OpKind::Arange:
    case OpKind::Random: return run_sequence(L, call);
    case OpKind::Reduce: return run_reduce(L, call);
    case OpKind::Matmul:
    case OpKind::Linear: return run_gemm(L, call);
    case OpKind::Softmax:
    case OpKind::LogSoftmax:
    case OpKind::LayerNorm:
    case OpKind::RmsNorm: return run_normalization(L, call);
    default:
      return Status::Err(TSR_ERROR_UNSUPPORTED,
                         std::string(call.name) + ": op kind " + std::to_string(int(call.kind)) +
                             " has no OpenCL implementation");
  }
}

Status ClContext::upload(const TensorDesc& dst, const void* src, size_t bytes,
                         BackendStream* stream) {
  auto* s = static_cast<ClStream*>(stream);
  Status ordered = s->order_before_work();
  if (!ordered.ok()) return ordered;
  const char* from = static_cast<const char*>(src);
  for (size_t done = 0; done < bytes;) {
    const size_t n = std::min(bytes - done, StagingPool::kChunkBytes);
    StagingPool::Chunk* c = nullptr;
    Status st = staging_->acquire(&c);
    if (!st.ok()) return st;
    // Copied into pinned memory now, so the caller may reuse `src` at once
    // while the device reads the chunk asynchronously.
    std::memcpy(c->host, from + done, n);
    cl_event ev = nullptr;
    cl_int err = clEnqueueWriteBuffer(s->queue(), static_cast<cl_mem>(dst.base), CL_FALSE,
                                      size_t(dst.offset) + done, n, c->host, 0, nullptr, &ev);
    staging_->release(c, err == CL_SUCCESS ? ev : nullptr);
    if (err != CL_SUCCESS) return cl_failure(err, "clEnqueueWriteBuffer", "upload");
    s->track(ev, "upload");
    done += n;
  }
  // Start the transfers now: the caller may not synchronize for a while.
  cl_int err = clFlush(s->queue());
  if (err != CL_SUCCESS) return cl_failure(err, "clFlush", "upload");
  return Status::Ok();
}

Status ClContext::download(void* dst, const TensorDesc& src, size_t bytes, BackendStream* stream) {
  auto* s = static_cast<ClStream*>(stream);
  Status ordered = s->order_before_work();
  if (!ordered.ok()) return ordered;
  char* to = static_cast<char*>(dst);
  // Two chunks in flight: the device fills one while the host copies the other out.
  struct InFlight {
    StagingPool::Chunk* chunk;
    cl_event ev;
    size_t at, n;
  };
  InFlight q[2];
  int nq = 0;
  Status result;
  auto finish_one = [&](InFlight& f) {
    cl_int err = clWaitForEvents(1, &f.ev);
    cl_int status = CL_COMPLETE;
    if (err == CL_SUCCESS)
      err = clGetEventInfo(f.ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(status), &status, nullptr);
    if ((err != CL_SUCCESS || status < 0) && result.ok())
      result = Status::Err(TSR_ERROR_ASYNC, "download: reading the buffer failed: " +
                                                cl_error_name(status < 0 ? status : err));
    if (result.ok()) std::memcpy(to + f.at, f.chunk->host, f.n);
    staging_->release(f.chunk, f.ev);
    clReleaseEvent(f.ev);
  };
  for (size_t done = 0; done < bytes && result.ok();) {
    const size_t n = std::min(bytes - done, StagingPool::kChunkBytes);
    if (nq == 2) {
      finish_one(q[0]);
      q[0] = q[1];
      nq = 1;
    }
    StagingPool::Chunk* c = nullptr;
    Status st = staging_->acquire(&c);
    if (!st.ok()) {
      result = st;
      break;
    }
    cl_event ev = nullptr;
    cl_int err = clEnqueueReadBuffer(s->queue(), static_cast<cl_mem>(src.base), CL_FALSE,
                                     size_t(src.offset) + done, n, c->host, 0, nullptr, &ev);
    if (err != CL_SUCCESS) {
      staging_->release(c, nullptr);
      result = cl_failure(err, "clEnqueueReadBuffer", "download");
      break;
    }
    q[nq++] = {c, ev, done, n};
    err = clFlush(s->queue());
    if (err != CL_SUCCESS) {
      result = cl_failure(err, "clFlush", "download");
      break;
    }
    done += n;
  }
  for (int i = 0; i < nq; ++i) finish_one(q[i]);
  // Everything before the read has finished: report an earlier op's failure.
  Status earlier = s->take_error();
  return earlier.ok() ? result : earlier;
}

}  // namespace tsr::opencl
