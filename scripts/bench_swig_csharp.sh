#!/usr/bin/env bash
# Times the call SWIG's C# module would give the .NET binding against the
# direct [DllImport] that tools/gen_dotnet.py emits (bench/dotnet/BenchSwigCall.cs;
# the reason for the choice is in docs/dotnet.md). Generates the SWIG wrapper
# of include/tessera/tessera.h into build/swig-csharp, builds its C shim
# against libtessera, and runs the comparison under Mono.
# Usage: scripts/bench_swig_csharp.sh [iterations per run] [rounds]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TESSERA_BUILD_DIR:-$root/build}"
lib="${TESSERA_LIB_DIR:-$build/lib}"
out="$build/swig-csharp"
rm -rf "$out"
mkdir -p "$out/cs"

# TSR_API carries visibility attributes SWIG need not see; stdint.i maps int32_t and friends.
cat >"$out/tessera.i" <<'SWIG'
%module TesseraSwig
%{
#include <tessera/tessera.h>
%}
#define TSR_API
%include <stdint.i>
%include <tessera/tessera.h>
SWIG
swig -csharp -namespace TesseraSwigBench -I"$root/include" -outdir "$out/cs" -o "$out/tessera_wrap.c" "$out/tessera.i"
# -w: the generated shim casts const away in places; it is not our code to fix.
cc -O2 -w -shared -fPIC -I"$root/include" -o "$out/libTesseraSwig.so" "$out/tessera_wrap.c" -L"$lib" -ltessera

mcs_flags=(-langversion:7.2 -unsafe -optimize+ -nologo)
mcs "${mcs_flags[@]}" -target:library -out:"$out/Tessera.dll" "$root"/bindings/dotnet/src/*.cs
# -nowarn: SWIG's generated C# hides inherited members in ways mcs warns about.
mcs "${mcs_flags[@]}" -nowarn:108,114 -r:"$out/Tessera.dll" -out:"$out/BenchSwigCall.exe" \
    "$out"/cs/*.cs "$root/bench/dotnet/BenchSwigCall.cs"

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores);" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $(swig -version | sed -n 's/^SWIG Version //p' | sed 's/^/SWIG /'); $(mono --version | head -1 | sed 's/ (.*//')"
LD_LIBRARY_PATH="$out:$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" mono "$out/BenchSwigCall.exe" "$@"
