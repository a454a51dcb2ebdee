#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the
# main example (4-layer MLP inference on the best device present).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release $(scripts/optional_backends.sh) >/dev/null
ninja -C "$BUILD" mlp_inference tessera $(scripts/optional_backends.sh --targets)
TESSERA_BACKEND_PATH="$PWD/$BUILD/lib" "$BUILD/bin/mlp_inference" "$@"
