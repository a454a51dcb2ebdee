#include "cl_launch_order.h"

#include <map>
#include <memory>

#include "cl_error.h"

namespace tsr::opencl {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, std::unique_ptr<LaunchOrder>> orders;
};

// Never destroyed: launches may be recorded until the process ends.
Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

}  // namespace

LaunchOrder* launch_order(const std::string& identity) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto& slot = r.orders[identity];
  if (!slot) slot = std::make_unique<LaunchOrder>();
  return slot.get();
}

LaunchOrder* clblast_launch_order() {
  static LaunchOrder* o = launch_order(std::string("\x01") + "CLBlast, every routine");
  return o;
}

Status wait_for_previous(LaunchOrder& o, cl_command_queue queue) {
  if (!o.last) return Status::Ok();
  cl_int status = CL_COMPLETE;
  cl_int err = clGetEventInfo(o.last, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(status), &status,
                              nullptr);
  if (err != CL_SUCCESS) return cl_failure(err, "clGetEventInfo", "the kernel's previous launch");
  if (status > CL_COMPLETE) {  // queued, submitted or running
    cl_command_queue previous = nullptr;
    err = clGetEventInfo(o.last, CL_EVENT_COMMAND_QUEUE, sizeof(previous), &previous, nullptr);
    if (err != CL_SUCCESS) return cl_failure(err, "clGetEventInfo", "the kernel's previous launch");
    if (previous == queue) return Status::Ok();  // in-order: it runs first anyway
    // Progress of the other queue's commands needs them flushed.
    err = clFlush(previous);
    if (err != CL_SUCCESS) return cl_failure(err, "clFlush", "the kernel's previous launch");
    // Its failure is reported on its own stream; only its end matters here.
    (void)clWaitForEvents(1, &o.last);
  }
  clReleaseEvent(o.last);
  o.last = nullptr;
  return Status::Ok();
}

void record_launch(LaunchOrder& o, cl_event ev) {
  if (!ev || clRetainEvent(ev) != CL_SUCCESS) return;
  if (o.last) clReleaseEvent(o.last);
  o.last = ev;
}

void forget_launches(cl_context context) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  for (auto& [identity, o] : r.orders) {
    std::lock_guard<std::mutex> order_lock(o->mu);
    cl_context of = nullptr;
    if (o->last &&
        clGetEventInfo(o->last, CL_EVENT_CONTEXT, sizeof(of), &of, nullptr) == CL_SUCCESS &&
        of == context) {
      clReleaseEvent(o->last);
      o->last = nullptr;
    }
  }
}

}  // namespace tsr::opencl
