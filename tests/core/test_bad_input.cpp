// Bad input, function by function through tessera.h: null, released
// (stale), wrong-kind and foreign handles; null out pointers; invalid enums
// and dtypes; negative, overflowing and too-many dimensions; mismatched
// shapes, dtypes and contexts; quota and out of memory; wrong option sizes.
// Every failure must give the exact status, a message naming the function,
// and leave out-parameters untouched. (The DLPack functions have no
// implementation on this branch yet and are not covered here.)
#include <cstring>
#include <functional>

#include "ops/op_test_util.h"
#include "support/backends.h"
#include "support/reference.h"

// Huge requests must come back as TSR_ERROR_OUT_OF_MEMORY under ASan too.
#if defined(__SANITIZE_ADDRESS__)
// Visible: the runtime looks the hook up dynamically, and targets build with
// hidden visibility.
extern "C" __attribute__((visibility("default"))) const char* __asan_default_options() {
  return "allocator_may_return_null=1";
}
#endif

using namespace tsrtest;

namespace {

template <typename H>
H fake(uintptr_t v) {
  return reinterpret_cast<H>(v);
}

// Every out-parameter a call may write, filled with a pattern; untouched()
// says whether any byte changed. op_out is the in/out of ops (null =
// allocate), so it starts null.
struct Outs {
  tsr_tensor tensor, op_out;
  tsr_context context;
  tsr_stream stream;
  tsr_event event;
  tsr_device device;
  int32_t i32[3];
  int64_t i64[TSR_MAX_DIMS];
  float f32;
  void* ptr;
  const char* str;
  tsr_dtype dtype;
  unsigned char host[64];
  tsr_stats stats;
  tsr_device_info info;

  void reset() {
    std::memset(static_cast<void*>(this), 0x5e, sizeof(*this));
    op_out = nullptr;
    stats.size = sizeof(stats);
    info.size = sizeof(info);
    std::memcpy(snapshot(), this, sizeof(*this));
  }
  bool untouched() const { return std::memcmp(snapshot(), this, sizeof(*this)) == 0; }

 private:
  static unsigned char* snapshot() {
    static unsigned char copy[sizeof(Outs)];
    return copy;
  }
};

struct Call {
  const char* fn;  // the function's name, which the message must begin with
  std::function<tsr_status()> run;
};

class BadInput : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    tsr_context_options o{};
    o.size = sizeof(o);
    o.device_kind = GetParam().kind;
    ASSERT_TSR_OK(tsr_context_create(&o, &ctx2));
    t = upload(ctx, random_values({2, 3}, TSR_FLOAT32, -1, 1), TSR_FLOAT32);
    w = upload(ctx, random_values({4, 3}, TSR_FLOAT32, -1, 1), TSR_FLOAT32);
    t2 = upload(ctx2, random_values({2, 3}, TSR_FLOAT32, -1, 1), TSR_FLOAT32);
    ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &s));
    ASSERT_TSR_OK(tsr_stream_create(ctx2, 0, &s2));
    ASSERT_TSR_OK(tsr_event_create(ctx, &e));
    ASSERT_TSR_OK(tsr_event_create(ctx2, &e2));
    ASSERT_TSR_OK(tsr_context_get_device(ctx, &dev));
    // Released handles of every kind.
    tsr_tensor tmp = upload(ctx, random_values({2}, TSR_FLOAT32, 0, 1), TSR_FLOAT32);
    tsr_tensor_release(tmp);
    stale_t = tmp;
    ASSERT_TSR_OK(tsr_context_create(&o, &stale_c));
    tsr_context_release(stale_c);
    ASSERT_TSR_OK(tsr_stream_create(ctx, 0, &stale_s));
    tsr_stream_release(stale_s);
    ASSERT_TSR_OK(tsr_event_create(ctx, &stale_e));
    tsr_event_release(stale_e);
    in_use_before = bytes_in_use();
  }
  void TearDown() override {
    if (ctx) {
      EXPECT_EQ(bytes_in_use(), in_use_before) << "a failed call leaked device memory";
    }
    tsr_tensor_release(t);
    tsr_tensor_release(w);
    tsr_tensor_release(t2);
    tsr_stream_release(s);
    tsr_stream_release(s2);
    tsr_event_release(e);
    tsr_event_release(e2);
    if (ctx2) {
      EXPECT_TSR_OK(tsr_context_synchronize(ctx2));
      tsr_context_release(ctx2);
    }
    BackendTest::TearDown();
  }
  int64_t bytes_in_use() {
    tsr_context_synchronize(ctx);
    tsr_stats st{};
    st.size = sizeof(st);
    tsr_context_get_stats(ctx, &st);
    return st.bytes_in_use;
  }

  // Runs every call expecting `status`, a message naming the function and
  // containing `detail`, and untouched outs.
  void expect_all(const std::vector<Call>& calls, tsr_status status, const char* detail = "") {
    for (const Call& c : calls) {
      SCOPED_TRACE(c.fn);
      outs.reset();
      tsr_status st = c.run();
      EXPECT_EQ(st, status) << c.fn << " -> " << tsr_status_string(st) << ": " << tsr_last_error_message();
      const std::string msg = tsr_last_error_message();
      EXPECT_EQ(msg.rfind(std::string(c.fn) + ": ", 0), 0u) << "message does not begin with " << c.fn << ": " << msg;
      EXPECT_NE(msg.find(detail), std::string::npos) << "message lacks '" << detail << "': " << msg;
      EXPECT_TRUE(outs.untouched()) << c.fn << " wrote an out-parameter while failing";
    }
  }

  // Every function taking a tensor, with `bt` in each tensor position.
  std::vector<Call> tensor_calls(tsr_tensor bt) {
    const int64_t sh[2] = {3, 2}, starts[2] = {0, 0}, stops[2] = {1, 1}, steps[2] = {1, 1};
    const int32_t axes[2] = {1, 0}, axis0[1] = {0};
    Outs& o = outs;
    return {
        {"tsr_tensor_to_host", [=, &o] { return tsr_tensor_to_host(bt, o.host, 24, nullptr); }},
        {"tsr_tensor_copy", [=] { return tsr_tensor_copy(bt, t, nullptr); }},
        {"tsr_tensor_copy", [=] { return tsr_tensor_copy(t, bt, nullptr); }},
        {"tsr_tensor_to_context", [=, &o] { return tsr_tensor_to_context(bt, ctx, nullptr, &o.tensor); }},
        {"tsr_tensor_retain", [=] { return tsr_tensor_retain(bt); }},
        {"tsr_tensor_ndim", [=, &o] { return tsr_tensor_ndim(bt, &o.i32[0]); }},
        {"tsr_tensor_shape", [=, &o] { return tsr_tensor_shape(bt, o.i64); }},
        {"tsr_tensor_strides", [=, &o] { return tsr_tensor_strides(bt, o.i64); }},
        {"tsr_tensor_dtype", [=, &o] { return tsr_tensor_dtype(bt, &o.dtype); }},
        {"tsr_tensor_numel", [=, &o] { return tsr_tensor_numel(bt, &o.i64[0]); }},
        {"tsr_tensor_nbytes", [=, &o] { return tsr_tensor_nbytes(bt, &o.i64[0]); }},
        {"tsr_tensor_context", [=, &o] { return tsr_tensor_context(bt, &o.context); }},
        {"tsr_tensor_device", [=, &o] { return tsr_tensor_device(bt, &o.device); }},
        {"tsr_tensor_is_contiguous", [=, &o] { return tsr_tensor_is_contiguous(bt, &o.i32[0]); }},
        {"tsr_tensor_data_pointer", [=, &o] { return tsr_tensor_data_pointer(bt, &o.ptr); }},
        {"tsr_tensor_reshape", [=, &o] { return tsr_tensor_reshape(bt, sh, 2, &o.tensor); }},
        {"tsr_tensor_permute", [=, &o] { return tsr_tensor_permute(bt, axes, 2, &o.tensor); }},
        {"tsr_tensor_transpose", [=, &o] { return tsr_tensor_transpose(bt, 0, 1, &o.tensor); }},
        {"tsr_tensor_slice", [=, &o] { return tsr_tensor_slice(bt, starts, stops, steps, &o.tensor); }},
        {"tsr_tensor_expand", [=, &o] { return tsr_tensor_expand(bt, sh, 2, &o.tensor); }},
        {"tsr_tensor_squeeze", [=, &o] { return tsr_tensor_squeeze(bt, 0, &o.tensor); }},
        {"tsr_tensor_unsqueeze", [=, &o] { return tsr_tensor_unsqueeze(bt, 0, &o.tensor); }},
        {"tsr_tensor_contiguous", [=, &o] { return tsr_tensor_contiguous(bt, nullptr, &o.tensor); }},
        {"tsr_unary", [=, &o] { return tsr_unary(TSR_EXP, bt, nullptr, &o.op_out); }},
        {"tsr_binary", [=, &o] { return tsr_binary(TSR_ADD, bt, t, nullptr, &o.op_out); }},
        {"tsr_binary", [=, &o] { return tsr_binary(TSR_ADD, t, bt, nullptr, &o.op_out); }},
        {"tsr_binary_scalar", [=, &o] { return tsr_binary_scalar(TSR_ADD, bt, 1, 0, nullptr, &o.op_out); }},
        {"tsr_where", [=, &o] { return tsr_where(bt, t, t, nullptr, &o.op_out); }},
        {"tsr_where", [=, &o] { return tsr_where(t, bt, t, nullptr, &o.op_out); }},
        {"tsr_where", [=, &o] { return tsr_where(t, t, bt, nullptr, &o.op_out); }},
        {"tsr_astype", [=, &o] { return tsr_astype(bt, TSR_INT8, nullptr, &o.op_out); }},
        {"tsr_reduce", [=, &o] { return tsr_reduce(TSR_SUM, bt, axis0, 1, 0, 0, nullptr, &o.op_out); }},
        {"tsr_matmul", [=, &o] { return tsr_matmul(bt, w, 0, 1, 1, 0, nullptr, &o.op_out); }},
        {"tsr_matmul", [=, &o] { return tsr_matmul(t, bt, 0, 1, 1, 0, nullptr, &o.op_out); }},
        {"tsr_linear", [=, &o] { return tsr_linear(bt, w, nullptr, TSR_ACTIVATION_NONE, nullptr, &o.op_out); }},
        {"tsr_linear", [=, &o] { return tsr_linear(t, bt, nullptr, TSR_ACTIVATION_NONE, nullptr, &o.op_out); }},
        {"tsr_softmax", [=, &o] { return tsr_softmax(bt, nullptr, &o.op_out); }},
        {"tsr_log_softmax", [=, &o] { return tsr_log_softmax(bt, nullptr, &o.op_out); }},
        {"tsr_layer_norm", [=, &o] { return tsr_layer_norm(bt, nullptr, nullptr, 1e-5, nullptr, &o.op_out); }},
        {"tsr_rms_norm", [=, &o] { return tsr_rms_norm(bt, nullptr, 1e-5, nullptr, &o.op_out); }},
    };
  }
  // Optional tensor arguments and the op's own *out: a bad non-null handle
  // there is an error too (null means "absent" / "allocate").
  std::vector<Call> optional_tensor_calls(tsr_tensor bt) {
    return {
        {"tsr_linear", [=] { tsr_tensor out = nullptr; return tsr_linear(t, w, bt, TSR_ACTIVATION_NONE, nullptr, &out); }},
        {"tsr_layer_norm", [=] { tsr_tensor out = nullptr; return tsr_layer_norm(t, bt, nullptr, 1e-5, nullptr, &out); }},
        {"tsr_layer_norm", [=] { tsr_tensor out = nullptr; return tsr_layer_norm(t, nullptr, bt, 1e-5, nullptr, &out); }},
        {"tsr_rms_norm", [=] { tsr_tensor out = nullptr; return tsr_rms_norm(t, bt, 1e-5, nullptr, &out); }},
        {"tsr_unary", [=] { tsr_tensor out = bt; return tsr_unary(TSR_EXP, t, nullptr, &out); }},
        {"tsr_binary", [=] { tsr_tensor out = bt; return tsr_binary(TSR_ADD, t, t, nullptr, &out); }},
        {"tsr_binary_scalar", [=] { tsr_tensor out = bt; return tsr_binary_scalar(TSR_ADD, t, 1, 0, nullptr, &out); }},
        {"tsr_where", [=] { tsr_tensor out = bt; return tsr_where(t, t, t, nullptr, &out); }},
        {"tsr_astype", [=] { tsr_tensor out = bt; return tsr_astype(t, TSR_INT8, nullptr, &out); }},
        {"tsr_reduce", [=] { tsr_tensor out = bt; return tsr_reduce(TSR_SUM, t, nullptr, -1, 0, 0, nullptr, &out); }},
        {"tsr_matmul", [=] { tsr_tensor out = bt; return tsr_matmul(t, w, 0, 1, 1, 0, nullptr, &out); }},
        {"tsr_linear", [=] { tsr_tensor out = bt; return tsr_linear(t, w, nullptr, TSR_ACTIVATION_NONE, nullptr, &out); }},
        {"tsr_softmax", [=] { tsr_tensor out = bt; return tsr_softmax(t, nullptr, &out); }},
        {"tsr_log_softmax", [=] { tsr_tensor out = bt; return tsr_log_softmax(t, nullptr, &out); }},
        {"tsr_layer_norm", [=] { tsr_tensor out = bt; return tsr_layer_norm(t, nullptr, nullptr, 1e-5, nullptr, &out); }},
        {"tsr_rms_norm", [=] { tsr_tensor out = bt; return tsr_rms_norm(t, nullptr, 1e-5, nullptr, &out); }},
    };
  }
  // Every function taking a context.
  std::vector<Call> context_calls(tsr_context bc) {
    const int64_t sh[2] = {2, 3};
    Outs& o = outs;
    static float mem[6];
    return {
        {"tsr_context_retain", [=] { return tsr_context_retain(bc); }},
        {"tsr_context_get_device", [=, &o] { return tsr_context_get_device(bc, &o.device); }},
        {"tsr_context_synchronize", [=] { return tsr_context_synchronize(bc); }},
        {"tsr_context_default_stream", [=, &o] { return tsr_context_default_stream(bc, &o.stream); }},
        {"tsr_context_get_stats", [=, &o] { return tsr_context_get_stats(bc, &o.stats); }},
        {"tsr_context_reset_stats", [=] { return tsr_context_reset_stats(bc); }},
        {"tsr_context_trim", [=] { return tsr_context_trim(bc); }},
        {"tsr_stream_create", [=, &o] { return tsr_stream_create(bc, 0, &o.stream); }},
        {"tsr_stream_wrap_native", [=, &o] { return tsr_stream_wrap_native(bc, o.host, &o.stream); }},
        {"tsr_event_create", [=, &o] { return tsr_event_create(bc, &o.event); }},
        {"tsr_tensor_empty", [=, &o] { return tsr_tensor_empty(bc, sh, 2, TSR_FLOAT32, &o.tensor); }},
        {"tsr_tensor_zeros", [=, &o] { return tsr_tensor_zeros(bc, sh, 2, TSR_FLOAT32, nullptr, &o.tensor); }},
        {"tsr_tensor_full", [=, &o] { return tsr_tensor_full(bc, sh, 2, TSR_FLOAT32, 1, nullptr, &o.tensor); }},
        {"tsr_tensor_arange", [=, &o] { return tsr_tensor_arange(bc, 0, 5, 1, TSR_FLOAT32, nullptr, &o.tensor); }},
        {"tsr_tensor_random", [=, &o] { return tsr_tensor_random(bc, sh, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr, &o.tensor); }},
        {"tsr_tensor_from_host", [=, &o] { return tsr_tensor_from_host(bc, mem, 24, sh, 2, TSR_FLOAT32, nullptr, &o.tensor); }},
        {"tsr_tensor_wrap", [=, &o] { return tsr_tensor_wrap(bc, mem, sh, nullptr, 2, TSR_FLOAT32, nullptr, nullptr, &o.tensor); }},
        {"tsr_tensor_to_context", [=, &o] { return tsr_tensor_to_context(t, bc, nullptr, &o.tensor); }},
    };
  }
  // Every function taking a stream; null is the default stream for most,
  // so these are for non-null bad values.
  std::vector<Call> stream_calls(tsr_stream bs) {
    const int64_t sh[2] = {2, 3};
    const int32_t axis0[1] = {0};
    Outs& o = outs;
    static float mem[6];
    return {
        {"tsr_stream_native_handle", [=, &o] { return tsr_stream_native_handle(bs, &o.ptr); }},
        {"tsr_stream_retain", [=] { return tsr_stream_retain(bs); }},
        {"tsr_stream_synchronize", [=] { return tsr_stream_synchronize(bs); }},
        {"tsr_stream_query", [=, &o] { return tsr_stream_query(bs, &o.i32[0]); }},
        {"tsr_stream_wait_event", [=] { return tsr_stream_wait_event(bs, e); }},
        {"tsr_event_record", [=] { return tsr_event_record(e, bs); }},
        {"tsr_tensor_zeros", [=, &o] { return tsr_tensor_zeros(ctx, sh, 2, TSR_FLOAT32, bs, &o.tensor); }},
        {"tsr_tensor_full", [=, &o] { return tsr_tensor_full(ctx, sh, 2, TSR_FLOAT32, 1, bs, &o.tensor); }},
        {"tsr_tensor_arange", [=, &o] { return tsr_tensor_arange(ctx, 0, 5, 1, TSR_FLOAT32, bs, &o.tensor); }},
        {"tsr_tensor_random", [=, &o] { return tsr_tensor_random(ctx, sh, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 0, 1, bs, &o.tensor); }},
        {"tsr_tensor_from_host", [=, &o] { return tsr_tensor_from_host(ctx, mem, 24, sh, 2, TSR_FLOAT32, bs, &o.tensor); }},
        {"tsr_tensor_to_host", [=, &o] { return tsr_tensor_to_host(t, o.host, 24, bs); }},
        {"tsr_tensor_copy", [=] { return tsr_tensor_copy(t, t, bs); }},
        {"tsr_tensor_to_context", [=, &o] { return tsr_tensor_to_context(t, ctx, bs, &o.tensor); }},
        {"tsr_tensor_contiguous", [=, &o] { return tsr_tensor_contiguous(t, bs, &o.tensor); }},
        {"tsr_unary", [=, &o] { return tsr_unary(TSR_EXP, t, bs, &o.op_out); }},
        {"tsr_binary", [=, &o] { return tsr_binary(TSR_ADD, t, t, bs, &o.op_out); }},
        {"tsr_binary_scalar", [=, &o] { return tsr_binary_scalar(TSR_ADD, t, 1, 0, bs, &o.op_out); }},
        {"tsr_where", [=, &o] { return tsr_where(t, t, t, bs, &o.op_out); }},
        {"tsr_astype", [=, &o] { return tsr_astype(t, TSR_INT8, bs, &o.op_out); }},
        {"tsr_reduce", [=, &o] { return tsr_reduce(TSR_SUM, t, axis0, 1, 0, 0, bs, &o.op_out); }},
        {"tsr_matmul", [=, &o] { return tsr_matmul(t, w, 0, 1, 1, 0, bs, &o.op_out); }},
        {"tsr_linear", [=, &o] { return tsr_linear(t, w, nullptr, TSR_ACTIVATION_NONE, bs, &o.op_out); }},
        {"tsr_softmax", [=, &o] { return tsr_softmax(t, bs, &o.op_out); }},
        {"tsr_log_softmax", [=, &o] { return tsr_log_softmax(t, bs, &o.op_out); }},
        {"tsr_layer_norm", [=, &o] { return tsr_layer_norm(t, nullptr, nullptr, 1e-5, bs, &o.op_out); }},
        {"tsr_rms_norm", [=, &o] { return tsr_rms_norm(t, nullptr, 1e-5, bs, &o.op_out); }},
    };
  }
  std::vector<Call> event_calls(tsr_event be) {
    Outs& o = outs;
    return {
        {"tsr_event_retain", [=] { return tsr_event_retain(be); }},
        {"tsr_event_record", [=] { return tsr_event_record(be, nullptr); }},
        {"tsr_event_synchronize", [=] { return tsr_event_synchronize(be); }},
        {"tsr_event_query", [=, &o] { return tsr_event_query(be, &o.i32[0]); }},
        {"tsr_event_elapsed_ms", [=, &o] { return tsr_event_elapsed_ms(be, e, &o.f32); }},
        {"tsr_event_elapsed_ms", [=, &o] { return tsr_event_elapsed_ms(e, be, &o.f32); }},
        {"tsr_stream_wait_event", [=] { return tsr_stream_wait_event(s, be); }},
    };
  }
  std::vector<Call> device_calls(tsr_device bd) {
    Outs& o = outs;
    return {
        {"tsr_device_get_info", [=, &o] { return tsr_device_get_info(bd, &o.info); }},
        {"tsr_device_retain", [=] { return tsr_device_retain(bd); }},
    };
  }

  tsr_context ctx2 = nullptr;
  tsr_tensor t = nullptr, w = nullptr, t2 = nullptr, stale_t = nullptr;
  tsr_stream s = nullptr, s2 = nullptr, stale_s = nullptr;
  tsr_event e = nullptr, e2 = nullptr, stale_e = nullptr;
  tsr_context stale_c = nullptr;
  tsr_device dev = nullptr;
  int64_t in_use_before = 0;
  Outs outs;
};

// A value that is no handle at all: an address on the stack.
uintptr_t foreign_address() {
  static int local;
  return reinterpret_cast<uintptr_t>(&local);
}

TEST_P(BadInput, TensorHandles) {
  expect_all(tensor_calls(nullptr), TSR_ERROR_INVALID_HANDLE, "null handle");
  expect_all(tensor_calls(stale_t), TSR_ERROR_INVALID_HANDLE, "released");
  expect_all(tensor_calls(fake<tsr_tensor>(uintptr_t(ctx))), TSR_ERROR_INVALID_HANDLE, "wrong kind");
  expect_all(tensor_calls(fake<tsr_tensor>(0xdeadbeef)), TSR_ERROR_INVALID_HANDLE, "not a Tessera handle");
  expect_all(tensor_calls(fake<tsr_tensor>(foreign_address())), TSR_ERROR_INVALID_HANDLE, "");
  expect_all(optional_tensor_calls(stale_t), TSR_ERROR_INVALID_HANDLE, "released");
  expect_all(optional_tensor_calls(fake<tsr_tensor>(uintptr_t(s))), TSR_ERROR_INVALID_HANDLE, "wrong kind");
}

TEST_P(BadInput, ContextHandles) {
  expect_all(context_calls(nullptr), TSR_ERROR_INVALID_HANDLE, "null handle");
  expect_all(context_calls(stale_c), TSR_ERROR_INVALID_HANDLE, "released");
  expect_all(context_calls(fake<tsr_context>(uintptr_t(t))), TSR_ERROR_INVALID_HANDLE, "wrong kind");
  expect_all(context_calls(fake<tsr_context>(0xdeadbeef)), TSR_ERROR_INVALID_HANDLE, "not a Tessera handle");
  expect_all(context_calls(fake<tsr_context>(foreign_address())), TSR_ERROR_INVALID_HANDLE, "");
}

TEST_P(BadInput, StreamHandles) {
  expect_all(stream_calls(stale_s), TSR_ERROR_INVALID_HANDLE, "released");
  expect_all(stream_calls(fake<tsr_stream>(uintptr_t(e))), TSR_ERROR_INVALID_HANDLE, "wrong kind");
  expect_all(stream_calls(fake<tsr_stream>(0xdeadbeef)), TSR_ERROR_INVALID_HANDLE, "not a Tessera handle");
  // Where a stream is the subject, null is no stream at all.
  Outs& o = outs;
  expect_all({{"tsr_stream_native_handle", [&] { return tsr_stream_native_handle(nullptr, &o.ptr); }},
              {"tsr_stream_retain", [] { return tsr_stream_retain(nullptr); }},
              {"tsr_stream_synchronize", [] { return tsr_stream_synchronize(nullptr); }},
              {"tsr_stream_query", [&] { return tsr_stream_query(nullptr, &o.i32[0]); }},
              {"tsr_stream_wait_event", [&] { return tsr_stream_wait_event(nullptr, e); }}},
             TSR_ERROR_INVALID_HANDLE, "null handle");
}

TEST_P(BadInput, EventAndDeviceHandles) {
  expect_all(event_calls(nullptr), TSR_ERROR_INVALID_HANDLE, "null handle");
  expect_all(event_calls(stale_e), TSR_ERROR_INVALID_HANDLE, "released");
  expect_all(event_calls(fake<tsr_event>(uintptr_t(s))), TSR_ERROR_INVALID_HANDLE, "wrong kind");
  expect_all(event_calls(fake<tsr_event>(0xdeadbeef)), TSR_ERROR_INVALID_HANDLE, "not a Tessera handle");
  expect_all(device_calls(nullptr), TSR_ERROR_INVALID_HANDLE, "null handle");
  expect_all(device_calls(fake<tsr_device>(uintptr_t(ctx))), TSR_ERROR_INVALID_HANDLE, "wrong kind");
  expect_all(device_calls(fake<tsr_device>(0xdeadbeef)), TSR_ERROR_INVALID_HANDLE, "not a Tessera handle");
}

TEST_P(BadInput, ReleaseAcceptsAnything) {
  // Null, stale, wrong-kind and foreign values: no crash, and a wrong-kind
  // release must not touch the object the value really names.
  for (uintptr_t v : {uintptr_t(0), uintptr_t(0xdeadbeef), foreign_address()}) {
    tsr_tensor_release(fake<tsr_tensor>(v));
    tsr_context_release(fake<tsr_context>(v));
    tsr_stream_release(fake<tsr_stream>(v));
    tsr_event_release(fake<tsr_event>(v));
    tsr_device_release(fake<tsr_device>(v));
  }
  tsr_tensor_release(stale_t);
  tsr_context_release(stale_c);
  tsr_stream_release(stale_s);
  tsr_event_release(stale_e);
  tsr_tensor_release(fake<tsr_tensor>(uintptr_t(ctx)));
  tsr_context_release(fake<tsr_context>(uintptr_t(t)));
  tsr_stream_release(fake<tsr_stream>(uintptr_t(e)));
  tsr_event_release(fake<tsr_event>(uintptr_t(s)));
  tsr_device_release(dev);  // device handles live as long as the library
  int32_t nd = 0, done = 0;
  EXPECT_TSR_OK(tsr_tensor_ndim(t, &nd));
  EXPECT_TSR_OK(tsr_context_synchronize(ctx));
  EXPECT_TSR_OK(tsr_stream_query(s, &done));
  EXPECT_TSR_OK(tsr_event_query(e, &done));
  tsr_device_info info{};
  info.size = sizeof(info);
  EXPECT_TSR_OK(tsr_device_get_info(dev, &info));
  EXPECT_TSR_OK(tsr_device_retain(dev));
  // Retain then release twice: the second release makes the handle stale.
  tsr_tensor extra = upload(ctx, random_values({1}, TSR_FLOAT32, 0, 1), TSR_FLOAT32);
  ASSERT_TSR_OK(tsr_tensor_retain(extra));
  tsr_tensor_release(extra);
  EXPECT_TSR_OK(tsr_tensor_ndim(extra, &nd));
  tsr_tensor_release(extra);
  EXPECT_TSR_ERROR(tsr_tensor_ndim(extra, &nd), TSR_ERROR_INVALID_HANDLE, "tsr_tensor_ndim:");
  tsr_tensor_release(extra);
}

TEST_P(BadInput, NullOutPointers) {
  const int64_t sh[2] = {2, 3}, starts[2] = {0, 0}, stops[2] = {1, 1}, steps[2] = {1, 1};
  const int32_t axes[2] = {1, 0};
  float mem[6] = {};
  expect_all(
      {
          {"tsr_dtype_size", [] { return tsr_dtype_size(TSR_FLOAT32, nullptr); }},
          {"tsr_result_type", [] { return tsr_result_type(TSR_FLOAT32, TSR_INT8, nullptr); }},
          {"tsr_device_count", [] { return tsr_device_count(nullptr); }},
          {"tsr_device_get", [] { return tsr_device_get(0, nullptr); }},
          {"tsr_device_get_info", [&] { return tsr_device_get_info(dev, nullptr); }},
          {"tsr_backend_available", [] { return tsr_backend_available(TSR_DEVICE_CPU, nullptr, nullptr); }},
          {"tsr_context_create", [] { return tsr_context_create(nullptr, nullptr); }},
          {"tsr_context_get_device", [&] { return tsr_context_get_device(ctx, nullptr); }},
          {"tsr_context_default_stream", [&] { return tsr_context_default_stream(ctx, nullptr); }},
          {"tsr_context_get_stats", [&] { return tsr_context_get_stats(ctx, nullptr); }},
          {"tsr_stream_create", [&] { return tsr_stream_create(ctx, 0, nullptr); }},
          {"tsr_stream_wrap_native", [&] { return tsr_stream_wrap_native(ctx, mem, nullptr); }},
          {"tsr_stream_native_handle", [&] { return tsr_stream_native_handle(s, nullptr); }},
          {"tsr_stream_query", [&] { return tsr_stream_query(s, nullptr); }},
          {"tsr_event_create", [&] { return tsr_event_create(ctx, nullptr); }},
          {"tsr_event_query", [&] { return tsr_event_query(e, nullptr); }},
          {"tsr_event_elapsed_ms", [&] { return tsr_event_elapsed_ms(e, e, nullptr); }},
          {"tsr_tensor_empty", [&] { return tsr_tensor_empty(ctx, sh, 2, TSR_FLOAT32, nullptr); }},
          {"tsr_tensor_zeros", [&] { return tsr_tensor_zeros(ctx, sh, 2, TSR_FLOAT32, nullptr, nullptr); }},
          {"tsr_tensor_full", [&] { return tsr_tensor_full(ctx, sh, 2, TSR_FLOAT32, 1, nullptr, nullptr); }},
          {"tsr_tensor_arange", [&] { return tsr_tensor_arange(ctx, 0, 4, 1, TSR_FLOAT32, nullptr, nullptr); }},
          {"tsr_tensor_random", [&] { return tsr_tensor_random(ctx, sh, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr, nullptr); }},
          {"tsr_tensor_from_host", [&] { return tsr_tensor_from_host(ctx, mem, 24, sh, 2, TSR_FLOAT32, nullptr, nullptr); }},
          {"tsr_tensor_wrap", [&] { return tsr_tensor_wrap(ctx, mem, sh, nullptr, 2, TSR_FLOAT32, nullptr, nullptr, nullptr); }},
          {"tsr_tensor_to_host", [&] { return tsr_tensor_to_host(t, nullptr, 24, nullptr); }},
          {"tsr_tensor_to_context", [&] { return tsr_tensor_to_context(t, ctx2, nullptr, nullptr); }},
          {"tsr_tensor_ndim", [&] { return tsr_tensor_ndim(t, nullptr); }},
          {"tsr_tensor_shape", [&] { return tsr_tensor_shape(t, nullptr); }},
          {"tsr_tensor_strides", [&] { return tsr_tensor_strides(t, nullptr); }},
          {"tsr_tensor_dtype", [&] { return tsr_tensor_dtype(t, nullptr); }},
          {"tsr_tensor_numel", [&] { return tsr_tensor_numel(t, nullptr); }},
          {"tsr_tensor_nbytes", [&] { return tsr_tensor_nbytes(t, nullptr); }},
          {"tsr_tensor_context", [&] { return tsr_tensor_context(t, nullptr); }},
          {"tsr_tensor_device", [&] { return tsr_tensor_device(t, nullptr); }},
          {"tsr_tensor_is_contiguous", [&] { return tsr_tensor_is_contiguous(t, nullptr); }},
          {"tsr_tensor_data_pointer", [&] { return tsr_tensor_data_pointer(t, nullptr); }},
          {"tsr_tensor_reshape", [&] { return tsr_tensor_reshape(t, sh, 2, nullptr); }},
          {"tsr_tensor_permute", [&] { return tsr_tensor_permute(t, axes, 2, nullptr); }},
          {"tsr_tensor_transpose", [&] { return tsr_tensor_transpose(t, 0, 1, nullptr); }},
          {"tsr_tensor_slice", [&] { return tsr_tensor_slice(t, starts, stops, steps, nullptr); }},
          {"tsr_tensor_expand", [&] { return tsr_tensor_expand(t, sh, 2, nullptr); }},
          {"tsr_tensor_squeeze", [&] { return tsr_tensor_squeeze(t, 0, nullptr); }},
          {"tsr_tensor_unsqueeze", [&] { return tsr_tensor_unsqueeze(t, 0, nullptr); }},
          {"tsr_tensor_contiguous", [&] { return tsr_tensor_contiguous(t, nullptr, nullptr); }},
          {"tsr_unary", [&] { return tsr_unary(TSR_EXP, t, nullptr, nullptr); }},
          {"tsr_binary", [&] { return tsr_binary(TSR_ADD, t, t, nullptr, nullptr); }},
          {"tsr_binary_scalar", [&] { return tsr_binary_scalar(TSR_ADD, t, 1, 0, nullptr, nullptr); }},
          {"tsr_where", [&] { return tsr_where(t, t, t, nullptr, nullptr); }},
          {"tsr_astype", [&] { return tsr_astype(t, TSR_INT8, nullptr, nullptr); }},
          {"tsr_reduce", [&] { return tsr_reduce(TSR_SUM, t, nullptr, -1, 0, 0, nullptr, nullptr); }},
          {"tsr_matmul", [&] { return tsr_matmul(t, w, 0, 1, 1, 0, nullptr, nullptr); }},
          {"tsr_linear", [&] { return tsr_linear(t, w, nullptr, TSR_ACTIVATION_NONE, nullptr, nullptr); }},
          {"tsr_softmax", [&] { return tsr_softmax(t, nullptr, nullptr); }},
          {"tsr_log_softmax", [&] { return tsr_log_softmax(t, nullptr, nullptr); }},
          {"tsr_layer_norm", [&] { return tsr_layer_norm(t, nullptr, nullptr, 1e-5, nullptr, nullptr); }},
          {"tsr_rms_norm", [&] { return tsr_rms_norm(t, nullptr, 1e-5, nullptr, nullptr); }},
          // Required input arrays.
          {"tsr_tensor_empty", [&] { return tsr_tensor_empty(ctx, nullptr, 2, TSR_FLOAT32, &outs.tensor); }},
          {"tsr_tensor_reshape", [&] { return tsr_tensor_reshape(t, nullptr, 2, &outs.tensor); }},
          {"tsr_tensor_permute", [&] { return tsr_tensor_permute(t, nullptr, 2, &outs.tensor); }},
          {"tsr_tensor_slice", [&] { return tsr_tensor_slice(t, starts, nullptr, steps, &outs.tensor); }},
          {"tsr_tensor_expand", [&] { return tsr_tensor_expand(t, nullptr, 2, &outs.tensor); }},
          {"tsr_reduce", [&] { return tsr_reduce(TSR_SUM, t, nullptr, 1, 0, 0, nullptr, &outs.op_out); }},
      },
      TSR_ERROR_NULL_POINTER);
}

TEST_P(BadInput, InvalidEnumsAndDtypes) {
  const int64_t sh[2] = {2, 3};
  float mem[6] = {};
  Outs& o = outs;
  std::vector<Call> calls;
  for (int bad : {-1, int(TSR_DTYPE_COUNT), 1000}) {
    const tsr_dtype d = tsr_dtype(bad);
    calls.insert(calls.end(), {
        {"tsr_dtype_size", [=, &o] { return tsr_dtype_size(d, &o.i64[0]); }},
        {"tsr_result_type", [=, &o] { return tsr_result_type(d, TSR_FLOAT32, &o.dtype); }},
        {"tsr_result_type", [=, &o] { return tsr_result_type(TSR_FLOAT32, d, &o.dtype); }},
        {"tsr_tensor_empty", [=, &o] { return tsr_tensor_empty(ctx, sh, 2, d, &o.tensor); }},
        {"tsr_tensor_zeros", [=, &o] { return tsr_tensor_zeros(ctx, sh, 2, d, nullptr, &o.tensor); }},
        {"tsr_tensor_full", [=, &o] { return tsr_tensor_full(ctx, sh, 2, d, 1, nullptr, &o.tensor); }},
        {"tsr_tensor_arange", [=, &o] { return tsr_tensor_arange(ctx, 0, 3, 1, d, nullptr, &o.tensor); }},
        {"tsr_tensor_random", [=, &o] { return tsr_tensor_random(ctx, sh, 2, d, TSR_RANDOM_UNIFORM, 1, 0, 1, nullptr, &o.tensor); }},
        {"tsr_tensor_from_host", [=, &o, &mem] { return tsr_tensor_from_host(ctx, mem, 24, sh, 2, d, nullptr, &o.tensor); }},
        {"tsr_tensor_wrap", [=, &o, &mem] { return tsr_tensor_wrap(ctx, mem, sh, nullptr, 2, d, nullptr, nullptr, &o.tensor); }},
        {"tsr_astype", [=, &o] { return tsr_astype(t, d, nullptr, &o.op_out); }},
    });
  }
  calls.insert(calls.end(), {
      {"tsr_backend_available", [&] { return tsr_backend_available(tsr_device_kind(99), &o.i32[0], &o.str); }},
      {"tsr_stream_create", [&] { return tsr_stream_create(ctx, 0x10, &o.stream); }},
      {"tsr_tensor_random", [&] { return tsr_tensor_random(ctx, sh, 2, TSR_FLOAT32, tsr_distribution(5), 1, 0, 1, nullptr, &o.tensor); }},
      {"tsr_unary", [&] { return tsr_unary(tsr_unary_op(TSR_UNARY_OP_COUNT), t, nullptr, &o.op_out); }},
      {"tsr_binary", [&] { return tsr_binary(tsr_binary_op(-1), t, t, nullptr, &o.op_out); }},
      {"tsr_binary_scalar", [&] { return tsr_binary_scalar(tsr_binary_op(TSR_BINARY_OP_COUNT), t, 1, 0, nullptr, &o.op_out); }},
      {"tsr_reduce", [&] { return tsr_reduce(tsr_reduce_op(TSR_REDUCE_OP_COUNT), t, nullptr, -1, 0, 0, nullptr, &o.op_out); }},
      {"tsr_linear", [&] { return tsr_linear(t, w, nullptr, tsr_activation(17), nullptr, &o.op_out); }},
  });
  expect_all(calls, TSR_ERROR_INVALID_ARGUMENT);
  int32_t count = 0;
  ASSERT_TSR_OK(tsr_device_count(&count));
  expect_all({{"tsr_device_get", [&] { return tsr_device_get(count, &o.device); }},
              {"tsr_device_get", [&] { return tsr_device_get(-1, &o.device); }}},
             TSR_ERROR_OUT_OF_RANGE);
  // Context options: unknown kind, flags, default stream flags, negative index and quota.
  auto with = [&](std::function<void(tsr_context_options&)> edit) {
    return [&o, edit] {
      tsr_context_options opt{};
      opt.size = sizeof(opt);
      opt.device_kind = TSR_DEVICE_CPU;
      edit(opt);
      return tsr_context_create(&opt, &o.context);
    };
  };
  expect_all({{"tsr_context_create", with([](tsr_context_options& x) { x.device_kind = tsr_device_kind(9); })},
              {"tsr_context_create", with([](tsr_context_options& x) { x.flags = 1u << 7; })},
              {"tsr_context_create", with([](tsr_context_options& x) { x.default_stream_flags = 1u << 5; })},
              {"tsr_context_create", with([](tsr_context_options& x) { x.device_index = -1; })},
              {"tsr_context_create", with([](tsr_context_options& x) { x.memory_quota = -5; })},
              {"tsr_context_create", with([](tsr_context_options& x) { x.size = 0; })},
              {"tsr_context_create", with([](tsr_context_options& x) { x.size = 3; })},
              {"tsr_context_create", with([](tsr_context_options& x) { x.size = 1 << 20; })}},
             TSR_ERROR_INVALID_ARGUMENT);
  expect_all({{"tsr_context_create", with([](tsr_context_options& x) { x.device_index = 7; })}},
             TSR_ERROR_DEVICE_UNAVAILABLE);
  // Result structs whose size field is wrong are refused and left as they were.
  tsr_device_info info;
  std::memset(&info, 0x5e, sizeof(info));
  info.size = 4;
  EXPECT_TSR_ERROR(tsr_device_get_info(dev, &info), TSR_ERROR_INVALID_ARGUMENT, "tsr_device_get_info:");
  EXPECT_EQ(info.size, 4u);
  EXPECT_EQ(info.index, 0x5e5e5e5e);
  tsr_stats stats;
  std::memset(&stats, 0x5e, sizeof(stats));
  stats.size = 0;
  EXPECT_TSR_ERROR(tsr_context_get_stats(ctx, &stats), TSR_ERROR_INVALID_ARGUMENT, "tsr_context_get_stats:");
  EXPECT_EQ(stats.bytes_in_use, 0x5e5e5e5e5e5e5e5e);
}

TEST_P(BadInput, OldCallersStructsAreAccepted) {
  // An options struct from an older caller (no quota field) is read as far as it goes.
  tsr_context_options opt{};
  opt.size = offsetof(tsr_context_options, memory_quota);
  opt.device_kind = GetParam().kind;
  opt.memory_quota = 1;  // beyond `size`: must be ignored
  tsr_context c = nullptr;
  ASSERT_TSR_OK(tsr_context_create(&opt, &c));
  const int64_t sh[1] = {1 << 16};
  tsr_tensor big = nullptr;
  EXPECT_TSR_OK(tsr_tensor_empty(c, sh, 1, TSR_FLOAT32, &big));
  tsr_tensor_release(big);
  tsr_context_release(c);
}

TEST_P(BadInput, ShapesAndSizes) {
  const int64_t overflow[2] = {INT64_MAX, 4}, negative[2] = {2, -3};
  const int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  float mem[6] = {};
  Outs& o = outs;
  auto shaped = [&](const int64_t* sh, int32_t nd) {
    return std::vector<Call>{
        {"tsr_tensor_empty", [=, &o] { return tsr_tensor_empty(ctx, sh, nd, TSR_FLOAT32, &o.tensor); }},
        {"tsr_tensor_zeros", [=, &o] { return tsr_tensor_zeros(ctx, sh, nd, TSR_FLOAT32, nullptr, &o.tensor); }},
        {"tsr_tensor_full", [=, &o] { return tsr_tensor_full(ctx, sh, nd, TSR_FLOAT32, 2, nullptr, &o.tensor); }},
        {"tsr_tensor_random", [=, &o] { return tsr_tensor_random(ctx, sh, nd, TSR_FLOAT32, TSR_RANDOM_NORMAL, 1, 0, 1, nullptr, &o.tensor); }},
        {"tsr_tensor_from_host", [=, &o, &mem] { return tsr_tensor_from_host(ctx, mem, 24, sh, nd, TSR_FLOAT32, nullptr, &o.tensor); }},
        {"tsr_tensor_wrap", [=, &o, &mem] { return tsr_tensor_wrap(ctx, mem, sh, nullptr, nd, TSR_FLOAT32, nullptr, nullptr, &o.tensor); }},
        {"tsr_tensor_reshape", [=, &o] { return tsr_tensor_reshape(t, sh, nd, &o.tensor); }},
        {"tsr_tensor_expand", [=, &o] { return tsr_tensor_expand(t, sh, nd, &o.tensor); }},
    };
  };
  expect_all(shaped(overflow, 2), TSR_ERROR_SIZE_OVERFLOW);
  // No elements, but strides that would not fit in int64.
  const int64_t empty_overflow[3] = {0, INT64_MAX, 4};
  expect_all(shaped(empty_overflow, 3), TSR_ERROR_SIZE_OVERFLOW);
  expect_all(shaped(negative, 2), TSR_ERROR_INVALID_SHAPE);
  expect_all(shaped(nine, 9), TSR_ERROR_TOO_MANY_DIMS);
  expect_all(shaped(nine, -1), TSR_ERROR_INVALID_SHAPE);
  // Byte counts that do not match the shape.
  const int64_t sh[2] = {2, 3};
  expect_all({{"tsr_tensor_from_host", [&] { return tsr_tensor_from_host(ctx, mem, 23, sh, 2, TSR_FLOAT32, nullptr, &o.tensor); }},
              {"tsr_tensor_from_host", [&] { return tsr_tensor_from_host(ctx, mem, -24, sh, 2, TSR_FLOAT32, nullptr, &o.tensor); }},
              {"tsr_tensor_to_host", [&] { return tsr_tensor_to_host(t, o.host, 25, nullptr); }},
              {"tsr_tensor_to_host", [&] { return tsr_tensor_to_host(t, o.host, -1, nullptr); }},
              {"tsr_tensor_copy", [&] { return tsr_tensor_copy(t, w, nullptr); }},
              {"tsr_binary", [&] { return tsr_binary(TSR_ADD, t, w, nullptr, &o.op_out); }},
              {"tsr_where", [&] { return tsr_where(t, w, t, nullptr, &o.op_out); }}},
             TSR_ERROR_SHAPE_MISMATCH);
}

TEST_P(BadInput, MismatchedDtypesAndOutputs) {
  Outs& o = outs;
  tsr_tensor i64 = upload(ctx, random_values({2, 3}, TSR_INT64, 0, 5), TSR_INT64);
  tsr_tensor u64 = upload(ctx, random_values({2, 3}, TSR_UINT64, 0, 5), TSR_UINT64);
  tsr_tensor b = upload(ctx, random_values({2, 3}, TSR_BOOL, 0, 1), TSR_BOOL);
  tsr_tensor out_f64 = nullptr;
  const int64_t sh[2] = {2, 3};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, sh, 2, TSR_FLOAT64, nullptr, &out_f64));
  expect_all({{"tsr_binary", [&] { return tsr_binary(TSR_ADD, i64, u64, nullptr, &o.op_out); }},
              {"tsr_where", [&] { return tsr_where(b, i64, u64, nullptr, &o.op_out); }},
              {"tsr_binary", [&] { return tsr_binary(TSR_ADD, b, b, nullptr, &o.op_out); }},
              {"tsr_binary", [&] { return tsr_binary(TSR_BITWISE_AND, t, t, nullptr, &o.op_out); }},
              {"tsr_unary", [&] { return tsr_unary(TSR_NEGATIVE, b, nullptr, &o.op_out); }},
              {"tsr_tensor_random", [&] { return tsr_tensor_random(ctx, sh, 2, TSR_INT8, TSR_RANDOM_NORMAL, 1, 0, 1, nullptr, &o.tensor); }},
              {"tsr_unary", [&] { tsr_tensor y = out_f64; return tsr_unary(TSR_EXP, t, nullptr, &y); }},
              {"tsr_astype", [&] { tsr_tensor y = out_f64; return tsr_astype(t, TSR_FLOAT32, nullptr, &y); }}},
             TSR_ERROR_DTYPE_MISMATCH);
  Host before = download(out_f64);
  EXPECT_TRUE(all_close(before, std::vector<double>(6, 0.0), 0)) << "a refused output is not written";
  for (tsr_tensor x : {i64, u64, b, out_f64}) tsr_tensor_release(x);
}

TEST_P(BadInput, TwoContexts) {
  Outs& o = outs;
  const int64_t sh[2] = {2, 3};
  tsr_tensor out2 = nullptr;
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx2, sh, 2, TSR_FLOAT32, nullptr, &out2));
  tsr_tensor w2 = upload(ctx2, random_values({4, 3}, TSR_FLOAT32, -1, 1), TSR_FLOAT32);
  expect_all(
      {
          {"tsr_binary", [&] { return tsr_binary(TSR_ADD, t, t2, nullptr, &o.op_out); }},
          {"tsr_binary", [&] { tsr_tensor y = out2; return tsr_binary(TSR_ADD, t, t, nullptr, &y); }},
          {"tsr_unary", [&] { tsr_tensor y = out2; return tsr_unary(TSR_EXP, t, nullptr, &y); }},
          {"tsr_where", [&] { return tsr_where(t2, t, t, nullptr, &o.op_out); }},
          {"tsr_where", [&] { return tsr_where(t, t, t2, nullptr, &o.op_out); }},
          {"tsr_matmul", [&] { return tsr_matmul(t, w2, 0, 1, 1, 0, nullptr, &o.op_out); }},
          {"tsr_linear", [&] { return tsr_linear(t, w2, nullptr, TSR_ACTIVATION_NONE, nullptr, &o.op_out); }},
          {"tsr_unary", [&] { return tsr_unary(TSR_EXP, t, s2, &o.op_out); }},
          {"tsr_binary_scalar", [&] { return tsr_binary_scalar(TSR_ADD, t, 1, 0, s2, &o.op_out); }},
          {"tsr_astype", [&] { return tsr_astype(t, TSR_INT8, s2, &o.op_out); }},
          {"tsr_tensor_zeros", [&] { return tsr_tensor_zeros(ctx, sh, 2, TSR_FLOAT32, s2, &o.tensor); }},
          {"tsr_tensor_to_host", [&] { return tsr_tensor_to_host(t, o.host, 24, s2); }},
          {"tsr_tensor_contiguous", [&] { return tsr_tensor_contiguous(t, s2, &o.tensor); }},
          {"tsr_tensor_to_context", [&] { return tsr_tensor_to_context(t, ctx2, s, &o.tensor); }},
          {"tsr_tensor_copy", [&] { return tsr_tensor_copy(out2, t, s); }},
          {"tsr_event_record", [&] { return tsr_event_record(e, s2); }},
          {"tsr_stream_wait_event", [&] { return tsr_stream_wait_event(s2, e); }},
          {"tsr_event_elapsed_ms", [&] { return tsr_event_elapsed_ms(e, e2, &o.f32); }},
      },
      TSR_ERROR_DEVICE_MISMATCH);
  tsr_tensor_release(out2);
  tsr_tensor_release(w2);
}

TEST_P(BadInput, QuotaExceededAndTheContextStillWorks) {
  tsr_context_options opt{};
  opt.size = sizeof(opt);
  opt.device_kind = GetParam().kind;
  opt.memory_quota = 1 << 20;
  tsr_context q = nullptr;
  ASSERT_TSR_OK(tsr_context_create(&opt, &q));
  Outs& o = outs;
  const int64_t two_mib[1] = {2 << 20};
  expect_all({{"tsr_tensor_empty", [&] { return tsr_tensor_empty(q, two_mib, 1, TSR_UINT8, &o.tensor); }},
              {"tsr_tensor_zeros", [&] { return tsr_tensor_zeros(q, two_mib, 1, TSR_UINT8, nullptr, &o.tensor); }}},
             TSR_ERROR_QUOTA_EXCEEDED, "quota");
  // Still usable: a cached block is trimmed to make room for a new size.
  const int64_t a_sh[1] = {768 << 10}, b_sh[1] = {900 << 10};
  tsr_tensor a = nullptr, b = nullptr, c = nullptr;
  ASSERT_TSR_OK(tsr_tensor_full(q, a_sh, 1, TSR_UINT8, 3, nullptr, &a));
  EXPECT_TSR_ERROR(tsr_tensor_empty(q, b_sh, 1, TSR_UINT8, &b), TSR_ERROR_QUOTA_EXCEEDED, "tsr_tensor_empty:");
  // An op whose output would pass the quota is refused too.
  EXPECT_TSR_ERROR(tsr_unary(TSR_NEGATIVE, a, nullptr, &c), TSR_ERROR_QUOTA_EXCEEDED, "tsr_unary:");
  EXPECT_EQ(c, nullptr);
  tsr_tensor_release(a);
  ASSERT_TSR_OK(tsr_context_synchronize(q));
  ASSERT_TSR_OK(tsr_tensor_full(q, b_sh, 1, TSR_UINT8, 5, nullptr, &b));
  Host hb = download(b);
  EXPECT_EQ(hb.data.front(), 5);
  EXPECT_EQ(hb.data.back(), 5);
  tsr_stats st{};
  st.size = sizeof(st);
  ASSERT_TSR_OK(tsr_context_get_stats(q, &st));
  EXPECT_LE(st.bytes_reserved, 1 << 20);
  tsr_tensor_release(b);
  tsr_tensor_release(c);
  tsr_context_release(q);
}

TEST_P(BadInput, OutOfMemoryAndTheContextStillWorks) {
  Outs& o = outs;
  const int64_t huge[1] = {int64_t(1) << 50};  // 4 PiB of float32
  expect_all({{"tsr_tensor_empty", [&] { return tsr_tensor_empty(ctx, huge, 1, TSR_FLOAT32, &o.tensor); }}},
             TSR_ERROR_OUT_OF_MEMORY, "bytes");
  TensorGuard fine;
  const int64_t sh[1] = {16};
  EXPECT_TSR_OK(tsr_tensor_full(ctx, sh, 1, TSR_FLOAT32, 1, nullptr, fine.out()));
}

TEST_P(BadInput, OtherStatesAndArguments) {
  Outs& o = outs;
  tsr_event fresh = nullptr;
  ASSERT_TSR_OK(tsr_event_create(ctx, &fresh));
  float host[6] = {};
  TensorGuard ints(upload(ctx, random_values({3}, TSR_INT32, -3, 3), TSR_INT32));
  expect_all({{"tsr_event_elapsed_ms", [&] { return tsr_event_elapsed_ms(fresh, e, &o.f32); }},
              {"tsr_tensor_wrap", [&] { const int64_t sh[1] = {3}, st[1] = {-1}; return tsr_tensor_wrap(ctx, host, sh, st, 1, TSR_FLOAT32, nullptr, nullptr, &o.tensor); }},
              {"tsr_tensor_arange", [&] { return tsr_tensor_arange(ctx, 0, 1, 0, TSR_FLOAT32, nullptr, &o.tensor); }},
              {"tsr_tensor_random", [&] { return tsr_tensor_random(ctx, nullptr, 0, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, 1, 0, nullptr, &o.tensor); }},
              {"tsr_binary_scalar", [&] { return tsr_binary_scalar(TSR_ADD, ints, NAN, 0, nullptr, &o.op_out); }}},
             TSR_ERROR_INVALID_ARGUMENT);
  tsr_event_release(fresh);
  // Something that is not a native stream: the CPU has no native streams and
  // OpenCL can ask the driver whether a pointer is a cl_command_queue. A
  // cudaStream_t/hipStream_t cannot be validated (the runtimes give no safe
  // query for a garbage pointer), so on CUDA/HIP it is the caller's contract.
  if (GetParam().kind == TSR_DEVICE_CPU)
    expect_all({{"tsr_stream_wrap_native", [&] { return tsr_stream_wrap_native(ctx, host, &o.stream); }}},
               TSR_ERROR_UNSUPPORTED);
  if (GetParam().kind == TSR_DEVICE_OPENCL)
    expect_all({{"tsr_stream_wrap_native", [&] { return tsr_stream_wrap_native(ctx, host, &o.stream); }}},
               TSR_ERROR_INVALID_ARGUMENT, "cl_command_queue");
}

TEST(ErrorsAndVersion, StaticQueries) {
  int32_t major = -1, minor = -1, patch = -1;
  ASSERT_TSR_OK(tsr_version(&major, &minor, &patch));
  EXPECT_EQ(major, TSR_VERSION_MAJOR);
  EXPECT_EQ(minor, TSR_VERSION_MINOR);
  EXPECT_EQ(patch, TSR_VERSION_PATCH);
  EXPECT_TSR_OK(tsr_version(nullptr, nullptr, nullptr));
  EXPECT_STREQ(tsr_last_error_message(), "") << "a successful call clears the message";
  EXPECT_STREQ(tsr_status_string(TSR_ERROR_INVALID_HANDLE), "TSR_ERROR_INVALID_HANDLE");
  EXPECT_STREQ(tsr_status_string(TSR_OK), "TSR_OK");
  EXPECT_STREQ(tsr_status_string(tsr_status(12345)), "TSR_ERROR_UNKNOWN");
  for (tsr_status st : {TSR_ERROR_INVALID_ARGUMENT, TSR_ERROR_NULL_POINTER, TSR_ERROR_OUT_OF_RANGE,
                        TSR_ERROR_SHAPE_MISMATCH, TSR_ERROR_DTYPE_MISMATCH, TSR_ERROR_INVALID_SHAPE,
                        TSR_ERROR_TOO_MANY_DIMS, TSR_ERROR_OUT_OF_MEMORY, TSR_ERROR_QUOTA_EXCEEDED,
                        TSR_ERROR_SIZE_OVERFLOW, TSR_ERROR_DEVICE_UNAVAILABLE, TSR_ERROR_DEVICE_MISMATCH,
                        TSR_ERROR_BACKEND, TSR_ERROR_ASYNC, TSR_ERROR_UNSUPPORTED, TSR_ERROR_INTERNAL})
    EXPECT_EQ(std::string(tsr_status_string(st)).rfind("TSR_ERROR_", 0), 0u) << int(st);
  EXPECT_STREQ(tsr_dtype_name(TSR_BFLOAT16), "bfloat16");
  EXPECT_STREQ(tsr_dtype_name(tsr_dtype(-3)), "invalid");
  EXPECT_STREQ(tsr_dtype_name(TSR_DTYPE_COUNT), "invalid");
  for (tsr_dtype d : all_dtypes()) {
    int64_t bytes = 0;
    ASSERT_TSR_OK(tsr_dtype_size(d, &bytes));
    EXPECT_EQ(bytes, d == TSR_BOOL || d == TSR_INT8 || d == TSR_UINT8 ? 1
                     : d == TSR_INT16 || d == TSR_UINT16 || d == TSR_FLOAT16 || d == TSR_BFLOAT16 ? 2
                     : d == TSR_INT32 || d == TSR_UINT32 || d == TSR_FLOAT32 ? 4 : 8);
  }
  // The message of a failure stays until the next call, which clears it.
  int64_t b = 0;
  EXPECT_EQ(tsr_dtype_size(tsr_dtype(77), &b), TSR_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(tsr_last_error_message()), "");
  EXPECT_TSR_OK(tsr_dtype_size(TSR_INT8, &b));
  EXPECT_STREQ(tsr_last_error_message(), "");
  // Backends: the CPU is always there; an absent plugin says why.
  int32_t avail = -1;
  const char* reason = nullptr;
  ASSERT_TSR_OK(tsr_backend_available(TSR_DEVICE_CPU, &avail, &reason));
  EXPECT_EQ(avail, 1);
  ASSERT_NE(reason, nullptr);
  for (tsr_device_kind k : {TSR_DEVICE_CUDA, TSR_DEVICE_HIP, TSR_DEVICE_OPENCL}) {
    ASSERT_TSR_OK(tsr_backend_available(k, &avail, &reason));
    if (!avail) {
      EXPECT_STRNE(reason, "") << "an unavailable backend must say why";
      tsr_context_options o{};
      o.size = sizeof(o);
      o.device_kind = k;
      tsr_context c = fake<tsr_context>(0x5e5e);
      EXPECT_TSR_ERROR(tsr_context_create(&o, &c), TSR_ERROR_DEVICE_UNAVAILABLE, "tsr_context_create:");
      EXPECT_EQ(c, fake<tsr_context>(0x5e5e));
    }
  }
}

TSR_INSTANTIATE_BACKENDS(BadInput);

}  // namespace
