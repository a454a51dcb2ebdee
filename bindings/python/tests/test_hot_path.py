"""The operators' fast path (tessera/_tensor.py): pooled output slots shared by
threads, finalizers that run ops in the middle of another op, errors that
leave the pool clean, and the GIL policy of the element-wise entry points."""
from __future__ import annotations

import ctypes
import gc
import threading

import numpy as np
import pytest

import tessera as ts
from tessera import _native as N
from tessera import _tensor as T


def _rand(rng, n=16):
    return rng.standard_normal(n).astype(np.float32)


@pytest.mark.parametrize("n", [16, 1 << 16])
def test_threads_never_share_an_output_slot(n):
    # Each thread adds its own operands; a result written into another thread's
    # tensor (a shared out slot) would show up as wrong values or equal handles.
    # Large tensors keep the calls (which release the GIL on the CPU) long, so
    # threads are inside them at the same time.
    rng = np.random.default_rng(1)
    inputs = [(_rand(rng, n), _rand(rng, n)) for _ in range(4)]
    ops = 600 if n == 16 else 150
    errors: list = []

    def work(i):
        try:
            an, bn = inputs[i]
            a, b = ts.asarray(an), ts.asarray(bn)
            kept = []
            for k in range(ops):
                c = a + b if k % 3 else (a * 1.0) + b  # also the scalar path
                kept.append(c)
                if len(kept) > 40:
                    kept.pop(0)
            handles = {t.handle for t in kept}
            assert len(handles) == len(kept), "two live tensors share a handle"
            for t in kept:
                np.testing.assert_allclose(t.to_numpy(), an + bn, rtol=1e-6)
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


class _OpsWhenCollected:
    """Part of a reference cycle: collected by the cyclic GC, which may run in the
    middle of another op's hot path; its finalizer runs ops itself."""

    results: list = []

    def __init__(self, a, b):
        self.a, self.b = a, b
        self.me = self

    def __del__(self):
        _OpsWhenCollected.results.append(((self.a + self.b) * self.b).to_numpy())


def test_ops_inside_finalizers_during_ops():
    rng = np.random.default_rng(2)
    an, bn = _rand(rng), _rand(rng)
    a, b = ts.asarray(an), ts.asarray(bn)
    _OpsWhenCollected.results = []
    old = gc.get_threshold()
    gc.set_threshold(5)  # collect often, so collections land inside operators
    try:
        outs = []
        for _ in range(300):
            _OpsWhenCollected(a, b)
            outs.append(a - b)
        gc.collect()
    finally:
        gc.set_threshold(*old)
    assert len(_OpsWhenCollected.results) == 300
    for r in _OpsWhenCollected.results:
        np.testing.assert_allclose(r, (an + bn) * bn, rtol=1e-6)
    assert len({t.handle for t in outs}) == len(outs)
    for t in outs:
        np.testing.assert_allclose(t.to_numpy(), an - bn, rtol=1e-6)


def test_a_failed_op_leaves_the_slot_pool_clean():
    a = ts.asarray(np.arange(3, dtype=np.float32))
    b = ts.asarray(np.arange(4, dtype=np.float32))
    before = len(T._out_slots)
    for _ in range(3):
        try:
            a + b
        except ts.TesseraError:
            pass
        else:
            raise AssertionError("shapes (3,) and (4,) must not broadcast")
    assert len(T._out_slots) == before
    assert all(slot[0].value is None for slot in T._out_slots)
    np.testing.assert_array_equal((a + a).to_numpy(), np.arange(3) * 2)


def test_released_operands_raise_in_the_hot_path():
    a = ts.asarray([1.0, 2.0])
    b = ts.asarray([3.0, 4.0])
    b.release()
    for op in (lambda: a + b, lambda: b + a, lambda: -b, lambda: b * 2):
        try:
            op()
        except ts.InvalidHandleError as e:
            assert "release" in str(e)
        else:
            raise AssertionError("a released tensor was usable")
    assert all(slot[0].value is None for slot in T._out_slots)


def test_gil_policy_of_the_hot_calls():
    # On the CPU an op may run inline for as long as the tensor needs, and a release
    # may wait for a stream worker: the GIL is released (see _devices._HOT_CALLS).
    ctx = ts.default_context()
    assert ctx.device.kind == "cpu"
    for fn in (ctx._unary, ctx._binary, ctx._binary_scalar, ctx._release_tensor):
        assert not fn._flags_ & ctypes._FUNCFLAG_PYTHONAPI
    # Other devices only queue work: the calls keep the GIL.
    from tessera import _devices
    for fn in _devices._HOT_CALLS[False]:
        assert fn._flags_ & ctypes._FUNCFLAG_PYTHONAPI
    # They are the same functions: run them on small CPU tensors (no GPU here).
    unary, binary, binary_scalar, release = _devices._HOT_CALLS[False]
    a, b = ts.asarray([1.0, -2.0]), ts.asarray([3.0, 4.0])
    outs = [T._Out() for _ in range(3)]
    assert binary(N.TSR_SUBTRACT, a._h, b._h, None, ctypes.byref(outs[0])) == 0
    assert unary(N.TSR_ABS, a._h, None, ctypes.byref(outs[1])) == 0
    assert binary_scalar(N.TSR_MULTIPLY, a._h, ctypes.c_double(3.0), 1, None,
                         ctypes.byref(outs[2])) == 0
    got = [T._make(o, a._ctx) for o in outs]
    for t, want in zip(got, ([-2.0, -6.0], [1.0, 2.0], [3.0, -6.0])):
        np.testing.assert_array_equal(t.to_numpy(), want)
    h = got[0]._h
    got[0]._h = None  # hand the reference to the GIL-holding release
    release(h)
    with pytest.raises(ts.InvalidHandleError):
        got[0].to_numpy()


def test_release_then_collect_frees_once():
    ctx = ts.Context("cpu")
    ctx.synchronize()
    base = ctx.stats()["bytes_in_use"]
    t = ts.ones((1024,), device=ctx)
    assert ctx.stats()["bytes_in_use"] > base
    with t:
        pass
    ctx.synchronize()
    assert ctx.stats()["bytes_in_use"] == base
    del t  # the finalizer must not release again
    u = ts.ones((1024,), device=ctx) + 1
    np.testing.assert_array_equal(u.to_numpy(), np.full(1024, 2, np.float32))
    del u
    ctx.synchronize()
    assert ctx.stats()["bytes_in_use"] == base
