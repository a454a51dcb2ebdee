// Helpers shared by the OpenCL backend tests (tests/backends/test_opencl_*.cpp):
// contexts on the OpenCL and CPU backends, inputs laid out contiguous,
// permuted or sliced with steps (same logical values), special values
// (NaN, infinities, integer extremes), byte-exact downloads, and running
// this test binary again as a child process (posix_spawn).
#pragma once
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>


#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "backends/opencl/startup_environment.h"
#include "support/reference.h"
#include "tessera/tessera.h"

namespace tsrtest::ocl {

inline bool opencl_available(std::string* reason = nullptr) {
  int32_t ok = 0;
  const char* why = nullptr;
  if (tsr_backend_available(TSR_DEVICE_OPENCL, &ok, &why) != TSR_OK) return false;
  if (!ok && reason) *reason = why ? why : "unknown";
  return ok != 0;
}

#define TSR_REQUIRE_OPENCL()                                                          \
  do {                                                                                \
    std::string why_;                                                                 \
    if (!::tsrtest::ocl::opencl_available(&why_))                                     \
      GTEST_SKIP() << "the OpenCL backend did not load here: " << why_;              \
  } while (0)

struct ContextGuard {
  tsr_context c = nullptr;
  ContextGuard() = default;
  explicit ContextGuard(tsr_device_kind kind) {
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = kind;
    EXPECT_EQ(tsr_context_create(&o, &c), TSR_OK) << tsr_last_error_message();
  }
  ~ContextGuard() {
    if (c) {
      EXPECT_EQ(tsr_context_synchronize(c), TSR_OK) << tsr_last_error_message();
      tsr_context_release(c);
    }
  }
  ContextGuard(const ContextGuard&) = delete;
  ContextGuard& operator=(const ContextGuard&) = delete;
  operator tsr_context() const { return c; }
};

inline tsr_device_info device_info(tsr_context ctx) {
  tsr_device dev = nullptr;
  tsr_context_get_device(ctx, &dev);
  tsr_device_info info{};
  info.size = sizeof(info);
  tsr_device_get_info(dev, &info);
  return info;
}

inline bool dtype_supported(const tsr_device_info& info, tsr_dtype d) {
  if (d == TSR_FLOAT64) return info.supports_float64;
  if (d == TSR_FLOAT16) return info.supports_float16;
  return true;
}

// Random values of `dtype` with special values mixed in: NaN, +-inf, -0 and
// halfway cases for floats; the extremes, -1 and 0 for integers (chosen to
// be exact in float64, which the test helpers go through).
inline Host special_host(const std::vector<int64_t>& shape, tsr_dtype dtype, double lo = -4,
                         double hi = 4) {
  Host h = random_host(shape, dtype, lo, hi);
  std::vector<double> specials;
  if (is_float(dtype)) {
    specials = {NAN, INFINITY, -INFINITY, -0.0, 0.5, 1.5, 2.5, -2.5, 0.0, 1.0, -1.0};
  } else if (dtype != TSR_BOOL) {
    const int bits = int(dtype_bytes(dtype) * 8);
    const bool is_signed = dtype <= TSR_INT64;
    double mn = is_signed ? -std::ldexp(1.0, bits - 1) : 0;
    double mx = is_signed ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
    if (bits == 64) mx = is_signed ? std::ldexp(1.0, 62) : std::ldexp(1.0, 63);  // exact doubles
    specials = {mn, mx, 0, 1, is_signed ? -1.0 : 2.0, mx - 1};
  }
  auto& g = rng();
  for (size_t i = 0; i < specials.size() && !h.data.empty(); ++i)
    h.data[size_t(g() % h.data.size())] = specials[i];
  return h;
}

// Byte-exact contents (C order) of a tensor.
inline std::vector<unsigned char> raw_bytes(tsr_tensor t) {
  int64_t n = 0;
  tsr_tensor_nbytes(t, &n);
  std::vector<unsigned char> v(size_t(n) + 1);
  EXPECT_EQ(tsr_tensor_to_host(t, v.data(), n, nullptr), TSR_OK) << tsr_last_error_message();
  v.resize(size_t(n));
  return v;
}

enum class Layout { Contiguous, Permuted, Sliced, Reversed };
inline const char* layout_name(Layout l) {
  switch (l) {
    case Layout::Contiguous: return "contiguous";
    case Layout::Permuted: return "permuted";
    case Layout::Sliced: return "sliced-step2";
    default: return "reversed-step-2";
  }
}

// A tensor with the logical values of `h` (C order) in layout `l`:
//   Permuted: a transposed view of the transposed data (last two axes);
//   Sliced:   every other element of a tensor twice as long (last axis);
//   Reversed: the same, walked backwards with step -2.
// Returns a new handle (the caller releases it).
inline tsr_tensor make_tensor(tsr_context ctx, const Host& h, tsr_dtype dtype, Layout l) {
  const size_t nd = h.shape.size();
  if (l == Layout::Contiguous || nd == 0 || (l == Layout::Permuted && nd < 2))
    return upload(ctx, h, dtype);
  if (l == Layout::Permuted) {
    Host t;
    t.shape = h.shape;
    std::swap(t.shape[nd - 1], t.shape[nd - 2]);
    t.data.resize(h.data.size());
    const int64_t r = h.shape[nd - 2], c = h.shape[nd - 1], mats = (r * c != 0) ? h.numel() / (r * c) : 0;
    for (int64_t m = 0; m < mats; ++m)
      for (int64_t i = 0; i < r; ++i)
        for (int64_t j = 0; j < c; ++j)
          t.data[size_t(m * r * c + j * r + i)] = h.data[size_t(m * r * c + i * c + j)];
    TensorGuard base(upload(ctx, t, dtype));
    tsr_tensor out = nullptr;
    EXPECT_EQ(tsr_tensor_transpose(base, int32_t(nd - 2), int32_t(nd - 1), &out), TSR_OK)
        << tsr_last_error_message();
    return out;
  }
  Host b = random_host(h.shape, dtype);
  b.shape.back() *= 2;
  b.data.assign(size_t(b.numel()), 0.0);
  const int64_t n = h.shape.back(), rows = n ? h.numel() / n : 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      const int64_t pos = l == Layout::Sliced ? 2 * j : 2 * n - 1 - 2 * j;
      b.data[size_t(r * 2 * n + pos)] = h.data[size_t(r * n + j)];
    }
  TensorGuard base(upload(ctx, b, dtype));
  std::vector<int64_t> starts(nd, 0), stops(nd, INT64_MAX), steps(nd, 1);
  if (l == Layout::Sliced) {
    steps[nd - 1] = 2;
  } else {
    starts[nd - 1] = INT64_MIN;
    stops[nd - 1] = INT64_MIN;
    steps[nd - 1] = -2;
  }
  tsr_tensor out = nullptr;
  EXPECT_EQ(tsr_tensor_slice(base, starts.data(), stops.data(), steps.data(), &out), TSR_OK)
      << tsr_last_error_message();
  return out;
}

// This test binary started again as a child process with `args` and extra
// environment entries (NAME=value, overriding inherited ones); its stdout
// and stderr come back through a pipe. posix_spawn, not fork(): no
// pthread_atfork handler of an OpenCL driver this process initialised runs,
// and the child starts from a fresh image (NVIDIA's driver is not fork-safe).
struct Child {
  pid_t pid = -1;
  int fd = -1;
};

inline Child spawn_self(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  // The environment as it was at start-up (see startup_environment.h: the
  // ICD loader edits the live one), with `env` on top.
  std::vector<std::string> envs = tsr::opencl::startup_environment_with(env);
  std::vector<char*> envp, argv;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  // /proc/self/exe, not its target: it still runs this binary when a
  // rebuild has replaced the file meanwhile.
  std::string self = "/proc/self/exe";
  std::vector<std::string> args_copy = args;
  argv.push_back(self.data());
  for (auto& a : args_copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  Child c;
  int fds[2];
  // Close-on-exec: a second child spawned meanwhile must not hold this pipe.
  if (pipe2(fds, O_CLOEXEC) != 0) return c;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);  // dup2 clears close-on-exec
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Nothing but stdin/stdout/stderr: a descriptor a driver opened in this
  // process without close-on-exec (a device file, another child's pipe)
  // must not reach the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    ADD_FAILURE() << "posix_spawn(" << self << "): " << std::strerror(rc);
    return c;
  }
  c.pid = pid;
  c.fd = fds[0];
  return c;
}

enum class ReadStep { Data, Idle, Closed, Deadline };

// One bounded read of the child's output into *output: Data when bytes
// arrived, Idle when none within a second (or a signal), Closed at EOF (the
// child and anything it started closed the pipe), Deadline once it passed.
inline ReadStep read_step(int fd, std::chrono::steady_clock::time_point deadline,
                          std::string* output) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return ReadStep::Deadline;
  pollfd p{fd, POLLIN, 0};
  const int r = poll(&p, 1, int(std::min<int64_t>(left.count(), 1000)));
  if (r == 0 || (r < 0 && errno == EINTR)) return ReadStep::Idle;  // check the deadline again
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof(buf));
  if (n < 0 && errno == EINTR) return ReadStep::Idle;
  if (n <= 0) return ReadStep::Closed;
  output->append(buf, size_t(n));
  return ReadStep::Data;
}

// Reads the child's output into *output (appending) until `marker` appears
// in it, the child closes its end, or `timeout_s` passes; returns whether
// the marker was seen. The child keeps running.
inline bool read_until(const Child& c, std::string* output, const std::string& marker,
                       int timeout_s) {
  if (c.fd < 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (output->find(marker) == std::string::npos) {
    const ReadStep step = read_step(c.fd, deadline, output);
    if (step == ReadStep::Closed || step == ReadStep::Deadline) return false;
  }
  return true;
}

// Waits for the child (at most `timeout_s`; then kills it); returns its exit
// status, or -1 when it did not exit normally. Its output is appended to
// *output, and how it ended when that was not a normal exit.
inline int wait_child(Child c, std::string* output, int timeout_s = 600) {
  if (c.pid < 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  for (;;) {
    const ReadStep step = read_step(c.fd, deadline, output);
    if (step == ReadStep::Closed) break;
    if (step == ReadStep::Deadline) {
      timed_out = true;
      kill(c.pid, SIGKILL);
      break;
    }
  }
  close(c.fd);
  int status = 0;
  while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) *output += "\n[child timed out after " + std::to_string(timeout_s) + " s, killed]";
  if (WIFSIGNALED(status))
    *output += "\n[child killed by signal " + std::to_string(WTERMSIG(status)) + "]";
  else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    *output += "\n[child exited with status " + std::to_string(WEXITSTATUS(status)) + "]";
  return WIFEXITED(status) && !timed_out ? WEXITSTATUS(status) : -1;
}

inline int run_self(const std::vector<std::string>& args, const std::vector<std::string>& env,
                    std::string* output) {
  output->clear();
  return wait_child(spawn_self(args, env), output);
}

// The value after "<key>=" in a child's output, or -1.
inline int64_t output_value(const std::string& output, const std::string& key) {
  auto pos = output.find(key + "=");
  if (pos == std::string::npos) return -1;
  return std::strtoll(output.c_str() + pos + key.size() + 1, nullptr, 10);
}

}  // namespace tsrtest::ocl
