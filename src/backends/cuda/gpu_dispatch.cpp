// Op dispatch: an OpCall to the kernel family that runs it, on the op's
// stream and device. Every launch is checked at once (configuration errors
// come back with the op's name); faults inside kernels surface at the next
// synchronizing call on that stream, also with the op's name (GpuStream).
#include "backends/cuda/gpu_check.h"
#include "backends/cuda/gpu_context.h"
#include "backends/cuda/gpu_matmul.h"
#include "core/error.h"

namespace tsr::gpu {
namespace {

class StreamScratch : public ScratchSource {
 public:
  explicit StreamScratch(GpuStream& s) : stream_(s) {}
  Status get(size_t bytes, void** out) override { return stream_.scratch(bytes, out); }

 private:
  GpuStream& stream_;
};

}  // namespace

Status GpuContext::run(const OpCall& call, BackendStream* stream) {
  auto& s = *static_cast<GpuStream*>(stream);
  if (SubmitQueue* q = s.submit_queue()) {
    q->push(call);
    return Status::Ok();
  }
  return run_now(call, s);
}

Status GpuContext::run_now(const OpCall& call, GpuStream& s) {
  TSR_GPU_DEVICE_SCOPE(facts_.index);
  StreamScratch scratch(s);
  LaunchEnv env;
  env.stream = s.get();
  env.sm_count = facts_.sm_count;
  env.warp_size = facts_.warp_size;
  env.scratch = &scratch;
  s.note_op(call.name);
  switch (call.kind) {
    case OpKind::Unary: return launch_unary(call, env);
    case OpKind::Binary:
    case OpKind::BinaryScalar: return launch_binary(call, env);
    case OpKind::Where: return launch_where(call, env);
    case OpKind::Copy: return launch_copy(call, env);
    case OpKind::Fill: return launch_fill(call, env);
    case OpKind::Arange: return launch_arange(call, env);
    case OpKind::Random: return launch_random(call, env);
    case OpKind::Reduce: return launch_reduce(call, env);
    case OpKind::Matmul: return run_matmul(*this, call, s, env);
    case OpKind::Linear: return run_linear(*this, call, s, env);
    case OpKind::Softmax:
    case OpKind::LogSoftmax: return launch_softmax(call, env);
    case OpKind::LayerNorm:
    case OpKind::RmsNorm: return launch_norm(call, env);
    default: break;
  }
  return Status::Err(TSR_ERROR_UNSUPPORTED,
                     std::string("op '") + call.name + "' has no " TSR_GPU_NAME " kernel");
}

}  // namespace tsr::gpu
