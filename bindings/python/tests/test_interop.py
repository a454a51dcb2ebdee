"""Zero-copy interchange, proven by pointer equality and by mutations seen on
the other side: DLPack both ways (versioned and legacy capsules), the Python
DLPack protocol's keywords, __array_interface__, and keeping producers alive.
PyTorch, CuPy and CUDA cases are skipped here with the reason and run on the
GPU machine."""
from __future__ import annotations

import ctypes
import gc
import weakref

import numpy as np
import pytest

import tessera as ts
from conftest import assert_close, needs_cuda, needs_cupy, needs_torch, random_array
from tessera import _interop


def capsule_name(capsule) -> bytes:
    get = ctypes.pythonapi.PyCapsule_GetName
    get.restype, get.argtypes = ctypes.c_char_p, [ctypes.py_object]
    return get(capsule)


# ---- Tessera -> NumPy -------------------------------------------------------------------

def test_numpy_from_dlpack_shares_memory(rng):
    t = ts.asarray(random_array(rng, (3, 4), "float32"), copy=True)
    a = np.from_dlpack(t)
    assert a.ctypes.data == t.data_ptr
    assert a.shape == (3, 4) and a.dtype == np.float32
    a[1, 2] = 123.0  # NumPy writes, Tessera reads
    assert t[1, 2].item() == 123.0
    t[0, 0] = -7.0  # Tessera writes, NumPy reads
    assert a[0, 0] == -7.0


def test_numpy_from_dlpack_of_strided_views(rng):
    base = random_array(rng, (6, 8), "float64")
    t = ts.asarray(base, copy=True)
    for view, want in [(t.T, base.T), (t[::2, 1::3], base[::2, 1::3]), (t[:, ::-1], base[:, ::-1]),
                       (ts.broadcast_to(t[0], (3, 8)), np.broadcast_to(base[0], (3, 8)))]:
        a = np.from_dlpack(view)
        assert a.ctypes.data == view.data_ptr
        np.testing.assert_array_equal(a, want)


def test_numpy_asarray_uses_array_interface(rng):
    t = ts.asarray(random_array(rng, (5,), "int32"), copy=True)
    a = np.asarray(t)
    assert a.ctypes.data == t.data_ptr
    a[0] = 99
    assert t[0].item() == 99
    iface = t.__array_interface__
    assert iface["version"] == 3 and iface["typestr"] == "<i4" and iface["strides"] is None
    tt = ts.asarray(np.arange(6.0).reshape(2, 3), copy=True).T
    assert tt.__array_interface__["strides"] == (8, 24)
    np.testing.assert_array_equal(np.asarray(tt), np.arange(6.0).reshape(2, 3).T)


def test_numpy_view_outlives_release_and_collection(rng):
    want = random_array(rng, (1000,), "float32")
    t = ts.asarray(want, copy=True)
    a = np.asarray(t)
    t.release()  # the tensor is unusable from Python now ...
    with pytest.raises(ts.InvalidHandleError):
        t + 1
    del t
    gc.collect()
    np.testing.assert_array_equal(a, want)  # ... but NumPy's view stays valid
    b = np.from_dlpack(ts.asarray(want, copy=True))  # the capsule owns the storage
    gc.collect()
    np.testing.assert_array_equal(b, want)


def test_dlpack_waits_for_queued_work(rng):
    a = random_array(rng, (1 << 16,), "float32")
    t = ts.asarray(a, copy=True)
    r = ts.exp(t) * 2 + 1  # may still be running on the stream's worker
    np.testing.assert_allclose(np.from_dlpack(r), np.exp(a) * 2 + 1, rtol=2e-6)
    r2 = ts.exp(t) - 3
    np.testing.assert_allclose(np.asarray(r2), np.exp(a) - 3, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                                   "uint32", "uint64", "float16", "float32", "float64"])
def test_every_dtype_round_trips_through_numpy(rng, dtype):
    a = random_array(rng, (2, 3), dtype)
    t = ts.from_dlpack(a)
    assert t.dtype.name == dtype
    assert t.data_ptr == a.ctypes.data
    back = np.from_dlpack(t)
    assert back.dtype == a.dtype and back.ctypes.data == a.ctypes.data
    np.testing.assert_array_equal(back, a)
    np.testing.assert_array_equal(np.asarray(t), a)


# ---- NumPy -> Tessera -----------------------------------------------------------------

def test_from_dlpack_of_numpy_shares_memory(rng):
    a = random_array(rng, (4, 5), "float32")
    t = ts.from_dlpack(a)
    assert t.data_ptr == a.ctypes.data
    a[2, 3] = 55.0
    assert t[2, 3].item() == 55.0
    t[0] = 1.5
    assert (a[0] == 1.5).all()
    v = ts.from_dlpack(a[::2, ::-1])  # strided producer
    assert v.data_ptr == a[::2, ::-1].ctypes.data
    np.testing.assert_array_equal(v.to_numpy(), a[::2, ::-1])


def test_from_dlpack_keeps_the_producer_alive(rng):
    a = random_array(rng, (256,), "float64")
    want = a.copy()
    alive = weakref.ref(a)
    t = ts.from_dlpack(a)
    del a
    gc.collect()
    assert alive() is not None, "the NumPy array died while Tessera still uses its memory"
    view = t[10:20]
    del t
    gc.collect()
    assert alive() is not None
    np.testing.assert_array_equal(view.to_numpy(), want[10:20])
    view.release()
    gc.collect()
    assert alive() is None, "the producer's deleter was not called after the last release"


def test_asarray_of_numpy_shares_unless_copy(rng):
    a = random_array(rng, (3,), "int64")
    assert ts.asarray(a).data_ptr == a.ctypes.data
    c = ts.asarray(a, copy=True)
    assert c.data_ptr != a.ctypes.data
    np.testing.assert_array_equal(c.to_numpy(), a)
    f = ts.asarray(a, dtype=ts.float32)  # a dtype change needs a copy
    assert f.dtype == ts.float32
    with pytest.raises(ValueError, match="copy=False"):
        ts.asarray(a, dtype=ts.float32, copy=False)


def test_read_only_numpy_import_refuses_writes(rng):
    a = random_array(rng, (4,), "float32")
    a.flags.writeable = False
    t = ts.from_dlpack(a)
    assert t.readonly and t.data_ptr == a.ctypes.data
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        t += 1
    for view in (t[1:], t.reshape(2, 2), ts.expand_dims(t, axis=0), ts.broadcast_to(t, (2, 4)),
                 ts.flip(t), t.reshape(2, 2).T):
        assert view.readonly  # views inherit the flag
        with pytest.raises(ValueError, match="read-only"):
            view[...] = 2.0
    np.testing.assert_array_equal((t + 1).to_numpy(), a + 1)  # reading is fine
    assert not t.copy().readonly
    assert t.__array_interface__["data"][1] is True


def test_numpy_scalars_and_buffers():
    assert ts.asarray(np.float32(2.5)).tolist() == 2.5
    assert ts.asarray(np.int16(-3)).dtype == ts.int16
    assert ts.asarray(bytearray(b"\x01\x02")).tolist() == [1, 2]


# ---- the DLPack protocol's keywords ----------------------------------------------------

def test_capsule_kinds_follow_max_version():
    t = ts.ones((2,))
    assert capsule_name(t.__dlpack__()) == b"dltensor"
    assert capsule_name(t.__dlpack__(max_version=(0, 8))) == b"dltensor"
    assert capsule_name(t.__dlpack__(max_version=(1, 0))) == b"dltensor_versioned"
    assert capsule_name(t.__dlpack__(max_version=(1, 3))) == b"dltensor_versioned"
    assert t.__dlpack_device__() == (1, 0)


def test_unconsumed_capsules_free_their_export():
    ctx = ts.Context()
    t = ts.ones((1 << 20,), device=ctx)
    used = ctx.stats()["bytes_in_use"]
    for v in (None, (1, 0)):
        cap = t.__dlpack__(max_version=v)
        t2 = t.copy()
        del cap  # never consumed: the capsule's destructor calls the deleter
        t2.release()
    t.release()
    gc.collect()
    assert ctx.stats()["bytes_in_use"] == 0, f"exports leaked (in use before: {used})"


def test_capsule_freed_while_an_exception_propagates():
    ctx = ts.Context()
    t = ts.ones((1 << 16,), device=ctx)

    def fails():
        cap = t.__dlpack__(max_version=(1, 0))  # noqa: F841  (freed during unwinding)
        raise KeyError("boom")

    for _ in range(3):
        with pytest.raises(KeyError):
            fails()
    t.release()
    gc.collect()
    assert ctx.stats()["bytes_in_use"] == 0


def test_legacy_and_versioned_capsules_import(rng):
    a = random_array(rng, (3, 2), "float32")
    src = ts.asarray(a, copy=True)
    for v in (None, (1, 0)):
        t = _interop._import_capsule(src.__dlpack__(max_version=v), ts.default_context())
        assert t.data_ptr == src.data_ptr
        np.testing.assert_array_equal(t.to_numpy(), a)
    cap = src.__dlpack__()
    ts.from_dlpack(_Producer(cap))
    assert capsule_name(cap) == b"used_dltensor"
    with pytest.raises(BufferError, match="consumed"):
        _interop._import_capsule(cap, ts.default_context())


class _Producer:
    """A minimal DLPack producer that hands out a prepared capsule (legacy, no keywords)."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, stream=None):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


def test_copy_and_dl_device_keywords(rng):
    a = random_array(rng, (4,), "float32")
    t = ts.asarray(a, copy=True)
    cap = t.__dlpack__(max_version=(1, 0), copy=True)
    c = _interop._import_capsule(cap, t.context)
    assert c.data_ptr != t.data_ptr
    np.testing.assert_array_equal(c.to_numpy(), a)
    same = _interop._import_capsule(t.__dlpack__(max_version=(1, 0), dl_device=(1, 0),
                                                 copy=False), t.context)
    assert same.data_ptr == t.data_ptr
    with pytest.raises(BufferError):
        t.__dlpack__(dl_device=(2, 0), copy=False)
    with pytest.raises(BufferError):
        t.__dlpack__(dl_device=(2, 0))  # only copies to the CPU are made here
    n = np.from_dlpack(t, copy=True)
    assert n.ctypes.data != t.data_ptr
    np.testing.assert_array_equal(n, a)
    with pytest.raises(ValueError, match="stream"):
        t.__dlpack__(stream=5)  # host memory has no streams
    t.__dlpack__(stream=-1)  # "no synchronization" is accepted


def test_from_dlpack_rejects_non_producers():
    with pytest.raises(TypeError, match="DLPack"):
        ts.from_dlpack(object())
    with pytest.raises(BufferError):
        ts.from_dlpack(_Producer(b"not a capsule"))


def test_from_dlpack_device_and_copy_arguments(rng):
    a = random_array(rng, (3,), "int32")
    t = ts.from_dlpack(a, copy=True)
    assert t.data_ptr != a.ctypes.data
    ctx = ts.Context()
    t2 = ts.from_dlpack(a, device=ctx)
    assert t2.context is ctx and t2.data_ptr == a.ctypes.data


def test_bfloat16_interchange():
    t = ts.asarray([1.0, 2.5], dtype=ts.bfloat16)
    with pytest.raises(AttributeError, match="bfloat16"):
        t.__array_interface__
    cap = t.__dlpack__(max_version=(1, 0))
    back = _interop._import_capsule(cap, t.context)
    assert back.dtype == ts.bfloat16 and back.data_ptr == t.data_ptr
    assert back.astype(ts.float32).tolist() == [1.0, 2.5]
    try:
        import ml_dtypes  # noqa: F401
    except ImportError:
        with pytest.raises(TypeError, match="ml_dtypes"):
            t.to_numpy()


def test_tensor_to_tensor_dlpack_shares(rng):
    t = ts.asarray(random_array(rng, (2, 2), "float64"), copy=True)
    u = ts.from_dlpack(t)
    assert u is t  # a Tessera tensor needs no exchange
    ctx = ts.Context()
    w = ts.from_dlpack(t, device=ctx)  # another context on the same device: a copy
    assert w.context is ctx
    np.testing.assert_array_equal(w.to_numpy(), t.to_numpy())


# ---- CUDA, PyTorch, CuPy (the GPU machine) -----------------------------------------------

@needs_torch
def test_torch_cpu_tensors_both_ways(rng):
    import torch
    x = torch.from_numpy(random_array(rng, (3, 4), "float32"))
    t = ts.from_dlpack(x)
    assert t.data_ptr == x.data_ptr()
    x[0, 0] = 42.0
    assert t[0, 0].item() == 42.0
    y = torch.from_dlpack(t)
    assert y.data_ptr() == t.data_ptr
    t[1, 1] = -1.0
    assert y[1, 1].item() == -1.0
    del x
    gc.collect()
    assert_close(t, y.numpy(), "float32")


@needs_torch
@needs_cuda
def test_torch_cuda_tensors_both_ways(rng):
    import torch
    x = torch.randn(64, 32, device="cuda")
    t = ts.from_dlpack(x)
    assert t.device.kind == "cuda" and t.data_ptr == x.data_ptr()
    x.mul_(2)
    torch.cuda.synchronize()
    np.testing.assert_allclose(t.to_numpy(), x.cpu().numpy())
    r = ts.exp(t)
    y = torch.from_dlpack(r)
    assert y.data_ptr() == r.data_ptr
    torch.testing.assert_close(y, torch.exp(x))
    iface = r.__cuda_array_interface__
    assert iface["data"][0] == r.data_ptr and iface["version"] == 3


@needs_cupy
def test_cupy_tensors_both_ways(rng):
    import cupy
    x = cupy.asarray(random_array(rng, (128,), "float32"))
    t = ts.from_dlpack(x)
    assert t.data_ptr == x.data.ptr
    x += 1
    cupy.cuda.runtime.deviceSynchronize()
    np.testing.assert_allclose(t.to_numpy(), cupy.asnumpy(x))
    y = cupy.from_dlpack(t * 2)
    np.testing.assert_allclose(cupy.asnumpy(y), cupy.asnumpy(x) * 2, rtol=1e-6)
    z = cupy.asarray(t)  # through __cuda_array_interface__
    assert z.data.ptr == t.data_ptr


@needs_cuda
def test_cuda_tensors_have_no_array_interface():
    t = ts.ones((4,), device="cuda")
    with pytest.raises(AttributeError, match="__array_interface__"):
        t.__array_interface__
    assert t.__dlpack_device__()[0] == 2
    np.testing.assert_array_equal(np.asarray(t.to_numpy()), np.ones(4, np.float32))
    with pytest.raises(ValueError, match="copy"):
        t.__array__(copy=False)


def test_cpu_tensors_have_no_cuda_array_interface():
    with pytest.raises(AttributeError, match="__cuda_array_interface__"):
        ts.ones(2).__cuda_array_interface__
