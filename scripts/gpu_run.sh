#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: run the test suite on the CUDA backend,
# then the whole suite again on the project's own tiled GEMM
# (TESSERA_CUDA_GEMM=tiled), then the CUDA benchmarks side by side with the raw CUDA runtime, PyTorch
# and CuPy, writing logs under $OUT (default ./gpu_out). Binaries are built
# elsewhere (see docs/cuda.md); nothing is compiled here.
#
# Usage: scripts/gpu_run.sh [DIR]   DIR holds bin/ and lib/ of a build (default: build)
# Environment: TESSERA_TEST_BACKENDS (default cpu,cuda), GTEST_FILTER,
#              SKIP_TESTS=1, SKIP_BENCH=1, TEST_TIMEOUT (seconds, default 900),
#              ALGOS=1: also time cuBLASLt's candidate algorithms (bench_cublaslt_algos),
#              SANITIZE_FILTER=<gtest filter>: also run those tests under
#              compute-sanitizer memcheck (sanitizer.log)
set -uo pipefail
DIR=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$PWD/gpu_out}
mkdir -p "$OUT"
export TESSERA_BACKEND_PATH="$DIR/lib"
export LD_LIBRARY_PATH="$DIR/lib:${LD_LIBRARY_PATH:-}"
# The plugin links cuBLASLt from the CUDA toolkit; find it if the loader cannot.
if ldd "$DIR/lib/libtessera_cuda.so" | grep -q "not found"; then
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib \
           $(python3 -c 'import nvidia, os; print(" ".join(os.path.join(p, s, "lib") for p in nvidia.__path__ for s in ("cublas", "cu13")))' 2>/dev/null); do
    [ -e "$d/libcublasLt.so.13" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"
  done
fi

{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,compute_mode --format=csv
  nvcc --version 2>/dev/null | tail -2
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1
  ls -la "$DIR/lib"
  ldd "$DIR/lib/libtessera_cuda.so"
} > "$OUT/env.txt" 2>&1

test_rc=0
if [ "${SKIP_TESTS:-0}" != 1 ]; then
  TESSERA_TEST_BACKENDS=${TESSERA_TEST_BACKENDS:-cpu,cuda} timeout "${TEST_TIMEOUT:-900}" \
    "$DIR/bin/tessera_tests" --gtest_filter="${GTEST_FILTER:--Opencl*}" > "$OUT/tests.log" 2>&1
  test_rc=$?
  # The whole suite again with every matmul and linear on the project's own
  # tiled GEMM (the HIP build's only GEMM) instead of cuBLASLt.
  TESSERA_CUDA_GEMM=tiled TESSERA_TEST_BACKENDS=${TESSERA_TEST_BACKENDS:-cpu,cuda} \
    timeout "${TEST_TIMEOUT:-900}" "$DIR/bin/tessera_tests" --gtest_filter="${GTEST_FILTER:--Opencl*}" \
    > "$OUT/tests_tiled_gemm.log" 2>&1 || test_rc=1
  # Every op of the suite queued for the default stream's submission thread.
  TESSERA_TEST_DEFAULT_STREAM_FLAGS=2 TESSERA_TEST_BACKENDS=${TESSERA_TEST_BACKENDS:-cuda} \
    timeout "${TEST_TIMEOUT:-900}" "$DIR/bin/tessera_tests" --gtest_filter="${GTEST_FILTER:--Opencl*}" \
    > "$OUT/tests_submit_thread.log" 2>&1 || test_rc=1
fi

if [ -n "${SANITIZE_FILTER:-}" ]; then
  TESSERA_TEST_BACKENDS=cuda timeout "${SANITIZE_TIMEOUT:-300}" compute-sanitizer --tool memcheck \
    --error-exitcode 9 "$DIR/bin/tessera_tests" --gtest_filter="$SANITIZE_FILTER" > "$OUT/sanitizer.log" 2>&1
  echo "compute-sanitizer rc $?" >> "$OUT/sanitizer.log"
fi

if [ "${SKIP_BENCH:-0}" != 1 ]; then
  {
    echo "== raw CUDA runtime"; "$DIR/bin/bench_cuda_raw"
    echo "== Tessera (C ABI)"; "$DIR/bin/bench_cuda_ops" cuda
    echo "== own tiled GEMM vs cuBLASLt"; "$DIR/bin/bench_gpu_gemm" cuda
    echo "== examples/mlp_inference"; "$DIR/bin/mlp_inference" 1000 cuda
    echo "== PyTorch / CuPy (and Tessera's matmul interleaved with PyTorch's)"
    TESSERA_LIBRARY="$DIR/lib/libtessera.so" PYTHONUNBUFFERED=1 python3 "$HERE/../bench/compare_torch.py"
    if [ "${ALGOS:-0}" = 1 ]; then echo "== cuBLASLt candidates"; "$DIR/bin/bench_cublaslt_algos"; fi
  } > "$OUT/bench.txt" 2>&1
fi

# The OpenCL backend on the NVIDIA platform, beside the CUDA backend.
if [ "${SKIP_OPENCL:-0}" != 1 ] && [ -f "$DIR/lib/libtessera_opencl.so" ]; then
  {
    echo "== OpenCL op suite on the NVIDIA platform"
    TESSERA_OPENCL_PLATFORM=nvidia TESSERA_TEST_BACKENDS=opencl timeout "${OPENCL_TIMEOUT:-420}" \
      "$DIR/bin/tessera_tests" --gtest_brief=1 --gtest_filter='AllBackends/*:Opencl*'
    echo "opencl suite rc $?"
    echo "== bench_opencl (NVIDIA OpenCL vs the CUDA backend)"
    TESSERA_OPENCL_PLATFORM=nvidia TESSERA_CL_CACHE_DIR=/tmp/tsr_cl_cache timeout 150 "$DIR/bin/bench_opencl"
    # The floor under the cold start: each line a new process. The drivers'
    # own start-up (OpenCL platforms + context, CUDA runtime context) beside
    # Tessera's context creation, with the ICDs as configured on this machine.
    echo "== cold context floor (ms, fresh process each; OCL_ICD_FILENAMES=${OCL_ICD_FILENAMES:-unset})"
    for i in 1 2 3 4 5; do
      [ -x "$DIR/bin/bench_cuda_raw" ] && "$DIR/bin/bench_cuda_raw" --cold-context
      "$DIR/bin/bench_cold_context" opencl-raw NVIDIA
      TESSERA_OPENCL_PLATFORM=nvidia "$DIR/bin/bench_cold_context" tessera opencl
      "$DIR/bin/bench_cold_context" tessera cuda
    done 2>&1
  } > "$OUT/opencl.txt" 2>&1
fi

# The Python binding on CUDA: PyTorch/CuPy interop and the host-cost bench.
if [ "${SKIP_PYTHON:-0}" != 1 ] && [ -d "$HERE/../bindings/python/tessera" ]; then
  {
    if ! python3 -c 'import pytest' 2>/dev/null && ls "${WHEELS:-$HERE/../.whl}"/*.whl >/dev/null 2>&1; then
      python3 -m pip install -q --no-index --no-deps --target /tmp/site "${WHEELS:-$HERE/../.whl}"/*.whl
      export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
    fi
    export PYTHONPATH="$HERE/../bindings/python:${PYTHONPATH:-}" TESSERA_LIBRARY="$DIR/lib/libtessera.so"
    echo "== pytest (bindings/python/tests)"
    PYTHONUNBUFFERED=1 timeout 600 python3 -m pytest -q -p no:cacheprovider "$HERE/../bindings/python/tests" 2>&1 | tail -30
    echo "== Python tiny-op bench on CUDA"
    PYTHONUNBUFFERED=1 timeout 120 python3 "$HERE/../bench/bench_python_tiny_op.py" --device cuda --n 4096 2>&1 | tail -20
    echo "== the same with TESSERA_SUBMIT_THREAD=0 (launches on the calling thread)"
    TESSERA_SUBMIT_THREAD=0 PYTHONUNBUFFERED=1 timeout 120 python3 "$HERE/../bench/bench_python_tiny_op.py" --device cuda --n 4096 2>&1 | tail -20
  } > "$OUT/python.txt" 2>&1
fi

echo "== tests (rc $test_rc)"
if [ -f "$OUT/tests.log" ]; then
  grep -E "^\[  (PASSED|FAILED|SKIPPED) |^\[==========\]" "$OUT/tests.log" | tail -40
  grep -E "^\[  FAILED  \]" "$OUT/tests.log" | sort -u | head -40
fi
if [ -f "$OUT/tests_submit_thread.log" ]; then
  echo "== tests with TESSERA_TEST_DEFAULT_STREAM_FLAGS=2 (submission thread)"
  grep -E "^\[  (PASSED|FAILED|SKIPPED) |^\[==========\]" "$OUT/tests_submit_thread.log" | tail -10
  grep -E "^\[  FAILED  \]" "$OUT/tests_submit_thread.log" | sort -u | head -20
fi
if [ -f "$OUT/tests_tiled_gemm.log" ]; then
  echo "== tests with TESSERA_CUDA_GEMM=tiled"
  grep -E "^\[  (PASSED|FAILED|SKIPPED) |^\[==========\]" "$OUT/tests_tiled_gemm.log" | tail -10
  grep -E "^\[  FAILED  \]" "$OUT/tests_tiled_gemm.log" | sort -u | head -20
fi
[ -f "$OUT/sanitizer.log" ] && { echo "== sanitizer"; grep -E "ERROR SUMMARY|rc [0-9]|^\[  (PASSED|FAILED)" "$OUT/sanitizer.log" | tail -8; }
[ -f "$OUT/bench.txt" ] && { echo "== bench"; cat "$OUT/bench.txt"; }
[ -f "$OUT/opencl.txt" ] && { echo "== opencl"; grep -E "PASSED|FAILED|rc |GB/s|GFLOP|ms|ratio|x " "$OUT/opencl.txt" | tail -40; }
[ -f "$OUT/python.txt" ] && { echo "== python"; tail -40 "$OUT/python.txt"; }
exit $test_rc
