// A first end-to-end check of the suite's plumbing: add with broadcasting
// on every backend, against the float64 reference.
#include "support/backends.h"
#include "support/reference.h"

using namespace tsrtest;

class BinarySmoke : public BackendTest {};

TEST_P(BinarySmoke, AddBroadcastFloat32) {
  Host a = random_host({3, 1, 5}, TSR_FLOAT32), b = random_host({4, 5}, TSR_FLOAT32);
  TensorGuard ta(upload(ctx, a, TSR_FLOAT32)), tb(upload(ctx, b, TSR_FLOAT32)), out;
  ASSERT_TSR_OK(tsr_binary(TSR_ADD, ta, tb, nullptr, out.out()));
  auto shape = broadcast_shape(a.shape, b.shape);
  std::vector<double> want(size_t(3 * 4 * 5));
  for (int64_t i = 0; i < int64_t(want.size()); ++i)
    want[size_t(i)] = round_to(broadcast_at(a, shape, i) + broadcast_at(b, shape, i), TSR_FLOAT32);
  Host got = download(out);
  EXPECT_EQ(got.shape, shape);
  EXPECT_TRUE(all_close(got, want, tolerance(TSR_FLOAT32)));
}

TSR_INSTANTIATE_BACKENDS(BinarySmoke);
