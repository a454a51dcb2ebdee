/* The main example: a 4-layer MLP (1024 wide, batch 32, ReLU) for inference
 * on the best device present (the CPU when there is no GPU). Weights are
 * uploaded once; each pass is 4 tsr_linear calls that stay on the device;
 * only the final checksum is read back. Prints the checksum and the median
 * time per pass. Usage: mlp_inference [passes] [cpu|cuda|hip|opencl] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tessera/tessera.h>

#define WIDTH 1024
#define BATCH 32
#define LAYERS 4

#define CHECK(call)                                                              \
  do {                                                                           \
    tsr_status status_ = (call);                                                 \
    if (status_ != TSR_OK) {                                                     \
      fprintf(stderr, "%s failed: %s: %s\n", #call, tsr_status_string(status_), \
              tsr_last_error_message());                                         \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int compare_doubles(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static tsr_device_kind parse_kind(const char* s) {
  if (!s) return TSR_DEVICE_BEST;
  if (!strcmp(s, "cpu")) return TSR_DEVICE_CPU;
  if (!strcmp(s, "cuda")) return TSR_DEVICE_CUDA;
  if (!strcmp(s, "hip")) return TSR_DEVICE_HIP;
  if (!strcmp(s, "opencl")) return TSR_DEVICE_OPENCL;
  return TSR_DEVICE_BEST;
}

int main(int argc, char** argv) {
  int passes = argc > 1 ? atoi(argv[1]) : 100;
  if (passes < 1) passes = 1;

  tsr_context_options options;
  memset(&options, 0, sizeof options);
  options.size = sizeof options;
  options.device_kind = parse_kind(argc > 2 ? argv[2] : getenv("TESSERA_DEVICE"));
  tsr_context ctx = NULL;
  CHECK(tsr_context_create(&options, &ctx));

  tsr_device device = NULL;
  tsr_device_info info;
  memset(&info, 0, sizeof info);
  info.size = sizeof info;
  CHECK(tsr_context_get_device(ctx, &device));
  CHECK(tsr_device_get_info(device, &info));

  /* Weights scaled by 1/sqrt(fan_in) keep activations O(1) through the layers. */
  tsr_tensor weight[LAYERS], bias[LAYERS];
  int64_t wshape[2] = {WIDTH, WIDTH}, bshape[1] = {WIDTH}, xshape[2] = {BATCH, WIDTH};
  for (int l = 0; l < LAYERS; ++l) {
    weight[l] = bias[l] = NULL;
    CHECK(tsr_tensor_random(ctx, wshape, 2, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 100 + l,
                            -0.03125, 0.03125, NULL, &weight[l]));
    CHECK(tsr_tensor_random(ctx, bshape, 1, TSR_FLOAT32, TSR_RANDOM_UNIFORM, 200 + l, -0.1, 0.1,
                            NULL, &bias[l]));
  }
  tsr_tensor input = NULL;
  CHECK(tsr_tensor_random(ctx, xshape, 2, TSR_FLOAT32, TSR_RANDOM_NORMAL, 7, 0.0, 1.0, NULL,
                          &input));

  /* Two ping-pong activation buffers, written in place on every pass. */
  tsr_tensor act[2] = {NULL, NULL};
  CHECK(tsr_tensor_empty(ctx, xshape, 2, TSR_FLOAT32, &act[0]));
  CHECK(tsr_tensor_empty(ctx, xshape, 2, TSR_FLOAT32, &act[1]));

  tsr_stream stream = NULL;
  CHECK(tsr_context_default_stream(ctx, &stream));
  double* times = malloc(sizeof(double) * (size_t)passes);
  const int warmup = 5;
  for (int p = -warmup; p < passes; ++p) {
    double t0 = now_us();
    tsr_tensor x = input;
    for (int l = 0; l < LAYERS; ++l) {
      tsr_tensor y = act[l & 1];
      CHECK(tsr_linear(x, weight[l], bias[l],
                       l + 1 < LAYERS ? TSR_ACTIVATION_RELU : TSR_ACTIVATION_NONE, stream, &y));
      x = y;
    }
    CHECK(tsr_stream_synchronize(stream));
    if (p >= 0) times[p] = now_us() - t0;
  }
  qsort(times, (size_t)passes, sizeof(double), compare_doubles);

  /* Checksum: the sum of the final activations, read back once. */
  tsr_tensor total = NULL;
  CHECK(tsr_reduce(TSR_SUM, act[(LAYERS - 1) & 1], NULL, -1, 0, 0.0, stream, &total));
  float checksum = 0;
  CHECK(tsr_tensor_to_host(total, &checksum, sizeof checksum, stream));

  printf("device: %s\n", info.name);
  printf("mlp: %d layers x %d wide, batch %d, float32\n", LAYERS, WIDTH, BATCH);
  printf("checksum: %.6f\n", checksum);
  printf("median time per pass: %.1f us over %d passes\n", times[passes / 2], passes);

  free(times);
  tsr_tensor_release(total);
  for (int l = 0; l < LAYERS; ++l) {
    tsr_tensor_release(weight[l]);
    tsr_tensor_release(bias[l]);
  }
  tsr_tensor_release(input);
  tsr_tensor_release(act[0]);
  tsr_tensor_release(act[1]);
  tsr_context_release(ctx);
  return 0;
}
