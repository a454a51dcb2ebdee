// The OpenCL backend's runtime behaviour: devices and their selection by
// environment, streams as command queues, events with profiling times,
// wrapping a caller's cl_command_queue and cl_mem, asynchronous failures
// surfacing with the op's name, a steady-state loop that compiles and
// allocates nothing, and the float16/float64 gates. The OpenCL API itself
// is reached through dlopen, so the test binary needs no OpenCL link.
#include <dlfcn.h>

#include <atomic>
#include <memory>

#include "backends/opencl_test_util.h"

using namespace tsrtest;
using namespace tsrtest::ocl;

namespace {

// The few OpenCL entry points the tests call (CL 1.2 signatures).
struct ClApi {
  using Int = int32_t;
  void* lib = nullptr;
  Int (*GetCommandQueueInfo)(void*, uint32_t, size_t, void*, size_t*) = nullptr;
  void* (*CreateCommandQueue)(void*, void*, uint64_t, Int*) = nullptr;
  Int (*ReleaseCommandQueue)(void*) = nullptr;
  void* (*CreateBuffer)(void*, uint64_t, size_t, void*, Int*) = nullptr;
  Int (*ReleaseMemObject)(void*) = nullptr;
  Int (*EnqueueWriteBuffer)(void*, void*, uint32_t, size_t, size_t, const void*, uint32_t,
                            const void*, void*) = nullptr;
  void* (*CreateContext)(const intptr_t*, uint32_t, void* const*, void*, void*, Int*) = nullptr;
  Int (*ReleaseContext)(void*) = nullptr;
  void* (*CreateUserEvent)(void*, Int*) = nullptr;
  Int (*SetUserEventStatus)(void*, Int) = nullptr;
  Int (*ReleaseEvent)(void*) = nullptr;
  Int (*EnqueueMarkerWithWaitList)(void*, uint32_t, void* const*, void**) = nullptr;

  static constexpr uint32_t kQueueContext = 0x1090, kQueueDevice = 0x1091;
  static constexpr uint64_t kOutOfOrder = 1, kReadWrite = 1;

  bool load() {
    lib = dlopen("libOpenCL.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return false;
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
      return fn != nullptr;
    };
    return sym(GetCommandQueueInfo, "clGetCommandQueueInfo") &&
           sym(CreateCommandQueue, "clCreateCommandQueue") &&
           sym(ReleaseCommandQueue, "clReleaseCommandQueue") &&
           sym(CreateBuffer, "clCreateBuffer") && sym(ReleaseMemObject, "clReleaseMemObject") &&
           sym(EnqueueWriteBuffer, "clEnqueueWriteBuffer") && sym(CreateContext, "clCreateContext") &&
           sym(ReleaseContext, "clReleaseContext") && sym(CreateUserEvent, "clCreateUserEvent") &&
           sym(SetUserEventStatus, "clSetUserEventStatus") && sym(ReleaseEvent, "clReleaseEvent") &&
           sym(EnqueueMarkerWithWaitList, "clEnqueueMarkerWithWaitList");
  }
};

class OpenclRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    TSR_REQUIRE_OPENCL();
    ASSERT_TRUE(cl.load()) << "libOpenCL.so.1 did not load although the backend did";
    ctx_ = std::make_unique<ContextGuard>(TSR_DEVICE_OPENCL);
    ASSERT_NE(ctx_->c, nullptr);
    ASSERT_TSR_OK(tsr_context_default_stream(*ctx_, &stream_));
    ASSERT_TSR_OK(tsr_stream_native_handle(stream_, &queue_));
    ASSERT_NE(queue_, nullptr);
    ASSERT_EQ(cl.GetCommandQueueInfo(queue_, ClApi::kQueueContext, sizeof(cl_ctx_), &cl_ctx_, nullptr), 0);
    ASSERT_EQ(cl.GetCommandQueueInfo(queue_, ClApi::kQueueDevice, sizeof(cl_dev_), &cl_dev_, nullptr), 0);
  }
  tsr_context ctx() const { return ctx_->c; }

  ClApi cl;
  std::unique_ptr<ContextGuard> ctx_;
  tsr_stream stream_ = nullptr;
  void* queue_ = nullptr;  // cl_command_queue of the default stream
  void* cl_ctx_ = nullptr;
  void* cl_dev_ = nullptr;
};

TEST_F(OpenclRuntime, DeviceIsListedWithItsCapabilities) {
  tsr_device_info info = device_info(ctx());
  EXPECT_EQ(info.kind, TSR_DEVICE_OPENCL);
  EXPECT_GT(std::string(info.name).size(), 0u);
  EXPECT_GT(info.total_memory, 0);
  EXPECT_GT(info.compute_units, 0);
  int32_t count = 0, opencl = 0;
  ASSERT_TSR_OK(tsr_device_count(&count));
  for (int32_t i = 0; i < count; ++i) {
    tsr_device d = nullptr;
    ASSERT_TSR_OK(tsr_device_get(i, &d));
    tsr_device_info di{};
    di.size = sizeof(di);
    ASSERT_TSR_OK(tsr_device_get_info(d, &di));
    opencl += di.kind == TSR_DEVICE_OPENCL;
  }
  EXPECT_GE(opencl, 1);
}

TEST_F(OpenclRuntime, DataPointerIsTheBufferForWholeTensorsOnly) {
  Host h = random_host({4, 6}, TSR_FLOAT32);
  TensorGuard t(upload(ctx(), h, TSR_FLOAT32)), view;
  void* p = nullptr;
  ASSERT_TSR_OK(tsr_tensor_data_pointer(t, &p));
  EXPECT_NE(p, nullptr);
  const int64_t starts[] = {1, 0}, stops[] = {4, 6}, steps[] = {1, 1};
  ASSERT_TSR_OK(tsr_tensor_slice(t, starts, stops, steps, view.out()));
  void* q = reinterpret_cast<void*>(0x1);
  EXPECT_TSR_ERROR(tsr_tensor_data_pointer(view, &q), TSR_ERROR_UNSUPPORTED, "tsr_tensor_data_pointer");
  EXPECT_EQ(q, reinterpret_cast<void*>(0x1)) << "out-parameter must stay untouched on failure";
}

TEST_F(OpenclRuntime, StreamsEventsAndTiming) {
  tsr_stream s1 = nullptr, s2 = nullptr;
  ASSERT_TSR_OK(tsr_stream_create(ctx(), 0, &s1));
  ASSERT_TSR_OK(tsr_stream_create(ctx(), TSR_STREAM_NON_BLOCKING, &s2));
  tsr_event e0 = nullptr, e1 = nullptr;
  ASSERT_TSR_OK(tsr_event_create(ctx(), &e0));
  ASSERT_TSR_OK(tsr_event_create(ctx(), &e1));
  Host a = random_host({512, 1024}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx(), a, TSR_FLOAT32)), b, c;
  ASSERT_TSR_OK(tsr_stream_synchronize(stream_));
  ASSERT_TSR_OK(tsr_event_record(e0, s1));
  ASSERT_TSR_OK(tsr_binary(TSR_MULTIPLY, ta, ta, s1, b.out()));
  ASSERT_TSR_OK(tsr_event_record(e1, s1));
  // s2 reads b only after s1 produced it.
  ASSERT_TSR_OK(tsr_stream_wait_event(s2, e1));
  ASSERT_TSR_OK(tsr_binary(TSR_ADD, b, ta, s2, c.out()));
  ASSERT_TSR_OK(tsr_event_synchronize(e1));
  int32_t done = 0;
  ASSERT_TSR_OK(tsr_event_query(e1, &done));
  EXPECT_EQ(done, 1);
  float ms = -1;
  ASSERT_TSR_OK(tsr_event_elapsed_ms(e0, e1, &ms));
  EXPECT_GE(ms, 0.0f);
  EXPECT_LT(ms, 60000.0f);
  ASSERT_TSR_OK(tsr_stream_synchronize(s2));
  ASSERT_TSR_OK(tsr_stream_query(s2, &done));
  EXPECT_EQ(done, 1);
  std::vector<double> want(a.data.size());
  for (size_t i = 0; i < want.size(); ++i)
    want[i] = round_to(round_to(a.data[i] * a.data[i], TSR_FLOAT32) + a.data[i], TSR_FLOAT32);
  Host got = Host();
  {
    std::vector<float> buf(want.size());
    ASSERT_TSR_OK(tsr_tensor_to_host(c, buf.data(), int64_t(buf.size() * 4), s2));
    got.shape = {int64_t(buf.size())};
    got.data.assign(buf.begin(), buf.end());
  }
  EXPECT_TRUE(all_close(got, want, 0));
  // An event never recorded: done, and no timing.
  tsr_event fresh = nullptr;
  ASSERT_TSR_OK(tsr_event_create(ctx(), &fresh));
  ASSERT_TSR_OK(tsr_event_query(fresh, &done));
  EXPECT_EQ(done, 1);
  EXPECT_TSR_ERROR(tsr_event_elapsed_ms(e0, fresh, &ms), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_event_elapsed_ms");
  for (tsr_event e : {e0, e1, fresh}) tsr_event_release(e);
  tsr_stream_release(s1);
  tsr_stream_release(s2);
}

TEST_F(OpenclRuntime, WrapsACallersCommandQueue) {
  int32_t err = 0;
  void* q = cl.CreateCommandQueue(cl_ctx_, cl_dev_, 0, &err);
  ASSERT_EQ(err, 0);
  tsr_stream s = nullptr;
  ASSERT_TSR_OK(tsr_stream_wrap_native(ctx(), q, &s));
  void* native = nullptr;
  ASSERT_TSR_OK(tsr_stream_native_handle(s, &native));
  EXPECT_EQ(native, q);
  Host a = random_host({33, 17}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx(), a, TSR_FLOAT32)), r;
  ASSERT_TSR_OK(tsr_stream_synchronize(stream_));
  ASSERT_TSR_OK(tsr_unary(TSR_NEGATIVE, ta, s, r.out()));
  ASSERT_TSR_OK(tsr_stream_synchronize(s));
  std::vector<double> want(a.data.size());
  for (size_t i = 0; i < want.size(); ++i) want[i] = -a.data[i];
  EXPECT_TRUE(all_close(download(r), want, 0));
  tsr_stream_release(s);
  // Tessera released only its own reference: the caller's queue still works.
  EXPECT_EQ(cl.GetCommandQueueInfo(q, ClApi::kQueueContext, sizeof(void*), &native, nullptr), 0);
  EXPECT_EQ(cl.ReleaseCommandQueue(q), 0);

  // Refused: null, pointers that are no OpenCL object (without crashing),
  // another kind of object, an out-of-order queue, a queue of another cl_context.
  EXPECT_TSR_ERROR(tsr_stream_wrap_native(ctx(), nullptr, &s), TSR_ERROR_NULL_POINTER,
                   "tsr_stream_wrap_native");
  float junk[8] = {};
  EXPECT_TSR_ERROR(tsr_stream_wrap_native(ctx(), junk, &s), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_stream_wrap_native");
  EXPECT_TSR_ERROR(tsr_stream_wrap_native(ctx(), reinterpret_cast<void*>(0x10), &s),
                   TSR_ERROR_INVALID_ARGUMENT, "tsr_stream_wrap_native");
  // Another OpenCL object of the same context (a cl_mem) is not checked:
  // drivers need not type-check handles (NVIDIA's and PoCL's answer queue
  // queries on a cl_mem), so it is the caller's contract, as on CUDA.
  void* ooo = cl.CreateCommandQueue(cl_ctx_, cl_dev_, ClApi::kOutOfOrder, &err);
  if (err == 0 && ooo) {
    EXPECT_TSR_ERROR(tsr_stream_wrap_native(ctx(), ooo, &s), TSR_ERROR_UNSUPPORTED,
                     "tsr_stream_wrap_native");
    cl.ReleaseCommandQueue(ooo);
  }
  void* other = cl.CreateContext(nullptr, 1, &cl_dev_, nullptr, nullptr, &err);
  ASSERT_EQ(err, 0);
  void* oq = cl.CreateCommandQueue(other, cl_dev_, 0, &err);
  ASSERT_EQ(err, 0);
  EXPECT_TSR_ERROR(tsr_stream_wrap_native(ctx(), oq, &s), TSR_ERROR_DEVICE_MISMATCH,
                   "tsr_stream_wrap_native");
  cl.ReleaseCommandQueue(oq);
  cl.ReleaseContext(other);
}

std::atomic<int> g_deleter_calls{0};

TEST_F(OpenclRuntime, WrapsACallersBufferWithItsDeleter) {
  const int64_t n = 300;
  int32_t err = 0;
  void* buf = cl.CreateBuffer(cl_ctx_, ClApi::kReadWrite, size_t(n) * 4, nullptr, &err);
  ASSERT_EQ(err, 0);
  std::vector<float> host(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) host[size_t(i)] = float(i) * 0.5f - 7;
  ASSERT_EQ(cl.EnqueueWriteBuffer(queue_, buf, 1, 0, size_t(n) * 4, host.data(), 0, nullptr, nullptr), 0);
  g_deleter_calls = 0;
  TensorGuard t, sq;
  const int64_t shape[] = {n};
  ASSERT_TSR_OK(tsr_tensor_wrap(
      ctx(), buf, shape, nullptr, 1, TSR_FLOAT32,
      [](void* data, void* user) {
        ++g_deleter_calls;
        static_cast<ClApi*>(user)->ReleaseMemObject(data);
      },
      &cl, t.out()));
  void* p = nullptr;
  ASSERT_TSR_OK(tsr_tensor_data_pointer(t, &p));
  EXPECT_EQ(p, buf);
  ASSERT_TSR_OK(tsr_binary(TSR_MULTIPLY, t, t, nullptr, sq.out()));
  std::vector<double> want(host.size());
  for (size_t i = 0; i < want.size(); ++i) want[i] = double(host[i] * host[i]);
  EXPECT_TRUE(all_close(download(sq), want, 0));
  tsr_tensor_release(t.t);
  t.t = nullptr;
  EXPECT_EQ(g_deleter_calls.load(), 1);
}

TEST_F(OpenclRuntime, AsyncFailureSurfacesAtSynchronizeWithTheOpName) {
  // A command that fails on the device: a marker waiting for a user event
  // that is then set to an error. Later commands in the in-order queue fail
  // with it (PoCL does so); the op enqueued after it must be reported.
  Host a = random_host({16, 16}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx(), a, TSR_FLOAT32)), r, ok;
  ASSERT_TSR_OK(tsr_stream_synchronize(stream_));
  int32_t err = 0;
  void* user = cl.CreateUserEvent(cl_ctx_, &err);
  ASSERT_EQ(err, 0);
  void* marker = nullptr;
  ASSERT_EQ(cl.EnqueueMarkerWithWaitList(queue_, 1, &user, &marker), 0);
  ASSERT_TSR_OK(tsr_unary(TSR_SQRT, ta, nullptr, r.out()));  // enqueued fine
  ASSERT_EQ(cl.SetUserEventStatus(user, -1), 0);
  EXPECT_TSR_ERROR(tsr_stream_synchronize(stream_), TSR_ERROR_ASYNC, "sqrt");
  cl.ReleaseEvent(marker);
  cl.ReleaseEvent(user);
  // Reported once; the stream works afterwards.
  EXPECT_TSR_OK(tsr_stream_synchronize(stream_));
  ASSERT_TSR_OK(tsr_unary(TSR_ABS, ta, nullptr, ok.out()));
  std::vector<double> want(a.data.size());
  for (size_t i = 0; i < want.size(); ++i) want[i] = std::fabs(a.data[i]);
  EXPECT_TRUE(all_close(download(ok), want, 0));
}

TEST_F(OpenclRuntime, SteadyStateLoopCompilesAndAllocatesNothing) {
  Host x = random_host({8, 64}, TSR_FLOAT32), w = random_host({32, 64}, TSR_FLOAT32),
       b = random_host({32}, TSR_FLOAT32);
  TensorGuard tx(upload(ctx(), x, TSR_FLOAT32)), tw(upload(ctx(), w, TSR_FLOAT32)),
      tb(upload(ctx(), b, TSR_FLOAT32));
  TensorGuard h, y, p;
  auto step = [&] {
    ASSERT_TSR_OK(tsr_linear(tx, tw, tb, TSR_ACTIVATION_GELU, nullptr, h.out()));
    ASSERT_TSR_OK(tsr_layer_norm(h, nullptr, nullptr, 1e-5, nullptr, y.out()));
    ASSERT_TSR_OK(tsr_softmax(y, nullptr, p.out()));
  };
  step();  // builds programs and fills the caches
  ASSERT_TSR_OK(tsr_context_synchronize(ctx()));
  ASSERT_TSR_OK(tsr_context_reset_stats(ctx()));
  for (int i = 0; i < 20; ++i) step();  // outputs are reused (written in place)
  tsr_stats st{};
  st.size = sizeof(st);
  ASSERT_TSR_OK(tsr_context_get_stats(ctx(), &st));
  EXPECT_EQ(st.kernel_compilations, 0);
  EXPECT_EQ(st.device_allocations, 0);
  EXPECT_EQ(st.synchronizations, 0);
  EXPECT_EQ(st.ops_launched, 60);
}

// Children for the gates: float16 and float64 hidden by the testing
// overrides. Each checks a few ops itself.
TEST(OpenclGateProbe, DISABLED_HiddenFloat16) {
  ContextGuard ctx(TSR_DEVICE_OPENCL);
  ASSERT_FALSE(device_info(ctx).supports_float16);
  Host a = random_host({5, 5}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx, a, TSR_FLOAT32)), out, z, ok;
  EXPECT_TSR_ERROR(tsr_astype(ta, TSR_FLOAT16, nullptr, out.out()), TSR_ERROR_UNSUPPORTED,
                   "TESSERA_OPENCL_DISABLE_FP16");
  const int64_t shape[] = {4};
  EXPECT_TSR_ERROR(tsr_tensor_zeros(ctx, shape, 1, TSR_FLOAT16, nullptr, z.out()),
                   TSR_ERROR_UNSUPPORTED, "float16");
  EXPECT_EQ(out.t, nullptr);
  EXPECT_EQ(z.t, nullptr);
  ASSERT_TSR_OK(tsr_astype(ta, TSR_BFLOAT16, nullptr, ok.out()));  // bfloat16 still works
}

TEST(OpenclGateProbe, DISABLED_HiddenFloat64) {
  ContextGuard ctx(TSR_DEVICE_OPENCL);
  ASSERT_FALSE(device_info(ctx).supports_float64);
  Host a = random_host({5, 5}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx, a, TSR_FLOAT32)), out, rnd, ok;
  EXPECT_TSR_ERROR(tsr_astype(ta, TSR_FLOAT64, nullptr, out.out()), TSR_ERROR_UNSUPPORTED, "cl_khr_fp64");
  const int64_t shape[] = {4};
  EXPECT_TSR_ERROR(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr,
                                     rnd.out()),
                   TSR_ERROR_UNSUPPORTED, "cl_khr_fp64");
  EXPECT_EQ(out.t, nullptr);
  ASSERT_TSR_OK(tsr_binary(TSR_ADD, ta, ta, nullptr, ok.out()));  // float32 still works
}

TEST_F(OpenclRuntime, Float16EverywhereFloat64FollowsTheDevice) {
  tsr_device_info info = device_info(ctx());
  // float16 is storage (vload_half/vstore_half, core OpenCL 1.2) with float
  // arithmetic, so every device has it; only the override hides it.
  EXPECT_TRUE(info.supports_float16);
  Host a = random_host({3, 3}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx(), a, TSR_FLOAT32)), h;
  ASSERT_TSR_OK(tsr_astype(ta, TSR_FLOAT16, nullptr, h.out()));
  std::vector<double> want(a.data.size());
  for (size_t i = 0; i < want.size(); ++i) want[i] = round_to(a.data[i], TSR_FLOAT16);
  EXPECT_TRUE(all_close(download(h), want, 0));
  std::string out;
  EXPECT_EQ(run_self({"--gtest_also_run_disabled_tests",
                      "--gtest_filter=OpenclGateProbe.DISABLED_HiddenFloat16"},
                     {"TESSERA_OPENCL_DISABLE_FP16=1"}, &out),
            0)
      << out;
  if (info.supports_float64) {
    EXPECT_EQ(run_self({"--gtest_also_run_disabled_tests",
                        "--gtest_filter=OpenclGateProbe.DISABLED_HiddenFloat64"},
                       {"TESSERA_OPENCL_DISABLE_FP64=1"}, &out),
              0)
        << out;
  }
}

TEST(OpenclSelection, EnvironmentPicksPlatformAndDevice) {
  TSR_REQUIRE_OPENCL();
  const std::vector<std::string> args = {"--gtest_also_run_disabled_tests",
                                         "--gtest_filter=OpenclGateProbe.DISABLED_CountDevices"};
  std::string out;
  ASSERT_EQ(run_self(args, {}, &out), 0) << out;
  const int64_t all = output_value(out, "OPENCL_DEVICES");
  EXPECT_GE(all, 1) << out;
  ASSERT_EQ(run_self(args, {"TESSERA_OPENCL_PLATFORM=0", "TESSERA_OPENCL_DEVICE=0"}, &out), 0) << out;
  EXPECT_EQ(output_value(out, "OPENCL_DEVICES"), 1) << out;
  ASSERT_EQ(run_self(args, {"TESSERA_OPENCL_DEVICE=no-such-device-anywhere"}, &out), 0) << out;
  EXPECT_EQ(output_value(out, "OPENCL_DEVICES"), 0) << out;
  EXPECT_NE(out.find("no usable OpenCL device"), std::string::npos) << out;
}

TEST(OpenclGateProbe, DISABLED_CountDevices) {
  int32_t available = 0;
  const char* reason = nullptr;
  ASSERT_TSR_OK(tsr_backend_available(TSR_DEVICE_OPENCL, &available, &reason));
  int32_t count = 0, n = 0;
  ASSERT_TSR_OK(tsr_device_count(&count));
  for (int32_t i = 0; i < count; ++i) {
    tsr_device d = nullptr;
    ASSERT_TSR_OK(tsr_device_get(i, &d));
    tsr_device_info info{};
    info.size = sizeof(info);
    ASSERT_TSR_OK(tsr_device_get_info(d, &info));
    n += info.kind == TSR_DEVICE_OPENCL;
  }
  std::printf("OPENCL_DEVICES=%d\nREASON=%s\n", n, available ? "" : reason);
}

}  // namespace
