"""NumPy timings of the cases in bench_reduce.cpp (same shapes and ops;
median and minimum of many warmed-up runs).

Usage: bench_reduce_numpy.py [repeats]
"""
import sys
import time

import numpy as np

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
rng = np.random.default_rng(7)
f32 = rng.uniform(-4, 4, (4096, 4096)).astype(np.float32)
f64 = f32.astype(np.float64)
f16 = f32.astype(np.float16)
i32 = np.floor(f32).astype(np.int32)
x = rng.uniform(-4, 4, (4096, 1024)).astype(np.float32)
g = rng.uniform(-4, 4, 1024).astype(np.float32)
b = rng.uniform(-4, 4, 1024).astype(np.float32)


def timing(f):
    for _ in range(3):
        f()
    t = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        f()
        t.append((time.perf_counter() - start) * 1e3)
    t.sort()
    return t[len(t) // 2], t[0]


def softmax(v):
    e = np.exp(v - v.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def log_softmax(v):
    s = v - v.max(-1, keepdims=True)
    return s - np.log(np.exp(s).sum(-1, keepdims=True))


def layer_norm(v):
    mu = v.mean(-1, keepdims=True)
    return (v - mu) / np.sqrt(v.var(-1, keepdims=True) + 1e-5) * g + b


def rms_norm(v):
    return v / np.sqrt((v * v).mean(-1, keepdims=True) + 1e-5) * g


CASES = [
    ("sum f32 [4096,4096] all", lambda: f32.sum()),
    ("sum f32 [4096,4096] axis 1", lambda: f32.sum(1)),
    ("sum f32 [4096,4096] axis 0", lambda: f32.sum(0)),
    ("sum f32 transposed [4096,4096] axis 1", lambda: f32.T.sum(1)),
    ("sum f64 [4096,4096] axis 1", lambda: f64.sum(1)),
    ("sum f16 [4096,4096] axis 1", lambda: f16.sum(1)),
    ("sum i32 [4096,4096] all", lambda: i32.sum()),
    ("mean f32 [4096,4096] axis 1", lambda: f32.mean(1)),
    ("var f32 [4096,4096] axis 1", lambda: f32.var(1, ddof=1)),
    ("var f32 [4096,4096] axis 0", lambda: f32.var(0, ddof=1)),
    ("max f32 [4096,4096] axis 1", lambda: f32.max(1)),
    ("argmax f32 [4096,4096] axis 1", lambda: f32.argmax(1)),
    ("argmax f32 [4096,4096] all", lambda: f32.argmax()),
    ("any i32 [4096,4096] axis 1", lambda: i32.any(1)),
    ("softmax f32 [4096,1024]", lambda: softmax(x)),
    ("log_softmax f32 [4096,1024]", lambda: log_softmax(x)),
    ("layer_norm f32 [4096,1024] gamma beta", lambda: layer_norm(x)),
    ("rms_norm f32 [4096,1024] gamma", lambda: rms_norm(x)),
]

print("# numpy %s, median and min of %d runs" % (np.__version__, REPEATS))
print("%-44s %10s %10s" % ("case", "median ms", "min ms"))
for name, fn in CASES:
    med, low = timing(fn)
    print("%-44s %10.3f %10.3f" % (name, med, low))
