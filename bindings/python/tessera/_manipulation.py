"""Array API manipulation functions.

Views (no copy): reshape when the layout allows, permute_dims, expand_dims,
squeeze, broadcast_to, broadcast_arrays, flip, moveaxis, unstack. Copies:
concat, stack, roll, tile.
"""
from __future__ import annotations

import ctypes
import operator
from typing import Any, Optional, Sequence, Union

from . import _dtypes as D
from ._errors import UnsupportedError
from ._loader import lib
from ._tensor import Tensor, _fail, _Out, _view_of


def _axis(axis: int, ndim: int, what: str) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise IndexError(f"{what}: axis {axis} is out of range for {ndim} dimensions")
    return axis + ndim if axis < 0 else axis


def broadcast_to(x: Tensor, /, shape: Sequence[int]) -> Tensor:
    """A read-only-by-convention view of x broadcast to `shape` (stride 0 on new axes)."""
    shape = tuple(operator.index(d) for d in shape)
    out = _Out()
    st = lib.tsr_tensor_expand(x._h, (ctypes.c_int64 * len(shape))(*shape), len(shape),
                               ctypes.byref(out))
    if st:
        _fail(st, x)
    return _view_of(x, out)


def broadcast_shapes(*shapes: Sequence[int]) -> tuple:
    """The Array API broadcast of shapes (ValueError when they do not broadcast)."""
    nd = 0
    for s in shapes:
        nd = len(s) if len(s) > nd else nd
    out = []
    for i in range(nd):
        d = 1
        for s in shapes:
            j = len(s) - nd + i
            e = s[j] if j >= 0 else 1
            if e != 1:
                if d != 1 and d != e:
                    raise ValueError(f"shapes {', '.join(str(tuple(s)) for s in shapes)} "
                                     "do not broadcast")
                d = e
        out.append(d)
    return tuple(out)


def broadcast_arrays(*arrays: Tensor) -> list:
    """Views of all arrays broadcast to their common shape."""
    shape = broadcast_shapes(*(a.shape for a in arrays))
    return [a if a.shape == shape else broadcast_to(a, shape) for a in arrays]


def reshape(x: Tensor, /, shape: Sequence[int], *, copy: Optional[bool] = None) -> Tensor:
    """x with a new shape (one entry may be -1): a view when possible.

    copy=True always copies; copy=False raises ValueError when a view is impossible.
    """
    shape = tuple(operator.index(d) for d in shape)
    if copy:
        return x.copy().reshape(shape)
    r = x.reshape(shape)
    if copy is False and r.size and not x.is_contiguous():
        try:
            same = r.data_ptr == x.data_ptr
        except UnsupportedError:
            same = False
        if not same:
            raise ValueError(f"reshape: {x.shape} with strides {x.strides} cannot be viewed as "
                             f"{shape}; a copy is needed but copy=False")
    return r


def permute_dims(x: Tensor, /, axes: Sequence[int]) -> Tensor:
    """A view with axes reordered: axis i of the result is axis axes[i] of x."""
    return x.permute(tuple(axes))


def matrix_transpose(x: Tensor, /) -> Tensor:
    """A view with the last two axes swapped."""
    return x.mT


def expand_dims(x: Tensor, /, axis: int = 0) -> Tensor:
    """A view with a new axis of size 1 at `axis` (in [-ndim-1, ndim])."""
    nd = x.ndim
    axis = operator.index(axis)
    if not -nd - 1 <= axis <= nd:
        raise IndexError(f"expand_dims: axis {axis} is out of range for {nd} dimensions")
    out = _Out()
    st = lib.tsr_tensor_unsqueeze(x._h, axis, ctypes.byref(out))
    if st:
        _fail(st, x)
    return _view_of(x, out)


def squeeze(x: Tensor, /, axis: Union[int, Sequence[int]]) -> Tensor:
    """A view without the given axes, which must have size 1 (ValueError otherwise)."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    norm = sorted({_axis(a, x.ndim, "squeeze") for a in axes}, reverse=True)
    if len(norm) != len(axes):
        raise ValueError(f"squeeze: repeated axis in {axis}")
    for a in norm:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} has size {x.shape[a]}, not 1")
    r = x
    for a in norm:
        out = _Out()
        st = lib.tsr_tensor_squeeze(r._h, a, ctypes.byref(out))
        if st:
            _fail(st, r)
        r = _view_of(x, out)
    return r if r is not x else x[...]


def flip(x: Tensor, /, *, axis: Optional[Union[int, Sequence[int]]] = None) -> Tensor:
    """A view with the order of elements reversed along `axis` (all axes when None)."""
    if axis is None:
        axes = set(range(x.ndim))
    else:
        axes = {_axis(a, x.ndim, "flip") for a in ((axis,) if isinstance(axis, int) else axis)}
    return x[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim))]


def moveaxis(x: Tensor, source: Union[int, Sequence[int]], destination: Union[int, Sequence[int]],
             /) -> Tensor:
    """A view with axes moved from `source` to `destination` positions."""
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination need the same number of axes")
    nd = x.ndim
    src = [_axis(a, nd, "moveaxis") for a in src]
    dst = [_axis(a, nd, "moveaxis") for a in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError("moveaxis: repeated axis")
    order = [a for a in range(nd) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return x.permute(tuple(order))


def _same_context(arrays: Sequence[Tensor], what: str) -> None:
    ctx = arrays[0]._ctx
    for a in arrays[1:]:
        if a._ctx is not ctx:
            raise ValueError(f"{what}: all tensors must be on the same device and context "
                             f"({arrays[0].device} vs {a.device})")


def concat(arrays: Sequence[Tensor], /, *, axis: Optional[int] = 0) -> Tensor:
    """Join tensors along an existing axis (flattened first when axis is None).

    Shapes must match except along `axis`; the dtype is their result_type.
    """
    arrays = list(arrays)
    if not arrays:
        raise ValueError("concat needs at least one tensor")
    _same_context(arrays, "concat")
    if axis is None:
        arrays = [a.reshape(-1) for a in arrays]
        axis = 0
    nd = arrays[0].ndim
    if nd == 0:
        raise ValueError("concat: 0-d tensors cannot be joined (use stack)")
    for a in arrays[1:]:
        if a.ndim != nd:
            raise ValueError(f"concat: all tensors need {nd} dimensions, one has {a.ndim}")
    ax = _axis(axis, nd, "concat")
    base = list(arrays[0].shape)
    for a in arrays[1:]:
        for i in range(nd):
            if i != ax and a.shape[i] != base[i]:
                raise ValueError(f"concat: shapes {arrays[0].shape} and {a.shape} differ outside "
                                 f"axis {ax}")
    dtype = D.result_type(*arrays)
    from ._creation import empty
    shape = list(base)
    shape[ax] = 0
    for a in arrays:
        shape[ax] += a.shape[ax]
    out = empty(tuple(shape), dtype=dtype, device=arrays[0]._ctx)
    start = 0
    lead = (slice(None),) * ax
    for a in arrays:
        n = a.shape[ax]
        if n:
            view = out[lead + (slice(start, start + n),)]
            st = lib.tsr_tensor_copy(view._h, a._h, None)
            if st:
                _fail(st, view, a)
        start += n
    return out


def stack(arrays: Sequence[Tensor], /, *, axis: int = 0) -> Tensor:
    """Join same-shape tensors along a new axis."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("stack needs at least one tensor")
    shape = arrays[0].shape
    for a in arrays[1:]:
        if a.shape != shape:
            raise ValueError(f"stack: shapes {shape} and {a.shape} differ")
    nd = len(shape) + 1
    axis = operator.index(axis)
    if not -nd <= axis < nd:
        raise IndexError(f"stack: axis {axis} is out of range for {nd} dimensions")
    return concat([expand_dims(a, axis=axis) for a in arrays], axis=axis)


def unstack(x: Tensor, /, *, axis: int = 0) -> tuple:
    """Views of x split along `axis` (which is removed from each)."""
    ax = _axis(axis, x.ndim, "unstack")
    lead = (slice(None),) * ax
    return tuple(x[lead + (i,)] for i in range(x.shape[ax]))


def roll(x: Tensor, /, shift: Union[int, Sequence[int]], *,
         axis: Optional[Union[int, Sequence[int]]] = None) -> Tensor:
    """Elements shifted along axes, wrapping around (a copy)."""
    if axis is None:
        if not isinstance(shift, int):
            raise ValueError("roll: with axis=None, shift must be an int")
        return roll(x.reshape(-1), shift, axis=0).reshape(x.shape)
    shifts = [shift] if isinstance(shift, int) else list(shift)
    axes = [axis] if isinstance(axis, int) else list(axis)
    if len(shifts) != len(axes):
        raise ValueError("roll: shift and axis need the same length")
    r = x
    for s, a in zip(shifts, axes):
        a = _axis(a, x.ndim, "roll")
        n = x.shape[a]
        if n == 0 or s % n == 0:
            continue
        k = n - s % n
        lead = (slice(None),) * a
        r = concat([r[lead + (slice(k, None),)], r[lead + (slice(None, k),)]], axis=a)
    return r if r is not x else x.copy()


def tile(x: Tensor, repetitions: Sequence[int], /) -> Tensor:
    """x repeated `repetitions[i]` times along each axis (a copy)."""
    reps = tuple(operator.index(r) for r in repetitions)
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: negative repetition in {reps}")
    d = max(len(reps), x.ndim)
    if 2 * d > 8:
        raise NotImplementedError(f"tile of {d} dimensions is not implemented yet: it needs "
                                  f"{2 * d} intermediate dimensions, the library has 8")
    shape = (1,) * (d - x.ndim) + x.shape
    reps = (1,) * (d - len(reps)) + reps
    inter = tuple(v for s in shape for v in (1, s))
    expanded = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    y = broadcast_to(x.reshape(inter), expanded)
    return y.reshape(tuple(r * s for r, s in zip(reps, shape))).copy()


def repeat(x: Tensor, repeats: Any, /, *, axis: Optional[int] = None) -> Tensor:
    """Not implemented yet (per-element repeats need a gather kernel); raises NotImplementedError."""
    raise NotImplementedError("tessera.repeat is not implemented yet: the library has no gather "
                              "kernel (tile covers whole-tensor repetition)")


def take(x: Tensor, indices: Tensor, /, *, axis: Optional[int] = None) -> Tensor:
    """Not implemented yet (needs a gather kernel); raises NotImplementedError."""
    raise NotImplementedError("tessera.take is not implemented yet: the library has no gather "
                              "kernel")
