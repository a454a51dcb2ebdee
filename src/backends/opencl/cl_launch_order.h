// Launches of one kernel that must not overlap (PoCL). PoCL keeps, process
// wide, one entry per compiled kernel (its program's build hash: the same in
// every context), work-group size and largest grid it has run; a launch
// takes the first entry whose grid is large enough, or adds one when none
// is, and a finished launch gives back the FIRST entry of its kernel and
// work-group size, whatever its grid. When launches of one kernel with
// growing grids overlap, that is another entry than the one taken, and with
// three in flight one reaches zero: PoCL aborts the process
// (pocl_release_dlhandle_cache: Assertion 'found->ref_count > 0'). Seen
// with PoCL 3.1 (Debian 12), whose worker threads look up the entry twice
// per launch and give it back once, so it takes three launches in flight;
// newer PoCL sources still give back by kernel and work-group size only.
// Reproduced by tests/backends/test_opencl_concurrent_kernels.cpp.
//
// So on PoCL each kernel (by program text, options, device and name: what
// PoCL's hash covers) has a LaunchOrder, and a launch whose kernel's
// previous launch is still pending on another queue (any context) first
// waits for it on the host. Launches on one queue are ordered already
// (in-order queues). A host wait, not a wait-list entry: a failure of the
// other stream's command must not become this stream's, and PoCL is a CPU
// device, where launches of one kernel gain nothing from overlapping.
// CLBlast's kernels share one LaunchOrder (clblast_launch_order()).
#pragma once
#include <CL/cl.h>

#include <mutex>
#include <string>

#include "core/status.h"

namespace tsr::opencl {

struct LaunchOrder {
  std::mutex mu;
  cl_event last = nullptr;  // the latest launch (retained), under mu
};

// The process-wide order for `identity` (created on first use, never freed).
LaunchOrder* launch_order(const std::string& identity);
// The one order of every CLBlast call.
LaunchOrder* clblast_launch_order();

// With o.mu held, before enqueueing on `queue`: waits until the previous
// launch has finished when it is pending on another queue. Its outcome is
// not this launch's (a failure surfaces on its own stream).
Status wait_for_previous(LaunchOrder& o, cl_command_queue queue);
// With o.mu held, after the enqueue: `ev` (retained here) becomes the latest.
void record_launch(LaunchOrder& o, cl_event ev);
// Drops every recorded launch of `context` (its teardown: nothing of it may
// stay retained).
void forget_launches(cl_context context);

}  // namespace tsr::opencl
