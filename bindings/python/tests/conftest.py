"""Shared fixtures: a freshly seeded random generator (the seed is printed so a
failure can be replayed with TESSERA_TEST_SEED=<n>), NumPy reference helpers,
and markers that skip, with the reason, tests needing PyTorch, CuPy or CUDA.
"""
from __future__ import annotations

import os
import secrets

import numpy as np
import pytest

import tessera as ts

# Relative tolerances per dtype for results computed by the library in that dtype.
RTOL = {"float16": 2e-3, "bfloat16": 1.6e-2, "float32": 2e-6, "float64": 1e-13}
ATOL = {"float16": 1e-3, "bfloat16": 1e-2, "float32": 1e-6, "float64": 1e-13}


@pytest.fixture
def rng(request) -> np.random.Generator:
    seed = int(os.environ.get("TESSERA_TEST_SEED") or secrets.randbits(32))
    print(f"[{request.node.name}] TESSERA_TEST_SEED={seed}")
    return np.random.default_rng(seed)


def random_array(rng: np.random.Generator, shape, dtype: str, lo: float = -4, hi: float = 4):
    """Random values exactly representable in `dtype` (never all zeros)."""
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        return rng.integers(max(lo, info.min), min(hi, info.max) + 1, size=shape).astype(dtype)
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def assert_close(got, want, dtype: str = None, rtol: float = None, atol: float = None):
    """Compare a Tensor (or array) with a NumPy reference: dtype set tolerances, NaNs matching."""
    got = got.to_numpy() if isinstance(got, ts.Tensor) else np.asarray(got)
    want = np.asarray(want)
    dtype = dtype or str(got.dtype)
    assert got.shape == want.shape, f"shape {got.shape} != expected {want.shape}"
    if dtype in RTOL:
        np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64),
                                   rtol=rtol if rtol is not None else RTOL[dtype],
                                   atol=atol if atol is not None else ATOL[dtype],
                                   equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def has_module(name: str) -> bool:
    try:
        __import__(name)
        return True
    except Exception:
        return False


def cuda_device_present() -> bool:
    return any(d.kind == "cuda" for d in ts.devices())


needs_torch = pytest.mark.skipif(not has_module("torch"), reason="PyTorch is not installed "
                                 "(these interop tests run on the GPU machine)")
needs_cuda = pytest.mark.skipif(not cuda_device_present(), reason="no Tessera CUDA device here "
                                "(libtessera_cuda.so missing or no GPU); runs on the GPU machine")
needs_cupy = pytest.mark.skipif(not (has_module("cupy") and cuda_device_present()),
                                reason="CuPy and a CUDA device are needed (GPU machine)")
