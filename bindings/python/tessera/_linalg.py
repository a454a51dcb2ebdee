"""Array API linear algebra in the main namespace: matmul, matrix_transpose,
tensordot, vecdot. matmul runs on the library's GEMM (OpenBLAS on the CPU,
cuBLAS on CUDA, CLBlast on OpenCL); the others are built from views, matmul
and reductions.
"""
from __future__ import annotations

import operator
from typing import Sequence, Union

from . import _dtypes as D
from ._manipulation import broadcast_shapes, broadcast_to, matrix_transpose  # noqa: F401
from ._tensor import Tensor, astype, matmul  # noqa: F401


def tensordot(x1: Tensor, x2: Tensor, /, *,
              axes: Union[int, tuple] = 2) -> Tensor:
    """Sum of products over the last `axes` axes of x1 and the first of x2, or over the
    given pairs of axes ((x1 axes), (x2 axes)). Contracted sizes must be equal."""
    if isinstance(axes, int):
        n = operator.index(axes)
        if n < 0 or n > x1.ndim or n > x2.ndim:
            raise ValueError(f"tensordot: axes={n} does not fit shapes {x1.shape} and {x2.shape}")
        a1 = list(range(x1.ndim - n, x1.ndim))
        a2 = list(range(n))
    else:
        if len(axes) != 2:
            raise ValueError("tensordot: axes must be an int or a pair of axis sequences")
        a1 = [operator.index(a) for a in axes[0]]
        a2 = [operator.index(a) for a in axes[1]]
        if len(a1) != len(a2):
            raise ValueError("tensordot: both axis sequences need the same length")
        a1 = [a + x1.ndim if a < 0 else a for a in a1]
        a2 = [a + x2.ndim if a < 0 else a for a in a2]
    for i, j in zip(a1, a2):
        if not (0 <= i < x1.ndim and 0 <= j < x2.ndim):
            raise IndexError("tensordot: axis out of range")
        if x1.shape[i] != x2.shape[j]:
            raise ValueError(f"tensordot: contracted axes differ in size ({x1.shape[i]} vs "
                             f"{x2.shape[j]}); they are not broadcast")
    free1 = [i for i in range(x1.ndim) if i not in a1]
    free2 = [j for j in range(x2.ndim) if j not in a2]
    k = 1
    for i in a1:
        k *= x1.shape[i]
    m = 1
    for i in free1:
        m *= x1.shape[i]
    n = 1
    for j in free2:
        n *= x2.shape[j]
    left = x1.permute(tuple(free1 + a1)).reshape((m, k))
    right = x2.permute(tuple(a2 + free2)).reshape((k, n))
    out_shape = tuple(x1.shape[i] for i in free1) + tuple(x2.shape[j] for j in free2)
    return matmul(left, right).reshape(out_shape)


def vecdot(x1: Tensor, x2: Tensor, /, *, axis: int = -1) -> Tensor:
    """Dot products of vectors along `axis` (negative, counted in the broadcast shape);
    the other axes broadcast. The result has the promoted dtype of x1 and x2."""
    from ._statistical import sum as _sum
    shape = broadcast_shapes(x1.shape, x2.shape)
    nd = len(shape)
    axis = operator.index(axis)
    if not -nd <= axis < 0:
        raise ValueError(f"vecdot: axis must be in [-{nd}, -1] of the broadcast shape, got {axis}")
    n1 = x1.shape[axis] if -axis <= x1.ndim else 1
    n2 = x2.shape[axis] if -axis <= x2.ndim else 1
    if n1 != n2:
        raise ValueError(f"vecdot: the vectors have different lengths ({n1} vs {n2}); they are "
                         "not broadcast")
    dtype = D.result_type(x1, x2)
    r = _sum(x1 * x2, axis=axis)
    return r if r.dtype is dtype else astype(r, dtype)
