"""tessera.Tensor: a handle to a tensor of the library, with Python operators.

The object holds one reference to a native tensor handle. The handle is
released when the object is collected, on ``release()`` / ``close()``, or at
the end of a ``with`` block; afterwards any use raises InvalidHandleError
(the library validates every handle, so a stale one can never be
dereferenced). Host memory handed to NumPy through ``__array_interface__``
stays alive while NumPy holds the tensor, even after ``release()``.

Operators follow the Python Array API standard: broadcasting, type
promotion (see tessera.result_type), Python scalars as "weak" operands, and
basic indexing that returns views.
"""
from __future__ import annotations

import ctypes
from typing import Any, Iterator, Optional, Union

from . import _dtypes as D
from . import _native as N
from ._devices import Context, Device, Stream, context_for
from ._errors import InvalidHandleError, make_error
from ._loader import lib, library_path

_byref = ctypes.byref
_Out = N.tsr_tensor
_new = object.__new__
_c_double = ctypes.c_double


def _fast(name: str) -> Any:
    """`name` declared with a restype only. ctypes' per-argument argtypes conversion costs
    about as much as the library's whole work on a tiny tensor, so the hot paths call these
    with arguments that are already C-typed: handles as tsr_tensor objects, byref outputs,
    small ints (C int), floats (double) and None (NULL)."""
    fn = getattr(ctypes.CDLL(library_path), name)
    fn.restype = ctypes.c_int if name != "tsr_tensor_release" else None
    return fn


_c_unary = _fast("tsr_unary")
_c_binary = _fast("tsr_binary")
_c_binary_scalar = _fast("tsr_binary_scalar")
_c_release = _fast("tsr_tensor_release")

_F_EXPORTED = 1  # host memory lent to NumPy (__array_interface__): release only when collected
_F_READONLY = 2  # imported from a read-only DLPack producer: Python refuses to write into it

_COMPARISONS = frozenset((N.TSR_EQUAL, N.TSR_NOT_EQUAL, N.TSR_LESS, N.TSR_LESS_EQUAL,
                          N.TSR_GREATER, N.TSR_GREATER_EQUAL))
_LOGICAL = frozenset((N.TSR_LOGICAL_AND, N.TSR_LOGICAL_OR, N.TSR_LOGICAL_XOR))
_BITWISE = frozenset((N.TSR_BITWISE_AND, N.TSR_BITWISE_OR, N.TSR_BITWISE_XOR))
_EXACT_IN_DOUBLE = 1 << 53  # integers up to this magnitude pass through a double unchanged


def _fail(status: int, *operands: Any) -> None:
    """Raise the error for `status`, saying so when an operand was released from Python."""
    for t in operands:
        if isinstance(t, Tensor) and t._h is None:
            raise InvalidHandleError(status, "a tessera.Tensor was used after release() (or "
                                     "after its with block); it no longer has a handle")
    raise make_error(status)


def _make(h: Any, ctx: Context) -> "Tensor":
    """Wrap a new native handle (a tsr_tensor holding one reference) in a Tensor.

    Only _h and _ctx are set here (the hot path); the cached facts and flags
    are read with defaults (see _get_flags and the shape/dtype properties).
    """
    t = _new(Tensor)
    t._h = h
    t._ctx = ctx
    return t


def _view_of(src: "Tensor", h: Any) -> "Tensor":
    """A new Tensor for a view of src (same context; read-only when src is)."""
    t = _make(h, src._ctx)
    if _get_flags(src) & _F_READONLY:
        t._flags = _F_READONLY
    return t


def _get_flags(t: "Tensor") -> int:
    try:
        return t._flags
    except AttributeError:
        return 0


def _shape_array(shape: tuple) -> Any:
    return (ctypes.c_int64 * len(shape))(*shape)


class Tensor:
    """A tensor on a Tessera device. Create one with tessera.asarray, zeros, arange, ...

    Attributes follow the Array API: ``shape``, ``dtype``, ``device``,
    ``ndim``, ``size``, ``T``, ``mT``; plus ``context``, ``strides``
    (elements), ``data_ptr`` and ``nbytes``.
    """

    # _h: a tsr_tensor holding our reference (None once released); _ctx: the Context.
    __slots__ = ("_h", "_ctx", "_shape", "_dtype", "_flags", "_deferred")
    __array_priority__ = 1000
    __array_ufunc__ = None  # NumPy defers to Tensor's reflected operators instead of converting

    def __init__(self, *args: Any, **kwargs: Any):
        raise TypeError("create tensors with tessera.asarray, tessera.zeros, tessera.arange, "
                        "tessera.from_dlpack, ...")

    # ---- lifetime ------------------------------------------------------------------
    def __del__(self, _release=_c_release):
        try:
            h = self._h
        except AttributeError:  # never got a handle (construction failed)
            return
        if h is not None:
            _release(h)
        else:
            h = getattr(self, "_deferred", None)
            if h is not None:
                _release(h)

    def release(self) -> None:
        """Release the native handle now. Later use raises InvalidHandleError (idempotent)."""
        h, self._h = self._h, None
        if h is not None:
            if _get_flags(self) & _F_EXPORTED:
                self._deferred = h  # NumPy may still read this memory: free when collected
            else:
                _c_release(h)

    close = release

    def __enter__(self) -> "Tensor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    @property
    def handle(self) -> int:
        """The native tsr_tensor handle value (borrowed; InvalidHandleError once released)."""
        return self._live().value

    def _live(self) -> Any:
        h = self._h
        if h is None:
            raise InvalidHandleError(N.TSR_ERROR_INVALID_HANDLE,
                                     "this tessera.Tensor was released; it has no handle")
        return h

    # ---- facts ---------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        """The shape, a tuple of ints."""
        try:
            return self._shape
        except AttributeError:  # first use: ask the library once
            pass
        h = self._live()
        nd = ctypes.c_int32()
        st = lib.tsr_tensor_ndim(h, _byref(nd))
        if st:
            _fail(st, self)
        dims = (ctypes.c_int64 * N.TSR_MAX_DIMS)()
        st = lib.tsr_tensor_shape(h, dims)
        if st:
            _fail(st, self)
        s = self._shape = tuple(dims[: nd.value])
        return s

    @property
    def dtype(self) -> D.DType:
        """The element type (a tessera dtype object)."""
        try:
            return self._dtype
        except AttributeError:
            pass
        code = ctypes.c_int()
        st = lib.tsr_tensor_dtype(self._live(), _byref(code))
        if st:
            _fail(st, self)
        d = self._dtype = D.from_code(code.value)
        return d

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        """Number of elements."""
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def device(self) -> Device:
        """The device the tensor lives on."""
        return self._ctx.device

    @property
    def context(self) -> Context:
        """The context the tensor belongs to."""
        return self._ctx

    @property
    def strides(self) -> tuple:
        """Strides in elements (0 on broadcast axes, negative after reversed slicing)."""
        out = (ctypes.c_int64 * N.TSR_MAX_DIMS)()
        st = lib.tsr_tensor_strides(self.handle, out)
        if st:
            _fail(st, self)
        return tuple(out[: self.ndim])

    @property
    def data_ptr(self) -> int:
        """Address of element 0 (a host or device pointer)."""
        p = ctypes.c_void_p()
        st = lib.tsr_tensor_data_pointer(self.handle, _byref(p))
        if st:
            _fail(st, self)
        return p.value or 0

    def is_contiguous(self) -> bool:
        out = ctypes.c_int32()
        st = lib.tsr_tensor_is_contiguous(self.handle, _byref(out))
        if st:
            _fail(st, self)
        return bool(out.value)

    @property
    def readonly(self) -> bool:
        """True for imports of read-only DLPack tensors: Python refuses to write into them."""
        return bool(_get_flags(self) & _F_READONLY)

    # ---- conversions ---------------------------------------------------------------
    def astype(self, dtype: D.DTypeLike, *, copy: bool = True) -> "Tensor":
        """This tensor converted to `dtype` (float to int truncates toward zero and saturates)."""
        return astype(self, dtype, copy=copy)

    def copy(self) -> "Tensor":
        """A new contiguous tensor with the same values, dtype and context."""
        return astype(self, self.dtype, copy=True)

    def contiguous(self) -> "Tensor":
        """This tensor's data in C order: a new reference to it when already contiguous."""
        out = _Out()
        st = lib.tsr_tensor_contiguous(self._h, None, _byref(out))
        if st:
            _fail(st, self)
        return _view_of(self, out)

    def to_device(self, device: Union[str, Device, Context], /, *,
                  stream: Optional[Stream] = None) -> "Tensor":
        """A copy in `device`'s default context (or in a given Context); self when already there."""
        ctx = context_for(device)
        if ctx is self._ctx:
            return self
        out = _Out()
        st = lib.tsr_tensor_to_context(self._h, ctx.handle, _stream(stream), _byref(out))
        if st:
            _fail(st, self)
        return _make(out, ctx)

    def to_numpy(self, *, stream: Optional[Stream] = None):
        """A NumPy copy of the values (any device, any layout); waits only for `stream`.

        bfloat16 needs the ml_dtypes package.
        """
        import numpy as np
        arr = np.empty(self.shape, dtype=D.numpy_dtype(self.dtype))
        st = lib.tsr_tensor_to_host(self.handle, arr.ctypes.data_as(ctypes.c_void_p), arr.nbytes,
                                    _stream(stream))
        if st:
            _fail(st, self)
        return arr

    def tolist(self) -> Any:
        """The values as (nested) Python lists of bool, int or float; waits for the data."""
        return _interop.to_list(self)

    def item(self) -> Union[bool, int, float]:
        """The value of a one-element tensor as a Python scalar."""
        if self.size != 1:
            raise ValueError(f"item() needs exactly one element, the tensor has shape {self.shape}")
        v = _interop.to_list(self.reshape(()) if self.ndim else self)
        return v

    def reshape(self, *shape: Any) -> "Tensor":
        """A view with a new shape when the layout allows, else a copy (one -1 is inferred)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        out = _Out()
        st = lib.tsr_tensor_reshape(self._h, _shape_array(shape), len(shape), _byref(out))
        if st:
            _fail(st, self)
        return _view_of(self, out)

    def permute(self, *axes: int) -> "Tensor":
        """A view with the axes reordered."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        out = _Out()
        arr = (ctypes.c_int32 * len(axes))(*axes)
        st = lib.tsr_tensor_permute(self._h, arr, len(axes), _byref(out))
        if st:
            _fail(st, self)
        return _view_of(self, out)

    def transpose(self, axis0: int = -2, axis1: int = -1) -> "Tensor":
        """A view with two axes swapped (the last two by default)."""
        out = _Out()
        st = lib.tsr_tensor_transpose(self._h, axis0, axis1, _byref(out))
        if st:
            _fail(st, self)
        return _view_of(self, out)

    @property
    def T(self) -> "Tensor":
        """The transpose of a 2-D tensor (a view)."""
        if self.ndim != 2:
            raise ValueError(f"T is defined for 2-D tensors; this one has {self.ndim} dimensions "
                             "(use mT or permute_dims)")
        return self.transpose(0, 1)

    @property
    def mT(self) -> "Tensor":
        """The transpose of the last two axes (a view)."""
        if self.ndim < 2:
            raise ValueError(f"mT needs at least 2 dimensions, this tensor has {self.ndim}")
        return self.transpose(-2, -1)

    def to_device_of(self, other: "Tensor") -> "Tensor":
        return self.to_device(other._ctx)

    # ---- Python protocols ----------------------------------------------------------
    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self.shape[0]):
            yield self[i]

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             "use tessera.any or tessera.all")
        return bool(self.item())

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __index__(self) -> int:
        if not D.is_int(self.dtype):
            raise TypeError(f"only integer tensors can be used as an index, not {self.dtype}")
        return int(self._scalar("index"))

    def _scalar(self, what: str) -> Any:
        if self.size != 1:
            raise TypeError(f"{what}() needs a one-element tensor, this one has shape {self.shape}")
        return self.item()

    def __repr__(self) -> str:
        if self._h is None:
            return "tessera.Tensor(<released>)"
        meta = f"dtype={self.dtype.name}, device={self.device}"
        if self.size > 64:
            return f"tessera.Tensor(shape={self.shape}, {meta})"
        fmt = _format_float if D.is_float(self.dtype) else repr
        return f"tessera.Tensor({_format_nested(self.tolist(), fmt)}, {meta})"

    __str__ = __repr__
    __hash__ = None  # == is elementwise

    def __getitem__(self, key: Any) -> "Tensor":
        return _indexing.getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        _indexing.setitem(self, key, value)

    # ---- interchange -----------------------------------------------------------------
    def __array_namespace__(self, /, *, api_version: Optional[str] = None):
        if api_version not in (None, "2021.12", "2022.12", "2023.12"):
            raise ValueError(f"unsupported Array API version {api_version!r}; tessera implements 2023.12")
        import tessera
        return tessera

    def __dlpack__(self, /, *, stream: Any = None, max_version: Optional[tuple] = None,
                   dl_device: Optional[tuple] = None, copy: Optional[bool] = None):
        """A DLPack capsule sharing this tensor's memory (versioned when max_version >= (1, 0))."""
        return _interop.to_dlpack_capsule(self, stream, max_version, dl_device, copy)

    def __dlpack_device__(self) -> tuple:
        """(DLPack device type, device id): (1, 0) for the CPU, (2, n) for CUDA device n."""
        return _interop.dlpack_device(self)

    @property
    def __array_interface__(self) -> dict:
        return _interop.array_interface(self)

    @property
    def __cuda_array_interface__(self) -> dict:
        return _interop.cuda_array_interface(self)

    def __array__(self, dtype: Any = None, copy: Optional[bool] = None):
        return _interop.to_numpy_array(self, dtype, copy)

    # ---- arithmetic, comparisons, bitwise: see _install_operators below ----------------
    def __matmul__(self, o):
        o = _as_operand(self, o)
        return NotImplemented if o is NotImplemented else matmul(self, o)

    def __rmatmul__(self, o):
        o = _as_operand(self, o)
        return NotImplemented if o is NotImplemented else matmul(o, self)

    def __lshift__(self, o): return _no_shift()
    __rlshift__ = __rshift__ = __rrshift__ = __ilshift__ = __irshift__ = __lshift__

    def __neg__(self): return unary(N.TSR_NEGATIVE, self)
    def __pos__(self): return self.copy()
    def __abs__(self): return unary(N.TSR_ABS, self)

    def __invert__(self):
        return _elementwise.bitwise_invert(self)


def _operator(op: int, name: str):
    """x <op> y: the hot path inlined (one C call, no argtypes conversion), else the general
    path for scalars and foreign arrays."""
    def method(self, other):
        if type(other) is Tensor:
            out = _Out()
            st = _c_binary(op, self._h, other._h, None, _byref(out))
            if st:
                _fail(st, self, other)
            t = _new(Tensor)
            t._h = out
            t._ctx = self._ctx
            return t
        return _binop_other(op, self, other, False)
    method.__name__ = method.__qualname__ = name
    return method


def _reflected(op: int, name: str):
    def method(self, other):
        return _binop_other(op, self, other, True)
    method.__name__ = method.__qualname__ = name
    return method


def _in_place(op: int, name: str):
    def method(self, other):
        return _inplace(op, self, other)
    method.__name__ = method.__qualname__ = name
    return method


def _install_operators() -> None:
    binary_ops = {"add": N.TSR_ADD, "sub": N.TSR_SUBTRACT, "mul": N.TSR_MULTIPLY,
                  "truediv": N.TSR_DIVIDE, "floordiv": N.TSR_FLOOR_DIVIDE, "mod": N.TSR_REMAINDER,
                  "pow": N.TSR_POW, "and": N.TSR_BITWISE_AND, "or": N.TSR_BITWISE_OR,
                  "xor": N.TSR_BITWISE_XOR}
    for name, op in binary_ops.items():
        setattr(Tensor, f"__{name}__", _operator(op, f"__{name}__"))
        setattr(Tensor, f"__r{name}__", _reflected(op, f"__r{name}__"))
        setattr(Tensor, f"__i{name}__", _in_place(op, f"__i{name}__"))
    # Comparisons have no reflected forms: Python swaps them itself (5 < t is t > 5).
    comparisons = {"eq": N.TSR_EQUAL, "ne": N.TSR_NOT_EQUAL, "lt": N.TSR_LESS,
                   "le": N.TSR_LESS_EQUAL, "gt": N.TSR_GREATER, "ge": N.TSR_GREATER_EQUAL}
    for name, op in comparisons.items():
        setattr(Tensor, f"__{name}__", _operator(op, f"__{name}__"))


def _no_shift():
    raise NotImplementedError("bitwise shifts are not implemented by Tessera yet "
                              "(the library has no shift kernels)")


def _format_float(v: float) -> str:
    s = format(v, ".6g")
    return s if any(c in s for c in ".ena") else s + "."  # 1. like NumPy; nan, inf as is


def _format_nested(v: Any, fmt) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_format_nested(x, fmt) for x in v) + "]"
    return fmt(v)


def _stream(stream: Optional[Stream]) -> Optional[int]:
    return stream.handle if stream is not None else None


# ---- op helpers shared by the namespace modules ------------------------------------

def unary(op: int, x: Tensor) -> Tensor:
    out = _Out()
    st = _c_unary(op, x._h, None, _byref(out))
    if st:
        _fail(st, x)
    return _make(out, x._ctx)


def binary(op: int, a: Tensor, b: Tensor) -> Tensor:
    out = _Out()
    st = _c_binary(op, a._h, b._h, None, _byref(out))
    if st:
        _fail(st, a, b)
    return _make(out, a._ctx)


def astype(x: Tensor, dtype: D.DTypeLike, /, *, copy: bool = True,
           device: Any = None) -> Tensor:
    """Array API astype: a converted copy; x itself when copy=False and nothing changes."""
    d = D.to_dtype(dtype)
    if device is not None and context_for(device) is not x._ctx:
        x = x.to_device(device)
        copy = False
    if not copy and d is x.dtype:
        return x
    out = _Out()
    st = lib.tsr_astype(x._h, d.code, None, _byref(out))
    if st:
        _fail(st, x)
    return _make(out, x._ctx)


def scalar_tensor(value: Union[bool, int, float], dtype: D.DType, ctx: Context) -> Tensor:
    """A 0-d tensor holding `value` exactly (used where a double would round it)."""
    if D.is_int(dtype):
        info = D.iinfo(dtype)
        if not info.min <= value <= info.max:
            raise OverflowError(f"{value} does not fit in {dtype.name} "
                                f"[{info.min}, {info.max}]")
    build = dtype if dtype in D.CTYPE else D.float32
    buf = D.CTYPE[build](value)
    out = _Out()
    st = lib.tsr_tensor_from_host(ctx.handle, _byref(buf), ctypes.sizeof(buf), None, 0,
                                  build.code, None, _byref(out))
    if st:
        _fail(st)
    t = _make(out, ctx)
    return t if build is dtype else astype(t, dtype)


def _as_operand(a: Tensor, o: Any) -> Any:
    """A Tensor for the other operand of an operator, or NotImplemented."""
    if isinstance(o, Tensor):
        return o
    if hasattr(o, "__dlpack__") or hasattr(o, "__array_interface__"):
        return _creation.asarray(o, device=a._ctx)
    return NotImplemented


def _binop(op: int, a: Tensor, b: Any) -> Any:
    if type(b) is Tensor:
        out = _Out()
        st = _c_binary(op, a._h, b._h, None, _byref(out))
        if st:
            _fail(st, a, b)
        return _make(out, a._ctx)
    return _binop_other(op, a, b, False)


def _binop_other(op: int, a: Tensor, b: Any, reflected: bool) -> Any:
    if isinstance(b, (bool, int, float)):
        return _scalar_op(op, a, b, reflected)
    if isinstance(b, complex):
        raise TypeError("complex scalars are not supported: Tessera has no complex dtypes")
    o = _as_operand(a, b)
    if o is NotImplemented:
        return NotImplemented
    return binary(op, o, a) if reflected else binary(op, a, o)


def _scalar_op(op: int, a: Tensor, s: Union[bool, int, float], reflected: bool) -> Tensor:
    """a op s (or s op a) with the Array API's weak-scalar rules, made value-independent.

    bool and int scalars take a's dtype (an int that does not fit raises
    OverflowError; one beyond 2**53 is passed exactly as a 0-d tensor). A float
    scalar with an integer or bool tensor computes in the default float dtype
    (float32); comparisons are exact.
    """
    dt = a.dtype
    if isinstance(s, float):
        if dt.kind != "f" and op not in _LOGICAL:
            if op in _COMPARISONS:
                # Exact: an integral value in range compares in a's own dtype, anything
                # else in float64 (C compares non-integral scalars in float64 already).
                if s.is_integer() and dt.kind != "b":
                    info = D.iinfo(dt)
                    if not info.min <= s <= info.max:
                        a = astype(a, D.float64)
            else:
                a = astype(a, D.DEFAULT_FLOAT)
        value = s
    elif isinstance(s, bool):
        value = 1.0 if s else 0.0
    else:
        if dt.kind in "iu":
            info = D.iinfo(dt)
            if not info.min <= s <= info.max:
                raise OverflowError(f"Python int {s} does not fit in the tensor's dtype "
                                    f"{dt.name} [{info.min}, {info.max}]")
            if abs(s) > _EXACT_IN_DOUBLE:
                b = scalar_tensor(s, dt, a._ctx)
                return binary(op, b, a) if reflected else binary(op, a, b)
        elif dt.kind == "b":
            if op in _BITWISE and s not in (0, 1):
                a = astype(a, D.DEFAULT_INT)
            if abs(s) > _EXACT_IN_DOUBLE:
                b = scalar_tensor(s, D.DEFAULT_INT, a._ctx)
                return binary(op, b, a) if reflected else binary(op, a, b)
        value = float(s)
    out = _Out()
    st = _c_binary_scalar(op, a._h, _c_double(value), 1 if reflected else 0, None, _byref(out))
    if st:
        _fail(st, a)
    return _make(out, a._ctx)


def check_writable(t: Tensor) -> None:
    if _get_flags(t) & _F_READONLY:
        raise ValueError("this tensor imports a read-only DLPack buffer; Tessera will not write "
                         "into it (make a copy with .copy())")


def _inplace(op: int, a: Tensor, b: Any) -> Tensor:
    """a op= b: the result is written into a (its dtype and shape must not change)."""
    check_writable(a)
    if isinstance(b, (bool, int, float)):
        dt = a.dtype
        direct = dt.kind == "f" or (
            dt.kind in "iu" and isinstance(b, int) and not isinstance(b, bool)
            and D.iinfo(dt).min <= b <= D.iinfo(dt).max and abs(b) <= _EXACT_IN_DOUBLE)
        if direct:
            # *out = a (non-null): the op writes into a and leaves *out as it is.
            st = _c_binary_scalar(op, a._h, _c_double(b), 0, None, _byref(a._live()))
            if st:
                _fail(st, a)
            return a
        result = _scalar_op(op, a, b, False)
    else:
        o = _as_operand(a, b)
        if o is NotImplemented:
            return NotImplemented
        if o is a or not _indexing.may_overlap(a, o):
            st = _c_binary(op, a._h, o._live(), None, _byref(a._live()))
            if st:
                _fail(st, a, o)
            return a
        result = binary(op, a, o)  # o aliases a in another layout: compute apart first
    if result.dtype is not a.dtype or result.shape != a.shape:
        raise TypeError(f"in-place operation would change the tensor from {a.dtype.name}"
                        f"{list(a.shape)} to {result.dtype.name}{list(result.shape)}")
    st = lib.tsr_tensor_copy(a._h, result._h, None)
    if st:
        _fail(st, a)
    return a


def matmul(a: Tensor, b: Tensor, /) -> Tensor:
    """Matrix product with the Array API rules (1-D operands promoted, batch axes broadcast)."""
    out = _Out()
    st = lib.tsr_matmul(a._h, b._h, 0, 0, 1.0, 0.0, None, _byref(out))
    if st:
        _fail(st, a, b)
    return _make(out, a._ctx)


_install_operators()

# Modules that build on Tensor (imported last: they import this one).
from . import _creation, _elementwise, _indexing, _interop  # noqa: E402
