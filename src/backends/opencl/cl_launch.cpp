#include "cl_launch.h"

#include <cstring>

#include "cl_context.h"
#include "cl_error.h"
#include "cl_stream.h"

namespace tsr::opencl {

ClLayout make_layout(const TensorDesc* const* descs, int n) {
  ClLayout l;
  l.ndim = descs[0]->ndim;
  for (int d = 0; d < descs[0]->ndim; ++d) {
    l.shape[d] = descs[0]->shape[d];
    for (int k = 0; k < n; ++k) l.stride[k][d] = descs[k]->strides[d];
  }
  return l;
}

Status element_offset(const TensorDesc& d, const char* op, int64_t* out) {
  const int64_t es = dtype_size(d.dtype);
  if (d.offset % es != 0)
    return Status::Err(TSR_ERROR_UNSUPPORTED,
                       std::string(op) + ": a tensor starts " + std::to_string(d.offset) +
                           " bytes into its buffer, not a whole number of " +
                           std::to_string(es) + "-byte elements");
  *out = d.offset / es;
  return Status::Ok();
}

Args& Args::bytes(const void* p, size_t n) {
  if (n_ >= kMaxArgs || used_ + n > kMaxBytes) {
    overflow_ = true;
    return *this;
  }
  std::memcpy(data_ + used_, p, n);
  offset_[n_] = uint32_t(used_);
  size_[n_] = uint32_t(n);
  used_ += (n + 7) & ~size_t(7);
  ++n_;
  return *this;
}

cl_int Args::apply(cl_kernel k, int* failed_index) const {
  if (overflow_) {
    *failed_index = n_;
    return CL_INVALID_ARG_SIZE;
  }
  for (int i = 0; i < n_; ++i) {
    cl_int err = clSetKernelArg(k, cl_uint(i), size_[i], data_ + offset_[i]);
    if (err != CL_SUCCESS) {
      *failed_index = i;
      return err;
    }
  }
  return CL_SUCCESS;
}

Launch::Launch(ClContext& ctx, ClStream& stream, const char* op)
    : ctx_(ctx), stream_(stream), op_(op) {}

Status Launch::kernel(const std::string& family, const std::string& defines,
                      const std::string& name, Kernel** out) {
  Status st = ctx_.programs().kernel(family, defines, name, out);
  if (!st.ok()) st.message = std::string(op_) + ": " + st.message;
  return st;
}

Status Launch::fail(cl_int err, const char* call) const { return cl_failure(err, call, op_); }

Status Launch::enqueue(Kernel* k, const Args& args, size_t global, size_t local) {
  cl_event ev = nullptr;
  {
    std::lock_guard<std::mutex> lock(k->mu);
    // Lock order: the kernel's lock, then its launch order's.
    std::unique_lock<std::mutex> ordered;
    if (k->order) {
      ordered = std::unique_lock<std::mutex>(k->order->mu);
      Status st = wait_for_previous(*k->order, stream_.queue());
      if (!st.ok())
        return Status::Err(st.code, std::string(op_) + " (kernel " + k->name + "): " + st.message);
    }
    int bad = -1;
    cl_int err = args.apply(k->handle, &bad);
    if (err != CL_SUCCESS)
      return cl_failure(err, "clSetKernelArg",
                        std::string(op_) + " (kernel " + k->name + ", argument " +
                            std::to_string(bad) + ")");
    err = clEnqueueNDRangeKernel(stream_.queue(), k->handle, 1, nullptr, &global, &local, 0,
                                 nullptr, &ev);
    if (err != CL_SUCCESS)
      return cl_failure(err, "clEnqueueNDRangeKernel", std::string(op_) + " (kernel " + k->name + ")");
    if (k->order) record_launch(*k->order, ev);
  }
  stream_.track(ev, op_);
  return Status::Ok();
}

static size_t fit_local(size_t want, size_t limit) {
  size_t l = 1;
  while (l * 2 <= want && l * 2 <= limit) l *= 2;
  return l;
}

Status Launch::run_1d(Kernel* k, const Args& args, int64_t n, size_t local) {
  if (n <= 0) return Status::Ok();
  local = fit_local(local, k->max_local);
  // Grid-stride kernels: cap the grid, the loop covers the rest.
  constexpr uint64_t kMaxItems = uint64_t(1) << 30;
  uint64_t items = (uint64_t(n) + local - 1) / local * local;
  if (items > kMaxItems) items = kMaxItems / local * local;
  return enqueue(k, args, size_t(items), local);
}

Status Launch::run_groups(Kernel* k, const Args& args, size_t groups, size_t local) {
  if (groups == 0) return Status::Ok();
  local = fit_local(local, k->max_local);
  return enqueue(k, args, groups * local, local);
}

void Launch::track(cl_event ev) { stream_.track(ev, op_); }

Status Launch::scratch(size_t bytes, cl_mem* mem, size_t* offset) {
  Status st = stream_.scratch().get(bytes, mem, offset);
  if (!st.ok()) st.message = std::string(op_) + ": " + st.message;
  return st;
}

Status Launch::scratch_desc(tsr_dtype dtype, int ndim, const int64_t* shape, TensorDesc* out) {
  TensorDesc d;
  d.dtype = dtype;
  d.ndim = ndim;
  int64_t n = 1;
  for (int i = ndim - 1; i >= 0; --i) {
    d.shape[i] = shape[i];
    d.strides[i] = n;
    n *= shape[i];
  }
  cl_mem mem = nullptr;
  size_t off = 0;
  Status st = scratch(size_t(n * dtype_size(dtype)), &mem, &off);
  if (!st.ok()) return st;
  d.base = mem;
  d.offset = int64_t(off);
  *out = d;
  return Status::Ok();
}

}  // namespace tsr::opencl
