// OpenCL backend benchmarks, side by side with the CUDA backend when its
// plugin is present and with the CPU backend (same process, same inputs):
//   - SGEMM n^3 through tsr_matmul (default n = 4096 and 8192);
//   - a large float32 add, as bandwidth (read a, read b, write out);
//   - a tiny (16-element) add back to back, as microseconds per call;
//   - cold start: a fresh process creates an OpenCL context and runs its
//     first matmul (256^3 float32), with the Tessera program cache on disk
//     empty, then warm. Children are started with posix_spawn (no fork of
//     a process with an OpenCL driver running).
// Times are device times from events (medians after warm-up); cold starts
// are wall-clock in child processes. Usage:
//   bench_opencl [--sizes=4096,8192] [--add-elements=134217728] [--runs=10]
//                [--cold-runs=5] [--skip-cuda]
#include <dlfcn.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "backends/opencl/startup_environment.h"
#include "tessera/tessera.h"

namespace {

[[noreturn]] void die(const char* what, tsr_status st) {
  std::fprintf(stderr, "%s failed: %s: %s\n", what, tsr_status_string(st), tsr_last_error_message());
  std::exit(1);
}
#define CHECK(call)                         \
  do {                                      \
    tsr_status st_ = (call);                \
    if (st_ != TSR_OK) die(#call, st_);     \
  } while (0)

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Options {
  std::vector<int64_t> sizes = {4096, 8192};
  int64_t add_elements = int64_t(1) << 27;
  int runs = 10;
  int cold_runs = 5;
  bool cuda = true;
};

bool backend_present(tsr_device_kind kind) {
  int32_t ok = 0;
  return tsr_backend_available(kind, &ok, nullptr) == TSR_OK && ok;
}

tsr_context open_context(tsr_device_kind kind) {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = kind;
  tsr_context ctx = nullptr;
  CHECK(tsr_context_create(&o, &ctx));
  return ctx;
}

std::string device_name(tsr_context ctx) {
  tsr_device d = nullptr;
  CHECK(tsr_context_get_device(ctx, &d));
  tsr_device_info info{};
  info.size = sizeof(info);
  CHECK(tsr_device_get_info(d, &info));
  return info.name;
}

// Median device milliseconds of `body` over opt.runs runs after 2 warm-ups.
template <typename F>
double time_ms(tsr_context ctx, int runs, F&& body) {
  tsr_stream s = nullptr;
  CHECK(tsr_context_default_stream(ctx, &s));
  tsr_event a = nullptr, b = nullptr;
  CHECK(tsr_event_create(ctx, &a));
  CHECK(tsr_event_create(ctx, &b));
  for (int i = 0; i < 2; ++i) body();
  CHECK(tsr_stream_synchronize(s));
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    CHECK(tsr_event_record(a, s));
    body();
    CHECK(tsr_event_record(b, s));
    CHECK(tsr_event_synchronize(b));
    float t = 0;
    CHECK(tsr_event_elapsed_ms(a, b, &t));
    ms.push_back(t);
  }
  tsr_event_release(a);
  tsr_event_release(b);
  return median(ms);
}

tsr_tensor random_tensor(tsr_context ctx, std::vector<int64_t> shape, uint64_t seed) {
  tsr_tensor t = nullptr;
  CHECK(tsr_tensor_random(ctx, shape.data(), int32_t(shape.size()), TSR_FLOAT32,
                          TSR_RANDOM_UNIFORM, seed, -1, 1, nullptr, &t));
  return t;
}

// GFLOP/s of an n^3 float32 matmul; -1 when the backend cannot run it.
double sgemm_gflops(tsr_context ctx, int64_t n, int runs) {
  tsr_tensor a = random_tensor(ctx, {n, n}, 1), b = random_tensor(ctx, {n, n}, 2), c = nullptr;
  // Probe once, synchronized: a backend may report "unsupported" asynchronously.
  if (tsr_matmul(a, b, 0, 0, 1, 0, nullptr, &c) != TSR_OK || tsr_context_synchronize(ctx) != TSR_OK) {
    std::fprintf(stderr, "(matmul unavailable: %s)\n", tsr_last_error_message());
    tsr_tensor_release(c);
    tsr_tensor_release(a);
    tsr_tensor_release(b);
    return -1;
  }
  const double ms = time_ms(ctx, runs, [&] { CHECK(tsr_matmul(a, b, 0, 0, 1, 0, nullptr, &c)); });
  tsr_tensor_release(a);
  tsr_tensor_release(b);
  tsr_tensor_release(c);
  return 2.0 * double(n) * double(n) * double(n) / (ms * 1e-3) / 1e9;
}

// GB/s of out = a + b over n float32 elements (3 * 4n bytes moved); -1
// when the backend cannot run it.
double add_gbps(tsr_context ctx, int64_t n, int runs) {
  tsr_tensor a = random_tensor(ctx, {n}, 3), b = random_tensor(ctx, {n}, 4), c = nullptr;
  if (tsr_binary(TSR_ADD, a, b, nullptr, &c) != TSR_OK || tsr_context_synchronize(ctx) != TSR_OK) {
    std::fprintf(stderr, "(add unavailable: %s)\n", tsr_last_error_message());
    tsr_tensor_release(c);
    tsr_tensor_release(a);
    tsr_tensor_release(b);
    return -1;
  }
  const double ms = time_ms(ctx, runs, [&] { CHECK(tsr_binary(TSR_ADD, a, b, nullptr, &c)); });
  tsr_tensor_release(a);
  tsr_tensor_release(b);
  tsr_tensor_release(c);
  return 3.0 * 4.0 * double(n) / (ms * 1e-3) / 1e9;
}

// Microseconds per back-to-back 16-element float32 add into a preallocated
// output (wall-clock over `iters` calls and one synchronize): the launch
// path's cost (kernel lookup, arguments, enqueue, tracking), not bandwidth.
double tiny_add_us(tsr_context ctx, int iters) {
  tsr_tensor a = random_tensor(ctx, {16}, 5), b = random_tensor(ctx, {16}, 6), c = nullptr;
  if (tsr_binary(TSR_ADD, a, b, nullptr, &c) != TSR_OK || tsr_context_synchronize(ctx) != TSR_OK) {
    tsr_tensor_release(c);
    tsr_tensor_release(a);
    tsr_tensor_release(b);
    return -1;
  }
  std::vector<double> us;
  for (int r = 0; r < 3; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) CHECK(tsr_binary(TSR_ADD, a, b, nullptr, &c));
    CHECK(tsr_context_synchronize(ctx));
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                     .count() / iters);
  }
  tsr_tensor_release(a);
  tsr_tensor_release(b);
  tsr_tensor_release(c);
  return median(us);
}

// ---- cold start -------------------------------------------------------------

// Child mode: context creation + first matmul, wall-clock, printed.
int cold_start_child() {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  tsr_context ctx = open_context(TSR_DEVICE_OPENCL);
  const auto t1 = clock::now();
  const int64_t n = 256;
  std::vector<float> host(static_cast<size_t>(n * n));
  for (size_t i = 0; i < host.size(); ++i) host[i] = float(int(i % 17) - 8) / 8.0f;
  const int64_t shape[] = {n, n};
  tsr_tensor x = nullptr, w = nullptr, y = nullptr;
  CHECK(tsr_tensor_from_host(ctx, host.data(), n * n * 4, shape, 2, TSR_FLOAT32, nullptr, &x));
  CHECK(tsr_tensor_from_host(ctx, host.data(), n * n * 4, shape, 2, TSR_FLOAT32, nullptr, &w));
  CHECK(tsr_matmul(x, w, 0, 0, 1, 0, nullptr, &y));
  CHECK(tsr_context_synchronize(ctx));
  const auto t2 = clock::now();
  tsr_stats st{};
  st.size = sizeof(st);
  CHECK(tsr_context_get_stats(ctx, &st));
  std::printf("CONTEXT_MS=%.3f\nFIRST_MATMUL_MS=%.3f\nCOMPILATIONS=%lld\n",
              std::chrono::duration<double, std::milli>(t1 - t0).count(),
              std::chrono::duration<double, std::milli>(t2 - t1).count(),
              (long long)st.kernel_compilations);
  for (tsr_tensor t : {x, w, y}) tsr_tensor_release(t);
  tsr_context_release(ctx);
  return 0;
}

struct ColdRun {
  double context_ms = -1, matmul_ms = -1;
  long long compilations = -1;
};

double value_after(const std::string& out, const char* key) {
  auto p = out.find(key);
  return p == std::string::npos ? -1 : std::atof(out.c_str() + p + std::strlen(key));
}

ColdRun run_cold_child(const char* self, const std::string& cache_dir) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  // The start-up environment (the ICD loader edits the live one; see
  // startup_environment.h) with the child's cache directory.
  std::vector<std::string> env =
      tsr::opencl::startup_environment_with({"TESSERA_CL_CACHE_DIR=" + cache_dir});
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  char mode[] = "--cold-start-child";
  char* argv[] = {const_cast<char*>(self), mode, nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, self, &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    std::fprintf(stderr, "posix_spawn(%s): %s\n", self, std::strerror(rc));
    return {};
  }
  std::string out;
  char buf[1024];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ColdRun r;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return r;
  r.context_ms = value_after(out, "CONTEXT_MS=");
  r.matmul_ms = value_after(out, "FIRST_MATMUL_MS=");
  r.compilations = (long long)value_after(out, "COMPILATIONS=");
  return r;
}

void print_cold(const char* label, const std::vector<ColdRun>& runs) {
  std::vector<double> ctx, lin, total;
  long long comp = -1;
  for (const auto& r : runs) {
    if (r.context_ms < 0) continue;
    ctx.push_back(r.context_ms);
    lin.push_back(r.matmul_ms);
    total.push_back(r.context_ms + r.matmul_ms);
    comp = r.compilations;
  }
  if (total.empty()) {
    std::printf("| %-36s | %10s | %10s | %10s | %8s |\n", label, "failed", "", "", "");
    return;
  }
  std::printf("| %-36s | %10.1f | %10.1f | %10.1f | %8lld |\n", label, median(ctx), median(lin),
              median(total), comp);
}

// Versions of the libraries this process mapped (OpenCL driver, CLBlast,
// CUDA), read from /proc/self/maps: the real file names carry versions.
void print_libraries() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  std::set<std::string> libs;
  const char* keys[] = {"libclblast", "libpocl", "libnvidia-opencl", "libOpenCL", "libcublas",
                        "libcudart", "libcuda.so", "libtessera"};
  while (std::getline(maps, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    for (const char* k : keys)
      if (path.find(k) != std::string::npos) libs.insert(path.substr(path.rfind('/') + 1));
  }
  std::printf("libraries:");
  for (const auto& l : libs) std::printf(" %s", l.c_str());
  std::printf("\n");
}

// Platform, device and driver versions of the OpenCL device, asked of the
// driver through the context's queue (libOpenCL is opened here, so the
// benchmark needs no OpenCL link of its own).
void print_opencl_versions(tsr_context ctx) {
  using GetQueueInfo = int32_t (*)(void*, uint32_t, size_t, void*, size_t*);
  using GetDeviceInfo = int32_t (*)(void*, uint32_t, size_t, void*, size_t*);
  using GetPlatformInfo = int32_t (*)(void*, uint32_t, size_t, void*, size_t*);
  constexpr uint32_t kQueueDevice = 0x1091, kDevicePlatform = 0x1031, kDriverVersion = 0x102D,
                     kDeviceVersion = 0x102F, kPlatformVersion = 0x0901;
  void* lib = dlopen("libOpenCL.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return;
  auto queue_info = reinterpret_cast<GetQueueInfo>(dlsym(lib, "clGetCommandQueueInfo"));
  auto device_info = reinterpret_cast<GetDeviceInfo>(dlsym(lib, "clGetDeviceInfo"));
  auto platform_info = reinterpret_cast<GetPlatformInfo>(dlsym(lib, "clGetPlatformInfo"));
  tsr_stream s = nullptr;
  void* q = nullptr;
  CHECK(tsr_context_default_stream(ctx, &s));
  CHECK(tsr_stream_native_handle(s, &q));
  void *dev = nullptr, *plat = nullptr;
  char plat_ver[256] = "", drv[256] = "", ver[256] = "";
  if (queue_info && device_info && platform_info &&
      queue_info(q, kQueueDevice, sizeof(dev), &dev, nullptr) == 0) {
    device_info(dev, kDevicePlatform, sizeof(plat), &plat, nullptr);
    platform_info(plat, kPlatformVersion, sizeof(plat_ver) - 1, plat_ver, nullptr);
    device_info(dev, kDriverVersion, sizeof(drv) - 1, drv, nullptr);
    device_info(dev, kDeviceVersion, sizeof(ver) - 1, ver, nullptr);
    std::printf("OpenCL: %s | device %s | driver %s\n", plat_ver, ver, drv);
  }
  dlclose(lib);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) -> const char* {
      return a.rfind(key, 0) == 0 ? a.c_str() + std::strlen(key) : nullptr;
    };
    if (const char* v = value("--sizes=")) {
      o.sizes.clear();
      for (const char* p = v; *p;) {
        o.sizes.push_back(std::strtoll(p, const_cast<char**>(&p), 10));
        if (*p == ',') ++p;
      }
    } else if (const char* v = value("--add-elements=")) {
      o.add_elements = std::strtoll(v, nullptr, 10);
    } else if (const char* v = value("--runs=")) {
      o.runs = std::atoi(v);
    } else if (const char* v = value("--cold-runs=")) {
      o.cold_runs = std::atoi(v);
    } else if (a == "--skip-cuda") {
      o.cuda = false;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--cold-start-child") == 0) return cold_start_child();
  const Options opt = parse(argc, argv);
  if (!backend_present(TSR_DEVICE_OPENCL)) {
    const char* why = "";
    int32_t ok = 0;
    tsr_backend_available(TSR_DEVICE_OPENCL, &ok, &why);
    std::fprintf(stderr, "no OpenCL backend: %s\n", why);
    return 1;
  }
  int32_t major, minor, patch;
  tsr_version(&major, &minor, &patch);
  tsr_context cl = open_context(TSR_DEVICE_OPENCL);
  tsr_context cu = opt.cuda && backend_present(TSR_DEVICE_CUDA) ? open_context(TSR_DEVICE_CUDA) : nullptr;
  tsr_context cpu = open_context(TSR_DEVICE_CPU);
  std::printf("Tessera %d.%d.%d, bench_opencl\n", major, minor, patch);
  std::printf("OpenCL device: %s\n", device_name(cl).c_str());
  print_opencl_versions(cl);
  std::printf("CUDA device:   %s\n", cu ? device_name(cu).c_str() : "(no CUDA backend in this run)");
  std::printf("CPU device:    %s\n", device_name(cpu).c_str());

  // One row: the OpenCL figure, CUDA's and the CPU backend's in the same
  // run ("-" where absent or unsupported), and OpenCL relative to CUDA.
  auto row = [](const char* label, double ocl, double cuda, double host) {
    auto cell = [](double v) {
      char b[32];
      if (v < 0) std::snprintf(b, sizeof(b), "%12s", "-");
      else std::snprintf(b, sizeof(b), "%12.1f", v);
      return std::string(b);
    };
    char ratio[32] = "        -";
    if (ocl > 0 && cuda > 0) std::snprintf(ratio, sizeof(ratio), "%9.2f", ocl / cuda);
    std::printf("| %-24s | %s | %s | %s | %s |\n", label, cell(ocl).c_str(), cell(cuda).c_str(),
                cell(host).c_str(), ratio);
  };
  std::printf("\n| %-24s | %12s | %12s | %12s | %9s |\n", "benchmark", "OpenCL", "CUDA", "CPU",
              "OCL/CUDA");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(26, '-').c_str(), std::string(14, '-').c_str(),
              std::string(14, '-').c_str(), std::string(14, '-').c_str(), std::string(11, '-').c_str());
  for (int64_t n : opt.sizes) {
    char label[64];
    std::snprintf(label, sizeof(label), "SGEMM %lld^3 (GFLOP/s)", (long long)n);
    const double a = sgemm_gflops(cl, n, opt.runs);
    const double b = cu ? sgemm_gflops(cu, n, opt.runs) : -1;
    row(label, a, b, sgemm_gflops(cpu, n, opt.runs));
  }
  {
    char label[64];
    std::snprintf(label, sizeof(label), "add %lldM f32 (GB/s)", (long long)(opt.add_elements >> 20));
    const double a = add_gbps(cl, opt.add_elements, opt.runs);
    const double b = cu ? add_gbps(cu, opt.add_elements, opt.runs) : -1;
    row(label, a, b, add_gbps(cpu, opt.add_elements, opt.runs));
  }
  row("tiny add 16 f32 (us/op)", tiny_add_us(cl, 20000), cu ? tiny_add_us(cu, 20000) : -1,
      tiny_add_us(cpu, 20000));
  print_libraries();
  if (cu) tsr_context_release(cu);
  tsr_context_release(cpu);
  tsr_context_release(cl);

  // Cold starts: fresh processes; the first of each series fills a new,
  // empty cache directory, the rest of that series find it warm.
  std::printf("\nCold start: new process, OpenCL context + first matmul 256^3 float32, "
              "wall-clock ms, median of %d\n", opt.cold_runs);
  std::printf("| %-36s | %10s | %10s | %10s | %8s |\n", "Tessera disk cache", "context",
              "1st matmul", "total", "compiles");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(38, '-').c_str(), std::string(12, '-').c_str(),
              std::string(12, '-').c_str(), std::string(12, '-').c_str(), std::string(10, '-').c_str());
  std::vector<ColdRun> empty, warm;
  for (int i = 0; i < opt.cold_runs; ++i) {
    char dir[] = "/tmp/tessera-bench-clcache-XXXXXX";
    if (!mkdtemp(dir)) break;
    empty.push_back(run_cold_child("/proc/self/exe", dir));
    warm.push_back(run_cold_child("/proc/self/exe", dir));
    std::string rm = std::string("rm -rf ") + dir;
    if (std::system(rm.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir);
  }
  print_cold("empty (first process on the device)", empty);
  print_cold("warm (every program on disk)", warm);
  return 0;
}
