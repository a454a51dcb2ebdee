#!/usr/bin/env python3
"""float32 matmul with NumPy at the sizes of bench_matmul, for the same-run
comparison in docs/BENCHMARKS.md. Median of timed runs after one warm-up.
Usage: bench_matmul_numpy.py [reps_1024 [reps_4096]]  (defaults 15 and 3)"""
import statistics
import sys
import time

try:
    import numpy as np
except ImportError:
    sys.exit("NumPy is missing: pip install numpy")


def blas_info():
    """The BLAS NumPy links (its wheels bundle their own OpenBLAS build)."""
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f'{blas.get("name")} {blas.get("version")}'
    except Exception:  # older NumPy without mode="dicts"
        return "unknown"


def bench(n, reps):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    reps_small = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    reps_large = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"NumPy {np.__version__}, BLAS: {blas_info()}, date {time.strftime('%Y-%m-%d', time.gmtime())}")
    print("| size | runs | NumPy ms | NumPy GFLOP/s |")
    print("|------|------|---------:|--------------:|")
    for n, reps in ((1024, reps_small), (4096, reps_large)):
        if reps <= 0:
            continue
        t = bench(n, reps)
        print(f"| {n}^3 | {reps} | {t * 1e3:.2f} | {2 * n ** 3 / t * 1e-9:.1f} |", flush=True)


if __name__ == "__main__":
    main()
