/* The floor under a cold start, one fresh process per call: how long the
 * OpenCL driver itself takes to come up (platform enumeration, then
 * clCreateContext + a command queue on the first GPU of the chosen platform),
 * beside Tessera's own context creation on a device kind. scripts/gpu_run.sh
 * runs each mode in new processes and puts them beside bench_opencl's cold
 * start (context + first matmul) and bench_cuda_raw --cold-context.
 *   bench_cold_context opencl-raw [platform substring, default "NVIDIA"]
 *   bench_cold_context tessera {opencl|cuda|cpu}
 * Prints "<label> <ms> ms" lines. */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tessera/tessera.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int opencl_raw(const char* want) {
  const double t0 = now_ms();
  cl_platform_id platforms[16];
  cl_uint n = 0;
  cl_int err = clGetPlatformIDs(16, platforms, &n);
  if (err != CL_SUCCESS || n == 0) {
    fprintf(stderr, "clGetPlatformIDs: error %d, %u platforms\n", err, n);
    return 1;
  }
  const double t1 = now_ms();
  for (cl_uint i = 0; i < n && i < 16; ++i) {
    char name[256] = {0};
    if (clGetPlatformInfo(platforms[i], CL_PLATFORM_NAME, sizeof name - 1, name, NULL) != CL_SUCCESS ||
        !strstr(name, want))
      continue;
    cl_device_id device;
    if ((err = clGetDeviceIDs(platforms[i], CL_DEVICE_TYPE_ALL, 1, &device, NULL)) != CL_SUCCESS) {
      fprintf(stderr, "clGetDeviceIDs(%s): error %d\n", name, err);
      return 1;
    }
    cl_context ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
      fprintf(stderr, "clCreateContext(%s): error %d\n", name, err);
      return 1;
    }
    cl_command_queue q = clCreateCommandQueue(ctx, device, 0, &err);
    if (err != CL_SUCCESS || clFinish(q) != CL_SUCCESS) {
      fprintf(stderr, "clCreateCommandQueue/clFinish(%s): error %d\n", name, err);
      return 1;
    }
    const double t2 = now_ms();
    printf("opencl-platforms %.1f ms (%u platforms)\n", t1 - t0, n);
    printf("opencl-context %.1f ms (%s)\n", t2 - t1, name);
    printf("opencl-raw-total %.1f ms\n", t2 - t0);
    clReleaseCommandQueue(q);
    clReleaseContext(ctx);
    return 0;
  }
  fprintf(stderr, "no OpenCL platform whose name contains '%s' among %u\n", want, n);
  return 1;
}

static int tessera(const char* kind_name) {
  tsr_device_kind kind = strcmp(kind_name, "cuda") == 0     ? TSR_DEVICE_CUDA
                         : strcmp(kind_name, "opencl") == 0 ? TSR_DEVICE_OPENCL
                                                            : TSR_DEVICE_CPU;
  tsr_context_options options = {sizeof options, kind, 0, 0, 0, 0};
  const double t0 = now_ms();
  tsr_context ctx = NULL;
  tsr_status st = tsr_context_create(&options, &ctx);
  if (st != TSR_OK) {
    fprintf(stderr, "tsr_context_create(%s): %s: %s\n", kind_name, tsr_status_string(st),
            tsr_last_error_message());
    return 1;
  }
  printf("tessera-%s-context %.1f ms\n", kind_name, now_ms() - t0);
  tsr_context_release(ctx);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "opencl-raw") == 0) return opencl_raw(argc > 2 ? argv[2] : "NVIDIA");
  if (argc > 2 && strcmp(argv[1], "tessera") == 0) return tessera(argv[2]);
  fprintf(stderr, "usage: %s opencl-raw [platform] | tessera {opencl|cuda|cpu}\n", argv[0]);
  return 2;
}
