// Enqueueing kernels: argument lists, N-d layouts as kernel arguments, and
// the launch helper every op uses (kernel lookup, argument setting under the
// kernel's lock, enqueue, tracking of the command under the op's name).
#pragma once
#include <CL/cl.h>

#include <cstdint>
#include <mutex>
#include <string>

#include "cl_dtype.h"
#include "cl_program_cache.h"
#include "core/op_call.h"

namespace tsr::opencl {

class ClContext;
class ClStream;

// Shape and per-operand strides (elements) of up to four operands sharing
// one index space; the same layout as `Layout` in kernels/common.cl.
struct ClLayout {
  cl_long ndim = 0;
  cl_long shape[TSR_MAX_DIMS] = {};
  cl_long stride[4][TSR_MAX_DIMS] = {};
};
static_assert(sizeof(ClLayout) == 8 * (1 + 8 + 32), "ClLayout must match Layout in common.cl");

// The layout of `n` descs sharing descs[0]'s shape.
ClLayout make_layout(const TensorDesc* const* descs, int n);

// Element offset of a desc (its byte offset must be a whole number of
// elements; a DLPack import could break that, hence the check).
Status element_offset(const TensorDesc& d, const char* op, int64_t* out);

inline cl_mem mem_of(const TensorDesc& d) { return static_cast<cl_mem>(d.base); }

// A kernel's arguments, stored inline (no allocation per launch).
class Args {
 public:
  Args& mem(cl_mem m) { return bytes(&m, sizeof(m)); }
  Args& i64(int64_t v) { return value(cl_long(v)); }
  Args& i32(int32_t v) { return value(cl_int(v)); }
  Args& u64(uint64_t v) { return value(cl_ulong(v)); }
  Args& f64(double v) { return value(v); }
  Args& scalar(const ScalarArg& s) { return bytes(s.bytes, s.size); }
  Args& layout(const ClLayout& l) { return value(l); }
  template <typename V>
  Args& value(const V& v) {
    return bytes(&v, sizeof(V));
  }
  Args& bytes(const void* p, size_t n);
  // Apply to `k` (the caller holds the kernel's lock).
  cl_int apply(cl_kernel k, int* failed_index) const;

 private:
  static constexpr int kMaxArgs = 24;
  static constexpr size_t kMaxBytes = 2048;
  unsigned char data_[kMaxBytes];
  uint32_t offset_[kMaxArgs] = {}, size_[kMaxArgs] = {};
  int n_ = 0;
  size_t used_ = 0;
  bool overflow_ = false;
};

// Work of one op on one stream.
class Launch {
 public:
  Launch(ClContext& ctx, ClStream& stream, const char* op);
  ClContext& ctx() { return ctx_; }
  ClStream& stream() { return stream_; }
  const char* op() const { return op_; }

  // The kernel `name` of program (family, defines).
  Status kernel(const std::string& family, const std::string& defines, const std::string& name,
                Kernel** out);
  // Grid-stride kernels over n items.
  Status run_1d(Kernel* k, const Args& args, int64_t n, size_t local = 256);
  // Exactly `groups` work-groups of `local` work-items (local is lowered to
  // the kernel's limit, keeping a power of two).
  Status run_groups(Kernel* k, const Args& args, size_t groups, size_t local);
  // Takes ownership of the completion event of a command enqueued directly.
  void track(cl_event ev);
  // Scratch for this op (see Scratch).
  Status scratch(size_t bytes, cl_mem* mem, size_t* offset);
  // A scratch tensor desc of `shape` (contiguous) and dtype.
  Status scratch_desc(tsr_dtype dtype, int ndim, const int64_t* shape, TensorDesc* out);

  // Failure of a cl* call, naming the op.
  Status fail(cl_int err, const char* call) const;

 private:
  Status enqueue(Kernel* k, const Args& args, size_t global, size_t local);
  ClContext& ctx_;
  ClStream& stream_;
  const char* op_;
};

}  // namespace tsr::opencl
