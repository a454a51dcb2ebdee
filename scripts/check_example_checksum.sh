#!/usr/bin/env bash
# Runs the C MLP example (build/bin/mlp_inference) and a binding's port of it
# on the same device, and fails when the two checksums differ by more than
#   |checksum - C's| <= 1e-4 * max(1, |C's|)
# Both call the same library with the same seeds and ops, so the results
# should agree to the last printed digit; the tolerance only absorbs a
# reduction order that a backend might vary between runs, while a wrong
# seed, op, activation or layer order moves the checksum by far more.
# Usage: scripts/check_example_checksum.sh <label> <command...>
#   (the command gets "<passes> <device>" appended: 3 passes, $TESSERA_DEVICE or cpu)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TESSERA_BUILD_DIR:-$root/build}"
label="$1"
shift
passes=3 device="${TESSERA_DEVICE:-cpu}"

if [ ! -x "$build/bin/mlp_inference" ]; then
  if [ -f "$build/build.ninja" ]; then
    ninja -C "$build" mlp_inference >/dev/null
  else
    echo "check_example_checksum: $build/bin/mlp_inference not found: build it first" >&2
    exit 1
  fi
fi

checksum_of() {  # name, then the command; prints the number after "checksum: "
  local name="$1" out
  shift
  if ! out="$("$@" 2>&1)"; then
    printf '%s\n' "$out" >&2
    echo "check_example_checksum: the $name example failed" >&2
    return 1
  fi
  out="$(printf '%s\n' "$out" | sed -n 's/^checksum: //p')"
  if [ -z "$out" ]; then
    echo "check_example_checksum: the $name example printed no checksum line" >&2
    return 1
  fi
  printf '%s\n' "$out"
}

reference="$(checksum_of C "$build/bin/mlp_inference" "$passes" "$device")"
value="$(checksum_of "$label" "$@" "$passes" "$device")"
if python3 -c 'import sys; c, v = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if abs(v - c) <= 1e-4 * max(1.0, abs(c)) else 1)' \
     "$reference" "$value"; then
  echo "example checksum: $label $value, C $reference (device $device): match"
else
  echo "example checksum: $label $value, C $reference (device $device): MISMATCH (tolerance 1e-4 relative)" >&2
  exit 1
fi
