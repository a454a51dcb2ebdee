"""Array API statistical, utility (all/any), searching and sorting functions.

Reductions take ``axis`` (None = all axes, an int, or a tuple of distinct
ints, negative counting from the end) and ``keepdims``. Result dtypes: sum
and prod of bool and signed integers give int64, of unsigned integers uint64
(unless ``dtype`` is given); mean/var/std of integers give float32;
argmin/argmax give int64.
"""
from __future__ import annotations

import ctypes
from typing import Any, Optional, Sequence, Union

from . import _dtypes as D
from . import _native as N
from ._loader import lib
from ._tensor import Tensor, _fail, _make, _Out, astype, scalar_tensor

Axis = Optional[Union[int, Sequence[int]]]


def _reduce(op: int, x: Tensor, axis: Axis, keepdims: bool, correction: float = 0.0) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"expected a tessera.Tensor, got {type(x).__name__}")
    if axis is None:
        axes, n = None, -1
    else:
        seq = (axis,) if isinstance(axis, int) else tuple(axis)
        axes, n = (ctypes.c_int32 * len(seq))(*seq), len(seq)
    out = _Out()
    st = lib.tsr_reduce(op, x._h, axes, n, 1 if keepdims else 0, float(correction), None,
                        ctypes.byref(out))
    if st:
        _fail(st, x)
    return _make(out, x._ctx)


def _with_dtype(op: int, x: Tensor, axis: Axis, dtype: Any, keepdims: bool) -> Tensor:
    if dtype is None:
        return _reduce(op, x, axis, keepdims)
    d = D.to_dtype(dtype)
    r = _reduce(op, astype(x, d, copy=False), axis, keepdims)
    return r if r.dtype is d else astype(r, d)  # integer sums accumulate in 64 bits


def sum(x: Tensor, /, *, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    """Sum over `axis`; `dtype` converts x first and sets the result's dtype."""
    return _with_dtype(N.TSR_SUM, x, axis, dtype, keepdims)


def prod(x: Tensor, /, *, axis: Axis = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    """Product over `axis` (1 over zero elements)."""
    return _with_dtype(N.TSR_PROD, x, axis, dtype, keepdims)


def mean(x: Tensor, /, *, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over `axis` (NaN over zero elements)."""
    return _reduce(N.TSR_MEAN, x, axis, keepdims)


def var(x: Tensor, /, *, axis: Axis = None, correction: float = 0.0,
        keepdims: bool = False) -> Tensor:
    """Variance with `correction` degrees of freedom subtracted from N (0: population)."""
    return _reduce(N.TSR_VAR, x, axis, keepdims, correction)


def std(x: Tensor, /, *, axis: Axis = None, correction: float = 0.0,
        keepdims: bool = False) -> Tensor:
    """Standard deviation (square root of var with the same correction)."""
    return _reduce(N.TSR_STD, x, axis, keepdims, correction)


def min(x: Tensor, /, *, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Minimum over `axis` (ValueError over zero elements; NaN propagates)."""
    return _reduce(N.TSR_MIN, x, axis, keepdims)


def max(x: Tensor, /, *, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Maximum over `axis` (ValueError over zero elements; NaN propagates)."""
    return _reduce(N.TSR_MAX, x, axis, keepdims)


def all(x: Tensor, /, *, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """True where every element over `axis` is nonzero (True over zero elements)."""
    return _reduce(N.TSR_ALL, x, axis, keepdims)


def any(x: Tensor, /, *, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """True where some element over `axis` is nonzero (False over zero elements)."""
    return _reduce(N.TSR_ANY, x, axis, keepdims)


def argmax(x: Tensor, /, *, axis: Optional[int] = None, keepdims: bool = False) -> Tensor:
    """Index of the first maximum along `axis` (of the flattened tensor when None), int64."""
    if axis is not None and not isinstance(axis, int):
        raise TypeError("argmax: axis must be an int or None")
    return _reduce(N.TSR_ARGMAX, x, axis, keepdims)


def argmin(x: Tensor, /, *, axis: Optional[int] = None, keepdims: bool = False) -> Tensor:
    """Index of the first minimum along `axis` (of the flattened tensor when None), int64."""
    if axis is not None and not isinstance(axis, int):
        raise TypeError("argmin: axis must be an int or None")
    return _reduce(N.TSR_ARGMIN, x, axis, keepdims)


def _as_tensor(v: Any, like: Tensor) -> Tensor:
    if isinstance(v, Tensor):
        return v
    if isinstance(v, bool):
        return scalar_tensor(v, D.bool_ if like.dtype is D.bool_ else like.dtype, like._ctx)
    if isinstance(v, int):
        return scalar_tensor(v, like.dtype if D.is_int(like.dtype) or D.is_float(like.dtype)
                             else D.DEFAULT_INT, like._ctx)
    if isinstance(v, float):
        return scalar_tensor(v, like.dtype if D.is_float(like.dtype) else D.DEFAULT_FLOAT,
                             like._ctx)
    from ._creation import asarray
    return asarray(v, device=like._ctx)


def where(condition: Tensor, x1: Any, x2: Any, /) -> Tensor:
    """x1 where condition is true, else x2, broadcasting all three (scalars take the other
    operand's dtype)."""
    if not isinstance(condition, Tensor):
        raise TypeError("where: condition must be a tessera.Tensor")
    if not isinstance(x1, Tensor) and not isinstance(x2, Tensor):
        x1 = _probe(x1, condition)  # two scalars: the first sets the dtype by default rules
        x2 = _as_tensor(x2, x1)
    elif not isinstance(x1, Tensor):
        x1 = _as_tensor(x1, x2)
    elif not isinstance(x2, Tensor):
        x2 = _as_tensor(x2, x1)
    out = _Out()
    st = lib.tsr_where(condition._h, x1._h, x2._h, None, ctypes.byref(out))
    if st:
        _fail(st, condition, x1, x2)
    return _make(out, condition._ctx)


def _probe(v: Any, cond: Tensor) -> Tensor:
    from ._creation import full
    return full((), v, device=cond._ctx)


def _missing(name: str, why: str):
    def f(*args: Any, **kwargs: Any) -> Tensor:
        raise NotImplementedError(f"tessera.{name} is not implemented yet: {why}")
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Not implemented yet ({why}); raises NotImplementedError."
    return f


_DATA_DEPENDENT = "its output shape depends on the data, which the library cannot produce yet"
cumulative_sum = _missing("cumulative_sum", "the library has no scan kernel")
nonzero = _missing("nonzero", _DATA_DEPENDENT)
searchsorted = _missing("searchsorted", "the library has no search kernel")
sort = _missing("sort", "the library has no sort kernel")
argsort = _missing("argsort", "the library has no sort kernel")
unique_all = _missing("unique_all", _DATA_DEPENDENT)
unique_counts = _missing("unique_counts", _DATA_DEPENDENT)
unique_inverse = _missing("unique_inverse", _DATA_DEPENDENT)
unique_values = _missing("unique_values", _DATA_DEPENDENT)
