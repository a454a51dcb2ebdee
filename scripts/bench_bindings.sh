#!/usr/bin/env bash
# Host cost of a tiny op (16-element float32 add into a preallocated output,
# CPU backend) from C, Rust and C#, measured in one run; then the same add
# allocating a new result that is released at once (the "-alloc" group, each
# compared with C's "c-alloc"). The programs take
# turns, one short run each per round, in an order that rotates every round,
# so that changing load on a shared machine hits all of them alike. Each
# program reports wall time and process CPU time per call (the C# one also
# once with its ops on P/Invoke, TESSERA_MONO_RAW_CALLS=0); the CPU time leaves
# out the time spent waiting for a core, which dominates the noise on a
# loaded machine. Reported: the median over all runs per binding and its ratio
# to C's median (CPU and wall), the minimum CPU time (the least disturbed run)
# and its ratio to C's minimum, and the spread (min, max) of the per-round
# CPU ratios.
# Usage: scripts/bench_bindings.sh [rounds] [iterations per run] [runs per round]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TESSERA_BUILD_DIR:-$root/build}"
lib="${TESSERA_LIB_DIR:-$build/lib}"
rounds="${1:-21}" iterations="${2:-500000}" runs="${3:-1}"

ninja -C "$build" bench_tiny_op >/dev/null
(cd "$root/bench/rust" && TESSERA_LIB_DIR="$lib" cargo build --offline --release -q)
mkdir -p "$build/dotnet"
mcs_flags=(-langversion:7.2 -unsafe -optimize+ -warnaserror+ -nologo)
mcs "${mcs_flags[@]}" -target:library -out:"$build/dotnet/Tessera.dll" "$root"/bindings/dotnet/src/*.cs
mcs "${mcs_flags[@]}" -r:"$build/dotnet/Tessera.dll" -out:"$build/dotnet/BenchTinyOp.exe" "$root/bench/dotnet/BenchTinyOp.cs"

samples="$(mktemp)"
trap 'rm -f "$samples"' EXIT
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
run_one() {  # program index; every output line gets the round number in front
  case "$1" in
    0) "$build/bin/bench_tiny_op" "$iterations" "$runs" ;;
    1) "$root/bench/rust/target/release/bench-tiny-op" "$iterations" "$runs" ;;
    # Mono's default (hybrid) thread suspension makes each P/Invoke a GC-safe
    # transition; preemptive suspension skips that work (docs/dotnet.md).
    2) mono "$build/dotnet/BenchTinyOp.exe" "$iterations" "$runs" ;;
    3) MONO_THREADS_SUSPEND=preemptive mono "$build/dotnet/BenchTinyOp.exe" "$iterations" "$runs" |
         sed 's/^\(csharp[^ ]*\)/\1-preemptive/' ;;
    # The binding's ops through P/Invoke, as before raw internal calls (docs/dotnet.md);
    # csharp-raw is the same program's bare P/Invoke again.
    4) TESSERA_MONO_RAW_CALLS=0 mono "$build/dotnet/BenchTinyOp.exe" "$iterations" "$runs" |
         grep -v '^csharp-raw ' | sed 's/^\(csharp[^ ]*\)/\1-pinvoke/' ;;
  esac | sed "s/^/$2 /"
}
programs=5
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
  for ((k = 0; k < programs; k++)); do run_one $(((r + k) % programs)) "$r" >>"$samples"; done
done

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores);" \
     "load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "versions: $(gcc --version | head -1); $(rustc --version); $(mono --version | head -1 | sed 's/ (.*//');" \
     "libtessera $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')"
python3 - "$samples" "$rounds" "$runs" "$iterations" <<'PY'
import statistics, sys
path, rounds, runs, iterations = sys.argv[1], *map(int, sys.argv[2:])
wall, cpu = {}, {}            # label -> [per run]
by_round = {}                 # (label, round) -> [cpu per run]
for line in open(path):
    rnd, label, w, c = line.split()
    wall.setdefault(label, []).append(float(w))
    cpu.setdefault(label, []).append(float(c))
    by_round.setdefault((label, int(rnd)), []).append(float(c))
notes = {
    "c": "C ABI directly (bench/bench_tiny_op.c)",
    "rust": "tessera: a.binary_into(Add, &b, &out, None)",
    "rust-sys": "tessera-sys: raw tsr_binary",
    "csharp": "Tessera: a.Binary(Add, b, output); Mono default suspend",
    "csharp-pinvoke": "the same, ops through P/Invoke (TESSERA_MONO_RAW_CALLS=0)",
    "csharp-raw": "bare P/Invoke on raw handles; Mono default suspend",
    "csharp-preemptive": "Tessera; MONO_THREADS_SUSPEND=preemptive",
    "csharp-raw-preemptive": "bare P/Invoke; MONO_THREADS_SUSPEND=preemptive",
    "c-alloc": "C: new result per call, released at once",
    "rust-alloc": "Rust: drop(a.add(&b)?)",
    "csharp-alloc": "C#: a.Binary(Add, b).Dispose(); Mono default suspend",
    "csharp-alloc-pinvoke": "C#: the same, ops through P/Invoke (TESSERA_MONO_RAW_CALLS=0)",
    "csharp-alloc-preemptive": "C#: the same; MONO_THREADS_SUSPEND=preemptive",
}
print(f"{rounds} rounds x {runs} runs x {iterations} calls; ns per call; CPU and wall: medians over all runs;")
print("'round x C': min..max over rounds of (median CPU ns in the round / C's in the same round)")
groups = [("c", ["c", "rust", "rust-sys", "csharp", "csharp-pinvoke", "csharp-raw", "csharp-preemptive",
                 "csharp-raw-preemptive"]),
          ("c-alloc", ["c-alloc", "rust-alloc", "csharp-alloc", "csharp-alloc-pinvoke", "csharp-alloc-preemptive"])]
for base, labels in groups:
    cw, cc = statistics.median(wall[base]), statistics.median(cpu[base])
    print()
    print(f"{'binding':<25}{'CPU':>7}{'x C':>6}{'wall':>8}{'x C':>6}{'min CPU':>9}{'x C':>6}  {'round x C':<11}  what")
    for label in labels:
        if label not in cpu:
            continue
        mc, mw = statistics.median(cpu[label]), statistics.median(wall[label])
        ratios = [statistics.median(by_round[(label, r)]) / statistics.median(by_round[(base, r)])
                  for r in range(rounds) if (label, r) in by_round and (base, r) in by_round]
        spread = f"{min(ratios):.2f}..{max(ratios):.2f}"
        lo, clo = min(cpu[label]), min(cpu[base])
        print(f"{label:<25}{mc:>7.1f}{mc / cc:>6.2f}{mw:>8.1f}{mw / cw:>6.2f}{lo:>9.1f}{lo / clo:>6.2f}  {spread:<11}  {notes[label]}")
PY
