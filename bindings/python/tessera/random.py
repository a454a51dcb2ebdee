"""Counter-based random tensors (Philox4x32-10): element i of a tensor made with
a given seed is the same on every backend."""
from __future__ import annotations

import ctypes
from typing import Any, Optional, Sequence, Union

from . import _dtypes as D
from . import _native as N
from ._devices import context_for
from ._loader import lib
from ._tensor import Tensor, _fail, _make, _Out


def _random(shape: Union[int, Sequence[int]], dist: int, a: float, b: float, seed: int,
            dtype: Any, device: Any) -> Tensor:
    sh = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    d = D.to_dtype(dtype) if dtype is not None else D.DEFAULT_FLOAT
    ctx = context_for(device)
    out = _Out()
    st = lib.tsr_tensor_random(ctx.handle, (ctypes.c_int64 * len(sh))(*sh), len(sh), d.code, dist,
                               seed & 0xFFFFFFFFFFFFFFFF, float(a), float(b), None,
                               ctypes.byref(out))
    if st:
        _fail(st)
    return _make(out, ctx)


def uniform(shape: Union[int, Sequence[int]], low: float = 0.0, high: float = 1.0, *,
            seed: int = 0, dtype: Optional[Any] = None, device: Any = None) -> Tensor:
    """Uniform values in [low, high) (integer dtypes: the floor of the draw)."""
    return _random(shape, N.TSR_RANDOM_UNIFORM, low, high, seed, dtype, device)


def normal(shape: Union[int, Sequence[int]], mean: float = 0.0, std: float = 1.0, *,
           seed: int = 0, dtype: Optional[Any] = None, device: Any = None) -> Tensor:
    """Normal values with the given mean and standard deviation (floating dtypes)."""
    return _random(shape, N.TSR_RANDOM_NORMAL, mean, std, seed, dtype, device)
