#!/usr/bin/env bash
# Packs a build (binaries and libraries, stripped) into one small archive for
# a GPU machine that has the driver but not our build: the CUDA plugin alone
# is ~50 MB stripped, ~12 MB compressed. CLBlast is added when the OpenCL
# plugin is there, because the GPU machine's distribution lacks it.
#
# Usage: scripts/gpu_pack.sh [BUILD_DIR] [ARCHIVE]   (defaults: build, .gpu/pack.tar.gz)
# On the GPU machine: mkdir x && tar xzf .gpu/pack.tar.gz -C x && scripts/gpu_run.sh x
set -euo pipefail
BUILD=${1:-build}
ARCHIVE=${2:-.gpu/pack.tar.gz}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$(dirname "$ARCHIVE")"
cp -a "$BUILD"/bin/* "$stage/bin/"
cp -a "$BUILD"/lib/*.so* "$stage/lib/"
if [[ -f "$BUILD/lib/libtessera_opencl.so" ]]; then
  clblast=$(ldd "$BUILD/lib/libtessera_opencl.so" | awk '/libclblast/ {print $3}')
  [[ -n "$clblast" ]] && cp -L "$clblast" "$stage/lib/"
fi
find "$stage" -type f -exec strip --strip-unneeded {} + 2>/dev/null || true
tar czf "$ARCHIVE" -C "$stage" bin lib
echo "$ARCHIVE: $(du -h "$ARCHIVE" | cut -f1)"
