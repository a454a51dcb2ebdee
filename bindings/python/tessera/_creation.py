"""Array API creation functions (and tessera.asarray's conversions).

Default dtypes: Python floats give float32, Python ints int64, bools bool.
``device=`` accepts a Device, a device string ("cpu", "cuda:0") or a Context;
None is the default context (tessera.default_context()).
"""
from __future__ import annotations

import ctypes
import operator
from typing import Any, Optional, Sequence, Union

from . import _dtypes as D
from ._devices import Context, context_for
from ._loader import lib
from ._tensor import Tensor, _fail, _make, _Out, astype, scalar_tensor

_EXACT_IN_DOUBLE = 1 << 53


def _shape(shape: Union[int, Sequence[int]]) -> tuple:
    if isinstance(shape, (tuple, list)):
        return tuple(operator.index(d) for d in shape)
    return (operator.index(shape),)


def _dims(shape: tuple) -> Any:
    return (ctypes.c_int64 * len(shape))(*shape)


def _dtype_of_scalar(v: Any) -> D.DType:
    if isinstance(v, bool):
        return D.bool_
    if isinstance(v, int):
        return D.DEFAULT_INT
    if isinstance(v, float):
        return D.DEFAULT_FLOAT
    if isinstance(v, complex):
        raise TypeError("complex values are not supported: Tessera has no complex dtypes")
    raise TypeError(f"expected a bool, int or float, got {type(v).__name__}")


def empty(shape: Union[int, Sequence[int]], *, dtype: Optional[D.DTypeLike] = None,
          device: Any = None) -> Tensor:
    """An uninitialized tensor (zeros when the context zero-fills allocations)."""
    d = D.to_dtype(dtype) if dtype is not None else D.DEFAULT_FLOAT
    ctx = context_for(device)
    sh = _shape(shape)
    out = _Out()
    st = lib.tsr_tensor_empty(ctx.handle, _dims(sh), len(sh), d.code, ctypes.byref(out))
    if st:
        _fail(st)
    return _make(out, ctx)


def zeros(shape: Union[int, Sequence[int]], *, dtype: Optional[D.DTypeLike] = None,
          device: Any = None) -> Tensor:
    """A tensor of zeros (float32 by default)."""
    d = D.to_dtype(dtype) if dtype is not None else D.DEFAULT_FLOAT
    ctx = context_for(device)
    sh = _shape(shape)
    out = _Out()
    st = lib.tsr_tensor_zeros(ctx.handle, _dims(sh), len(sh), d.code, None, ctypes.byref(out))
    if st:
        _fail(st)
    return _make(out, ctx)


def full(shape: Union[int, Sequence[int]], fill_value: Union[bool, int, float], *,
         dtype: Optional[D.DTypeLike] = None, device: Any = None) -> Tensor:
    """A tensor filled with `fill_value` (dtype inferred from it when not given)."""
    d = D.to_dtype(dtype) if dtype is not None else _dtype_of_scalar(fill_value)
    if isinstance(fill_value, complex):
        raise TypeError("complex values are not supported: Tessera has no complex dtypes")
    ctx = context_for(device)
    sh = _shape(shape)
    if D.is_int(d) and isinstance(fill_value, int) and not isinstance(fill_value, bool):
        info = D.iinfo(d)
        if not info.min <= fill_value <= info.max:
            raise OverflowError(f"fill value {fill_value} does not fit in {d.name}")
        if abs(fill_value) > _EXACT_IN_DOUBLE:  # a double would round it: broadcast it exactly
            from ._manipulation import broadcast_to
            return broadcast_to(scalar_tensor(fill_value, d, ctx), sh).copy()
    out = _Out()
    st = lib.tsr_tensor_full(ctx.handle, _dims(sh), len(sh), d.code, float(fill_value), None,
                             ctypes.byref(out))
    if st:
        _fail(st)
    return _make(out, ctx)


def ones(shape: Union[int, Sequence[int]], *, dtype: Optional[D.DTypeLike] = None,
         device: Any = None) -> Tensor:
    """A tensor of ones (float32 by default)."""
    return full(shape, 1, dtype=dtype if dtype is not None else D.DEFAULT_FLOAT, device=device)


def _like(x: Tensor, dtype: Any, device: Any) -> tuple:
    return (D.to_dtype(dtype) if dtype is not None else x.dtype,
            device if device is not None else x._ctx)


def empty_like(x: Tensor, /, *, dtype: Optional[D.DTypeLike] = None, device: Any = None) -> Tensor:
    d, dev = _like(x, dtype, device)
    return empty(x.shape, dtype=d, device=dev)


def zeros_like(x: Tensor, /, *, dtype: Optional[D.DTypeLike] = None, device: Any = None) -> Tensor:
    d, dev = _like(x, dtype, device)
    return zeros(x.shape, dtype=d, device=dev)


def ones_like(x: Tensor, /, *, dtype: Optional[D.DTypeLike] = None, device: Any = None) -> Tensor:
    d, dev = _like(x, dtype, device)
    return ones(x.shape, dtype=d, device=dev)


def full_like(x: Tensor, /, fill_value: Union[bool, int, float], *,
              dtype: Optional[D.DTypeLike] = None, device: Any = None) -> Tensor:
    d, dev = _like(x, dtype, device)
    return full(x.shape, fill_value, dtype=d, device=dev)


def arange(start: Union[int, float], /, stop: Optional[Union[int, float]] = None,
           step: Union[int, float] = 1, *, dtype: Optional[D.DTypeLike] = None,
           device: Any = None) -> Tensor:
    """Values from start (inclusive) to stop (exclusive) by step: ceil((stop-start)/step) of them."""
    if stop is None:
        start, stop = 0, start
    for v in (start, stop, step):
        _dtype_of_scalar(v)
    all_int = all(isinstance(v, int) for v in (start, stop, step))
    d = D.to_dtype(dtype) if dtype is not None else (D.DEFAULT_INT if all_int else D.DEFAULT_FLOAT)
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if D.is_int(d) and any(abs(v) > _EXACT_IN_DOUBLE for v in (start, stop, step)):
        raise ValueError("arange: integer bounds beyond 2**53 are not supported (the library "
                         "takes them as doubles)")
    ctx = context_for(device)
    out = _Out()
    st = lib.tsr_tensor_arange(ctx.handle, float(start), float(stop), float(step), d.code, None,
                               ctypes.byref(out))
    if st:
        _fail(st)
    return _make(out, ctx)


def linspace(start: Union[int, float], stop: Union[int, float], /, num: int, *,
             dtype: Optional[D.DTypeLike] = None, device: Any = None,
             endpoint: bool = True) -> Tensor:
    """`num` evenly spaced values from start to stop (stop included when endpoint)."""
    for v in (start, stop):
        _dtype_of_scalar(v)
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"linspace: num must be >= 0, got {num}")
    d = D.to_dtype(dtype) if dtype is not None else D.DEFAULT_FLOAT
    ctx = context_for(device)
    work = D.float64 if ctx.device.supports_float64 else D.float32
    div = num - 1 if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    vals = arange(0, num, 1, dtype=work, device=ctx) * step + float(start)
    if endpoint and num > 1:
        vals[num - 1] = float(stop)
    return astype(vals, d, copy=False)


def eye(n_rows: int, n_cols: Optional[int] = None, /, *, k: int = 0,
        dtype: Optional[D.DTypeLike] = None, device: Any = None) -> Tensor:
    """Ones on the k-th diagonal, zeros elsewhere."""
    n_cols = n_rows if n_cols is None else n_cols
    ctx = context_for(device)
    rows = arange(n_rows, dtype=D.int64, device=ctx).reshape(n_rows, 1)
    cols = arange(n_cols, dtype=D.int64, device=ctx).reshape(1, n_cols)
    mask = (cols - rows) == k
    return astype(mask, dtype if dtype is not None else D.DEFAULT_FLOAT, copy=False)


def _triangle(x: Tensor, k: int, lower: bool) -> Tensor:
    if x.ndim < 2:
        raise ValueError(f"{'tril' if lower else 'triu'} needs at least 2 dimensions, got {x.ndim}")
    m, n = x.shape[-2:]
    rows = arange(m, dtype=D.int64, device=x._ctx).reshape(m, 1)
    cols = arange(n, dtype=D.int64, device=x._ctx).reshape(1, n)
    mask = (cols - rows) <= k if lower else (cols - rows) >= k
    from ._statistical import where
    return where(mask, x, zeros((), dtype=x.dtype, device=x._ctx))


def tril(x: Tensor, /, *, k: int = 0) -> Tensor:
    """x with the elements above the k-th diagonal zeroed."""
    return _triangle(x, k, True)


def triu(x: Tensor, /, *, k: int = 0) -> Tensor:
    """x with the elements below the k-th diagonal zeroed."""
    return _triangle(x, k, False)


def meshgrid(*arrays: Tensor, indexing: str = "xy") -> list:
    """Coordinate tensors from 1-D tensors (broadcast views); indexing "xy" or "ij"."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"indexing must be 'xy' or 'ij', got {indexing!r}")
    for a in arrays:
        if a.ndim != 1:
            raise ValueError(f"meshgrid needs 1-D tensors, got shape {a.shape}")
    n = len(arrays)
    shape = [a.shape[0] for a in arrays]
    if indexing == "xy" and n >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    from ._manipulation import broadcast_to
    out = []
    for i, a in enumerate(arrays):
        pos = i
        if indexing == "xy" and n >= 2 and i < 2:
            pos = 1 - i
        view = [1] * n
        view[pos] = a.shape[0]
        out.append(broadcast_to(a.reshape(tuple(view)), tuple(shape)))
    return out


# ---- asarray -----------------------------------------------------------------------------

def asarray(obj: Any, /, *, dtype: Optional[D.DTypeLike] = None, device: Any = None,
            copy: Optional[bool] = None) -> Tensor:
    """A Tensor from a Tensor, a DLPack producer (NumPy, PyTorch, CuPy: zero copy when the
    device allows and copy is not True), an object with __array_interface__ or the buffer
    protocol (through NumPy), a Python scalar or nested sequences.

    copy=False raises ValueError when a copy cannot be avoided.
    """
    target = D.to_dtype(dtype) if dtype is not None else None
    if isinstance(obj, Tensor):
        t, copied = obj, False
        if device is not None and context_for(device) is not t._ctx:
            if copy is False:
                raise ValueError(f"asarray: moving from {t.device} to {device} needs a copy, "
                                 "but copy=False")
            t, copied = t.to_device(device), True
        if target is not None and target is not t.dtype:
            if copy is False:
                raise ValueError(f"asarray: converting {t.dtype} to {target} needs a copy, "
                                 "but copy=False")
            return astype(t, target)
        return t.copy() if copy and not copied else t
    if isinstance(obj, (bool, int, float, complex, list, tuple)):
        if copy is False:
            raise ValueError("asarray: Python scalars and sequences are always copied, "
                             "but copy=False")
        return _from_python(obj, target, device)
    if not hasattr(obj, "__dlpack__"):
        obj = _via_numpy(obj)
    t = _from_producer(obj, device, copy)
    if target is not None and target is not t.dtype:
        if copy is False:
            raise ValueError(f"asarray: converting {t.dtype} to {target} needs a copy, "
                             "but copy=False")
        t = astype(t, target)
    return t


def _via_numpy(obj: Any) -> Any:
    if not (hasattr(obj, "__array_interface__") or hasattr(obj, "__array__")
            or isinstance(obj, (bytes, bytearray, memoryview))):
        raise TypeError(f"cannot make a tessera.Tensor from {type(obj).__name__}")
    try:
        import numpy as np
    except ImportError:
        raise TypeError(f"converting {type(obj).__name__} needs NumPy, which is not "
                        "installed") from None
    return np.asarray(obj)


def _from_producer(obj: Any, device: Any, copy: Optional[bool]) -> Tensor:
    from ._interop import from_dlpack
    try:
        return from_dlpack(obj, device=device, copy=copy)
    except BufferError:
        if copy is False or device is None:
            raise
    # The producer cannot reach the target device itself: import where it is, then copy.
    return from_dlpack(obj).to_device(device)


def _flatten(obj: Any) -> tuple:
    """(shape, flat values) of nested lists/tuples; ragged input raises ValueError."""
    if isinstance(obj, (list, tuple)):
        if not obj:
            return (0,), []
        parts = [_flatten(x) for x in obj]
        inner = parts[0][0]
        if any(p[0] != inner for p in parts):
            raise ValueError("asarray: nested sequences have inconsistent lengths (ragged)")
        return (len(obj),) + inner, [v for p in parts for v in p[1]]
    if isinstance(obj, Tensor):
        return obj.shape, _flatten(obj.tolist())[1] if obj.ndim else [obj.item()]
    if isinstance(obj, (bool, int, float)):
        return (), [obj]
    if isinstance(obj, complex):
        raise TypeError("complex values are not supported: Tessera has no complex dtypes")
    if hasattr(obj, "__index__"):
        return (), [operator.index(obj)]
    if hasattr(obj, "__float__"):
        return (), [float(obj)]
    raise TypeError(f"asarray: cannot convert element {obj!r} ({type(obj).__name__})")


def _from_python(obj: Any, target: Optional[D.DType], device: Any) -> Tensor:
    shape, flat = _flatten(obj)
    if len(shape) > 8:
        raise ValueError(f"asarray: {len(shape)} dimensions; Tessera supports at most 8")
    kinds = {"f" if isinstance(v, float) else "b" if isinstance(v, bool) else "i" for v in flat}
    inferred = (D.DEFAULT_FLOAT if "f" in kinds else D.DEFAULT_INT if "i" in kinds else D.bool_)
    d = target if target is not None else inferred
    # Pack in a dtype that holds the values exactly, then let the library convert.
    if "f" in kinds:
        build = d if d in (D.float32, D.float64) else D.float64
    elif "i" in kinds:
        build = d if D.is_int(d) else (d if d in (D.float32, D.float64) else D.int64)
    else:
        build = D.bool_ if d not in D.CTYPE else d
    if D.is_int(build):
        info = D.iinfo(build)
        for v in flat:
            if not info.min <= v <= info.max:
                raise OverflowError(f"asarray: {v} does not fit in {build.name}")
    ctype = D.CTYPE[build]
    buf = (ctype * len(flat))(*flat)
    ctx = context_for(device)
    out = _Out()
    st = lib.tsr_tensor_from_host(ctx.handle, buf, ctypes.sizeof(buf), _dims(shape), len(shape),
                                  build.code, None, ctypes.byref(out))
    if st:
        _fail(st)
    t = _make(out, ctx)
    return t if build is d else astype(t, d)
