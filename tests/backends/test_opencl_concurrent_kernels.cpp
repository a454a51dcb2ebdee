// One kernel on many streams at once, each launch with a larger grid than
// any before. PoCL (3.1; see cl_launch_order.h) keeps one cache entry per kernel,
// work-group size and largest grid; a launch with a larger grid adds an
// entry, and a finished launch releases the first entry of its kernel and
// work-group size, not the one it took. With three or more launches of one
// kernel in flight that reaches an entry already at zero and PoCL aborts
// the process (pocl_release_dlhandle_cache: Assertion
// 'found->ref_count > 0'). The backend therefore keeps launches of one
// kernel from overlapping on PoCL (docs/opencl.md, "Launches of one kernel
// on PoCL"). The pattern runs in a child process, since the failure is an
// abort; the child also checks every result.
#include "backends/opencl_test_util.h"

using namespace tsrtest;
using namespace tsrtest::ocl;

namespace {

constexpr int kStreams = 8;
constexpr int kRounds = 12;

TEST(OpenclConcurrentKernelsProbe, DISABLED_GrowingGridsOnManyStreams) {
  ContextGuard ctx(TSR_DEVICE_OPENCL);
  ASSERT_NE(ctx.c, nullptr);
  std::vector<tsr_stream> streams(kStreams, nullptr);
  for (auto& s : streams) ASSERT_TSR_OK(tsr_stream_create(ctx, TSR_STREAM_NON_BLOCKING, &s));
  struct Job {
    Host in;
    TensorGuard x, y;
  };
  std::vector<Job> jobs(size_t(kStreams * kRounds));
  // Upload everything first, so that the launches below follow each other
  // closely and pile up on the streams.
  for (int r = 0; r < kRounds; ++r)
    for (int i = 0; i < kStreams; ++i) {
      Job& j = jobs[size_t(r * kStreams + i)];
      const int64_t n = 256 * (64 + 16 * (r * kStreams + i));  // grows with every launch
      j.in = random_host({n}, TSR_FLOAT32);
      j.x.t = upload(ctx, j.in, TSR_FLOAT32);
    }
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));
  for (int r = 0; r < kRounds; ++r)
    for (int i = 0; i < kStreams; ++i) {
      Job& j = jobs[size_t(r * kStreams + i)];
      ASSERT_TSR_OK(tsr_unary(TSR_EXP, j.x, streams[size_t(i)], j.y.out()));
    }
  for (auto s : streams) ASSERT_TSR_OK(tsr_stream_synchronize(s));
  for (size_t k = 0; k < jobs.size(); ++k) {
    std::vector<double> want(jobs[k].in.data.size());
    for (size_t e = 0; e < want.size(); ++e) want[e] = std::exp(jobs[k].in.data[e]);
    EXPECT_TRUE(all_close(download(jobs[k].y), want, 1e-5)) << "launch " << k;
  }
  for (auto s : streams) tsr_stream_release(s);
  std::printf("GROWING_GRIDS_DONE\n");
}

const std::vector<std::string> kProbe = {
    "--gtest_also_run_disabled_tests",
    "--gtest_filter=OpenclConcurrentKernelsProbe.DISABLED_GrowingGridsOnManyStreams"};

TEST(OpenclConcurrentKernels, OneKernelOnManyStreamsWithGrowingGrids) {
  TSR_REQUIRE_OPENCL();
  std::string out;
  EXPECT_EQ(run_self(kProbe, {}, &out), 0) << out;
  EXPECT_NE(out.find("GROWING_GRIDS_DONE"), std::string::npos) << out;
}

}  // namespace
