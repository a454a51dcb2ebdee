"""Host cost of a tiny op from Python: `c = a + b` on 16-element float32 tensors
(CPU backend), beside NumPy's figure in the same run.

With --device cuda --n 4096 it measures back-to-back adds on the GPU instead
(each batch ends with a synchronize, so queued work is paid for), beside
PyTorch and CuPy when they are installed.

Each timed iteration is one `c = a + b` statement: the ctypes call into the
library (shape/dtype resolution, output allocation from the caching
allocator, the kernel, which runs inline on an idle CPU stream), wrapping
the result in a Tensor, and releasing the previous result. The rows take
turns, one batch each per round, so that load on a shared machine hits all
alike. Reported per row: the median and the best over rounds of the mean
wall-clock time per op of a batch, and the median process CPU time per op
(on a loaded machine wall time includes waits for a CPU; CPU time does not).

    python3 bench/bench_python_tiny_op.py [--repeats 51] [--batch 20000]
    python3 bench/bench_python_tiny_op.py --device cuda --n 4096
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time


def interleaved(fns: dict, batch: int, repeats: int) -> dict:
    """Time each fn(batch) `repeats` times, the fns taking turns (one batch each per
    round) so that load on a shared machine hits them alike. Returns, per name, the
    wall-clock and process-CPU microseconds per op of every batch."""
    for fn in fns.values():
        fn(batch)  # warm up: caches, allocator, branch predictors
    out = {name: ([], []) for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            c0, t0 = time.process_time_ns(), time.perf_counter_ns()
            fn(batch)
            t1, c1 = time.perf_counter_ns(), time.process_time_ns()
            out[name][0].append((t1 - t0) / batch / 1000.0)
            out[name][1].append((c1 - c0) / batch / 1000.0)
    return out


def summary(samples: tuple) -> tuple:
    wall, cpu = samples
    return statistics.median(wall), min(wall), statistics.median(cpu)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=51)
    ap.add_argument("--batch", type=int, default=20000)
    ap.add_argument("--n", type=int, default=16, help="elements per tensor")
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda[:i]")
    args = ap.parse_args()
    if args.device != "cpu":
        return gpu_main(args)

    import numpy as np
    import tessera as ts

    rng = np.random.default_rng(0)
    an = rng.standard_normal(args.n).astype(np.float32)
    bn = rng.standard_normal(args.n).astype(np.float32)
    a, b = ts.asarray(an, copy=True), ts.asarray(bn, copy=True)
    assert np.array_equal((a + b).to_numpy(), an + bn), "tessera result differs from NumPy"

    def run_tessera(k: int) -> None:
        c = None
        for _ in range(k):
            c = a + b
        del c

    def run_numpy(k: int) -> None:
        c = None
        for _ in range(k):
            c = an + bn
        del c

    # The floor under the Python layer: the same two library calls through ctypes with no
    # Tensor object around them (what ctypes and the library cost by themselves).
    import ctypes
    from tessera import _tensor as T
    ctx = ts.default_context()
    binary, release = ctx._binary, ctx._release_tensor
    slot = T._Out()
    ref = ctypes.byref(slot)
    ah, bh, add = a._h, b._h, ts._native.TSR_ADD

    def run_raw_calls(k: int) -> None:
        for _ in range(k):
            binary(add, ah, bh, None, ref)
            release(slot)
            slot.value = None

    def run_empty(k: int) -> None:
        for _ in range(k):
            pass

    ctx.synchronize()
    ctx.reset_stats()
    load0 = os.getloadavg()[0]
    res = interleaved({"tessera": run_tessera, "numpy": run_numpy, "raw": run_raw_calls,
                       "empty": run_empty}, args.batch, args.repeats)
    load1 = os.getloadavg()[0]
    ctx.synchronize()
    stats = ctx.stats()
    t_med, t_min, t_cpu = summary(res["tessera"])
    n_med, n_min, n_cpu = summary(res["numpy"])
    r_med, r_min, r_cpu = summary(res["raw"])
    e_med = summary(res["empty"])[0]

    print(f"# Python tiny-op host cost: c = a + b, {args.n} float32 elements, CPU backend")
    print(f"device   : {ts.devices()[0].name} (CPU model: {cpu_name()}, {os.cpu_count()} CPUs)")
    print(f"versions : Python {platform.python_version()}, NumPy {np.__version__}, "
          f"tessera {ts.__version__} ({ts.library_path})")
    print(f"method   : {args.repeats} rounds, each one batch of {args.batch} ops per row in turn, "
          f"after a warm-up; empty-loop overhead {e_med * 1000:.0f} ns/iter included in all")
    print(f"load     : 1-minute load average {load0:.2f} before, {load1:.2f} after")
    print()
    print("| library | median us/op (wall) | best us/op (wall) | median us/op (process CPU time) |")
    print("|---------|--------------------:|------------------:|--------------------------------:|")
    print(f"| tessera | {t_med:.3f} | {t_min:.3f} | {t_cpu:.3f} |")
    print(f"| numpy   | {n_med:.3f} | {n_min:.3f} | {n_cpu:.3f} |")
    print(f"| (floor: the 2 library calls via ctypes, no Tensor) | {r_med:.3f} | {r_min:.3f} | "
          f"{r_cpu:.3f} |")
    print()
    ops = 2 * args.batch * (args.repeats + 1)  # tessera and floor rows, warm-up included
    print(f"library counters over the tessera and floor rows: {stats['ops_launched']} ops for "
          f"{ops} adds, "
          f"{stats['device_allocations']} device allocations, {stats['cache_hits']} cache hits, "
          f"{stats['synchronizations']} synchronizations")
    target = 2.0
    print(f"target <= {target} us/op: {'met' if t_med <= target else 'NOT met'}")
    return 0


def gpu_main(args) -> int:
    import numpy as np
    import tessera as ts

    rng = np.random.default_rng(0)
    an = rng.standard_normal(args.n).astype(np.float32)
    bn = rng.standard_normal(args.n).astype(np.float32)
    ctx = ts.Context(args.device)
    a, b = ts.asarray(an, device=ctx), ts.asarray(bn, device=ctx)
    assert np.allclose((a + b).to_numpy(), an + bn), "tessera result differs from NumPy"
    fns = {}

    def timed(name, add, sync):
        def run(k):
            c = None
            for _ in range(k):
                c = add()
            sync()
            del c
        fns[name] = run

    timed("tessera", lambda: a + b, ctx.synchronize)
    versions = [f"Python {platform.python_version()}", f"tessera {ts.__version__}"]
    try:
        import torch
        ta, tb = torch.from_numpy(an).cuda(), torch.from_numpy(bn).cuda()
        timed("pytorch", lambda: ta + tb, torch.cuda.synchronize)
        versions.append(f"PyTorch {torch.__version__}")
    except ImportError:
        pass
    try:
        import cupy
        ca, cb = cupy.asarray(an), cupy.asarray(bn)
        timed("cupy", lambda: ca + cb, cupy.cuda.runtime.deviceSynchronize)
        versions.append(f"CuPy {cupy.__version__}")
    except ImportError:
        pass
    res = interleaved(fns, args.batch, args.repeats)
    rows = [(name,) + summary(res[name]) for name in fns]
    print(f"# Python back-to-back add: {args.n} float32 elements on {ctx.device.name}")
    print(f"versions : {', '.join(versions)}")
    print(f"host     : CPU model {cpu_name()}")
    print(f"method   : {args.repeats} rounds, each one batch of {args.batch} ops (ending with a "
          "synchronize) per library in turn, after a warm-up")
    print()
    print("| library | median us/op (wall) | best us/op (wall) | median us/op (process CPU time) |")
    print("|---------|--------------------:|------------------:|--------------------------------:|")
    for name, med, best, cpu in rows:
        print(f"| {name} | {med:.3f} | {best:.3f} | {cpu:.3f} |")
    if len(rows) < 3:
        print("(missing rows: PyTorch or CuPy not installed)")
    if ctx.device.kind == "cuda":
        target = 4.0
        print(f"target <= {target} us/op: {'met' if rows[0][1] <= target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
