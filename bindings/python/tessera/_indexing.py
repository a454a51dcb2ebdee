"""Basic indexing (integers, slices, Ellipsis, None) as views, and __setitem__
as a copy into such a view.

Integer indices drop their axis, slices keep it (negative steps allowed),
None inserts an axis of size 1, Ellipsis stands for the axes not named. An
integer out of range raises IndexError. Boolean and integer-array
("advanced") indexing are not supported and raise IndexError.
"""
from __future__ import annotations

import ctypes
import operator
from typing import Any, Optional

from ._errors import UnsupportedError
from ._loader import lib
from ._tensor import Tensor, _fail, _Out, _view_of, check_writable, scalar_tensor
from . import _dtypes as D

_INT64_MIN = -(1 << 63)


def _normalize_key(t: Tensor, key: Any) -> list:
    if not isinstance(key, tuple):
        key = (key,)
    items: list = []
    for k in key:
        if k is None or k is Ellipsis or isinstance(k, slice):
            items.append(k)
        elif isinstance(k, bool):
            raise IndexError("boolean indices are not supported (advanced indexing)")
        elif isinstance(k, int):
            items.append(k)
        elif isinstance(k, Tensor):
            if k.ndim == 0 and D.is_int(k.dtype):
                items.append(int(k))
            else:
                raise IndexError("array indexing is not supported; index with integers, "
                                 "slices, ... and None")
        elif hasattr(k, "__index__"):
            items.append(operator.index(k))
        else:
            raise IndexError(f"unsupported index {k!r}: use integers, slices, ... and None")
    ellipses = sum(1 for k in items if k is Ellipsis)
    if ellipses > 1:
        raise IndexError("an index can have only one ellipsis (...)")
    consuming = sum(1 for k in items if k is not None and k is not Ellipsis)
    nd = t.ndim
    if consuming > nd:
        raise IndexError(f"too many indices: {consuming} for a tensor of {nd} dimensions")
    fill = [slice(None)] * (nd - consuming)
    if ellipses:
        at = next(i for i, k in enumerate(items) if k is Ellipsis)
        items[at:at + 1] = fill
    else:
        items += fill
    return items


def _then(h: Any, call) -> Any:
    """Apply a view call to handle h (which is released) and return the new handle."""
    out = _Out()
    st = call(h, out)
    lib.tsr_tensor_release(h)
    if st:
        _fail(st)
    return out


def getitem(t: Tensor, key: Any) -> Tensor:
    items = _normalize_key(t, key)
    shape = t.shape
    starts, stops, steps, drop, new_axes = [], [], [], [], []
    axis = out_axis = 0
    for k in items:
        if k is None:
            new_axes.append(out_axis)
            out_axis += 1
            continue
        n = shape[axis]
        if isinstance(k, int):
            i = k + n if k < 0 else k
            if not 0 <= i < n:
                raise IndexError(f"index {k} is out of bounds for axis {axis} with size {n}")
            starts.append(i)
            stops.append(i + 1)
            steps.append(1)
            drop.append(axis)
        else:
            start, stop, step = k.indices(n)
            if step < 0 and stop == -1:
                stop = _INT64_MIN  # "before element 0" for the library
            starts.append(start)
            stops.append(stop)
            steps.append(step)
            out_axis += 1
        axis += 1
    nd = len(shape)
    arr = ctypes.c_int64 * nd
    out = _Out()
    st = lib.tsr_tensor_slice(t.handle, arr(*starts), arr(*stops), arr(*steps), ctypes.byref(out))
    if st:
        _fail(st, t)
    h = out
    for a in reversed(drop):
        h = _then(h, lambda h, o, a=a: lib.tsr_tensor_squeeze(h, a, ctypes.byref(o)))
    for a in new_axes:
        h = _then(h, lambda h, o, a=a: lib.tsr_tensor_unsqueeze(h, a, ctypes.byref(o)))
    return _view_of(t, h)  # a view of a read-only import is read-only too


def setitem(t: Tensor, key: Any, value: Any) -> None:
    check_writable(t)
    view = getitem(t, key)
    if isinstance(value, (bool, int, float)):
        if view.size == 0:
            return
        dt = t.dtype
        same_kind = (isinstance(value, bool) and dt is D.bool_) or (
            isinstance(value, int) and not isinstance(value, bool) and D.is_int(dt)) or (
            isinstance(value, float) and D.is_float(dt))
        if same_kind:
            src = scalar_tensor(value, dt, t._ctx)
        elif isinstance(value, float):
            src = scalar_tensor(value, D.float64, t._ctx)  # converted (truncated) by the copy
        else:
            src = scalar_tensor(value, D.bool_ if isinstance(value, bool) else D.int64, t._ctx)
    elif isinstance(value, Tensor):
        src = value
    elif isinstance(value, complex):
        raise TypeError("complex values are not supported: Tessera has no complex dtypes")
    else:
        from ._creation import asarray
        src = asarray(value, device=t._ctx)
    if src.shape != view.shape:
        from ._manipulation import broadcast_to
        src = broadcast_to(src, view.shape)
    if isinstance(value, Tensor) and may_overlap(view, src):
        src = src.copy()  # e.g. x[1:] = x[:-1]: read everything before writing
    st = lib.tsr_tensor_copy(view.handle, src.handle, None)
    if st:
        _fail(st, view, src)


def byte_span(t: Tensor) -> Optional[tuple]:
    """[lo, hi) addresses the tensor's elements occupy, or None when not addressable."""
    try:
        p = t.data_ptr
    except UnsupportedError:
        return None
    if t.size == 0:
        return (p, p)
    lo = hi = p
    size = t.itemsize
    for n, s in zip(t.shape, t.strides):
        span = (n - 1) * s * size
        if span < 0:
            lo += span
        else:
            hi += span
    return (lo, hi + size)


def may_overlap(a: Tensor, b: Tensor) -> bool:
    """Whether a and b may share memory (conservatively True when it cannot be told)."""
    if a.device != b.device:
        return False
    sa, sb = byte_span(a), byte_span(b)
    if sa is None or sb is None:
        return True
    if sa[0] == sa[1] or sb[0] == sb[1]:
        return False
    return sa[0] < sb[1] and sb[0] < sa[1]
