// DLPack export and import: round trips without copies (pointer equality and
// shared mutations), the producer's deleter called exactly once, strided and
// offset layouts, the dtype map, and every kind of bad input.
#include <cstring>
#include <vector>

#include "core/dlpack_abi.h"
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;
namespace dl = tsr::dl;

namespace {

// Reads element `linear` (C order over the shape) of a host DLTensor as double.
double host_element(const dl::DLTensor& t, int64_t linear) {
  int64_t off = 0;
  for (int i = t.ndim - 1; i >= 0; --i) {
    int64_t idx = linear % t.shape[i];
    linear /= t.shape[i];
    int64_t stride = t.strides ? t.strides[i] : 0;
    if (!t.strides) {
      stride = 1;
      for (int j = i + 1; j < t.ndim; ++j) stride *= t.shape[j];
    }
    off += idx * stride;
  }
  const char* p = static_cast<const char*>(t.data) + t.byte_offset;
  EXPECT_EQ(t.dtype.code, dl::kDLFloat);
  EXPECT_EQ(t.dtype.bits, 32);
  return reinterpret_cast<const float*>(p)[off];
}

void* data_pointer(tsr_tensor t) {
  void* p = nullptr;
  EXPECT_TSR_OK(tsr_tensor_data_pointer(t, &p));
  return p;
}

// A producer of our own: host floats plus a deleter that counts its calls.
struct Producer {
  std::vector<float> data;
  std::vector<int64_t> shape, strides;
  int deletes = 0;
  dl::DLManagedTensor legacy{};
  dl::DLManagedTensorVersioned versioned{};

  Producer(std::vector<float> values, std::vector<int64_t> sh, std::vector<int64_t> st = {})
      : data(std::move(values)), shape(std::move(sh)), strides(std::move(st)) {
    dl::DLTensor t{};
    t.data = data.data();
    t.device = {dl::kDLCPU, 0};
    t.ndim = int32_t(shape.size());
    t.dtype = {dl::kDLFloat, 32, 1};
    t.shape = shape.data();
    t.strides = strides.empty() ? nullptr : strides.data();
    t.byte_offset = 0;
    legacy.dl_tensor = t;
    legacy.manager_ctx = this;
    legacy.deleter = [](dl::DLManagedTensor* self) {
      static_cast<Producer*>(self->manager_ctx)->deletes++;
    };
    versioned.version = {1, 0};
    versioned.dl_tensor = t;
    versioned.manager_ctx = this;
    versioned.deleter = [](dl::DLManagedTensorVersioned* self) {
      static_cast<Producer*>(self->manager_ctx)->deletes++;
    };
  }
  dl::DLTensor& tensor(bool v) { return v ? versioned.dl_tensor : legacy.dl_tensor; }
  void* managed(bool v) { return v ? static_cast<void*>(&versioned) : static_cast<void*>(&legacy); }
};

tsr_context cpu_context() {
  tsr_context_options o{};
  o.size = sizeof(o);
  o.device_kind = TSR_DEVICE_CPU;
  tsr_context ctx = nullptr;
  EXPECT_TSR_OK(tsr_context_create(&o, &ctx));
  return ctx;
}

}  // namespace

// ---- on every backend: export, re-import, same memory ----

class DlpackRoundTrip : public BackendTest {};

TEST_P(DlpackRoundTrip, ExportThenImportSharesMemory) {
  for (int versioned = 0; versioned <= 1; ++versioned) {
    SCOPED_TRACE(versioned ? "versioned" : "legacy");
    Host h = random_host({3, 5}, TSR_FLOAT32);
    TensorGuard t(upload(ctx, h, TSR_FLOAT32));
    void* managed = nullptr;
    ASSERT_TSR_OK(tsr_tensor_to_dlpack(t, versioned, &managed));
    const dl::DLTensor& d = versioned ? static_cast<dl::DLManagedTensorVersioned*>(managed)->dl_tensor
                                      : static_cast<dl::DLManagedTensor*>(managed)->dl_tensor;
    if (versioned) {
      auto* m = static_cast<dl::DLManagedTensorVersioned*>(managed);
      EXPECT_EQ(m->version.major, 1u);
      EXPECT_EQ(m->flags, 0u);
    }
    EXPECT_EQ(d.ndim, 2);
    EXPECT_EQ(d.shape[0], 3);
    EXPECT_EQ(d.shape[1], 5);
    EXPECT_EQ(d.strides[0], 5);
    EXPECT_EQ(d.strides[1], 1);
    EXPECT_EQ(d.dtype.code, dl::kDLFloat);
    EXPECT_EQ(d.dtype.bits, 32);
    EXPECT_EQ(d.dtype.lanes, 1);
    int32_t type = 0, id = -1;
    ASSERT_TSR_OK(tsr_tensor_dlpack_device(t, &type, &id));
    EXPECT_EQ(d.device.device_type, type);
    EXPECT_EQ(d.device.device_id, id);

    TensorGuard back;
    ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, managed, versioned, back.out()));
    void* p0 = nullptr;
    if (tsr_tensor_data_pointer(t, &p0) == TSR_OK) {
      EXPECT_EQ(static_cast<char*>(d.data) + d.byte_offset, p0);
      EXPECT_EQ(data_pointer(back), p0);
    }
    EXPECT_TRUE(all_close(download(back), h.data, 0));

    // A write through the import is seen by the original.
    TensorGuard sevens;
    int64_t shape[] = {3, 5};
    ASSERT_TSR_OK(tsr_tensor_full(ctx, shape, 2, TSR_FLOAT32, 7.0, nullptr, sevens.out()));
    ASSERT_TSR_OK(tsr_tensor_copy(back, sevens, nullptr));
    EXPECT_TRUE(all_close(download(t), std::vector<double>(15, 7.0), 0));
  }
}

TEST_P(DlpackRoundTrip, StridedViewExportsItsLayout) {
  Host h = random_host({4, 6}, TSR_FLOAT32);
  TensorGuard t(upload(ctx, h, TSR_FLOAT32)), tr, sl;
  ASSERT_TSR_OK(tsr_tensor_transpose(t, 0, 1, tr.out()));  // [6, 4], strides [1, 6]
  int64_t starts[] = {1, 0}, stops[] = {6, 4}, steps[] = {2, 1};
  ASSERT_TSR_OK(tsr_tensor_slice(tr, starts, stops, steps, sl.out()));  // [3, 4], strides [2, 6]
  void* managed = nullptr;
  ASSERT_TSR_OK(tsr_tensor_to_dlpack(sl, 1, &managed));
  auto* m = static_cast<dl::DLManagedTensorVersioned*>(managed);
  EXPECT_EQ(m->dl_tensor.shape[0], 3);
  EXPECT_EQ(m->dl_tensor.shape[1], 4);
  EXPECT_EQ(m->dl_tensor.strides[0], 2);
  EXPECT_EQ(m->dl_tensor.strides[1], 6);
  TensorGuard back;
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, managed, 1, back.out()));
  int64_t st[2] = {};
  ASSERT_TSR_OK(tsr_tensor_strides(back, st));
  EXPECT_EQ(st[0], 2);
  EXPECT_EQ(st[1], 6);
  Host want = download(sl), got = download(back);
  EXPECT_TRUE(all_close(got, want.data, 0));
}

TEST_P(DlpackRoundTrip, EveryDtypeMapsBothWays) {
  struct Case { tsr_dtype dtype; uint8_t code, bits; };
  const Case cases[] = {
      {TSR_BOOL, dl::kDLBool, 8},       {TSR_INT8, dl::kDLInt, 8},     {TSR_INT16, dl::kDLInt, 16},
      {TSR_INT32, dl::kDLInt, 32},      {TSR_INT64, dl::kDLInt, 64},   {TSR_UINT8, dl::kDLUInt, 8},
      {TSR_UINT16, dl::kDLUInt, 16},    {TSR_UINT32, dl::kDLUInt, 32}, {TSR_UINT64, dl::kDLUInt, 64},
      {TSR_FLOAT16, dl::kDLFloat, 16},  {TSR_BFLOAT16, dl::kDLBfloat, 16},
      {TSR_FLOAT32, dl::kDLFloat, 32},  {TSR_FLOAT64, dl::kDLFloat, 64}};
  for (const Case& c : cases) {
    SCOPED_TRACE(tsr_dtype_name(c.dtype));
    TensorGuard t, back;
    int64_t shape[] = {2, 3};
    ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 2, c.dtype, nullptr, t.out()));
    void* managed = nullptr;
    ASSERT_TSR_OK(tsr_tensor_to_dlpack(t, 0, &managed));
    auto* m = static_cast<dl::DLManagedTensor*>(managed);
    EXPECT_EQ(m->dl_tensor.dtype.code, c.code);
    EXPECT_EQ(m->dl_tensor.dtype.bits, c.bits);
    ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, managed, 0, back.out()));
    tsr_dtype got = TSR_DTYPE_COUNT;
    ASSERT_TSR_OK(tsr_tensor_dtype(back, &got));
    EXPECT_EQ(got, c.dtype);
  }
}

TEST_P(DlpackRoundTrip, ExportKeepsStorageAliveAfterRelease) {
  Host h = random_host({64}, TSR_FLOAT32);
  tsr_tensor t = upload(ctx, h, TSR_FLOAT32);
  void* managed = nullptr;
  ASSERT_TSR_OK(tsr_tensor_to_dlpack(t, 1, &managed));
  tsr_tensor_release(t);  // the export still owns the storage
  TensorGuard back;
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, managed, 1, back.out()));
  EXPECT_TRUE(all_close(download(back), h.data, 0));
}

TEST_P(DlpackRoundTrip, ZeroSizeTensor) {
  TensorGuard t, back;
  int64_t shape[] = {0, 3};
  ASSERT_TSR_OK(tsr_tensor_empty(ctx, shape, 2, TSR_FLOAT32, t.out()));
  void* managed = nullptr;
  ASSERT_TSR_OK(tsr_tensor_to_dlpack(t, 1, &managed));
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, managed, 1, back.out()));
  int64_t numel = -1;
  ASSERT_TSR_OK(tsr_tensor_numel(back, &numel));
  EXPECT_EQ(numel, 0);
}

TSR_INSTANTIATE_BACKENDS(DlpackRoundTrip);

// ---- the CPU with a producer of our own ----

class DlpackForeign : public ::testing::Test {
 protected:
  void SetUp() override { ctx = cpu_context(); }
  void TearDown() override { tsr_context_release(ctx); }
  tsr_context ctx = nullptr;
};

TEST_F(DlpackForeign, DeleterRunsOnceWhenTheLastViewGoes) {
  for (bool versioned : {false, true}) {
    SCOPED_TRACE(versioned ? "versioned" : "legacy");
    Producer p({1, 2, 3, 4, 5, 6}, {2, 3});
    tsr_tensor t = nullptr, view = nullptr;
    ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, p.managed(versioned), versioned, &t));
    EXPECT_EQ(data_pointer(t), p.data.data());
    ASSERT_TSR_OK(tsr_tensor_transpose(t, 0, 1, &view));
    tsr_tensor_release(t);
    EXPECT_EQ(p.deletes, 0) << "the view still uses the memory";
    EXPECT_TRUE(all_close(download(view), {1, 4, 2, 5, 3, 6}, 0));
    tsr_tensor_release(view);
    EXPECT_EQ(p.deletes, 1);
  }
}

TEST_F(DlpackForeign, MutationsAreSharedBothWays) {
  Producer p({1, 2, 3, 4}, {4});
  TensorGuard t;
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, p.managed(true), 1, t.out()));
  p.data[2] = 30;  // producer side write, seen by Tessera
  EXPECT_TRUE(all_close(download(t), {1, 2, 30, 4}, 0));
  tsr_tensor in_place = t;  // a non-null *out is written into: t = t * 2
  ASSERT_TSR_OK(tsr_binary_scalar(TSR_MULTIPLY, t, 2.0, 0, nullptr, &in_place));
  EXPECT_EQ(in_place, t.t);
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));
  EXPECT_EQ(p.data, (std::vector<float>{2, 4, 60, 8}));
}

TEST_F(DlpackForeign, NullStridesMeanCOrder) {
  Producer p({1, 2, 3, 4, 5, 6}, {3, 2});
  TensorGuard t;
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, p.managed(false), 0, t.out()));
  int64_t st[2] = {};
  ASSERT_TSR_OK(tsr_tensor_strides(t, st));
  EXPECT_EQ(st[0], 2);
  EXPECT_EQ(st[1], 1);
  EXPECT_TRUE(all_close(download(t), {1, 2, 3, 4, 5, 6}, 0));
}

TEST_F(DlpackForeign, ByteOffsetIsHonored) {
  Producer p({9, 9, 1, 2, 3, 4}, {2, 2});
  p.legacy.dl_tensor.byte_offset = 2 * sizeof(float);
  TensorGuard t;
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, p.managed(false), 0, t.out()));
  EXPECT_EQ(data_pointer(t), &p.data[2]);
  EXPECT_TRUE(all_close(download(t), {1, 2, 3, 4}, 0));
}

TEST_F(DlpackForeign, NegativeAndZeroStrides) {
  // data points at element 0 = the last float; stride -1 walks backwards.
  Producer p({1, 2, 3, 4}, {2, 4}, {0, -1});
  p.legacy.dl_tensor.data = &p.data[3];
  TensorGuard t;
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, p.managed(false), 0, t.out()));
  EXPECT_EQ(data_pointer(t), &p.data[3]);
  EXPECT_TRUE(all_close(download(t), {4, 3, 2, 1, 4, 3, 2, 1}, 0));
}

TEST_F(DlpackForeign, ReadOnlyVersionedTensorIsAccepted) {
  Producer p({1, 2}, {2});
  p.versioned.flags = dl::kFlagReadOnly;
  TensorGuard t;
  ASSERT_TSR_OK(tsr_tensor_from_dlpack(ctx, p.managed(true), 1, t.out()));
  EXPECT_TRUE(all_close(download(t), {1, 2}, 0));
}

TEST_F(DlpackForeign, ExportedHostLayoutReadsBack) {
  Host h = random_host({3, 4}, TSR_FLOAT32);
  TensorGuard t(upload(ctx, h, TSR_FLOAT32)), tr;
  ASSERT_TSR_OK(tsr_tensor_transpose(t, 0, 1, tr.out()));
  void* managed = nullptr;
  ASSERT_TSR_OK(tsr_tensor_to_dlpack(tr, 0, &managed));
  auto* m = static_cast<dl::DLManagedTensor*>(managed);
  ASSERT_TSR_OK(tsr_context_synchronize(ctx));
  Host want = download(tr);
  for (int64_t i = 0; i < 12; ++i) EXPECT_EQ(host_element(m->dl_tensor, i), want.data[size_t(i)]);
  m->deleter(m);
}

// Failed imports leave the producer's tensor to the caller: no deleter call,
// out untouched, a status and a message naming the function.
TEST_F(DlpackForeign, BadInputIsRejected) {
  const tsr_tensor sentinel = reinterpret_cast<tsr_tensor>(uintptr_t(0x1234));
  auto expect_reject = [&](Producer& p, bool versioned, tsr_status want) {
    tsr_tensor out = sentinel;
    EXPECT_TSR_ERROR(tsr_tensor_from_dlpack(ctx, p.managed(versioned), versioned, &out), want,
                     "tsr_tensor_from_dlpack");
    EXPECT_EQ(out, sentinel);
    EXPECT_EQ(p.deletes, 0);
  };
  {
    Producer p({1, 2}, {2});
    p.legacy.dl_tensor.device = {dl::kDLCUDA, 0};
    expect_reject(p, false, TSR_ERROR_DEVICE_MISMATCH);
    p.legacy.dl_tensor.device = {dl::kDLCPU, 1};
    expect_reject(p, false, TSR_ERROR_DEVICE_MISMATCH);
  }
  {
    Producer p({1, 2}, {2});
    p.legacy.dl_tensor.dtype = {dl::kDLComplex, 64, 1};
    expect_reject(p, false, TSR_ERROR_UNSUPPORTED);
    p.legacy.dl_tensor.dtype = {dl::kDLFloat, 32, 4};
    expect_reject(p, false, TSR_ERROR_UNSUPPORTED);
    p.legacy.dl_tensor.dtype = {dl::kDLFloat, 8, 1};
    expect_reject(p, false, TSR_ERROR_UNSUPPORTED);
    p.legacy.dl_tensor.dtype = {dl::kDLBool, 1, 1};
    expect_reject(p, false, TSR_ERROR_UNSUPPORTED);
  }
  {
    Producer p({1, 2}, {2});
    p.versioned.version = {2, 0};
    expect_reject(p, true, TSR_ERROR_UNSUPPORTED);
  }
  {
    Producer p({1, 2}, {2});
    p.legacy.dl_tensor.ndim = TSR_MAX_DIMS + 1;
    expect_reject(p, false, TSR_ERROR_TOO_MANY_DIMS);
    p.legacy.dl_tensor.ndim = -1;
    expect_reject(p, false, TSR_ERROR_INVALID_SHAPE);
  }
  {
    Producer p({1, 2}, {-2});
    expect_reject(p, false, TSR_ERROR_INVALID_SHAPE);
  }
  {
    Producer p({1, 2}, {2});
    p.legacy.dl_tensor.shape = nullptr;
    expect_reject(p, false, TSR_ERROR_NULL_POINTER);
  }
  {
    Producer p({1, 2}, {2});
    p.legacy.dl_tensor.data = nullptr;
    expect_reject(p, false, TSR_ERROR_NULL_POINTER);
  }
  {
    Producer p({1, 2, 3}, {2});
    p.legacy.dl_tensor.byte_offset = 1;  // not a multiple of 4 bytes
    expect_reject(p, false, TSR_ERROR_INVALID_ARGUMENT);
  }
  {
    Producer p({1, 2}, {3, 2}, {INT64_MAX / 2, 1});
    expect_reject(p, false, TSR_ERROR_SIZE_OVERFLOW);
  }
  {
    Producer p({1, 2}, {2});
    tsr_tensor out = sentinel;
    EXPECT_TSR_ERROR(tsr_tensor_from_dlpack(ctx, p.managed(false), 2, &out),
                     TSR_ERROR_INVALID_ARGUMENT, "tsr_tensor_from_dlpack");
    EXPECT_TSR_ERROR(tsr_tensor_from_dlpack(ctx, nullptr, 0, &out), TSR_ERROR_NULL_POINTER,
                     "tsr_tensor_from_dlpack");
    EXPECT_TSR_ERROR(tsr_tensor_from_dlpack(ctx, p.managed(false), 0, nullptr),
                     TSR_ERROR_NULL_POINTER, "tsr_tensor_from_dlpack");
    EXPECT_TSR_ERROR(tsr_tensor_from_dlpack(nullptr, p.managed(false), 0, &out),
                     TSR_ERROR_INVALID_HANDLE, "tsr_tensor_from_dlpack");
    EXPECT_EQ(out, sentinel);
    EXPECT_EQ(p.deletes, 0);
  }
}

TEST_F(DlpackForeign, BadExportArguments) {
  TensorGuard t;
  int64_t shape[] = {2};
  ASSERT_TSR_OK(tsr_tensor_zeros(ctx, shape, 1, TSR_FLOAT32, nullptr, t.out()));
  void* managed = reinterpret_cast<void*>(uintptr_t(0x99));
  EXPECT_TSR_ERROR(tsr_tensor_to_dlpack(t, 3, &managed), TSR_ERROR_INVALID_ARGUMENT,
                   "tsr_tensor_to_dlpack");
  EXPECT_TSR_ERROR(tsr_tensor_to_dlpack(t, 1, nullptr), TSR_ERROR_NULL_POINTER,
                   "tsr_tensor_to_dlpack");
  EXPECT_TSR_ERROR(tsr_tensor_to_dlpack(nullptr, 1, &managed), TSR_ERROR_INVALID_HANDLE,
                   "tsr_tensor_to_dlpack");
  tsr_context wrong = ctx;  // a context handle where a tensor is expected
  EXPECT_TSR_ERROR(tsr_tensor_to_dlpack(reinterpret_cast<tsr_tensor>(wrong), 1, &managed),
                   TSR_ERROR_INVALID_HANDLE, "tsr_tensor_to_dlpack");
  EXPECT_EQ(managed, reinterpret_cast<void*>(uintptr_t(0x99)));
  int32_t type = -7, id = -7;
  EXPECT_TSR_ERROR(tsr_tensor_dlpack_device(t, nullptr, &id), TSR_ERROR_NULL_POINTER,
                   "tsr_tensor_dlpack_device");
  EXPECT_TSR_ERROR(tsr_tensor_dlpack_device(nullptr, &type, &id), TSR_ERROR_INVALID_HANDLE,
                   "tsr_tensor_dlpack_device");
  EXPECT_EQ(type, -7);
  EXPECT_EQ(id, -7);
  ASSERT_TSR_OK(tsr_tensor_dlpack_device(t, &type, &id));
  EXPECT_EQ(type, dl::kDLCPU);
  EXPECT_EQ(id, 0);
}
