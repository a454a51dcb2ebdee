#!/usr/bin/env bash
# Runs the Rust bindings' tests (cargo test --offline: no crates.io needed)
# and builds the Rust MLP example and tiny-op bench. Exits non-zero when a
# test fails or the generated layer is stale. Needs libtessera built
# (build/lib, or TESSERA_LIB_DIR). Ops whose kernels the loaded library lacks
# are listed as NOT CHECKED (set TESSERA_REQUIRE_ALL_OPS=1 to fail instead).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TESSERA_BUILD_DIR:-$root/build}"
export TESSERA_LIB_DIR="${TESSERA_LIB_DIR:-$build/lib}"

python3 "$root/tools/gen_rust.py" --check
if [ ! -e "$TESSERA_LIB_DIR/libtessera.so" ]; then
  echo "test_rust: libtessera.so not found in $TESSERA_LIB_DIR: build the library first" \
       "(cmake -S . -B build -G Ninja && ninja -C build tessera) or set TESSERA_LIB_DIR" >&2
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# --nocapture lets the NOT CHECKED notes of the tests through.
(cd "$root/bindings/rust" && cargo test --offline -- --nocapture) 2>&1 | tee "$log" || status=$?
if [ "$status" -eq 0 ]; then
  (cd "$root/examples/rust" && cargo build --offline -q) || status=$?
  (cd "$root/bench/rust" && cargo build --offline -q) || status=$?
fi
unchecked="$(grep -c '^NOT CHECKED' "$log" || true)"
if [ "$unchecked" -gt 0 ]; then
  echo "test_rust: $unchecked op checks skipped because the library lacks their kernels:"
  grep '^NOT CHECKED' "$log" | sed 's/^/  /'
fi
exit "$status"
