#!/usr/bin/env bash
# Host cost of a tiny op (16-element float32 add into a preallocated output,
# CPU backend) from C, Rust and C#, measured in one run: the programs take
# turns, one short run each per round, so that changing load on a shared
# machine hits all of them alike. Each figure is the median over all runs
# (and the minimum, the least disturbed run, beside it).
# Usage: scripts/bench_bindings.sh [rounds] [iterations per run] [runs per round]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TESSERA_BUILD_DIR:-$root/build}"
lib="${TESSERA_LIB_DIR:-$build/lib}"
rounds="${1:-15}" iterations="${2:-1000000}" runs="${3:-1}"

ninja -C "$build" bench_tiny_op >/dev/null
(cd "$root/bench/rust" && TESSERA_LIB_DIR="$lib" cargo build --offline --release -q)
mkdir -p "$build/dotnet"
mcs -langversion:7.2 -unsafe -optimize+ -target:library -out:"$build/dotnet/Tessera.dll" "$root"/bindings/dotnet/src/*.cs
mcs -langversion:7.2 -unsafe -optimize+ -r:"$build/dotnet/Tessera.dll" -out:"$build/dotnet/BenchTinyOp.exe" \
    "$root/bench/dotnet/BenchTinyOp.cs"

samples="$(mktemp)"
trap 'rm -f "$samples"' EXIT
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for ((r = 0; r < rounds; r++)); do
  "$build/bin/bench_tiny_op" "$iterations" "$runs" >>"$samples"
  "$root/bench/rust/target/release/bench-tiny-op" "$iterations" "$runs" >>"$samples"
  # Mono's default (hybrid) thread suspension makes each P/Invoke a GC-safe
  # transition; preemptive suspension skips that work (docs/dotnet.md).
  mono "$build/dotnet/BenchTinyOp.exe" "$iterations" "$runs" >>"$samples"
  MONO_THREADS_SUSPEND=preemptive mono "$build/dotnet/BenchTinyOp.exe" "$iterations" "$runs" |
    sed 's/^\(csharp[^ ]*\)/\1-preemptive/' >>"$samples"
done

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores)"
echo "compilers: $(gcc --version | head -1); $(rustc --version); $(mono --version | head -1 | cut -d'(' -f1)"
python3 - "$samples" "$rounds" "$runs" "$iterations" <<'PY'
import statistics, sys
path, rounds, runs, iterations = sys.argv[1], *map(int, sys.argv[2:])
by = {}
for line in open(path):
    label, value = line.split()
    by.setdefault(label, []).append(float(value))
c = statistics.median(by["c"])
notes = {
    "c": "C ABI directly (bench/bench_tiny_op.c)",
    "rust": "tessera: a.binary_into(Add, &b, &out, None)",
    "rust-sys": "tessera-sys: raw tsr_binary",
    "csharp": "Tessera: a.Binary(Add, b, output); Mono default suspend",
    "csharp-raw": "bare P/Invoke on raw handles, no SafeHandle leases",
    "csharp-preemptive": "Tessera, MONO_THREADS_SUSPEND=preemptive",
    "csharp-raw-preemptive": "bare P/Invoke, MONO_THREADS_SUSPEND=preemptive",
}
print(f"{rounds} rounds x {runs} runs x {iterations} calls; ns per call")
print(f"{'binding':<24}{'median':>8}{'x C':>7}{'min':>8}{'x C':>7}   what")
cmin = min(by["c"])
for label in ["c", "rust", "rust-sys", "csharp", "csharp-raw", "csharp-preemptive", "csharp-raw-preemptive"]:
    if label in by:
        m, lo = statistics.median(by[label]), min(by[label])
        print(f"{label:<24}{m:>8.1f}{m / c:>7.2f}{lo:>8.1f}{lo / cmin:>7.2f}   {notes[label]}")
PY
