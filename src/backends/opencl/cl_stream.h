// Streams and events of the OpenCL backend. A stream is an in-order command
// queue with profiling enabled (its own, or a caller's wrapped queue); an
// event is a marker's cl_event, whose profiling timestamps time the work.
// Every command a stream enqueues is tracked with the name of its op, so a
// failure that happens asynchronously on the device is reported, with that
// name, by the next call that synchronizes the stream.
#pragma once
#include <CL/cl.h>

#include <deque>
#include <mutex>
#include <vector>

#include "cl_memory.h"
#include "core/backend.h"

namespace tsr::opencl {

class StreamOrder;

class ClStream : public BackendStream {
 public:
  // Takes one reference to `queue` (released by the destructor). `order`
  // (may be null) applies the default-stream rule to this stream.
  ClStream(cl_context context, cl_command_queue queue, StreamOrder* order = nullptr,
           bool is_default = false, bool blocking = false);
  ~ClStream() override;

  Status synchronize() override;
  Status query(bool* done) override;
  void* native_handle() override { return queue_; }
  Status record(BackendEvent* event) override;
  Status wait(BackendEvent* event) override;

  cl_command_queue queue() const { return queue_; }
  Scratch& scratch() { return scratch_; }
  // Held while one op is enqueued, so concurrent callers of one stream do
  // not share its scratch.
  std::mutex& op_mutex() { return op_mu_; }
  // Takes ownership of `event`, the completion of work done for op `name`
  // (a static string). Failures show up at the next synchronize.
  void track(cl_event event, const char* name);
  // The first failure among tracked work that has finished, cleared once
  // reported. Does not wait.
  Status take_error();
  // Enqueues the waits the default-stream rule asks for before new work.
  Status order_before_work();
  // The completion event of the last tracked command (a new reference), or null.
  cl_event last_event();

 private:
  friend class StreamOrder;
  struct Pending {
    cl_event event;
    const char* name;
  };
  // Releases finished work from the front (all of it when `all`), noting failures.
  void prune_locked(bool all);

  cl_command_queue queue_;
  Scratch scratch_;
  StreamOrder* order_;
  std::mutex op_mu_;
  std::mutex mu_;
  std::deque<Pending> pending_;
  cl_event last_ = nullptr;    // retained: the last tracked command
  // Retained events of the default-stream rule (guarded by StreamOrder's lock):
  cl_event waited_default_ = nullptr;   // the default stream's, this stream last waited for
  cl_event seen_by_default_ = nullptr;  // this stream's, the default stream last waited for
  Status error_;
};

// CUDA's legacy default-stream rule, which Tessera's stream flags name
// (TSR_STREAM_NON_BLOCKING opts out): work on a blocking stream waits for
// the work issued before it on the context's default stream, and work on the
// default stream waits for the work issued before it on every blocking
// stream. So a tensor made on the default stream can be used on another
// stream without an event, as on CUDA. Wrapped queues stay out of it.
class StreamOrder {
 public:
  void add(ClStream* s, bool is_default, bool blocking);
  void remove(ClStream* s);
  // The barrier `s` needs before new work (nothing when it needs none).
  Status before_work(ClStream& s);

 private:
  std::mutex mu_;
  ClStream* default_ = nullptr;
  std::vector<ClStream*> blocking_;
};

class ClEvent : public BackendEvent {
 public:
  ~ClEvent() override;
  Status synchronize() override;
  Status query(bool* done) override;
  Status elapsed_ms(BackendEvent* end, float* out) override;

  // Replaces the recorded marker (takes ownership of `marker`).
  void set(cl_event marker);
  // The current marker with a reference for the caller, or null.
  cl_event get();

 private:
  std::mutex mu_;
  cl_event marker_ = nullptr;
};

}  // namespace tsr::opencl
