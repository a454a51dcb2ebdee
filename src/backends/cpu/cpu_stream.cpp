#include "backends/cpu/cpu_stream.h"

#include <string>

namespace tsr::cpu {

CpuStream::~CpuStream() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
    stop_ = true;
  }
  work_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void CpuStream::note_error(const char* name, const Status& st) {
  if (st.ok() || !error_.ok()) return;
  error_ = Status::Err(TSR_ERROR_ASYNC, std::string("asynchronous failure in op '") + name +
                                            "': " + tsr_status_string(st.code) + ": " + st.message);
}

void CpuStream::submit(const char* name, Task task, bool inline_ok) {
  std::unique_lock<std::mutex> lock(mu_);
  if (inline_ok && queue_.empty() && !busy_) {
    busy_ = true;
    lock.unlock();
    Status st = task();
    lock.lock();
    note_error(name, st);
    busy_ = false;
    if (!queue_.empty()) work_cv_.notify_one();
    else idle_cv_.notify_all();
    return;
  }
  queue_.emplace_back(name, std::move(task));
  if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });
  work_cv_.notify_one();
}

void CpuStream::worker_loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || (!queue_.empty() && !busy_); });
    if (stop_ && queue_.empty()) return;
    auto item = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status st = item.second();
    item.second = nullptr;  // drop captured references before reporting idle
    lock.lock();
    note_error(item.first, st);
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

Status CpuStream::synchronize() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
  Status st = std::move(error_);
  error_ = Status::Ok();
  return st;
}

Status CpuStream::query(bool* done) {
  std::lock_guard<std::mutex> lock(mu_);
  *done = queue_.empty() && !busy_;
  return Status::Ok();
}

Status CpuStream::record(BackendEvent* event) {
  auto state = static_cast<CpuEvent*>(event)->state();
  uint64_t v;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    v = ++state->recorded;
  }
  submit("event_record", [state, v] { state->complete(v); return Status::Ok(); }, true);
  return Status::Ok();
}

Status CpuStream::wait(BackendEvent* event) {
  auto state = static_cast<CpuEvent*>(event)->state();
  uint64_t v;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    v = state->recorded;
    if (state->completed >= v) return Status::Ok();
  }
  submit("stream_wait_event", [state, v] { state->wait_for(v); return Status::Ok(); }, false);
  return Status::Ok();
}

void CpuEvent::State::complete(uint64_t version) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (version > completed) {
      completed = version;
      time = std::chrono::steady_clock::now();
    }
  }
  cv.notify_all();
}

void CpuEvent::State::wait_for(uint64_t version) {
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return completed >= version; });
}

Status CpuEvent::synchronize() {
  uint64_t v;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    v = state_->recorded;
  }
  state_->wait_for(v);
  return Status::Ok();
}

Status CpuEvent::query(bool* done) {
  std::lock_guard<std::mutex> lock(state_->mu);
  *done = state_->completed >= state_->recorded;
  return Status::Ok();
}

Status CpuEvent::elapsed_ms(BackendEvent* end, float* out) {
  auto a = state_, b = static_cast<CpuEvent*>(end)->state();
  std::chrono::steady_clock::time_point t0, t1;
  bool ok;
  {
    std::lock_guard<std::mutex> lock(a->mu);
    ok = a->recorded > 0 && a->completed >= a->recorded;
    t0 = a->time;
  }
  {
    std::lock_guard<std::mutex> lock(b->mu);
    ok = ok && b->recorded > 0 && b->completed >= b->recorded;
    t1 = b->time;
  }
  if (!ok) return Status::Err(TSR_ERROR_INVALID_ARGUMENT, "both events must be recorded and complete");
  *out = std::chrono::duration<float, std::milli>(t1 - t0).count();
  return Status::Ok();
}

}  // namespace tsr::cpu
