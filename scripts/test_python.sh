#!/usr/bin/env bash
# Build libtessera (if needed), install the Python package into a virtual
# environment, check that the generated ctypes layer is up to date, and run
# the Python tests.
#
#   scripts/test_python.sh [pytest arguments...]
#
# Environment: BUILD_DIR (default build), VENV (default $BUILD_DIR/pyvenv),
# PYTHON (default python3), JOBS (default 2). Tests that need PyTorch, CuPy or
# a CUDA device are skipped with the reason unless those are present; install
# torch/cupy into the venv on a GPU machine to run them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
VENV="${VENV:-$BUILD_DIR/pyvenv}"
PYTHON="${PYTHON:-python3}"
JOBS="${JOBS:-2}"
cd "$ROOT"

echo "== build libtessera ($BUILD_DIR)"
if [ ! -f "$BUILD_DIR/build.ninja" ] && [ ! -f "$BUILD_DIR/Makefile" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD_DIR" --target tessera -j "$JOBS"

echo "== generated bindings"
"$PYTHON" tools/gen_python.py --check

echo "== install the package into $VENV"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install --quiet pytest numpy
TESSERA_BUILD_DIR="$BUILD_DIR" "$VENV/bin/python" -m pip install --quiet --force-reinstall \
  --no-deps "$ROOT/bindings/python"

echo "== pytest (the installed package, not the source folder)"
cd "$ROOT/bindings/python/tests"
# Run from the tests folder so `import tessera` resolves to the installed copy,
# which must find the library it ships with.
env -u TESSERA_LIBRARY "$VENV/bin/python" -m pytest -q -rs "$@"
