"""Host cost of a tiny op from Python: `c = a + b` on 16-element float32 tensors
(CPU backend), beside NumPy's figure in the same run.

With --device cuda --n 4096 it measures back-to-back adds on the GPU instead
(each batch ends with a synchronize, so queued work is paid for), beside
PyTorch and CuPy when they are installed.

Each timed iteration is one `c = a + b` statement: the ctypes call into the
library (shape/dtype resolution, output allocation from the caching
allocator, the kernel, which runs inline on an idle CPU stream), wrapping
the result in a Tensor, and releasing the previous result. Reported: the
median over repeats of the mean per-op time of a batch, after a warm-up.

    python3 bench/bench_python_tiny_op.py [--repeats 51] [--batch 20000]
    python3 bench/bench_python_tiny_op.py --device cuda --n 4096
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time


def per_op_us(fn, batch: int, repeats: int) -> tuple:
    fn(batch)  # warm up: caches, allocator, branch predictors
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        fn(batch)
        samples.append((time.perf_counter_ns() - t0) / batch / 1000.0)
    return statistics.median(samples), min(samples)


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
    binary, release, Out, byref = T._c_binary, T._c_release, T._Out, ctypes.byref
    ah, bh, add = a._h, b._h, ts._native.TSR_ADD

    def run_raw_calls(k: int) -> None:
        for _ in range(k):
            out = Out()
            binary(add, ah, bh, None, byref(out))
            release(out)

    def run_empty(k: int) -> None:
        for _ in range(k):
            pass

    ctx = ts.default_context()
    ctx.synchronize()
    ctx.reset_stats()
    t_med, t_min = per_op_us(run_tessera, args.batch, args.repeats)
    ctx.synchronize()
    stats = ctx.stats()
    r_med, r_min = per_op_us(run_raw_calls, args.batch, args.repeats)
    n_med, n_min = per_op_us(run_numpy, args.batch, args.repeats)
    e_med, _ = per_op_us(run_empty, args.batch, args.repeats)

    print(f"# Python tiny-op host cost: c = a + b, {args.n} float32 elements, CPU backend")
    print(f"device   : {ts.devices()[0].name} ({cpu_name()})")
    print(f"versions : Python {platform.python_version()}, NumPy {np.__version__}, "
          f"tessera {ts.__version__} ({ts.library_path})")
    print(f"method   : median of {args.repeats} batches of {args.batch} ops, warmed up; "
          f"empty-loop overhead {e_med * 1000:.0f} ns/iter included in both")
    print()
    print("| library | median us/op | best us/op |")
    print("|---------|-------------:|-----------:|")
    print(f"| tessera | {t_med:.3f} | {t_min:.3f} |")
    print(f"| numpy   | {n_med:.3f} | {n_min:.3f} |")
    print(f"| (floor: the 2 library calls via ctypes, no Tensor) | {r_med:.3f} | {r_min:.3f} |")
    print()
    ops = args.batch * (args.repeats + 1)  # the tessera runs only (counters reset before)
    print(f"library counters over the tessera runs: {stats['ops_launched']} ops for {ops} adds, "
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
    rows = []

    def timed(name, add, sync):
        def run(k):
            c = None
            for _ in range(k):
                c = add()
            sync()
            del c
        med, best = per_op_us(run, args.batch, args.repeats)
        rows.append((name, med, best))

    timed("tessera", lambda: a + b, ctx.synchronize)
    versions = [f"Python {platform.python_version()}", f"tessera {ts.__version__}"]
    try:
        import torch
        ta, tb = torch.from_numpy(an).cuda(), torch.from_numpy(bn).cuda()
        timed("pytorch", lambda: ta + tb, torch.cuda.synchronize)
        versions.append(f"PyTorch {torch.__version__}")
    except ImportError:
        rows.append(("pytorch", float("nan"), float("nan")))
    try:
        import cupy
        ca, cb = cupy.asarray(an), cupy.asarray(bn)
        timed("cupy", lambda: ca + cb, cupy.cuda.runtime.deviceSynchronize)
        versions.append(f"CuPy {cupy.__version__}")
    except ImportError:
        rows.append(("cupy", float("nan"), float("nan")))
    print(f"# Python back-to-back add: {args.n} float32 elements on {ctx.device.name}")
    print(f"versions : {', '.join(versions)}")
    print(f"method   : median of {args.repeats} batches of {args.batch} ops each ending with a "
          "synchronize, warmed up")
    print()
    print("| library | median us/op | best us/op |")
    print("|---------|-------------:|-----------:|")
    for name, med, best in rows:
        print(f"| {name} | {med:.3f} | {best:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
