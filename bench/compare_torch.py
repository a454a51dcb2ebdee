"""PyTorch and CuPy figures for the CUDA backend's benchmarks (issue 3),
measured the same way as bench/bench_cuda_ops.cpp, to run in the same
session on the same GPU: tiny-op host cost, 1 GiB add bandwidth, softmax
and layer_norm 8192x8192, matmul 8192^3 in float32/TF32/bfloat16, the MLP
example (eager and CUDA graph) and caching-allocator allocation + free.
Medians after warm-up; device times from CUDA events; random inputs.
"""
import ctypes
import os
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


class ContextOptions(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("device_kind", ctypes.c_int), ("device_index", ctypes.c_int32),
                ("flags", ctypes.c_uint32), ("default_stream_flags", ctypes.c_uint32),
                ("memory_quota", ctypes.c_int64)]


def interleaved_matmul(path):
    """Tessera's matmul and PyTorch's in one process, alternating, on the same
    stream (Tessera wraps PyTorch's native stream), timed by the same events:
    matrix products this large run into the GPU's power limit, and its clocks
    drift by up to 20% within seconds, so only interleaved figures compare."""
    lib = ctypes.CDLL(path)
    vp, i32, i64, dbl = ctypes.c_void_p, ctypes.c_int32, ctypes.c_int64, ctypes.c_double
    lib.tsr_last_error_message.restype = ctypes.c_char_p
    lib.tsr_context_create.argtypes = [ctypes.POINTER(ContextOptions), ctypes.POINTER(vp)]
    lib.tsr_stream_wrap_native.argtypes = [vp, vp, ctypes.POINTER(vp)]
    lib.tsr_tensor_random.argtypes = [vp, ctypes.POINTER(i64), i32, ctypes.c_int, ctypes.c_int, ctypes.c_uint64,
                                      dbl, dbl, vp, ctypes.POINTER(vp)]
    lib.tsr_tensor_empty.argtypes = [vp, ctypes.POINTER(i64), i32, ctypes.c_int, ctypes.POINTER(vp)]
    lib.tsr_matmul.argtypes = [vp, vp, i32, i32, dbl, dbl, vp, ctypes.POINTER(vp)]
    for f in ("tsr_tensor_release", "tsr_stream_release", "tsr_context_release"):
        getattr(lib, f).argtypes = [vp]
        getattr(lib, f).restype = None

    def check(status):
        if status != 0:
            raise RuntimeError(lib.tsr_last_error_message().decode())

    nn = 8192
    flop = 2.0 * nn ** 3
    stream_ptr = torch.cuda.current_stream().cuda_stream
    for name, tdt, code, tf32 in (("float32", torch.float32, 11, False), ("tf32", torch.float32, 11, True),
                                  ("bfloat16", torch.bfloat16, 10, False)):
        opts = ContextOptions(ctypes.sizeof(ContextOptions), 2, 0, 2 if tf32 else 0, 0, 0)
        ctx, stream = vp(), vp()
        check(lib.tsr_context_create(ctypes.byref(opts), ctypes.byref(ctx)))
        check(lib.tsr_stream_wrap_native(ctx, vp(stream_ptr), ctypes.byref(stream)))
        shape = (i64 * 2)(nn, nn)
        x, y, out = vp(), vp(), vp()
        check(lib.tsr_tensor_random(ctx, shape, 2, code, 0, 1, -1.0, 1.0, stream, ctypes.byref(x)))
        check(lib.tsr_tensor_random(ctx, shape, 2, code, 0, 2, -1.0, 1.0, stream, ctypes.byref(y)))
        check(lib.tsr_tensor_empty(ctx, shape, 2, code, ctypes.byref(out)))
        torch.backends.cuda.matmul.allow_tf32 = tf32
        a = torch.rand(nn, nn, device=dev, dtype=tdt) * 2 - 1
        b = torch.rand(nn, nn, device=dev, dtype=tdt) * 2 - 1
        c = torch.empty(nn, nn, device=dev, dtype=tdt)

        def tessera_mm():
            check(lib.tsr_matmul(x, y, 0, 0, 1.0, 0.0, stream, ctypes.byref(out)))

        def torch_mm():
            torch.matmul(a, b, out=c)

        tt, ts = [], []
        for r in range(8):
            tt.append(device_ms(torch_mm, warmup=1 if r == 0 else 0, reps=3))
            ts.append(device_ms(tessera_mm, warmup=1 if r == 0 else 0, reps=3))
        mt, ms = statistics.median(tt), statistics.median(ts)
        print(f"interleaved matmul 8192^3 {name}: tessera {ms:.3f} ms ({flop / (ms * 1e9):.1f} TFLOP/s), "
              f"torch {mt:.3f} ms ({flop / (mt * 1e9):.1f} TFLOP/s), tessera/torch speed {mt / ms:.3f}")
        torch.cuda.synchronize()
        for t in (x, y, out):
            lib.tsr_tensor_release(t)
        lib.tsr_stream_release(stream)
        lib.tsr_context_release(ctx)
        del a, b, c
    torch.backends.cuda.matmul.allow_tf32 = False


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

    lib = os.environ.get("TESSERA_LIBRARY")
    if lib:
        interleaved_matmul(lib)
    return 0


if __name__ == "__main__":
    sys.exit(main())
