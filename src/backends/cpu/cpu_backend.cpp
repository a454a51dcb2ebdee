// The built-in CPU backend: devices, contexts, host memory and op dispatch
// onto CPU streams.
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "backends/cpu/cpu_kernels.h"
#include "backends/cpu/cpu_stream.h"
#include "core/error.h"
#include "core/registry.h"

namespace tsr::cpu {
namespace {

// Ops this small run inline when their stream is idle (see CpuStream).
constexpr int64_t kInlineElements = 1 << 15;

constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kHugeThreshold = size_t(4) << 20;

class HostMemory : public DeviceMemory {
 public:
  Status allocate(size_t bytes, void** out) override {
    // 64-byte alignment: cache lines and the widest vector loads. Large
    // blocks are 2 MiB aligned and asked to be backed by transparent huge
    // pages: streaming kernels then take far fewer TLB misses, and hardware
    // prefetchers, which stop at page boundaries, run on.
    const size_t align = bytes >= kHugeThreshold ? kHugePage : 64;
    size_t rounded = (bytes + align - 1) & ~(align - 1);
    void* p = std::aligned_alloc(align, rounded ? rounded : align);
    if (!p) return Status::Err(TSR_ERROR_OUT_OF_MEMORY, "aligned_alloc failed");
    if (align == kHugePage) madvise(p, rounded, MADV_HUGEPAGE);  // advisory: failure is harmless
    *out = p;
    return Status::Ok();
  }
  void free(void* ptr) override { std::free(ptr); }
  Status zero(void* base, int64_t offset, size_t bytes, BackendStream*) override {
    std::memset(static_cast<char*>(base) + offset, 0, bytes);
    return Status::Ok();
  }
};

class CpuContext : public BackendContext {
 public:
  // TESSERA_CPU_FAIL_OP=<op name> makes every launch of that op fail when
  // it runs (asynchronously), so tests can exercise the deferred-error
  // path; read once per context.
  CpuContext() {
    if (const char* op = std::getenv("TESSERA_CPU_FAIL_OP")) fail_op_ = op;
  }
  DeviceMemory* memory() override { return &memory_; }
  Status create_stream(uint32_t, BackendStream** out) override {
    *out = new CpuStream();
    return Status::Ok();
  }
  Status wrap_stream(void*, BackendStream**) override {
    return Status::Err(TSR_ERROR_UNSUPPORTED, "the CPU backend has no native streams to wrap");
  }
  Status create_event(BackendEvent** out) override {
    *out = new CpuEvent();
    return Status::Ok();
  }

  Status run(const OpCall& call, BackendStream* stream) override {
    // The task owns a copy of the call and references to its storages, so
    // the caller may release every handle as soon as this returns.
    struct Task {
      OpCall call;
      explicit Task(const OpCall& c) : call(c) {
        for (Storage* s : call.storages)
          if (s) s->retain();
      }
      Task(const Task&) = delete;
      ~Task() {
        for (Storage* s : call.storages)
          if (s) s->release();
      }
    };
    auto task = std::make_shared<Task>(call);
    // Size by the larger of output and input: a reduction's output is small
    // even when its input is large, and that work must stay asynchronous.
    const int64_t work = std::max(call.out.numel(), call.n_in > 0 ? call.in[0].numel() : 0);
    bool small = work <= kInlineElements && call.kind != OpKind::Matmul &&
                 call.kind != OpKind::Linear;
    const bool inject = !fail_op_.empty() && fail_op_ == call.name;
    static_cast<CpuStream*>(stream)->submit(
        call.name,
        [task, inject] {
          if (inject) return Status::Err(TSR_ERROR_BACKEND, "injected failure (TESSERA_CPU_FAIL_OP)");
          TSR_GUARD_STATUS(execute(task->call));
        },
        small);
    return Status::Ok();
  }

  Status upload(const TensorDesc& dst, const void* src, size_t bytes, BackendStream*) override {
    // dst is freshly allocated or idle: the core synchronizes before
    // overwriting memory that queued work may use.
    std::memcpy(dst.ptr(), src, bytes);
    return Status::Ok();
  }
  Status download(void* dst, const TensorDesc& src, size_t bytes, BackendStream* stream) override {
    Status st = stream->synchronize();
    if (!st.ok()) return st;
    std::memcpy(dst, src.ptr(), bytes);
    return Status::Ok();
  }

 private:
  HostMemory memory_;
  std::string fail_op_;
};

std::string cpu_model_name() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  return "CPU";
}

class CpuBackend : public Backend {
 public:
  const char* name() override { return "cpu"; }
  tsr_device_kind kind() override { return TSR_DEVICE_CPU; }
  int32_t device_count() override { return 1; }
  Status device_info(int32_t index, DeviceInfo* out) override {
    if (index != 0) return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE, "one CPU device only");
    struct sysinfo si {};
    sysinfo(&si);
    out->kind = TSR_DEVICE_CPU;
    out->index = 0;
    out->name = cpu_model_name();
    out->total_memory = int64_t(si.totalram) * si.mem_unit;
    out->free_memory = int64_t(si.freeram) * si.mem_unit;
    out->compute_units = int32_t(sysconf(_SC_NPROCESSORS_ONLN));
    out->score = 1;
    out->dlpack_device_type = 1;  // kDLCPU
    return Status::Ok();
  }
  Status create_context(int32_t index, const ContextConfig&, BackendContext** out) override {
    if (index != 0) return Status::Err(TSR_ERROR_DEVICE_UNAVAILABLE, "one CPU device only");
    *out = new CpuContext();
    return Status::Ok();
  }
};

}  // namespace

void execute(const OpCall& call) {
  switch (call.kind) {
    case OpKind::Unary:
    case OpKind::Binary:
    case OpKind::BinaryScalar:
    case OpKind::Where:
    case OpKind::Copy:
    case OpKind::Fill:
    case OpKind::Arange: return run_elementwise(call);
    case OpKind::Random: return run_random(call);
    case OpKind::Reduce: return run_reduce(call);
    case OpKind::Matmul:
    case OpKind::Linear: return run_matmul(call);
    case OpKind::Softmax:
    case OpKind::LogSoftmax:
    case OpKind::LayerNorm:
    case OpKind::RmsNorm: return run_normalization(call);
    default: fail(TSR_ERROR_UNSUPPORTED, "op '%s' has no CPU kernel", call.name);
  }
}

}  // namespace tsr::cpu

namespace tsr {
Backend* cpu_backend() {
  static cpu::CpuBackend backend;
  return &backend;
}
}  // namespace tsr
