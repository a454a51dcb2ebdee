"""Creation and manipulation functions against NumPy, including views (shared
memory) where the Array API allows them and copies where it needs them."""
from __future__ import annotations

import numpy as np
import pytest

import tessera as ts
from conftest import assert_close, random_array


# ---- creation ----------------------------------------------------------------------------

def test_asarray_from_python():
    assert ts.asarray([1.5, 2]).dtype == ts.float32
    assert ts.asarray([1, 2]).dtype == ts.int64
    assert ts.asarray([True, False]).dtype == ts.bool
    assert ts.asarray([[1, 2], [3, 4]]).shape == (2, 2)
    assert ts.asarray([]).shape == (0,)
    assert ts.asarray(3.0).shape == ()
    t = ts.asarray([1, 2, 3], dtype=ts.float16)
    assert t.dtype == ts.float16 and t.tolist() == [1.0, 2.0, 3.0]
    assert ts.asarray([1.7, -2.7], dtype=ts.int32).tolist() == [1, -2]
    assert ts.asarray([2**63 - 1]).tolist() == [2**63 - 1]
    assert ts.asarray([0.1], dtype=ts.float64).tolist() == [0.1]
    assert ts.asarray([1, 2], dtype="uint8").dtype == ts.uint8
    with pytest.raises(ValueError, match="ragged"):
        ts.asarray([[1, 2], [3]])
    with pytest.raises(OverflowError):
        ts.asarray([300], dtype=ts.int8)
    with pytest.raises(TypeError, match="complex"):
        ts.asarray([1j])
    with pytest.raises(TypeError):
        ts.asarray({"a": 1})
    with pytest.raises(ValueError, match="copy=False"):
        ts.asarray([1.0], copy=False)


def test_asarray_of_a_tensor():
    t = ts.ones((2,))
    assert ts.asarray(t) is t
    c = ts.asarray(t, copy=True)
    assert c is not t and c.data_ptr != t.data_ptr
    ctx = ts.Context()
    moved = ts.asarray(t, device=ctx)
    assert moved.context is ctx
    with pytest.raises(ValueError, match="copy=False"):
        ts.asarray(t, device=ctx, copy=False)
    assert ts.asarray(t, dtype=ts.float64).dtype == ts.float64


@pytest.mark.parametrize("args,kwargs", [
    ((5,), {}), ((2, 9), {}), ((0, 10, 3), {}), ((10, 0, -3), {}), ((0.0, 1.0, 0.1), {}),
    ((-1.5, 2.25, 0.75), {}), ((3,), {"dtype": ts.float64}), ((0, 5), {"dtype": ts.uint8}),
    ((5, 5), {}), ((1, 0), {}),
])
def test_arange_matches_numpy(args, kwargs):
    got = ts.arange(*args, **kwargs)
    np_dtype = kwargs.get("dtype")
    all_int = all(isinstance(v, int) for v in args)
    want = np.arange(*args, dtype=(np_dtype.name if np_dtype else ("int64" if all_int else "float32")))
    assert got.shape == want.shape, (got.shape, want.shape)
    assert_close(got, want)


def test_arange_errors():
    with pytest.raises(ValueError, match="step"):
        ts.arange(0, 5, 0)
    with pytest.raises(ValueError, match="2\\*\\*53"):
        ts.arange(0, 2**60, 2**58)


def test_full_zeros_ones_empty():
    assert ts.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert ts.ones(3, dtype=ts.int8).tolist() == [1, 1, 1]
    assert ts.full((2,), 7).dtype == ts.int64
    assert ts.full((2,), True).dtype == ts.bool
    assert ts.full((2,), 2.5).tolist() == [2.5, 2.5]
    assert ts.full((2,), 2**62 + 1, dtype=ts.int64).tolist() == [2**62 + 1] * 2
    assert ts.empty((3, 0)).shape == (3, 0)
    with pytest.raises(OverflowError):
        ts.full((1,), 1000, dtype=ts.int8)
    x = ts.ones((2, 2), dtype=ts.int16)
    for f in (ts.zeros_like, ts.ones_like, ts.empty_like):
        y = f(x)
        assert y.shape == (2, 2) and y.dtype == ts.int16
    assert ts.full_like(x, 4, dtype=ts.float32).tolist() == [[4.0, 4.0], [4.0, 4.0]]


def test_zero_on_allocate_context():
    ctx = ts.Context(zero_on_allocate=True)
    assert ts.empty((64,), device=ctx).tolist() == [0.0] * 64


@pytest.mark.parametrize("n,m,k", [(3, None, 0), (3, 5, 1), (4, 2, -1), (2, 2, 5), (0, 3, 0)])
def test_eye(n, m, k):
    assert_close(ts.eye(n, m, k=k), np.eye(n, m, k=k, dtype=np.float32))


@pytest.mark.parametrize("k", [-1, 0, 2])
def test_tril_triu(rng, k):
    a = random_array(rng, (2, 4, 5), "float64")
    t = ts.asarray(a)
    assert_close(ts.tril(t, k=k), np.tril(a, k=k))
    assert_close(ts.triu(t, k=k), np.triu(a, k=k))


@pytest.mark.parametrize("start,stop,num,endpoint", [(0, 1, 5, True), (0, 1, 5, False),
                                                      (-3, 7.5, 11, True), (2, 2, 1, True),
                                                      (1, 0, 4, True), (0, 1, 0, True)])
def test_linspace(start, stop, num, endpoint):
    got = ts.linspace(start, stop, num, endpoint=endpoint, dtype=ts.float64)
    want = np.linspace(start, stop, num, endpoint=endpoint)
    assert_close(got, want, "float64", rtol=1e-15, atol=1e-15)
    if endpoint and num > 1:
        assert got[-1].item() == stop


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    x, y, z = np.arange(3.0), np.arange(4.0), np.arange(2.0)
    got = ts.meshgrid(ts.asarray(x), ts.asarray(y), ts.asarray(z), indexing=indexing)
    want = np.meshgrid(x, y, z, indexing=indexing)
    for g, w in zip(got, want):
        assert_close(g, w)


def test_random_is_reproducible():
    a = ts.random.uniform((1000,), -2, 3, seed=7)
    b = ts.random.uniform((1000,), -2, 3, seed=7)
    assert a.tolist() == b.tolist()
    v = a.to_numpy()
    assert v.min() >= -2 and v.max() < 3 and v.std() > 1
    n = ts.random.normal((20000,), 1.0, 2.0, seed=1).to_numpy()
    assert abs(n.mean() - 1.0) < 0.1 and abs(n.std() - 2.0) < 0.1


# ---- manipulation ------------------------------------------------------------------------

def test_reshape_views_and_copies(rng):
    a = random_array(rng, (4, 6), "float32")
    t = ts.asarray(a, copy=True)
    r = ts.reshape(t, (3, 8))
    assert r.data_ptr == t.data_ptr  # a view
    assert_close(r, a.reshape(3, 8))
    assert ts.reshape(t, (-1,)).shape == (24,)
    c = ts.reshape(t, (24,), copy=True)
    assert c.data_ptr != t.data_ptr
    tt = t.T
    assert_close(ts.reshape(tt, (24,)), a.T.reshape(24))
    with pytest.raises(ValueError, match="copy=False"):
        ts.reshape(tt, (24,), copy=False)
    with pytest.raises(ts.InvalidShapeError):
        ts.reshape(t, (5, 5))


def test_view_functions(rng):
    a = random_array(rng, (2, 3, 4), "int32")
    t = ts.asarray(a, copy=True)
    cases = [
        (ts.permute_dims(t, (2, 0, 1)), np.transpose(a, (2, 0, 1))),
        (ts.expand_dims(t, axis=1), np.expand_dims(a, 1)),
        (ts.expand_dims(t, axis=-1), np.expand_dims(a, -1)),
        (ts.squeeze(ts.expand_dims(t, axis=0), axis=0), a),
        (ts.broadcast_to(t[:, :1, :], (2, 5, 4)), np.broadcast_to(a[:, :1, :], (2, 5, 4))),
        (ts.flip(t), np.flip(a)),
        (ts.flip(t, axis=(0, 2)), np.flip(a, axis=(0, 2))),
        (ts.moveaxis(t, 0, -1), np.moveaxis(a, 0, -1)),
        (ts.moveaxis(t, (0, 1), (2, 0)), np.moveaxis(a, (0, 1), (2, 0))),
        (ts.matrix_transpose(t), np.swapaxes(a, -1, -2)),
        (t.mT, np.swapaxes(a, -1, -2)),
    ]
    for got, want in cases:
        assert_close(got, want)
    assert ts.permute_dims(t, (1, 0, 2)).data_ptr == t.data_ptr
    for u, w in zip(ts.unstack(t, axis=1), [a[:, i] for i in range(3)]):
        assert_close(u, w)
    b = ts.broadcast_arrays(ts.asarray(a[:, :1]), ts.asarray(a[0]))
    assert [x.shape for x in b] == [(2, 3, 4), (2, 3, 4)]


def test_squeeze_errors():
    t = ts.zeros((1, 3, 1))
    assert ts.squeeze(t, axis=(0, 2)).shape == (3,)
    with pytest.raises(ValueError, match="size 3"):
        ts.squeeze(t, axis=1)
    with pytest.raises(ValueError, match="repeated"):
        ts.squeeze(t, axis=(0, -3))
    with pytest.raises(IndexError):
        ts.squeeze(t, axis=3)


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concat_and_stack(rng, axis):
    a = random_array(rng, (2, 3), "float32")
    b = random_array(rng, (2, 3), "float64")
    ta, tb = ts.asarray(a), ts.asarray(b)
    got = ts.concat([ta, tb, ta], axis=axis)
    assert got.dtype == ts.float64
    assert_close(got, np.concatenate([a, b, a], axis=axis).astype(np.float64))
    if axis is not None:
        assert_close(ts.stack([ta, ta], axis=axis), np.stack([a, a], axis=axis))
    assert_close(ts.concat([ts.zeros((0, 3)), ta], axis=0), a)


def test_concat_errors():
    with pytest.raises(ValueError, match="differ"):
        ts.concat([ts.zeros((2, 3)), ts.zeros((2, 4))], axis=0)
    with pytest.raises(ValueError, match="dimensions"):
        ts.concat([ts.zeros((2, 3)), ts.zeros((3,))])
    with pytest.raises(ValueError):
        ts.concat([])
    with pytest.raises(ValueError, match="differ"):
        ts.stack([ts.zeros(2), ts.zeros(3)])
    with pytest.raises(ValueError, match="same device"):
        ts.concat([ts.zeros(2), ts.zeros(2, device=ts.Context())])


@pytest.mark.parametrize("shift,axis", [(2, None), (-1, 0), (3, 1), ((1, 2), (0, 1)), (7, -1)])
def test_roll(rng, shift, axis):
    a = random_array(rng, (3, 5), "int64")
    assert_close(ts.roll(ts.asarray(a), shift, axis=axis), np.roll(a, shift, axis=axis))


@pytest.mark.parametrize("reps", [(2,), (2, 3), (1, 2, 2), (0, 1)])
def test_tile(rng, reps):
    a = random_array(rng, (2, 3), "float32")
    assert_close(ts.tile(ts.asarray(a), reps), np.tile(a, reps))


def test_unimplemented_manipulation_raises():
    with pytest.raises(NotImplementedError, match="repeat"):
        ts.repeat(ts.ones(2), 2)
    with pytest.raises(NotImplementedError, match="take"):
        ts.take(ts.ones(2), ts.asarray([0]))
    with pytest.raises(NotImplementedError, match="8"):
        ts.tile(ts.ones((1, 1, 1, 1, 1)), (2,))


def test_transpose_properties():
    t = ts.zeros((2, 3))
    assert t.T.shape == (3, 2)
    with pytest.raises(ValueError):
        ts.zeros((2, 3, 4)).T
    with pytest.raises(ValueError):
        ts.zeros(3).mT
