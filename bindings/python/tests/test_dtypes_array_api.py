"""Data type objects and functions, and the Array API namespace surface."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tessera as ts

ALL_NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
             "float16", "bfloat16", "float32", "float64"]


def test_dtype_objects():
    for name in ALL_NAMES:
        d = getattr(ts, name)
        assert isinstance(d, ts.DType) and d.name == name and str(d) == name
        assert ts.asarray([1], dtype=d).dtype is d
        assert ts.asarray([1], dtype=name).dtype is d
    assert ts.float32 != ts.float64 and ts.float32 == ts.float32
    assert ts.asarray([1.0], dtype=np.float64).dtype is ts.float64  # NumPy dtypes accepted
    assert ts.asarray([1], dtype=np.dtype("int16")).dtype is ts.int16
    with pytest.raises(TypeError, match="unknown dtype"):
        ts.zeros(2, dtype="complex64")
    import pickle
    assert pickle.loads(pickle.dumps(ts.uint16)) is ts.uint16


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo_matches_numpy(name):
    f, n = ts.finfo(getattr(ts, name)), np.finfo(name)
    assert f.bits == n.bits and f.eps == float(n.eps) and f.max == float(n.max)
    assert f.min == float(n.min) and f.smallest_normal == float(n.smallest_normal)
    assert f.dtype is getattr(ts, name)
    assert ts.finfo(ts.ones(1, dtype=name)).bits == n.bits


def test_finfo_bfloat16():
    f = ts.finfo(ts.bfloat16)
    assert f.bits == 16 and f.eps == 2.0 ** -7 and f.smallest_normal == 2.0 ** -126
    assert f.max == (2 - 2.0 ** -7) * 2.0 ** 127
    # The largest bfloat16 survives a round trip; twice it overflows.
    assert ts.asarray([f.max], dtype=ts.float64).astype(ts.bfloat16).astype(ts.float64).item() == f.max


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n.startswith(("int", "uint"))])
def test_iinfo_matches_numpy(name):
    i, n = ts.iinfo(getattr(ts, name)), np.iinfo(name)
    assert (i.bits, i.min, i.max) == (n.bits, n.min, n.max)


def test_info_errors():
    with pytest.raises(TypeError):
        ts.finfo(ts.int32)
    with pytest.raises(TypeError):
        ts.iinfo(ts.float32)


def test_can_cast_lattice():
    assert ts.can_cast(ts.int8, ts.int64)
    assert not ts.can_cast(ts.int64, ts.int8)
    assert ts.can_cast(ts.uint8, ts.int16) and not ts.can_cast(ts.uint8, ts.int8)
    assert ts.can_cast(ts.uint16, ts.uint32)
    assert ts.can_cast(ts.float16, ts.float32) and ts.can_cast(ts.bfloat16, ts.float64)
    assert not ts.can_cast(ts.float16, ts.bfloat16) and not ts.can_cast(ts.float64, ts.float32)
    assert not ts.can_cast(ts.int8, ts.float32)  # across kinds: outside the standard's lattice
    assert not ts.can_cast(ts.bool, ts.int8) and ts.can_cast(ts.bool, ts.bool)
    assert ts.can_cast(ts.zeros(1, dtype=ts.int16), ts.int32)


def test_result_type():
    assert ts.result_type(ts.int8, ts.uint8) is ts.int16
    assert ts.result_type(ts.float16, ts.bfloat16) is ts.float32
    assert ts.result_type(ts.int32, ts.ones(1, dtype=ts.int64), ts.int8) is ts.int64
    assert ts.result_type(ts.int16, 1.5) is ts.float32
    assert ts.result_type(ts.float16, 1.5) is ts.float16
    assert ts.result_type(ts.bool, 3) is ts.int64
    with pytest.raises(ts.DTypeMismatchError):
        ts.result_type(ts.int64, ts.uint64)
    with pytest.raises(ValueError):
        ts.result_type(1, 2)


def test_isdtype():
    assert ts.isdtype(ts.int8, "signed integer") and not ts.isdtype(ts.uint8, "signed integer")
    assert ts.isdtype(ts.uint8, "integral") and ts.isdtype(ts.bfloat16, "real floating")
    assert ts.isdtype(ts.float32, ("integral", ts.float32))
    assert not ts.isdtype(ts.float32, "complex floating")
    assert ts.isdtype(ts.bool, "bool") and not ts.isdtype(ts.bool, "numeric")
    with pytest.raises(ValueError):
        ts.isdtype(ts.int8, "whole")
    with pytest.raises(TypeError):
        ts.isdtype("int8", "integral")


def test_astype(rng):
    a = rng.uniform(-300, 300, 20)
    t = ts.asarray(a)
    np.testing.assert_array_equal(ts.astype(t, ts.int32).to_numpy(), a.astype(np.int32))
    assert ts.astype(t, ts.float64, copy=False) is t
    c = ts.astype(t, ts.float64)
    assert c is not t and c.data_ptr != t.data_ptr
    # Float to integer saturates (C casts would be undefined out of range).
    sat = ts.asarray([1e10, -1e10, float("nan")]).astype(ts.int8).tolist()
    assert sat == [127, -128, 0]


def test_namespace_surface():
    t = ts.ones(3)
    assert t.__array_namespace__() is ts
    assert t.__array_namespace__(api_version="2023.12") is ts
    with pytest.raises(ValueError):
        t.__array_namespace__(api_version="1999.01")
    assert ts.__array_api_version__ == "2023.12"
    assert ts.e == math.e and ts.pi == math.pi and math.isinf(ts.inf) and math.isnan(ts.nan)
    assert ts.newaxis is None
    info = ts.__array_namespace_info__()
    assert info.capabilities()["boolean indexing"] is False
    assert info.default_device() == ts.devices()[0]
    assert info.default_dtypes()["real floating"] is ts.float32
    assert info.default_dtypes()["indexing"] is ts.int64
    assert set(info.dtypes(kind="integral")) == {"int8", "int16", "int32", "int64", "uint8",
                                                 "uint16", "uint32", "uint64"}
    assert info.devices() == ts.devices()
    standard = ["abs", "add", "all", "any", "arange", "argmax", "argmin", "asarray", "astype",
                "broadcast_arrays", "broadcast_to", "can_cast", "ceil", "clip", "concat", "cos",
                "divide", "empty", "empty_like", "equal", "exp", "expand_dims", "eye", "finfo",
                "flip", "floor", "from_dlpack", "full", "full_like", "iinfo", "isdtype",
                "isfinite", "linspace", "log", "matmul", "matrix_transpose", "max", "mean",
                "meshgrid", "min", "moveaxis", "ones", "ones_like", "permute_dims", "prod",
                "reshape", "result_type", "roll", "round", "sqrt", "squeeze", "stack", "std",
                "sum", "tensordot", "tril", "triu", "unstack", "var", "vecdot", "where", "zeros",
                "zeros_like", "tile", "take", "sort", "nonzero", "unique_values",
                "cumulative_sum", "searchsorted"]
    missing = [n for n in standard if not callable(getattr(ts, n, None))]
    assert not missing, missing


def test_tensor_attributes():
    t = ts.zeros((2, 3, 4), dtype=ts.int16)
    assert (t.shape, t.ndim, t.size, t.dtype, t.itemsize, t.nbytes) == ((2, 3, 4), 3, 24,
                                                                        ts.int16, 2, 48)
    assert t.device == ts.devices()[0] and str(t.device) == "cpu:0"
    assert t.context is ts.default_context()
    assert t.strides == (12, 4, 1) and t.is_contiguous()
    assert t.mT.shape == (2, 4, 3)
    assert not t.mT.is_contiguous()
    assert t.to_device("cpu") is t
    other = ts.Context()
    moved = t.to_device(other)
    assert moved.context is other and moved.tolist() == t.tolist()
    assert "int16" in repr(t) and "shape=" not in repr(t)
    assert "shape=(100,)" in repr(ts.zeros(100))
    assert repr(ts.asarray([1.0, 2.5])) == "tessera.Tensor([1., 2.5], dtype=float32, device=cpu:0)"


def test_scalar_conversions():
    assert bool(ts.asarray([0.0])) is False and bool(ts.asarray(2)) is True
    assert int(ts.asarray(3.9)) == 3 and float(ts.asarray(2)) == 2.0
    assert complex(ts.asarray(1.5)) == 1.5 + 0j
    assert [10, 20, 30][ts.asarray(1)] == 20  # __index__
    with pytest.raises(TypeError):
        [1, 2][ts.asarray(1.0)]
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ts.ones(2))
    with pytest.raises(TypeError):
        float(ts.ones(2))
    with pytest.raises(ValueError):
        ts.ones(2).item()
    assert ts.asarray([[7]]).item() == 7
    assert ts.asarray([True]).item() is True
