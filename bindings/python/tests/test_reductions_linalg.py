"""Statistical, searching and linear-algebra functions and the nn ops against
NumPy: axes (None, int, tuple, negative), keepdims, result dtypes, strided
inputs.

These run the library's reduction, matmul and normalization kernels; while
those are still being written for the CPU (other branches), these tests fail
with the library's own error (UnsupportedError or AsyncError naming the op).
"""
from __future__ import annotations

import numpy as np
import pytest

import tessera as ts
from conftest import assert_close, random_array

AXES = [None, 0, 1, -1, (0, 2), (1, 2), (0, 1, 2), ()]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=[str(a) for a in AXES])
def test_float_reductions(rng, axis, keepdims):
    a = random_array(rng, (3, 4, 5), "float64", 0.5, 2)
    t = ts.asarray(a)
    for fn, ref in [(ts.sum, np.sum), (ts.prod, np.prod), (ts.mean, np.mean), (ts.min, np.min),
                    (ts.max, np.max)]:
        got = fn(t, axis=axis, keepdims=keepdims)
        assert got.dtype == ts.float64
        assert_close(got, ref(a, axis=axis, keepdims=keepdims), "float64", rtol=1e-12)
    for c in (0.0, 1.0):
        assert_close(ts.var(t, axis=axis, keepdims=keepdims, correction=c),
                     np.var(a, axis=axis, keepdims=keepdims, ddof=c), "float64", rtol=1e-12)
        assert_close(ts.std(t, axis=axis, keepdims=keepdims, correction=c),
                     np.std(a, axis=axis, keepdims=keepdims, ddof=c), "float64", rtol=1e-12)


@pytest.mark.parametrize("dtype", ["int8", "int32", "uint8", "uint32", "bool"])
def test_integer_sum_dtypes(rng, dtype):
    a = random_array(rng, (6, 7), dtype, 0, 100)
    t = ts.asarray(a)
    s = ts.sum(t, axis=0)
    assert s.dtype == (ts.uint64 if dtype.startswith("uint") else ts.int64)
    assert_close(s, np.sum(a, axis=0, dtype=s.dtype.name))
    assert ts.prod(t, axis=1).dtype == s.dtype
    s32 = ts.sum(t, axis=1, dtype=ts.int32)
    assert s32.dtype == ts.int32
    assert_close(s32, np.sum(a, axis=1, dtype=np.int32))
    f = ts.sum(t, dtype=ts.float32)
    assert f.dtype == ts.float32 and f.shape == ()
    if dtype != "bool":
        assert ts.mean(t).dtype == ts.float32
        assert_close(ts.mean(t, axis=1), a.mean(axis=1).astype(np.float32), "float32",
                     rtol=1e-6)
        assert ts.max(t).dtype.name == dtype


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin(rng, axis, keepdims):
    a = random_array(rng, (4, 6), "float32")
    a[1, 2] = a.max() + 1  # unique extremes ...
    a[3, 0] = a.min() - 1
    a[0, :2] = 9.0  # ... and a tie: the first index wins
    t = ts.asarray(a)
    got = ts.argmax(t, axis=axis, keepdims=keepdims)
    assert got.dtype == ts.int64
    assert_close(got, np.argmax(a, axis=axis, keepdims=keepdims))
    assert_close(ts.argmin(t, axis=axis, keepdims=keepdims),
                 np.argmin(a, axis=axis, keepdims=keepdims))


def test_all_any(rng):
    a = rng.random((3, 4)) < 0.5
    a[0] = True
    a[1] = False
    t = ts.asarray(a)
    for axis in (None, 0, 1):
        assert_close(ts.all(t, axis=axis), np.all(a, axis=axis))
        assert_close(ts.any(t, axis=axis), np.any(a, axis=axis))
    assert ts.all(ts.zeros((0,))).item() is True
    assert ts.any(ts.zeros((0,))).item() is False
    assert ts.all(ts.asarray([1.0, 2.0])).item() is True


def test_reductions_of_strided_and_empty_inputs(rng):
    a = random_array(rng, (6, 8), "float32")
    t = ts.asarray(a)
    assert_close(ts.sum(t.T[::2], axis=1), a.T[::2].sum(axis=1), "float32", rtol=1e-5)
    assert_close(ts.sum(ts.zeros((0, 3)), axis=0), np.zeros(3, np.float32))
    assert ts.prod(ts.zeros((0,))).item() == 1.0
    with pytest.raises(ValueError):  # min over nothing has no identity
        ts.min(ts.zeros((0, 3)), axis=0)


def test_reduction_axis_errors():
    t = ts.zeros((2, 3))
    with pytest.raises(IndexError):
        ts.sum(t, axis=2)
    with pytest.raises(ValueError):
        ts.sum(t, axis=(0, 0))
    with pytest.raises(TypeError):
        ts.argmax(t, axis=(0, 1))


# ---- linear algebra -------------------------------------------------------------------

@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 5)), ((4,), (4, 2)), ((2, 4), (4,)), ((4,), (4,)),
                                   ((2, 1, 3, 4), (5, 4, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 3))])
def test_matmul(rng, sa, sb):
    a = random_array(rng, sa, "float32")
    b = random_array(rng, sb, "float32")
    got = ts.asarray(a) @ ts.asarray(b)
    assert_close(got, np.matmul(a.astype(np.float64), b).astype(np.float32), "float32",
                 rtol=1e-5, atol=1e-5)
    assert_close(ts.matmul(ts.asarray(a), ts.asarray(b)), got.to_numpy(), "float32")


def test_matmul_strided_and_mixed(rng):
    a = random_array(rng, (5, 3), "float64")
    b = random_array(rng, (4, 5), "float32")
    got = ts.asarray(a).T @ ts.asarray(b).T  # transposed views, float64 @ float32
    assert got.dtype == ts.float64
    assert_close(got, a.T @ b.T.astype(np.float64), "float64", rtol=1e-12)
    with pytest.raises(ts.ShapeMismatchError):
        ts.ones((2, 3)) @ ts.ones((2, 3))


@pytest.mark.parametrize("sa,sb,axes", [((3, 4, 5), (4, 5, 2), 2), ((3, 4), (4, 2), 1),
                                        ((2, 3), (3, 2), ((0, 1), (1, 0))), ((2, 3), (4,), 0)])
def test_tensordot(rng, sa, sb, axes):
    a = random_array(rng, sa, "float64")
    b = random_array(rng, sb, "float64")
    assert_close(ts.tensordot(ts.asarray(a), ts.asarray(b), axes=axes),
                 np.tensordot(a, b, axes=axes), "float64", rtol=1e-12)


def test_tensordot_errors():
    with pytest.raises(ValueError, match="differ"):
        ts.tensordot(ts.ones((2, 3)), ts.ones((4, 2)), axes=1)


def test_vecdot(rng):
    a = random_array(rng, (3, 4), "float32")
    b = random_array(rng, (4,), "float32")
    assert_close(ts.vecdot(ts.asarray(a), ts.asarray(b)), a @ b, "float32", rtol=1e-5)
    c = random_array(rng, (4, 3), "float32")
    assert_close(ts.vecdot(ts.asarray(a), ts.asarray(c.T), axis=-1), np.sum(a * c.T, axis=-1),
                 "float32", rtol=1e-5)
    i = ts.vecdot(ts.asarray([1, 2], dtype=ts.int16), ts.asarray([3, 4], dtype=ts.int16))
    assert i.dtype == ts.int16 and i.item() == 11
    with pytest.raises(ValueError, match="lengths"):
        ts.vecdot(ts.ones((3,)), ts.ones((1,)))


# ---- nn ops -------------------------------------------------------------------------------

def test_softmax_family(rng):
    a = random_array(rng, (3, 7), "float32")
    t = ts.asarray(a)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    assert_close(ts.nn.softmax(t), e / e.sum(axis=-1, keepdims=True), "float32", rtol=1e-5)
    assert_close(ts.nn.log_softmax(t), np.log(e / e.sum(axis=-1, keepdims=True)), "float32",
                 rtol=1e-5, atol=1e-5)


def test_norms_and_linear(rng):
    x = random_array(rng, (4, 8), "float32")
    g = random_array(rng, (8,), "float32")
    b = random_array(rng, (8,), "float32")
    t = ts.asarray(x)
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    assert_close(ts.nn.layer_norm(t, ts.asarray(g), ts.asarray(b), eps=1e-5),
                 (x - mu) / np.sqrt(var + 1e-5) * g + b, "float32", rtol=1e-4, atol=1e-5)
    assert_close(ts.nn.rms_norm(t, ts.asarray(g), eps=1e-6),
                 x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * g, "float32",
                 rtol=1e-4, atol=1e-5)
    w = random_array(rng, (5, 8), "float32")
    bias = random_array(rng, (5,), "float32")
    assert_close(ts.nn.linear(t, ts.asarray(w), ts.asarray(bias), activation="relu"),
                 np.maximum(x @ w.T + bias, 0), "float32", rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="activation"):
        ts.nn.linear(t, ts.asarray(w), activation="swish")
