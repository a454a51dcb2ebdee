#!/usr/bin/env bash
# The README's second command: install what is missing, build everything
# this machine can build, and run every test suite. Prints one summary line
# per suite and exits non-zero when any suite fails.
#   BUILD=dir        build folder (default build)
#   SANITIZE=address,undefined   build with sanitizers (Debug) and run the C/C++ suites only
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/install_deps.sh --all || { echo "SUITE deps: FAILED"; exit 1; }

BUILD=${BUILD:-build}
SAN=${SANITIZE:-}
cmake_flags=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
if [[ -n "$SAN" ]]; then
  cmake_flags=(-G Ninja -DCMAKE_BUILD_TYPE=Debug -DTESSERA_SANITIZE="$SAN" -DTESSERA_BUILD_BENCH=OFF)
  # The sanitizer run covers the core and the CPU backend. GPU plugins add
  # nothing without a GPU, and PoCL's own allocations are not ours to police:
  # the OpenCL suite runs (unsanitized) in the main run.
  export TESSERA_SKIP_CUDA=1 TESSERA_SKIP_HIP=1 TESSERA_SKIP_OPENCL=1
fi

declare -a summary
failed=0
record() {  # name status detail
  summary+=("$(printf 'SUITE %-28s %-7s %s' "$1" "$2" "$3")")
  [[ "$2" == PASSED ]] || failed=1
}

echo "== configure and build ($BUILD)"
# shellcheck disable=SC2046
if cmake -S . -B "$BUILD" "${cmake_flags[@]}" $(scripts/optional_backends.sh) >"$BUILD.configure.log" 2>&1 &&
   ninja -C "$BUILD" -j"${JOBS:-2}"; then
  record build PASSED "$(scripts/optional_backends.sh --targets)"
else
  tail -50 "$BUILD.configure.log" 2>/dev/null
  record build FAILED "see output above"
  printf '%s\n' "${summary[@]}"
  exit 1
fi
export TESSERA_BACKEND_PATH="$ROOT/$BUILD/lib"

echo "== C/C++ test suite (GoogleTest; the op suite runs on every backend present)"
out=$(mktemp)
if [[ -n "$SAN" ]]; then
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  [[ -f tests/sanitizer/lsan.supp ]] && export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizer/lsan.supp"
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi
# Blocking: the whole suite on the CPU backend (and every non-OpenCL test).
TESSERA_TEST_BACKENDS=cpu "$BUILD/bin/tessera_tests" --gtest_brief=1 --gtest_filter='-Opencl*' 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
passed=$(grep -Eo '\[  PASSED  \] [0-9]+' "$out" | grep -Eo '[0-9]+$' || echo 0)
nfail=$(grep -Eo '\[  FAILED  \] [0-9]+ test' "$out" | grep -Eo '[0-9]+' || echo 0)
[[ $rc -eq 0 ]] && record "gtest cpu${SAN:+ ($SAN)}" PASSED "$passed passed, 0 failed" ||
  record "gtest cpu${SAN:+ ($SAN)}" FAILED "$passed passed, ${nfail:-?} failed (rc $rc)"

# Blocking too: the op suite and the OpenCL backend's own tests on the
# OpenCL backend (PoCL in CI). Its first run compiles every kernel program
# (several minutes on 2 cores); later runs load them from the disk cache
# (docs/opencl.md).
if [[ -z "$SAN" && -f "$BUILD/lib/libtessera_opencl.so" ]]; then
  echo "== OpenCL backend (op suite and Opencl* tests)"
  t0=$(date +%s)
  TESSERA_TEST_BACKENDS=opencl "$BUILD/bin/tessera_tests" --gtest_brief=1 \
    --gtest_filter='AllBackends/*:Opencl*' 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  secs=$(( $(date +%s) - t0 ))
  cpass=$(grep -Eo '\[  PASSED  \] [0-9]+' "$out" | grep -Eo '[0-9]+$' || echo 0)
  cfail=$(grep -Eo '\[  FAILED  \] [0-9]+ test' "$out" | grep -Eo '[0-9]+' || echo "?")
  [[ $rc -eq 0 ]] && record "gtest opencl" PASSED "$cpass passed, 0 failed (${secs} s)" ||
    record "gtest opencl" FAILED "$cpass passed, ${cfail:-?} failed (rc $rc, ${secs} s)"
elif [[ -z "$SAN" ]]; then
  summary+=("$(printf 'SUITE %-28s %-7s %s' "gtest opencl" SKIPPED "libtessera_opencl.so was not built (no OpenCL headers/CLBlast)")")
fi

echo "== ABI checks (exported symbols, header as C99)"
if ctest --test-dir "$BUILD" -R abi_exported_symbols --output-on-failure >"$out" 2>&1 &&
   python3 tools/gen_exports.py --check >>"$out" 2>&1; then
  record abi PASSED "symbol list matches header and library; header compiles as C99"
else
  cat "$out"; record abi FAILED "see output above"
fi

if [[ -z "$SAN" ]]; then
  echo "== generated bindings are up to date"
  gen_ok=1
  for g in tools/gen_python.py tools/gen_dotnet.py tools/gen_rust.py; do
    [[ -f $g ]] || continue
    python3 "$g" --check || gen_ok=0
  done
  [[ $gen_ok == 1 ]] && record generated-bindings PASSED "" || record generated-bindings FAILED "run the generators in tools/"

  for lang in python dotnet rust; do
    script=scripts/test_$lang.sh
    if [[ -x $script ]]; then
      echo "== $lang binding tests"
      "$script" 2>&1 | tee "$out"
      rc=${PIPESTATUS[0]}
      line=$(grep -E '[0-9]+ passed' "$out" | tail -1)
      [[ $rc -eq 0 ]] && record "$lang" PASSED "$line" || record "$lang" FAILED "${line:-rc $rc}"
    fi
  done

  echo "== main example"
  if "$BUILD/bin/mlp_inference" 20 cpu >"$out" 2>&1 && grep -q checksum "$out"; then
    record example-mlp PASSED "$(grep checksum "$out")"
  else
    cat "$out"; record example-mlp FAILED "see output above"
  fi
fi
rm -f "$out"

echo
echo "================ summary ================"
printf '%s\n' "${summary[@]}"
exit $failed
