"""Tessera for Python: device-resident tensors over the Tessera C library.

The package is pure Python (ctypes over libtessera.so). ``tessera`` itself is
a Python Array API (2023.12) namespace, so code written against the standard
runs on it unchanged::

    import tessera as ts
    x = ts.asarray([[1.0, 2.0], [3.0, 4.0]])      # float32 on the CPU
    y = ts.exp(x) + 1                              # asynchronous ops, results stay on the device
    print(y.to_numpy())                            # a host read waits for the data

Beyond the standard: Context/Stream/Event, devices(), stats(), DLPack and
NumPy interchange without copies, tessera.nn (softmax, layer_norm, linear,
...) and tessera.random. Errors are TesseraError subclasses carrying the
library's status name and message.
"""
from __future__ import annotations

import math as _math

from . import _native
from ._loader import library_path
from ._errors import (
    ArgumentError, AsyncError, BackendError, BackendFailureError, DeviceError,
    DeviceMismatchError, DeviceUnavailableError, DTypeMismatchError, InternalError,
    InvalidArgumentError, InvalidHandleError, InvalidShapeError, NullPointerError,
    OutOfMemoryError, OutOfRangeError, QuotaExceededError, ShapeDTypeError, ShapeMismatchError,
    SizeOverflowError, TesseraError, TesseraMemoryError, TooManyDimsError, UnsupportedError,
)
from ._dtypes import (
    DType, bfloat16, can_cast, finfo, float16, float32, float64, iinfo, int8, int16, int32, int64,
    isdtype, result_type, uint8, uint16, uint32, uint64,
)
from ._dtypes import bool_ as bool  # noqa: A001  (the Array API name)
from ._devices import (
    Context, Device, Event, Stream, backend_available, default_context, devices,
    get_default_device, set_default_device, stats,
)
from ._tensor import Tensor, astype, matmul
from ._creation import (
    arange, asarray, empty, empty_like, eye, full, full_like, linspace, meshgrid, ones, ones_like,
    tril, triu, zeros, zeros_like,
)
from ._interop import from_dlpack
from ._elementwise import (  # noqa: A004
    abs, acos, acosh, add, asin, asinh, atan, atan2, atanh, bitwise_and, bitwise_invert,
    bitwise_left_shift, bitwise_or, bitwise_right_shift, bitwise_xor, ceil, clip, conj, copysign,
    cos, cosh, divide, equal, exp, expm1, floor, floor_divide, gelu, greater, greater_equal, hypot,
    imag, isfinite, isinf, isnan, less, less_equal, log, log1p, log2, log10, logaddexp,
    logical_and, logical_not, logical_or, logical_xor, maximum, minimum, multiply, negative,
    nextafter, not_equal, positive, pow, real, relu, remainder, round, rsqrt, sigmoid, sign,
    signbit, silu, sin, sinh, sqrt, square, subtract, tan, tanh, trunc,
)
from ._statistical import (  # noqa: A004
    all, any, argmax, argmin, argsort, cumulative_sum, max, mean, min, nonzero, prod,
    searchsorted, sort, std, sum, unique_all, unique_counts, unique_inverse, unique_values, var,
    where,
)
from ._manipulation import (
    broadcast_arrays, broadcast_shapes, broadcast_to, concat, expand_dims, flip, matrix_transpose,
    moveaxis, permute_dims, repeat, reshape, roll, squeeze, stack, take, tile, unstack,
)
from ._linalg import tensordot, vecdot
from . import nn, random  # noqa: E402

__version__ = "0.1.0"
__array_api_version__ = "2023.12"

e = _math.e
pi = _math.pi
inf = _math.inf
nan = _math.nan
newaxis = None


class _NamespaceInfo:
    """What __array_namespace_info__() returns (Array API inspection utilities)."""

    def capabilities(self) -> dict:
        return {"boolean indexing": False, "data-dependent shapes": False, "max dimensions": 8}

    def default_device(self) -> Device:
        return get_default_device()

    def default_dtypes(self, *, device=None) -> dict:
        # No complex dtypes exist in Tessera: that entry is None.
        return {"real floating": float32, "complex floating": None, "integral": int64,
                "indexing": int64}

    def dtypes(self, *, device=None, kind=None) -> dict:
        from ._dtypes import ALL
        from ._devices import parse_device
        dev = parse_device(device) if device is not None else get_default_device()
        out = {}
        for d in ALL:
            if d is float64 and not dev.supports_float64:
                continue
            if d in (float16, bfloat16) and not dev.supports_float16:
                continue
            if kind is None or isdtype(d, kind):
                out[d.name] = d
        return out

    def devices(self) -> list:
        return devices()


def __array_namespace_info__() -> _NamespaceInfo:
    """Array API inspection: capabilities, default device and dtypes, devices."""
    return _NamespaceInfo()
