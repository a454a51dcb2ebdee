// Elementwise ops: unary, binary, scalar, where, copy/cast and fill. Inputs
// arrive in the op's compute dtype, broadcast to the output's shape
// (stride 0), with axes coalesced: contiguous operands take the *_c
// kernels, anything else the *_s kernels that decode N-d offsets.
#include <algorithm>
#include <functional>
#include <initializer_list>
#include <string>

#include "cl_context.h"
#include "cl_error.h"
#include "cl_ops.h"
#include "cl_stream.h"

namespace tsr::opencl {
namespace {

// Kernel names of the ops, in tsr_unary_op / tsr_binary_op order.
const char* const kUnaryNames[] = {
    "abs",  "negative", "exp",  "expm1",   "log",  "log1p", "sqrt",  "rsqrt",
    "square", "sin",    "cos",  "tan",     "tanh", "sigmoid", "relu", "gelu",
    "silu", "floor",    "ceil", "round",   "sign", "logical_not", "isnan", "isinf"};
static_assert(sizeof(kUnaryNames) / sizeof(kUnaryNames[0]) == TSR_UNARY_OP_COUNT, "unary names");

const char* const kBinaryNames[] = {
    "add",   "subtract",  "multiply", "divide",     "floor_divide", "remainder",
    "pow",   "maximum",   "minimum",  "equal",      "not_equal",    "less",
    "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor",
    "bitwise_and", "bitwise_or", "bitwise_xor"};
static_assert(sizeof(kBinaryNames) / sizeof(kBinaryNames[0]) == TSR_BINARY_OP_COUNT,
              "binary names");

bool all_contiguous(const TensorDesc* const* d, int n) {
  for (int i = 0; i < n; ++i)
    if (!d[i]->is_contiguous()) return false;
  return true;
}

// Element offsets of every operand; *vec4 says whether all are multiples of
// 4 (4-vectors at them are then aligned).
Status offsets_of(Launch& L, const TensorDesc* const* d, int n, int64_t* off, bool* vec4) {
  *vec4 = true;
  for (int i = 0; i < n; ++i) {
    Status st = element_offset(*d[i], L.op(), &off[i]);
    if (!st.ok()) return st;
    *vec4 = *vec4 && off[i] % 4 == 0;
  }
  return Status::Ok();
}

// Launches <stem>_c or <stem>_s of program (family, defines) over descs
// (descs[0] is the output): n, [layout], (buffer, offset) per operand, then
// whatever `extra` appends. `vec4_kernel`: the contiguous kernel takes four
// elements per work-item when every offset is a multiple of 4 (binary.cl),
// so the grid needs a quarter of the work-items (the kernel is correct
// whatever the grid; this only sizes it).
// `slot`: where ProgramCache remembers the kernel for the contiguous form
// (slot + 1: the strided one), or kNoSlot; `names` builds family, defines
// and stem, called only when the kernel is not remembered yet.
constexpr size_t kNoSlot = ~size_t(0);
struct KernelNames {
  std::string family, defines, stem;
};
Status launch_map(Launch& L, size_t slot, const std::function<KernelNames()>& names,
                  std::initializer_list<const TensorDesc*> operands,
                  const std::function<void(Args&)>& extra = {}, bool vec4_kernel = false) {
  const TensorDesc* d[4] = {};
  int n = 0;
  for (const TensorDesc* p : operands) d[n++] = p;
  const int64_t numel = d[0]->numel();
  if (numel == 0) return Status::Ok();
  const bool contiguous = all_contiguous(d, n);
  int64_t off[4] = {};
  bool vec4 = false;
  Status st = offsets_of(L, d, n, off, &vec4);
  if (!st.ok()) return st;
  const bool vec = vec4_kernel && contiguous && vec4;
  ProgramCache& programs = L.ctx().programs();
  const size_t at = slot == kNoSlot ? kNoSlot : slot + (contiguous ? 0 : 1);
  Kernel* k = programs.slot(at);
  if (!k) {
    const KernelNames kn = names();
    st = L.kernel(kn.family, kn.defines, kn.stem + (contiguous ? "_c" : "_s"), &k);
    if (!st.ok()) return st;
    programs.remember(at, k);
  }
  Args a;
  a.i64(numel);
  if (!contiguous) a.layout(make_layout(d, n));
  for (int i = 0; i < n; ++i) a.mem(mem_of(*d[i])).i64(off[i]);
  if (extra) extra(a);
  // Vectors: one work-item per 4-vector, and at least one per tail element.
  return L.run_1d(k, a, vec ? std::max(numel / 4, numel % 4) : numel);
}

// Remembered kernels of unary (0), binary (1) and scalar (2) ops: two slots
// (contiguous, strided) per kind, op code and dtype of the program.
size_t op_slot(int kind, int code, tsr_dtype dtype) {
  static_assert(TSR_UNARY_OP_COUNT <= 32 && TSR_BINARY_OP_COUNT <= 32, "op codes fit 5 bits");
  static_assert(3 * 32 * 16 * 2 <= ProgramCache::kSlots, "slots");
  if (int(dtype) < 0 || int(dtype) >= 16) return kNoSlot;
  return ((size_t(kind) * 32 + size_t(code)) * 16 + size_t(dtype)) * 2;
}

// Contiguous binary kernels have a 4-vector path for every dtype but
// float16 (kernels/binary.cl).
bool has_vec_kernels(tsr_dtype program_dtype) { return program_dtype != TSR_FLOAT16; }

std::string raw_defines(tsr_dtype d, const char* op) {
  return "-DR=" + std::to_string(dtype_size(d)) + " -DOP_" + op + "=1";
}

bool ranges_overlap(const TensorDesc& a, const TensorDesc& b, int64_t bytes) {
  return a.base == b.base && a.offset < b.offset + bytes && b.offset < a.offset + bytes;
}

}  // namespace

Status copy_desc(Launch& L, const TensorDesc& dst, const TensorDesc& src) {
  const int64_t n = dst.numel();
  if (n == 0) return Status::Ok();
  if (dst.dtype == src.dtype) {
    const int64_t bytes = n * dtype_size(dst.dtype);
    if (dst.is_contiguous() && src.is_contiguous()) {
      if (dst.base == src.base && dst.offset == src.offset) return Status::Ok();
      if (!ranges_overlap(dst, src, bytes)) {
        cl_event ev = nullptr;
        cl_int err = clEnqueueCopyBuffer(L.stream().queue(), mem_of(src), mem_of(dst),
                                         size_t(src.offset), size_t(dst.offset), size_t(bytes), 0,
                                         nullptr, &ev);
        if (err != CL_SUCCESS) return L.fail(err, "clEnqueueCopyBuffer");
        L.track(ev);
        return Status::Ok();
      }
    }
    return launch_map(L, kNoSlot, [&] {
      return KernelNames{"raw", raw_defines(dst.dtype, "copy"), "copy"};
    }, {&dst, &src});
  }
  return launch_map(L, kNoSlot, [&] {
    return KernelNames{"convert", dtype_define(src.dtype) + " -DDST=" + dtype_tag(dst.dtype),
                       std::string("to_") + dtype_tag(dst.dtype)};
  }, {&dst, &src});
}

Status fill_desc(Launch& L, const TensorDesc& dst, double value) {
  const int64_t n = dst.numel();
  if (n == 0) return Status::Ok();
  const ScalarArg bits = storage_scalar(dst.dtype, value);
  if (dst.is_contiguous()) {
    int64_t off = 0;
    Status st = element_offset(dst, L.op(), &off);
    if (!st.ok()) return st;
    cl_event ev = nullptr;
    cl_int err = clEnqueueFillBuffer(L.stream().queue(), mem_of(dst), bits.bytes, bits.size,
                                     size_t(dst.offset), size_t(n) * bits.size, 0, nullptr, &ev);
    if (err != CL_SUCCESS) return L.fail(err, "clEnqueueFillBuffer");
    L.track(ev);
    return Status::Ok();
  }
  const TensorDesc* d[1] = {&dst};
  const ClLayout layout = make_layout(d, 1);
  Kernel* k = nullptr;
  Status st = L.kernel("raw", raw_defines(dst.dtype, "fill"), "fill_s", &k);
  if (!st.ok()) return st;
  int64_t off = 0;
  st = element_offset(dst, L.op(), &off);
  if (!st.ok()) return st;
  Args a;
  a.i64(n).layout(layout).mem(mem_of(dst)).i64(off).scalar(bits);
  return L.run_1d(k, a, n);
}

Status run_elementwise(Launch& L, const OpCall& c) {
  switch (c.kind) {
    case OpKind::Unary:
      if (c.code < 0 || c.code >= TSR_UNARY_OP_COUNT) break;
      return launch_map(L, op_slot(0, c.code, c.in[0].dtype), [&] {
        return KernelNames{"unary", op_defines(c.in[0].dtype, kUnaryNames[c.code]),
                           std::string("unary_") + kUnaryNames[c.code]};
      }, {&c.out, &c.in[0]});
    case OpKind::Binary:
      if (c.code < 0 || c.code >= TSR_BINARY_OP_COUNT) break;
      return launch_map(L, op_slot(1, c.code, c.in[0].dtype), [&] {
        return KernelNames{"binary", op_defines(c.in[0].dtype, kBinaryNames[c.code]),
                           std::string("binary_") + kBinaryNames[c.code]};
      }, {&c.out, &c.in[0], &c.in[1]}, {}, has_vec_kernels(c.in[0].dtype));
    case OpKind::BinaryScalar: {
      if (c.code < 0 || c.code >= TSR_BINARY_OP_COUNT) break;
      const ScalarArg s = compute_scalar(c.in[0].dtype, c.scalar[0]);
      const int32_t first = (c.flags & 1) ? 1 : 0;
      return launch_map(L, op_slot(2, c.code, c.in[0].dtype), [&] {
        return KernelNames{"binary", op_defines(c.in[0].dtype, kBinaryNames[c.code]),
                           std::string("bscalar_") + kBinaryNames[c.code]};
      }, {&c.out, &c.in[0]}, [&](Args& a) { a.scalar(s).i32(first); },
                        has_vec_kernels(c.in[0].dtype));
    }
    case OpKind::Where:
      return launch_map(L, kNoSlot, [&] {
        return KernelNames{"raw", raw_defines(c.out.dtype, "where"), "where"};
      }, {&c.out, &c.in[0], &c.in[1], &c.in[2]});
    case OpKind::Copy: return copy_desc(L, c.out, c.in[0]);
    case OpKind::Fill: return fill_desc(L, c.out, c.scalar[0]);
    default: break;
  }
  return Status::Err(TSR_ERROR_INTERNAL,
                     std::string(c.name) + ": run_elementwise got kind " +
                         std::to_string(int(c.kind)) + " code " + std::to_string(c.code));
}

}  // namespace tsr::opencl
