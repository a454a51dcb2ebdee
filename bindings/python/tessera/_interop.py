"""Zero-copy interchange: DLPack (both directions), __array_interface__ and
__cuda_array_interface__, and host copies (tolist, __array__).

Synchronization: ops are asynchronous, so before handing memory to another
library the producer's queued work must be done. Exports wait for the
tensor's context (all its streams) unless the consumer passes stream=-1 to
__dlpack__ ("no synchronization"). Imports need no wait on the Tessera side.

Capsules follow the DLPack Python specification: "dltensor" (legacy
DLManagedTensor) or "dltensor_versioned" (DLManagedTensorVersioned, when the
consumer's max_version is at least (1, 0)); a consumer renames them "used_..."
and becomes responsible for calling the deleter. An unconsumed capsule calls
the deleter when it is collected.
"""
from __future__ import annotations

import ctypes
from typing import Any, Optional

from . import _dtypes as D
from . import _native as N
from ._devices import Context, context_for
from ._loader import lib
from ._tensor import _F_EXPORTED, _F_READONLY, Tensor, _fail, _get_flags, _make, _Out, astype

# ---- the DLPack ABI (the C side is src/core/dlpack_abi.h) ---------------------------
kDLCPU, kDLCUDA, kDLCUDAHost, kDLOpenCL, kDLROCM = 1, 2, 3, 4, 10
_FLAG_READ_ONLY = 1 << 0
_FLAG_IS_COPIED = 1 << 1
_DLPACK_VERSION = (1, 0)  # what tsr_tensor_to_dlpack writes into versioned tensors

_Deleter = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class _DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device_type", ctypes.c_int32),
                ("device_id", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16),
                ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)), ("byte_offset", ctypes.c_uint64)]


class _DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", _DLTensor), ("manager_ctx", ctypes.c_void_p),
                ("deleter", _Deleter)]


class _DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32),
                ("manager_ctx", ctypes.c_void_p), ("deleter", _Deleter),
                ("flags", ctypes.c_uint64), ("dl_tensor", _DLTensor)]


assert ctypes.sizeof(_DLManagedTensor) == 64 and ctypes.sizeof(_DLManagedTensorVersioned) == 80

# ---- PyCapsule through the C API --------------------------------------------------------
# Capsules keep a pointer to their name, so names live in buffers that are never freed.
_NAME_LEGACY = ctypes.create_string_buffer(b"dltensor")
_NAME_VERSIONED = ctypes.create_string_buffer(b"dltensor_versioned")
_NAME_USED_LEGACY = ctypes.create_string_buffer(b"used_dltensor")
_NAME_USED_VERSIONED = ctypes.create_string_buffer(b"used_dltensor_versioned")


def _capi(name: str, restype: Any, *argtypes: Any) -> Any:
    # A private prototype per use: ctypes.pythonapi's shared function objects may be
    # reconfigured by other libraries.
    return ctypes.PYFUNCTYPE(restype, *argtypes)((name, ctypes.pythonapi))


_PyCapsule_New = _capi("PyCapsule_New", ctypes.py_object, ctypes.c_void_p, ctypes.c_void_p,
                       ctypes.c_void_p)
_PyCapsule_IsValid = _capi("PyCapsule_IsValid", ctypes.c_int, ctypes.py_object, ctypes.c_void_p)
_PyCapsule_GetPointer = _capi("PyCapsule_GetPointer", ctypes.c_void_p, ctypes.py_object,
                              ctypes.c_void_p)
_PyCapsule_SetName = _capi("PyCapsule_SetName", ctypes.c_int, ctypes.py_object, ctypes.c_void_p)
# Raw-pointer versions for the destructor, which runs while the capsule is being
# freed and so must never touch it as a Python object (no reference counting).
_raw_IsValid = _capi("PyCapsule_IsValid", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_raw_GetPointer = _capi("PyCapsule_GetPointer", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


def _call_deleter(managed: int, versioned: bool) -> None:
    cls = _DLManagedTensorVersioned if versioned else _DLManagedTensor
    m = cls.from_address(managed)
    if m.deleter:
        m.deleter(managed)


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _capsule_destructor(capsule: int) -> None:
    # Still named "dltensor[_versioned]": nobody consumed it, so the export is ours to free.
    if _raw_IsValid(capsule, ctypes.addressof(_NAME_VERSIONED)):
        _call_deleter(_raw_GetPointer(capsule, ctypes.addressof(_NAME_VERSIONED)), True)
    elif _raw_IsValid(capsule, ctypes.addressof(_NAME_LEGACY)):
        _call_deleter(_raw_GetPointer(capsule, ctypes.addressof(_NAME_LEGACY)), False)


# Capsules may outlive this module during interpreter shutdown: keep the destructor,
# the names and the helpers it calls alive forever.
_KEEP_FOREVER = (_capsule_destructor, _NAME_LEGACY, _NAME_VERSIONED, _NAME_USED_LEGACY,
                 _NAME_USED_VERSIONED, _raw_IsValid, _raw_GetPointer, _call_deleter,
                 _DLManagedTensor, _DLManagedTensorVersioned)
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_KEEP_FOREVER))
_DESTRUCTOR_ADDRESS = ctypes.cast(_capsule_destructor, ctypes.c_void_p).value


# ---- export ----------------------------------------------------------------------------

def dlpack_device(t: Tensor) -> tuple:
    kind, dev_id = ctypes.c_int32(), ctypes.c_int32()
    st = lib.tsr_tensor_dlpack_device(t.handle, ctypes.byref(kind), ctypes.byref(dev_id))
    if st:
        _fail(st, t)
    return (kind.value, dev_id.value)


def _wait_for_producer(t: Tensor, device_type: int, stream: Any) -> None:
    """Order the tensor's queued work before the consumer's reads (DLPack stream rules)."""
    if device_type in (kDLCPU, kDLCUDAHost):
        if stream is not None and stream != -1:
            raise ValueError(f"stream={stream!r} given for a host tensor: DLPack consumers pass "
                             "None (or -1) for CPU memory")
    elif stream == 0:
        raise ValueError("stream=0 is ambiguous in DLPack; use 1 (legacy default stream), "
                         "2 (per-thread default stream) or the stream's handle")
    if stream == -1:
        return  # the consumer asked for no synchronization
    # A context-wide wait covers work queued on any of the context's streams.
    t._ctx.synchronize()


def to_dlpack_capsule(t: Tensor, stream: Any, max_version: Optional[tuple], dl_device: Any,
                      copy: Optional[bool]) -> Any:
    own = dlpack_device(t)
    src, copied = t, False
    if dl_device is not None and tuple(dl_device) != own:
        if copy is False:
            raise BufferError(f"the tensor is on DLPack device {own}; exporting to {tuple(dl_device)} "
                              "needs a copy but copy=False")
        if tuple(dl_device)[0] != kDLCPU:
            raise BufferError(f"cannot export to DLPack device {tuple(dl_device)}: Tessera copies "
                              "across devices only to the CPU here")
        src, copied = t.to_device("cpu"), True
        own = dlpack_device(src)
    elif copy:
        src, copied = t.copy(), True
    _wait_for_producer(src, own[0], stream)
    versioned = max_version is not None and tuple(max_version)[0] >= 1
    managed = ctypes.c_void_p()
    st = lib.tsr_tensor_to_dlpack(src.handle, 1 if versioned else 0, ctypes.byref(managed))
    if st:
        _fail(st, src)
    if versioned and copied:
        _DLManagedTensorVersioned.from_address(managed.value).flags |= _FLAG_IS_COPIED
    name = _NAME_VERSIONED if versioned else _NAME_LEGACY
    try:
        return _PyCapsule_New(managed.value, ctypes.addressof(name), _DESTRUCTOR_ADDRESS)
    except BaseException:
        _call_deleter(managed.value, versioned)
        raise


# ---- import -----------------------------------------------------------------------------

def _context_for_dlpack_device(dev: tuple) -> Context:
    kind, dev_id = dev
    if kind in (kDLCPU, kDLCUDAHost):
        return context_for("cpu")
    if kind == kDLCUDA:
        return context_for(f"cuda:{dev_id}")
    if kind == kDLROCM:
        return context_for(f"hip:{dev_id}")
    raise BufferError(f"DLPack device type {kind} has no Tessera backend")


def _consumer_stream(ctx: Context, device_type: int) -> Any:
    """The stream argument a consumer on ctx passes to the producer's __dlpack__."""
    if device_type not in (kDLCUDA, kDLROCM):
        return None
    native = ctx.default_stream.native_handle
    return native if native else 1  # 1: the legacy default stream


def from_dlpack(x: Any, /, *, device: Any = None, copy: Optional[bool] = None) -> Tensor:
    """A Tensor sharing the memory of any DLPack producer (NumPy, PyTorch, CuPy, Tessera).

    The producer stays alive until the last tensor using its memory is
    released. ``device`` (a device, device string or Context) asks for another
    device, which needs a copy (not allowed with copy=False); copy=True always
    copies. Read-only producers (versioned DLPack) give tensors that Python
    refuses to write into.
    """
    if isinstance(x, Tensor):
        return _creation.asarray(x, device=device, copy=copy)
    if not hasattr(x, "__dlpack__") or not hasattr(x, "__dlpack_device__"):
        raise TypeError(f"{type(x).__name__} does not implement the DLPack protocol "
                        "(__dlpack__ and __dlpack_device__)")
    src_dev = tuple(x.__dlpack_device__())
    ctx = context_for(device) if device is not None else _context_for_dlpack_device(src_dev)
    kwargs: dict = {"max_version": _DLPACK_VERSION}
    stream = _consumer_stream(ctx, src_dev[0])
    if stream is not None:
        kwargs["stream"] = stream
    want_dev = _ctx_dlpack_device(ctx)
    if want_dev != src_dev:
        if copy is False:
            raise BufferError(f"the producer is on DLPack device {src_dev} but the target "
                              f"context is on {want_dev}; that needs a copy and copy=False")
        kwargs["dl_device"] = want_dev
        kwargs["copy"] = True
    try:
        capsule = x.__dlpack__(**kwargs)
    except TypeError:
        if "dl_device" in kwargs:
            raise BufferError(f"the producer ({type(x).__name__}) cannot move its data to "
                              f"DLPack device {want_dev} (it predates dl_device)") from None
        # A producer older than DLPack 1.0 in Python: no keyword but stream.
        capsule = x.__dlpack__(stream=stream) if stream is not None else x.__dlpack__()
    t = _import_capsule(capsule, ctx)
    if copy:
        c = t.copy()
        t.release()
        return c
    return t


_DLPACK_TYPE = {"cpu": kDLCPU, "cuda": kDLCUDA, "hip": kDLROCM, "opencl": kDLOpenCL}


def _ctx_dlpack_device(ctx: Context) -> tuple:
    """What tsr_tensor_dlpack_device reports for tensors of ctx (CPU id 0, GPU id = index)."""
    dev = ctx.device
    return (_DLPACK_TYPE[dev.kind], 0 if dev.kind == "cpu" else dev.index)


def _import_capsule(capsule: Any, ctx: Context) -> Tensor:
    if _PyCapsule_IsValid(capsule, ctypes.addressof(_NAME_VERSIONED)):
        versioned, name, used = 1, _NAME_VERSIONED, _NAME_USED_VERSIONED
    elif _PyCapsule_IsValid(capsule, ctypes.addressof(_NAME_LEGACY)):
        versioned, name, used = 0, _NAME_LEGACY, _NAME_USED_LEGACY
    else:
        raise BufferError("not a DLPack capsule, or one that was already consumed")
    managed = _PyCapsule_GetPointer(capsule, ctypes.addressof(name))
    readonly = versioned and bool(_DLManagedTensorVersioned.from_address(managed).flags
                                  & _FLAG_READ_ONLY)
    out = _Out()
    st = lib.tsr_tensor_from_dlpack(ctx.handle, managed, versioned, ctypes.byref(out))
    if st:
        _fail(st)  # the capsule still owns the producer's tensor and frees it
    # The library owns the managed tensor now: rename so the capsule's destructor skips it.
    _PyCapsule_SetName(capsule, ctypes.addressof(used))
    t = _make(out, ctx)
    if readonly:
        t._flags = _F_READONLY
    return t


# ---- array interfaces ------------------------------------------------------------------

def _interface(t: Tensor, device_type: int, what: str) -> dict:
    dev = dlpack_device(t)
    if dev[0] != device_type:
        raise AttributeError(f"{what} is only defined for tensors on "
                             f"{'the CPU' if device_type == kDLCPU else 'CUDA devices'}; this one "
                             f"is on {t.device} (use __dlpack__ or to_device)")
    if t.dtype not in D.TYPESTR:
        raise AttributeError(f"{what} has no type string for {t.dtype.name}; use __dlpack__ "
                             "(with ml_dtypes) or astype(tessera.float32)")
    t._ctx.synchronize()
    itemsize = t.itemsize
    shape = t.shape
    strides = None if t.is_contiguous() else tuple(s * itemsize for s in t.strides)
    ptr = t.data_ptr if t.size else 0
    return {"shape": shape, "typestr": D.TYPESTR[t.dtype], "data": (ptr, t.readonly),
            "strides": strides, "version": 3}


def array_interface(t: Tensor) -> dict:
    d = _interface(t, kDLCPU, "__array_interface__")
    t._flags = _get_flags(t) | _F_EXPORTED  # NumPy keeps t as the array's base: free only when collected
    return d


def cuda_array_interface(t: Tensor) -> dict:
    d = _interface(t, kDLCUDA, "__cuda_array_interface__")
    d["stream"] = None  # the context was synchronized above: nothing left to wait for
    return d


def to_numpy_array(t: Tensor, dtype: Any, copy: Optional[bool]):
    """__array__: a zero-copy view for host tensors (unless copy=True), else a copy."""
    import numpy as np
    host = dlpack_device(t)[0] == kDLCPU and t.dtype in D.TYPESTR
    if host and not copy:
        arr = np.asarray(_HostView(t))
    else:
        if copy is False:
            raise ValueError(f"a NumPy array of a tensor on {t.device} needs a copy, but copy=False")
        arr = t.to_numpy()
    if dtype is not None and arr.dtype != np.dtype(dtype):
        if copy is False:
            raise ValueError("converting the dtype needs a copy, but copy=False")
        arr = arr.astype(dtype)
    return arr


class _HostView:
    """Carries a tensor's __array_interface__ for np.asarray (keeps the tensor alive)."""

    __slots__ = ("tensor", "__array_interface__")

    def __init__(self, t: Tensor):
        self.tensor = t
        self.__array_interface__ = array_interface(t)


# ---- host values ---------------------------------------------------------------------------

def to_list(t: Tensor) -> Any:
    """Values as nested lists of Python scalars (0-d gives a scalar)."""
    src = t if t.dtype in D.CTYPE else astype(t, D.float32)
    ctype = D.CTYPE[src.dtype]
    n = src.size
    buf = (ctype * n)()
    st = lib.tsr_tensor_to_host(src.handle, buf, n * ctypes.sizeof(ctype), None)
    if st:
        _fail(st, src)
    flat = list(buf)
    shape = t.shape
    if not shape:
        return flat[0]

    def build(offset: int, axis: int) -> list:
        if axis == len(shape) - 1:
            return flat[offset:offset + shape[axis]]
        step = 1
        for d in shape[axis + 1:]:
            step *= d
        return [build(offset + i * step, axis + 1) for i in range(shape[axis])]

    return build(0, 0)


from . import _creation  # noqa: E402  (imports _tensor, which imports this module)
