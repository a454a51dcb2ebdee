// Errors raised inside queued work surface at the next call that waits for
// that stream (stream/context synchronize, to_host) as TSR_ERROR_ASYNC with
// the op's name, once: they are cleared after being reported. The failure is
// injected with TESSERA_CPU_FAIL_OP (read when a CPU context is created),
// since no valid input makes a CPU kernel fail.
#include <cstdlib>
#include <string>

#include "ops/op_test_util.h"
#include "support/reference.h"

using namespace tsrtest;

namespace {

// A CPU context in which every launch of `op` fails when it runs.
class AsyncErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(setenv("TESSERA_CPU_FAIL_OP", "exp", 1), 0);
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = TSR_DEVICE_CPU;
    tsr_status st = tsr_context_create(&o, &ctx);
    unsetenv("TESSERA_CPU_FAIL_OP");
    ASSERT_EQ(st, TSR_OK) << tsr_last_error_message();
    ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
    ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &other));
  }
  void TearDown() override {
    tsr_stream_release(s);
    tsr_stream_release(other);
    if (ctx) {
      (void)tsr_context_synchronize(ctx);  // drains any error left by a failed expectation
      tsr_context_release(ctx);
    }
  }
  // A float32 tensor of n elements on stream `st` (big ones go to the worker).
  tsr_tensor make(int64_t n, tsr_stream st) {
    tsr_tensor t = nullptr;
    EXPECT_TSR_OK(tsr_tensor_full(ctx, &n, 1, TSR_FLOAT32, 0.5, st, &t));
    return t;
  }
  void expect_async(tsr_status got, const char* fn) {
    EXPECT_EQ(got, TSR_ERROR_ASYNC) << tsr_status_string(got) << ": " << tsr_last_error_message();
    std::string msg = tsr_last_error_message();
    EXPECT_EQ(msg.rfind(std::string(fn) + ": ", 0), 0u) << msg;
    EXPECT_NE(msg.find("'exp'"), std::string::npos) << "the message must name the failed op: " << msg;
    EXPECT_NE(msg.find("TESSERA_CPU_FAIL_OP"), std::string::npos) << "and the cause: " << msg;
  }
  tsr_context ctx = nullptr;
  tsr_stream s = nullptr, other = nullptr;
};

TEST_F(AsyncErrors, SurfacesAtTheNextSynchronizeOnceForSmallAndLargeOps) {
  for (int64_t n : {int64_t(16), int64_t(1) << 20}) {
    SCOPED_TRACE(n);
    TensorGuard x(make(n, s)), y, z;
    // The call itself succeeds: the failure happens when the op runs.
    ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, s, y.out()));
    ASSERT_TSR_OK(tsr_unary(TSR_NEGATIVE, x, s, z.out()));  // later work still runs
    expect_async(tsr_stream_synchronize(s), "tsr_stream_synchronize");
    EXPECT_TSR_OK(tsr_stream_synchronize(s));  // reported once, then cleared
    Host hz = download(z);
    EXPECT_EQ(hz.data.front(), -0.5);
    EXPECT_EQ(hz.data.back(), -0.5);
  }
}

TEST_F(AsyncErrors, OnlyTheFailingStreamReportsIt) {
  TensorGuard x(make(64, nullptr)), y, w;
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, s, y.out()));
  ASSERT_TSR_OK(tsr_unary(TSR_SQRT, x, other, w.out()));
  EXPECT_TSR_OK(tsr_stream_synchronize(other));
  tsr_stream def = nullptr;
  ASSERT_TSR_OK(tsr_context_default_stream(ctx, &def));
  EXPECT_TSR_OK(tsr_stream_synchronize(def));
  expect_async(tsr_stream_synchronize(s), "tsr_stream_synchronize");
}

TEST_F(AsyncErrors, SurfacesAtToHostAndContextSynchronize) {
  TensorGuard x(make(256, s)), y, y2;
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, s, y.out()));
  float buf[256];
  expect_async(tsr_tensor_to_host(x, buf, sizeof(buf), s), "tsr_tensor_to_host");
  EXPECT_TSR_OK(tsr_tensor_to_host(x, buf, sizeof(buf), s));
  EXPECT_EQ(buf[0], 0.5f);
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, s, y2.out()));
  expect_async(tsr_context_synchronize(ctx), "tsr_context_synchronize");
  EXPECT_TSR_OK(tsr_context_synchronize(ctx));
}

TEST_F(AsyncErrors, TheFirstFailureWins) {
  TensorGuard x(make(8, nullptr)), a, b, c;
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, nullptr, a.out()));
  ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, nullptr, b.out()));
  tsr_stream def = nullptr;
  ASSERT_TSR_OK(tsr_context_default_stream(ctx, &def));
  expect_async(tsr_stream_synchronize(def), "tsr_stream_synchronize");
  EXPECT_TSR_OK(tsr_stream_synchronize(def));
  // Other ops in this context are unaffected.
  ASSERT_TSR_OK(tsr_unary(TSR_SQUARE, x, nullptr, c.out()));
  EXPECT_TRUE(all_close(download(c), std::vector<double>(8, 0.25), 0));
}

TEST(AsyncErrorsInjection, OtherContextsAreUnaffected) {
  // The variable is read at context creation: a context made without it
  // runs exp normally.
  unsetenv("TESSERA_CPU_FAIL_OP");
  tsr_context c = nullptr;
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_CPU;
  ASSERT_TSR_OK(tsr_context_create(&o, &c));
  {
    const int64_t n = 4;
    TensorGuard x, y;
    ASSERT_TSR_OK(tsr_tensor_full(c, &n, 1, TSR_FLOAT64, 0, nullptr, x.out()));
    ASSERT_TSR_OK(tsr_unary(TSR_EXP, x, nullptr, y.out()));
    EXPECT_TSR_OK(tsr_context_synchronize(c));
    EXPECT_TRUE(all_close(download(y), {1, 1, 1, 1}, 0));
  }
  tsr_context_release(c);
}

}  // namespace
