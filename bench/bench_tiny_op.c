/* Host cost of a tiny op through the C ABI: a 16-element float32 add into a
 * preallocated output on the CPU, repeated; prints ns per call for each run.
 * The C# and Rust versions (bench/dotnet, bench/rust) do exactly the same,
 * so scripts/bench_bindings.sh can put the three side by side.
 * Usage: bench_tiny_op [iterations per run] [runs] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <tessera/tessera.h>

#define CHECK(call)                                                                  \
  do {                                                                               \
    tsr_status status_ = (call);                                                     \
    if (status_ != TSR_OK) {                                                         \
      fprintf(stderr, "%s: %s: %s\n", #call, tsr_status_string(status_),           \
              tsr_last_error_message());                                             \
      exit(1);                                                                       \
    }                                                                                \
  } while (0)

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char** argv) {
  long iterations = argc > 1 ? atol(argv[1]) : 1000000;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  tsr_context_options options = {sizeof options, TSR_DEVICE_CPU, 0, 0, 0, 0};
  tsr_context ctx = NULL;
  CHECK(tsr_context_create(&options, &ctx));
  int64_t shape[1] = {16};
  tsr_tensor a = NULL, b = NULL, out = NULL;
  CHECK(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 1, -1.0, 1.0, NULL, &a));
  CHECK(tsr_tensor_random(ctx, shape, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 2, -1.0, 1.0, NULL, &b));
  CHECK(tsr_tensor_empty(ctx, shape, 1, TSR_FLOAT32, &out));
  CHECK(tsr_context_synchronize(ctx));
  for (long i = 0; i < iterations / 10; ++i) CHECK(tsr_binary(TSR_ADD, a, b, NULL, &out)); /* warm up */
  for (int r = 0; r < runs; ++r) {
    CHECK(tsr_context_synchronize(ctx));
    double t0 = now_ns();
    for (long i = 0; i < iterations; ++i) CHECK(tsr_binary(TSR_ADD, a, b, NULL, &out));
    CHECK(tsr_context_synchronize(ctx));
    printf("c %.1f\n", (now_ns() - t0) / (double)iterations);
  }
  tsr_tensor_release(a);
  tsr_tensor_release(b);
  tsr_tensor_release(out);
  tsr_context_release(ctx);
  return 0;
}
