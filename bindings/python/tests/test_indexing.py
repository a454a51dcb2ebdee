"""Basic indexing returns views (same memory, mutations shared) matching NumPy;
__setitem__ writes through views with broadcasting and conversion; every
unsupported or out-of-range index raises."""
from __future__ import annotations

import numpy as np
import pytest

import tessera as ts
from conftest import assert_close, random_array

KEYS = [
    0, -1, 2, slice(None), slice(1, 3), slice(None, None, 2), slice(None, None, -1),
    slice(-2, None), slice(3, 1, -1), slice(10, 20), slice(-100, 100, 3),
    (0, 1), (slice(None), 1), (Ellipsis, 0), (Ellipsis, slice(None, None, -2)),
    (None, 0), (0, None, slice(1, None)), (slice(None), None, Ellipsis, None),
    (1, 2, 3), (-1, -1, -1), Ellipsis, (), (slice(2, 2),), (0, slice(None, None, -1), 1),
]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_getitem_matches_numpy_and_is_a_view(rng, key):
    a = random_array(rng, (4, 5, 6), "float32")
    t = ts.asarray(a, copy=True)
    got = t[key]
    kt = key if isinstance(key, tuple) else (key,)
    # An appended ... makes NumPy return a 0-d view (not a scalar) for full integer keys.
    want = a[kt if any(k is Ellipsis for k in kt) else kt + (Ellipsis,)]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.to_numpy(), want)
    if got.size:
        # A view: the same memory as the base, so writes through it show in t.
        offset = want.__array_interface__["data"][0] - a.__array_interface__["data"][0]
        assert got.data_ptr == t.data_ptr + offset
        got[...] = 1000.0
        expect = a.copy()
        expect[key] = 1000.0
        np.testing.assert_array_equal(t.to_numpy(), expect)


def test_zero_d_tensors_and_scalars(rng):
    t = ts.asarray([[1, 2], [3, 4]], dtype=ts.int32)
    e = t[1, 0]
    assert e.ndim == 0 and e.shape == ()
    assert int(e) == 3 and e.item() == 3 and float(e) == 3.0
    assert [int(v) for v in t[0]] == [1, 2]
    assert len(t) == 2
    assert t[(ts.asarray(1), 1)].item() == 4  # 0-d integer tensors index like ints
    assert t[np.int64(0), 1].item() == 2
    s = ts.asarray(7.5)
    assert s[()].item() == 7.5 and s[...].shape == ()
    assert s[None].shape == (1,)


def test_setitem_forms(rng):
    a = random_array(rng, (3, 4), "float64")
    t = ts.asarray(a, copy=True)
    want = a.copy()
    t[0] = 5.0
    want[0] = 5.0
    t[:, 1] = ts.asarray([1.0, 2.0, 3.0])
    want[:, 1] = [1.0, 2.0, 3.0]
    t[1:, ::2] = ts.asarray([[-1.0, -2.0]])  # broadcast
    want[1:, ::2] = [[-1.0, -2.0]]
    t[2, 3] = 7
    want[2, 3] = 7
    t[..., 0] = np.array([9.0, 8.0, 7.0])  # a NumPy value
    want[..., 0] = [9.0, 8.0, 7.0]
    t[0, :2] = [4.0, 4.5]  # a list value
    want[0, :2] = [4.0, 4.5]
    np.testing.assert_array_equal(t.to_numpy(), want)


def test_setitem_converts_dtype():
    i = ts.zeros((3,), dtype=ts.int32)
    i[0] = 2.9  # truncated like a C cast
    i[1] = True
    i[2:] = ts.asarray([1.5])
    assert i.tolist() == [2, 1, 1]
    b = ts.zeros((2,), dtype=ts.bool)
    b[0] = 5
    assert b.tolist() == [True, False]
    big = ts.zeros((1,), dtype=ts.int64)
    big[0] = 2**62 + 3  # exact beyond 2**53
    assert big.tolist() == [2**62 + 3]
    with pytest.raises(OverflowError):
        ts.zeros((1,), dtype=ts.uint8)[0] = 256


def test_setitem_with_overlapping_source():
    t = ts.asarray(np.arange(8.0))
    t[1:] = t[:-1]
    want = np.arange(8.0)
    want[1:] = np.arange(8.0)[:-1]
    np.testing.assert_array_equal(t.to_numpy(), want)
    m = ts.asarray(np.arange(9.0).reshape(3, 3), copy=True)
    m[...] = m.T
    np.testing.assert_array_equal(m.to_numpy(), np.arange(9.0).reshape(3, 3).T)


def test_iteration_and_len():
    t = ts.asarray([[1, 2], [3, 4], [5, 6]])
    rows = [r.tolist() for r in t]
    assert rows == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(TypeError):
        len(ts.asarray(1))
    with pytest.raises(TypeError):
        iter(ts.asarray(1)).__next__()


@pytest.mark.parametrize("key,err", [
    (5, IndexError), (-6, IndexError), ((0, 0, 0, 0), IndexError), ((Ellipsis, Ellipsis), IndexError),
    (True, IndexError), ([0, 1], IndexError), ("a", IndexError), (1.0, IndexError),
    (slice(None, None, 0), ValueError),
])
def test_bad_indices_raise(key, err):
    t = ts.zeros((5, 3, 2))
    with pytest.raises(err):
        t[key]


def test_array_indices_are_rejected():
    t = ts.zeros((4,))
    with pytest.raises(IndexError, match="array indexing"):
        t[ts.asarray([0, 1])]
    with pytest.raises(IndexError, match="array indexing"):
        t[ts.asarray([True, False, True, True])]


def test_views_keep_storage_alive():
    t = ts.asarray(np.arange(10.0), copy=True)
    v = t[2:5]
    t.release()
    assert v.tolist() == [2.0, 3.0, 4.0]
    with pytest.raises(ts.InvalidHandleError):
        t[0]


def test_broadcast_and_permuted_views_in_ops(rng):
    a = random_array(rng, (3, 4), "float32")
    t = ts.asarray(a, copy=True)
    assert_close(t[:, None, :] * t[None, :, :], a[:, None, :] * a[None, :, :], "float32")
    assert_close(t.T[::-1, 1:] - 1, a.T[::-1, 1:] - 1, "float32")
