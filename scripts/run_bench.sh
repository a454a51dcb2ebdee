#!/usr/bin/env bash
# Builds and runs the CPU benchmarks of this machine, printing their tables.
# GPU benchmarks run on the GPU machine through scripts/gpu_run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$BUILD"
export TESSERA_BACKEND_PATH="$PWD/$BUILD/lib"
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(date -u +%F)"
for b in "$BUILD"/bin/bench_cpu_*; do
  echo "## $(basename "$b")"
  "$b"
done
