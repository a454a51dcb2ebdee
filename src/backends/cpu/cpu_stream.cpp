#include "backends/cpu/cpu_stream.h"

#include <string>

namespace tsr::cpu {

CpuStream::~CpuStream() {
  std::unique_lock<std::mutex> lock(state_->mu);
  if (on_worker()) {
    // Destroyed by a task's cleanup on our own worker: it cannot be joined
    // from here. It finishes what is queued (event records at most, since
    // no tensor of the dying context remains) and exits on its own.
    state_->stop = true;
    lock.unlock();
    state_->work_cv.notify_all();
    worker_.detach();
    return;
  }
  state_->idle_cv.wait(lock, [&] { return state_->queue.empty() && !state_->busy; });
  state_->stop = true;
  lock.unlock();
  state_->work_cv.notify_all();
  if (worker_.joinable()) worker_.join();
}

void CpuStream::State::note_error(const char* name, const Status& st) {
  if (st.ok() || !error.ok()) return;
  error = Status::Err(TSR_ERROR_ASYNC, std::string("asynchronous failure in op '") + name +
                                           "': " + tsr_status_string(st.code) + ": " + st.message);
}

void CpuStream::submit(const char* name, Task task, bool inline_ok) {
  State& s = *state_;
  std::unique_lock<std::mutex> lock(s.mu);
  if (inline_ok && s.queue.empty() && !s.busy) {
    s.busy = true;
    lock.unlock();
    Status st = task();
    lock.lock();
    s.note_error(name, st);
    s.busy = false;
    if (!s.queue.empty()) s.work_cv.notify_one();
    else s.idle_cv.notify_all();
    return;
  }
  s.queue.emplace_back(name, std::move(task));
  if (!worker_.joinable()) {
    worker_ = std::thread([state = state_] { worker_loop(state); });
    s.worker_id = worker_.get_id();
  }
  s.work_cv.notify_one();
}

void CpuStream::worker_loop(const std::shared_ptr<State>& state) {
  State& s = *state;
  std::unique_lock<std::mutex> lock(s.mu);
  for (;;) {
    s.work_cv.wait(lock, [&] { return s.stop || (!s.queue.empty() && !s.busy); });
    if (s.stop && s.queue.empty()) return;
    auto item = std::move(s.queue.front());
    s.queue.pop_front();
    s.busy = true;
    lock.unlock();
    Status st = item.second();
    item.second = nullptr;  // drop captured references before reporting idle
    lock.lock();
    s.note_error(item.first, st);
    s.busy = false;
    if (s.queue.empty()) s.idle_cv.notify_all();
  }
}

Status CpuStream::synchronize() {
  std::unique_lock<std::mutex> lock(state_->mu);
  // On our own worker (the context dying in a task's cleanup) there is
  // nothing to wait for that this thread is not already running.
  if (!on_worker())
    state_->idle_cv.wait(lock, [&] { return state_->queue.empty() && !state_->busy; });
  Status st = std::move(state_->error);
  state_->error = Status::Ok();
  return st;
}

Status CpuStream::query(bool* done) {
  std::lock_guard<std::mutex> lock(state_->mu);
  *done = state_->queue.empty() && !state_->busy;
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
