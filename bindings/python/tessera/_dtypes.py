"""Data types: the dtype objects of the Array API namespace, promotion,
casting rules and numeric limits.

Defaults (Array API "default data types"): float32 for real floating, int64
for integral and indexing. Tessera has no complex dtypes.
"""
from __future__ import annotations

import ctypes
from typing import Any, Union

from . import _native as N
from ._errors import check
from ._loader import lib


class DType:
    """A Tessera data type. Instances are singletons: compare with ``==`` or ``is``."""

    __slots__ = ("name", "code", "itemsize", "kind", "bits")

    def __init__(self, name: str, code: int, itemsize: int, kind: str):
        self.name = name            # Array API name, e.g. "float32"
        self.code = code            # the tsr_dtype value
        self.itemsize = itemsize    # bytes per element
        self.kind = kind            # "b" bool, "i" signed, "u" unsigned, "f" floating
        self.bits = itemsize * 8

    def __repr__(self) -> str:
        return f"tessera.{self.name}"

    def __str__(self) -> str:
        return self.name

    def __reduce__(self):
        return (from_code, (self.code,))


bool_ = DType("bool", N.TSR_BOOL, 1, "b")
int8 = DType("int8", N.TSR_INT8, 1, "i")
int16 = DType("int16", N.TSR_INT16, 2, "i")
int32 = DType("int32", N.TSR_INT32, 4, "i")
int64 = DType("int64", N.TSR_INT64, 8, "i")
uint8 = DType("uint8", N.TSR_UINT8, 1, "u")
uint16 = DType("uint16", N.TSR_UINT16, 2, "u")
uint32 = DType("uint32", N.TSR_UINT32, 4, "u")
uint64 = DType("uint64", N.TSR_UINT64, 8, "u")
float16 = DType("float16", N.TSR_FLOAT16, 2, "f")
bfloat16 = DType("bfloat16", N.TSR_BFLOAT16, 2, "f")
float32 = DType("float32", N.TSR_FLOAT32, 4, "f")
float64 = DType("float64", N.TSR_FLOAT64, 8, "f")

ALL: tuple[DType, ...] = (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
                          float16, bfloat16, float32, float64)
_BY_CODE = {d.code: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
assert len(ALL) == N.TSR_DTYPE_COUNT, "a dtype of the header is missing here"

DEFAULT_FLOAT = float32
DEFAULT_INT = int64
DEFAULT_INDEX = int64

DTypeLike = Union[DType, str, Any]


def from_code(code: int) -> DType:
    return _BY_CODE[code]


def is_float(d: DType) -> bool:
    return d.kind == "f"


def is_int(d: DType) -> bool:
    return d.kind in "iu"


def to_dtype(d: DTypeLike) -> DType:
    """A DType from a DType, a name ("float32"), or a NumPy/ml_dtypes dtype or scalar type."""
    if isinstance(d, DType):
        return d
    if isinstance(d, str):
        if d in _BY_NAME:
            return _BY_NAME[d]
        if d == "bool_":
            return bool_
        raise TypeError(f"unknown dtype name {d!r}; known: {', '.join(_BY_NAME)}")
    name = getattr(d, "name", None) or getattr(getattr(d, "dtype", None), "name", None)
    if name is None and isinstance(d, type):  # numpy scalar types such as numpy.float32
        name = getattr(d, "__name__", None)
        if name == "bool_" or d is bool:
            return bool_
    if isinstance(name, str) and name in _BY_NAME:
        return _BY_NAME[name]
    raise TypeError(f"{d!r} is not a Tessera dtype (supported: {', '.join(_BY_NAME)})")


def result_dtype(a: DType, b: DType) -> DType:
    """The dtype a binary op on a and b computes in (the library's promotion table)."""
    out = ctypes.c_int()
    check(lib.tsr_result_type(a.code, b.code, ctypes.byref(out)))
    return _BY_CODE[out.value]


# ---- Array API data type functions ------------------------------------------

def _dtype_of(x: Any) -> DType:
    dt = getattr(x, "dtype", None)
    if isinstance(dt, DType):
        return dt
    return to_dtype(x)


def result_type(*arrays_and_dtypes: Any) -> DType:
    """The dtype of an op on all arguments (tensors or dtypes), by Tessera's promotion rules.

    These are the Array API rules, extended as the library extends them: bool
    with a numeric type gives the numeric type, integer with floating gives the
    floating type, float16 with bfloat16 gives float32. int64 with uint64 has
    no common type (DTypeMismatchError). Python scalars are "weak": they take
    the other operands' dtype (a float scalar with only integer operands gives
    the default float dtype, float32).
    """
    dtypes = [x for x in arrays_and_dtypes if not isinstance(x, (bool, int, float))]
    scalars = [x for x in arrays_and_dtypes if isinstance(x, (bool, int, float))]
    if not dtypes:
        raise ValueError("result_type needs at least one array or dtype")
    out = _dtype_of(dtypes[0])
    for x in dtypes[1:]:
        out = result_dtype(out, _dtype_of(x))
    for s in scalars:
        if isinstance(s, float) and not is_float(out):
            out = DEFAULT_FLOAT
        elif isinstance(s, int) and not isinstance(s, bool) and out is bool_:
            out = DEFAULT_INT
    return out


def can_cast(from_: Any, to: DTypeLike, /) -> bool:
    """Whether `from_` (a dtype or tensor) casts to `to` by the Array API promotion lattice.

    Only within a kind: bool to bool; signed to a wider-or-equal signed;
    unsigned to a wider-or-equal unsigned or a strictly wider signed; floating
    to a wider-or-equal floating (float16 and bfloat16 both reach float32 and
    float64 but not each other). Cross-kind casts are False, as the standard
    leaves them out of the lattice.
    """
    f, t = _dtype_of(from_), to_dtype(to)
    if f is t:
        return True
    if f.kind == "b" or t.kind == "b":
        return False
    if f.kind == "i":
        return t.kind == "i" and t.bits >= f.bits
    if f.kind == "u":
        return (t.kind == "u" and t.bits >= f.bits) or (t.kind == "i" and t.bits > f.bits)
    if f.kind == "f":
        return t.kind == "f" and t.bits > f.bits
    return False


class finfo_object:
    """Machine limits of a floating dtype (Array API finfo)."""

    __slots__ = ("bits", "eps", "max", "min", "smallest_normal", "dtype")

    def __init__(self, dtype: DType, mantissa: int, emax: int):
        self.bits = dtype.bits
        self.eps = 2.0 ** -mantissa
        self.max = (2.0 - 2.0 ** -mantissa) * 2.0 ** emax
        self.min = -self.max
        self.smallest_normal = 2.0 ** (1 - emax)
        self.dtype = dtype

    def __repr__(self) -> str:
        return (f"finfo(dtype={self.dtype.name}, bits={self.bits}, eps={self.eps!r}, "
                f"max={self.max!r}, smallest_normal={self.smallest_normal!r})")


class iinfo_object:
    """Limits of an integer dtype (Array API iinfo)."""

    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, dtype: DType):
        self.bits = dtype.bits
        signed = dtype.kind == "i"
        self.min = -(1 << (self.bits - 1)) if signed else 0
        self.max = (1 << (self.bits - 1)) - 1 if signed else (1 << self.bits) - 1
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"iinfo(dtype={self.dtype.name}, min={self.min}, max={self.max})"


# (mantissa bits, largest exponent) of each floating format.
_FLOAT_FORMAT = {float16: (10, 15), bfloat16: (7, 127), float32: (23, 127), float64: (52, 1023)}


def finfo(type: Any, /) -> finfo_object:
    """Limits of a floating dtype (or of a floating tensor's dtype)."""
    d = _dtype_of(type)
    if d not in _FLOAT_FORMAT:
        raise TypeError(f"finfo needs a floating dtype, got {d.name}")
    return finfo_object(d, *_FLOAT_FORMAT[d])


def iinfo(type: Any, /) -> iinfo_object:
    """Limits of an integer dtype (or of an integer tensor's dtype)."""
    d = _dtype_of(type)
    if not is_int(d):
        raise TypeError(f"iinfo needs an integer dtype, got {d.name}")
    return iinfo_object(d)


_KINDS = {
    "bool": lambda d: d.kind == "b",
    "signed integer": lambda d: d.kind == "i",
    "unsigned integer": lambda d: d.kind == "u",
    "integral": lambda d: d.kind in "iu",
    "real floating": lambda d: d.kind == "f",
    "complex floating": lambda d: False,
    "numeric": lambda d: d.kind in "iuf",
}


def isdtype(dtype: DType, kind: Any) -> bool:
    """Whether `dtype` is of `kind`: a dtype, a kind name ("integral", ...) or a tuple of those."""
    if not isinstance(dtype, DType):
        raise TypeError(f"isdtype needs a tessera dtype, got {dtype!r}")
    if isinstance(kind, tuple):
        return any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, DType):
        return dtype is kind
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise ValueError(f"unknown dtype kind {kind!r}; known: {', '.join(_KINDS)}")
        return _KINDS[kind](dtype)
    raise TypeError(f"kind must be a dtype, a kind name or a tuple, got {kind!r}")


# ---- NumPy names --------------------------------------------------------------

NUMPY_NAME = {bool_: "bool", int8: "int8", int16: "int16", int32: "int32", int64: "int64",
              uint8: "uint8", uint16: "uint16", uint32: "uint32", uint64: "uint64",
              float16: "float16", float32: "float32", float64: "float64"}
# __array_interface__ type strings (little-endian hosts).
TYPESTR = {bool_: "|b1", int8: "|i1", int16: "<i2", int32: "<i4", int64: "<i8", uint8: "|u1",
           uint16: "<u2", uint32: "<u4", uint64: "<u8", float16: "<f2", float32: "<f4",
           float64: "<f8"}
# ctypes element types for packing Python values (half types are packed as float32).
CTYPE = {bool_: ctypes.c_bool, int8: ctypes.c_int8, int16: ctypes.c_int16, int32: ctypes.c_int32,
         int64: ctypes.c_int64, uint8: ctypes.c_uint8, uint16: ctypes.c_uint16,
         uint32: ctypes.c_uint32, uint64: ctypes.c_uint64, float32: ctypes.c_float,
         float64: ctypes.c_double}


def numpy_dtype(d: DType):
    """The NumPy dtype of `d` (bfloat16 needs the ml_dtypes package)."""
    import numpy as np
    if d is bfloat16:
        try:
            import ml_dtypes
        except ImportError:
            raise TypeError("NumPy has no bfloat16: install ml_dtypes, or convert with "
                            "x.astype(tessera.float32) first") from None
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(NUMPY_NAME[d])
