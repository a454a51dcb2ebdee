#!/bin/sh
# Tessera's CPU reductions/row ops and NumPy on the same cases, one after the
# other in one run. Usage: bench/run_bench_reduce.sh [build-dir] [repeats]
# OMP_NUM_THREADS is passed through (NumPy's reductions are single-threaded).
set -e
BUILD=${1:-build}
REPEATS=${2:-30}
HERE=$(dirname "$0")
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset}, load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/bin/bench_reduce" "$REPEATS"
python3 "$HERE/bench_reduce_numpy.py" "$REPEATS"
