// CPU streams: an in-order queue drained by a worker thread, so CPU work is
// asynchronous and ordered exactly as on a GPU stream. A small op issued to
// an idle stream runs at once on the caller's thread: the order is the same
// and it saves the hand-off to the worker.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/backend.h"

namespace tsr::cpu {

class CpuEvent;

class CpuStream : public BackendStream {
 public:
  using Task = std::function<Status()>;
  ~CpuStream() override;

  // Enqueues `task`; `name` labels its error. `inline_ok` lets a small task
  // run on the calling thread when the stream is idle.
  void submit(const char* name, Task task, bool inline_ok);

  Status synchronize() override;
  Status query(bool* done) override;
  void* native_handle() override { return nullptr; }
  Status record(BackendEvent* event) override;
  Status wait(BackendEvent* event) override;

 private:
  // Shared with the worker thread, so the worker may outlive the stream: a
  // task's cleanup can drop the last reference to the context, destroying
  // its default stream on that stream's own worker.
  struct State {
    std::mutex mu;
    std::condition_variable work_cv, idle_cv;
    std::deque<std::pair<const char*, Task>> queue;
    bool busy = false;
    bool stop = false;
    std::thread::id worker_id;
    Status error;  // the first asynchronous failure, reported at the next synchronize
    void note_error(const char* name, const Status& st);
  };
  static void worker_loop(const std::shared_ptr<State>& state);
  bool on_worker() const { return std::this_thread::get_id() == state_->worker_id; }

  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::thread worker_;
};

class CpuEvent : public BackendEvent {
 public:
  Status synchronize() override;
  Status query(bool* done) override;
  Status elapsed_ms(BackendEvent* end, float* out) override;

  // Shared with queued tasks, so releasing the event never strands them.
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    uint64_t recorded = 0, completed = 0;
    std::chrono::steady_clock::time_point time{};
    void complete(uint64_t version);
    void wait_for(uint64_t version);
  };
  const std::shared_ptr<State>& state() { return state_; }

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace tsr::cpu
