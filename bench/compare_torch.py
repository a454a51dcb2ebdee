"""PyTorch and CuPy figures for the CUDA backend's benchmarks (issue 3),
measured the same way as bench/bench_cuda_ops.cpp, to run in the same
session on the same GPU: tiny-op host cost, 1 GiB add bandwidth, softmax
and layer_norm 8192x8192, matmul 8192^3 in float32/TF32/bfloat16, the MLP
example (eager and CUDA graph) and caching-allocator allocation + free.
Medians after warm-up; device times from CUDA events; random inputs.
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

try:
    import cupy as cp
except ImportError:  # the figures without CuPy are still useful
    cp = None

dev = torch.device("cuda")


def device_ms(fn, warmup=3, reps=20):
    for _ in range(warmup):
        fn()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(reps):
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    return statistics.median(times)


def per_op_us(fn, sync, n=20000, reps=8):
    times = []
    for r in range(reps):
        sync()
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        if r:
            times.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(times)


def main():
    print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__} (CUDA {torch.version.cuda})"
          + (f", cupy {cp.__version__}" if cp else ", no cupy"))
    torch.manual_seed(0)

    a = torch.rand(4096, device=dev)
    b = torch.rand(4096, device=dev)
    c = torch.empty_like(a)
    print(f"torch tiny add 4096 f32: {per_op_us(lambda: torch.add(a, b, out=c), torch.cuda.synchronize):.3f} us/op")
    if cp is not None:
        ca, cb = cp.random.rand(4096, dtype=cp.float32), cp.random.rand(4096, dtype=cp.float32)
        cc = cp.empty_like(ca)
        sync = cp.cuda.Device().synchronize
        print(f"cupy tiny add 4096 f32: {per_op_us(lambda: cp.add(ca, cb, out=cc), sync):.3f} us/op")
        del ca, cb, cc

    n = 1 << 28
    a = torch.rand(n, device=dev)
    b = torch.rand(n, device=dev)
    c = torch.empty_like(a)
    ms = device_ms(lambda: torch.add(a, b, out=c))
    print(f"torch add 1 GiB f32: {ms:.3f} ms, {3 * n * 4 / (ms * 1e6):.0f} GB/s")
    del a, b, c

    for dt in (torch.float32, torch.bfloat16):
        x = (torch.rand(8192, 8192, device=dev, dtype=dt) * 6 - 3)
        w = torch.rand(8192, device=dev, dtype=dt) + 0.5
        bb = torch.rand(8192, device=dev, dtype=dt)
        nbytes = 2 * x.numel() * x.element_size()
        sm = device_ms(lambda: F.softmax(x, dim=-1))
        ln = device_ms(lambda: F.layer_norm(x, (8192,), w, bb, 1e-5))
        name = str(dt).replace("torch.", "")
        print(f"torch softmax 8192x8192 {name}: {sm:.3f} ms ({nbytes / (sm * 1e6):.0f} GB/s)")
        print(f"torch layer_norm 8192x8192 {name}: {ln:.3f} ms ({nbytes / (ln * 1e6):.0f} GB/s)")
        del x, w, bb

    nn = 8192
    flop = 2.0 * nn ** 3
    for name, dt, tf32 in (("float32", torch.float32, False), ("tf32", torch.float32, True),
                           ("bfloat16", torch.bfloat16, False)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        x = torch.rand(nn, nn, device=dev, dtype=dt) * 2 - 1
        y = torch.rand(nn, nn, device=dev, dtype=dt) * 2 - 1
        out = torch.empty(nn, nn, device=dev, dtype=dt)
        ms = device_ms(lambda: torch.matmul(x, y, out=out), warmup=2, reps=10)
        print(f"torch matmul 8192^3 {name}: {ms:.3f} ms, {flop / (ms * 1e9):.1f} TFLOP/s")
        del x, y, out
    torch.backends.cuda.matmul.allow_tf32 = False

    ws = [torch.rand(1024, 1024, device=dev) * 0.0625 - 0.03125 for _ in range(4)]
    bs = [torch.rand(1024, device=dev) * 0.2 - 0.1 for _ in range(4)]
    inp = torch.randn(32, 1024, device=dev)

    def mlp(x):
        for layer in range(4):
            x = F.linear(x, ws[layer], bs[layer])
            if layer < 3:
                x = F.relu(x)
        return x

    def per_pass(fn, passes=1000, warmup=100):
        t = []
        for i in range(passes + warmup):
            t0 = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            if i >= warmup:
                t.append((time.perf_counter() - t0) * 1e6)
        return statistics.median(t)

    with torch.no_grad():
        eager = per_pass(lambda: mlp(inp))
        g = torch.cuda.CUDAGraph()
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):
                mlp(inp)
        torch.cuda.current_stream().wait_stream(s)
        with torch.cuda.graph(g):
            static_out = mlp(inp)
        graph = per_pass(g.replay)
        del static_out
    print(f"torch mlp 4x1024 batch 32 f32: eager {eager:.1f} us/pass, CUDA graph {graph:.1f} us/pass")

    for _ in range(1000):
        t = torch.empty(1 << 20, dtype=torch.uint8, device=dev)
        del t
    times = []
    for _ in range(7):
        iters = 100000
        t0 = time.perf_counter()
        for _ in range(iters):
            t = torch.empty(1 << 20, dtype=torch.uint8, device=dev)
            del t
        times.append((time.perf_counter() - t0) / iters * 1e6)
    print(f"torch caching allocator empty+free 1 MiB: {statistics.median(times):.3f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
