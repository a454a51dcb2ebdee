#include "cl_stream.h"

#include <algorithm>
#include <string>

#include "cl_error.h"

namespace tsr::opencl {
namespace {

// Tracked commands beyond this are pruned as they finish.
constexpr size_t kPruneAt = 64;

cl_int event_status(cl_event e) {
  cl_int s = CL_QUEUED;
  cl_int err = clGetEventInfo(e, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(s), &s, nullptr);
  return err == CL_SUCCESS ? s : err;
}

}  // namespace

ClStream::ClStream(cl_context context, cl_command_queue queue, StreamOrder* order,
                   bool is_default, bool blocking)
    : queue_(queue), scratch_(context), order_(order) {
  if (order_) order_->add(this, is_default, blocking);
}

ClStream::~ClStream() {
  if (order_) order_->remove(this);
  clFinish(queue_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    prune_locked(true);
    if (last_) clReleaseEvent(last_);
    if (waited_default_) clReleaseEvent(waited_default_);
    if (seen_by_default_) clReleaseEvent(seen_by_default_);
  }
  clReleaseCommandQueue(queue_);
}

void ClStream::track(cl_event event, const char* name) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.push_back({event, name});
  clRetainEvent(event);
  if (last_) clReleaseEvent(last_);
  last_ = event;
  if (pending_.size() > kPruneAt) prune_locked(false);
}

cl_event ClStream::last_event() {
  std::lock_guard<std::mutex> lock(mu_);
  if (last_) clRetainEvent(last_);
  return last_;
}

Status ClStream::order_before_work() { return order_ ? order_->before_work(*this) : Status::Ok(); }

void StreamOrder::add(ClStream* s, bool is_default, bool blocking) {
  std::lock_guard<std::mutex> lock(mu_);
  if (is_default) default_ = s;
  else if (blocking) blocking_.push_back(s);
}

void StreamOrder::remove(ClStream* s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (default_ == s) default_ = nullptr;
  for (size_t i = 0; i < blocking_.size(); ++i)
    if (blocking_[i] == s) {
      blocking_[i] = blocking_.back();
      blocking_.pop_back();
      break;
    }
}

Status StreamOrder::before_work(ClStream& s) {
  std::vector<cl_event> waits;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // What `s` must wait for of `other`: its last command, unless
    // finished or already waited for (remembered in `seen`, retained).
    auto consider = [&](ClStream& other, cl_event& seen) {
      cl_event e = other.last_event();
      if (!e) return;
      if (e == seen || event_status(e) <= CL_COMPLETE) {
        clReleaseEvent(e);
        return;
      }
      clRetainEvent(e);
      if (seen) clReleaseEvent(seen);
      seen = e;
      waits.push_back(e);
    };
    if (&s == default_) {
      // Each blocking stream remembers what the default stream waited for.
      for (ClStream* b : blocking_) consider(*b, b->seen_by_default_);
    } else if (default_ && std::find(blocking_.begin(), blocking_.end(), &s) != blocking_.end()) {
      consider(*default_, s.waited_default_);
    }
  }
  if (waits.empty()) return Status::Ok();
  cl_int err = clEnqueueBarrierWithWaitList(s.queue(), cl_uint(waits.size()), waits.data(), nullptr);
  for (cl_event e : waits) clReleaseEvent(e);
  if (err != CL_SUCCESS)
    return cl_failure(err, "clEnqueueBarrierWithWaitList", "ordering with the default stream");
  return Status::Ok();
}

void ClStream::prune_locked(bool all) {
  while (!pending_.empty()) {
    Pending& p = pending_.front();
    cl_int s = event_status(p.event);
    if (s > CL_COMPLETE && !all) break;  // still queued or running: so is what follows
    if (s < 0 && error_.ok())
      error_ = Status::Err(TSR_ERROR_ASYNC, std::string(p.name) +
                                                ": the device reported a failure of an earlier "
                                                "asynchronous command: " +
                                                cl_error_name(s) + " (" + std::to_string(s) + ")");
    clReleaseEvent(p.event);
    pending_.pop_front();
  }
}

Status ClStream::take_error() {
  std::lock_guard<std::mutex> lock(mu_);
  prune_locked(false);
  Status st = std::move(error_);
  error_ = Status::Ok();
  return st;
}

Status ClStream::synchronize() {
  cl_int err = clFinish(queue_);
  std::lock_guard<std::mutex> lock(mu_);
  prune_locked(true);
  Status st = std::move(error_);
  error_ = Status::Ok();
  if (st.ok() && err != CL_SUCCESS) st = cl_failure(err, "clFinish", "stream synchronize");
  return st;
}

Status ClStream::query(bool* done) {
  // Without a flush, queued work might never start and a poll loop would spin forever.
  cl_int err = clFlush(queue_);
  if (err != CL_SUCCESS) return cl_failure(err, "clFlush", "stream query");
  std::lock_guard<std::mutex> lock(mu_);
  *done = pending_.empty() || event_status(pending_.back().event) <= CL_COMPLETE;
  return Status::Ok();
}

Status ClStream::record(BackendEvent* event) {
  cl_event marker = nullptr;
  cl_int err = clEnqueueMarkerWithWaitList(queue_, 0, nullptr, &marker);
  if (err != CL_SUCCESS) return cl_failure(err, "clEnqueueMarkerWithWaitList", "event record");
  static_cast<ClEvent*>(event)->set(marker);
  // Flushed, so the marker completes even if nobody waits on it (queries).
  err = clFlush(queue_);
  if (err != CL_SUCCESS) return cl_failure(err, "clFlush", "event record");
  return Status::Ok();
}

Status ClStream::wait(BackendEvent* event) {
  cl_event marker = static_cast<ClEvent*>(event)->get();
  if (!marker) return Status::Ok();  // never recorded: nothing to wait for
  cl_int err = clEnqueueBarrierWithWaitList(queue_, 1, &marker, nullptr);
  clReleaseEvent(marker);
  if (err != CL_SUCCESS) return cl_failure(err, "clEnqueueBarrierWithWaitList", "stream wait event");
  return Status::Ok();
}

ClEvent::~ClEvent() {
  if (marker_) clReleaseEvent(marker_);
}

void ClEvent::set(cl_event marker) {
  std::lock_guard<std::mutex> lock(mu_);
  if (marker_) clReleaseEvent(marker_);
  marker_ = marker;
}

cl_event ClEvent::get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (marker_) clRetainEvent(marker_);
  return marker_;
}

Status ClEvent::synchronize() {
  cl_event m = get();
  if (!m) return Status::Ok();
  cl_int err = clWaitForEvents(1, &m);
  cl_int s = event_status(m);
  clReleaseEvent(m);
  if (s < 0 || err != CL_SUCCESS)
    return Status::Err(TSR_ERROR_ASYNC, "work before the event failed on the device: " +
                                            cl_error_name(s < 0 ? s : err));
  return Status::Ok();
}

Status ClEvent::query(bool* done) {
  cl_event m = get();
  if (!m) {
    *done = true;
    return Status::Ok();
  }
  *done = event_status(m) <= CL_COMPLETE;
  clReleaseEvent(m);
  return Status::Ok();
}

Status ClEvent::elapsed_ms(BackendEvent* end, float* out) {
  cl_event a = get(), b = static_cast<ClEvent*>(end)->get();
  Status st;
  cl_ulong t0 = 0, t1 = 0;
  if (!a || !b || event_status(a) != CL_COMPLETE || event_status(b) != CL_COMPLETE) {
    st = Status::Err(TSR_ERROR_INVALID_ARGUMENT, "both events must be recorded and complete");
  } else {
    cl_int err = clGetEventProfilingInfo(a, CL_PROFILING_COMMAND_END, sizeof(t0), &t0, nullptr);
    if (err == CL_SUCCESS)
      err = clGetEventProfilingInfo(b, CL_PROFILING_COMMAND_END, sizeof(t1), &t1, nullptr);
    if (err == CL_PROFILING_INFO_NOT_AVAILABLE)
      st = Status::Err(TSR_ERROR_UNSUPPORTED,
                       "event timing needs a queue with CL_QUEUE_PROFILING_ENABLE (a wrapped "
                       "queue was created without it)");
    else if (err != CL_SUCCESS)
      st = cl_failure(err, "clGetEventProfilingInfo", "event elapsed time");
    else
      *out = float((double(t1) - double(t0)) * 1e-6);
  }
  if (a) clReleaseEvent(a);
  if (b) clReleaseEvent(b);
  return st;
}

}  // namespace tsr::opencl
