#!/usr/bin/env bash
# Builds the C# bindings, their tests, the MLP example and the tiny-op bench
# with Mono's C# compiler, then runs the tests with mono (three times: ops
# through P/Invoke, the interpreter, then the default path), the C# MLP example
# beside the C one (scripts/check_example_checksum.sh) and the example of
# docs/dotnet.md. Prints
# "N passed, N failed" and exits non-zero when a test fails, the example's
# checksum differs from the C example's, or the generated P/Invoke layer is
# stale. Needs libtessera built (build/lib, or TESSERA_LIB_DIR)
# and mono-mcs + mono-runtime. Extra arguments filter tests by name.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TESSERA_BUILD_DIR:-$root/build}"
lib="${TESSERA_LIB_DIR:-$build/lib}"
out="$build/dotnet"

python3 "$root/tools/gen_dotnet.py" --check
if [ ! -e "$lib/libtessera.so" ]; then
  echo "test_dotnet: libtessera.so not found in $lib: build the library first" \
       "(cmake -S . -B build -G Ninja && ninja -C build tessera) or set TESSERA_LIB_DIR" >&2
  exit 1
fi
if ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
  echo "test_dotnet: mcs/mono not found (apt-get install mono-mcs mono-runtime)" >&2
  exit 1
fi

mkdir -p "$out"
# C# 7.2 is the newest that mcs accepts (Span<T> and ref locals included).
mcs_flags=(-langversion:7.2 -unsafe -optimize+ -warnaserror+ -nologo)
mcs "${mcs_flags[@]}" -target:library -out:"$out/Tessera.dll" "$root"/bindings/dotnet/src/*.cs
mcs "${mcs_flags[@]}" -r:"$out/Tessera.dll" -out:"$out/Tessera.Tests.exe" "$root"/bindings/dotnet/tests/*.cs
mcs "${mcs_flags[@]}" -r:"$out/Tessera.dll" -out:"$out/MlpInference.exe" "$root/examples/dotnet/MlpInference.cs"
mcs "${mcs_flags[@]}" -r:"$out/Tessera.dll" -out:"$out/BenchTinyOp.exe" "$root/bench/dotnet/BenchTinyOp.cs"
# The call-path profile needs the binding's internals: it is built with its sources.
mcs "${mcs_flags[@]}" -out:"$out/ProfileCallPath.exe" "$root"/bindings/dotnet/src/*.cs "$root/bench/dotnet/ProfileCallPath.cs"
# The example in docs/dotnet.md (its first csharp block) must compile and run as written.
awk '/^```csharp$/ { inside = 1; next } inside && /^```$/ { exit } inside' "$root/docs/dotnet.md" >"$out/DocExample.cs"
mcs "${mcs_flags[@]}" -r:"$out/Tessera.dll" -out:"$out/DocExample.exe" "$out/DocExample.cs"

export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
status=0
# First with the ops on P/Invoke (what runtimes other than Mono use), then as
# the binding runs by default (on Mono: raw internal calls, docs/dotnet.md);
# the last "N passed" line is the default run's.
echo "== C# tests, ops through P/Invoke (TESSERA_MONO_RAW_CALLS=0)"
TESSERA_MONO_RAW_CALLS=0 mono --debug "$out/Tessera.Tests.exe" "$@" || status=$?
# Mono's interpreter binds raw internal calls its own way, and its slower
# threads widen races (it found one in the binding's startup: OpCalls.cs).
echo "== C# tests, Mono interpreter"
mono --interpreter "$out/Tessera.Tests.exe" "$@" || status=$?
echo "== C# tests, default call path"
mono --debug "$out/Tessera.Tests.exe" "$@" || status=$?
"$root/scripts/check_example_checksum.sh" "C#" mono "$out/MlpInference.exe" || status=1
if doc_output="$(mono "$out/DocExample.exe" 2>&1)"; then
  echo "docs/dotnet.md example: ran, printed $doc_output"
else
  printf '%s\n' "$doc_output"
  echo "docs/dotnet.md example: FAILED" >&2
  status=1
fi
exit "$status"
