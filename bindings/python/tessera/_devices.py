"""Devices, contexts, streams and events.

A Context owns one device's state (allocator, default stream, statistics).
Tensors belong to a context; ops need all operands in the same one. The
module keeps one default context per device, created on first use, and a
default device (the CPU unless changed with set_default_device).

Every object that holds a native handle frees it when collected, and also on
``close()`` / at the end of a ``with`` block; a closed object raises
ValueError when used, so a released handle never reaches the library.
"""
from __future__ import annotations

import ctypes
import threading
from typing import Any, Optional, Union

from . import _native as N
from ._errors import check
from ._loader import lib, raw_function

_KIND_NAMES = {N.TSR_DEVICE_CPU: "cpu", N.TSR_DEVICE_CUDA: "cuda", N.TSR_DEVICE_HIP: "hip",
               N.TSR_DEVICE_OPENCL: "opencl"}
_KIND_CODES = {v: k for k, v in _KIND_NAMES.items()}


class Device:
    """A device the library found (the CPU always, GPUs when their backend loaded).

    Compare with ``==``; ``str(device)`` is ``"cpu:0"``, ``"cuda:1"``, ...
    """

    __slots__ = ("kind", "index", "name", "total_memory", "compute_units",
                 "supports_float64", "supports_float16", "_handle")

    def __init__(self, handle: int):
        info = N.tsr_device_info()
        info.size = ctypes.sizeof(info)
        check(lib.tsr_device_get_info(handle, ctypes.byref(info)))
        self._handle = handle
        self.kind: str = _KIND_NAMES.get(info.kind, f"kind{info.kind}")
        self.index: int = info.index
        self.name: str = info.name.decode("utf-8", "replace")
        self.total_memory: int = info.total_memory
        self.compute_units: int = info.compute_units
        self.supports_float64: bool = bool(info.supports_float64)
        self.supports_float16: bool = bool(info.supports_float16)

    @property
    def free_memory(self) -> int:
        """Bytes free now, or -1 when the backend cannot tell."""
        info = N.tsr_device_info()
        info.size = ctypes.sizeof(info)
        check(lib.tsr_device_get_info(self._handle, ctypes.byref(info)))
        return info.free_memory

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and (self.kind, self.index) == (other.kind, other.index)

    def __hash__(self) -> int:
        return hash((self.kind, self.index))

    def __str__(self) -> str:
        return f"{self.kind}:{self.index}"

    def __repr__(self) -> str:
        return f"Device('{self.kind}', {self.index}, name={self.name!r})"


_devices_cache: Optional[list] = None


def devices() -> list:
    """Every device of every backend that loaded (the CPU first)."""
    global _devices_cache
    if _devices_cache is None:
        count = ctypes.c_int32()
        check(lib.tsr_device_count(ctypes.byref(count)))
        found = []
        for i in range(count.value):
            h = N.tsr_device()
            check(lib.tsr_device_get(i, ctypes.byref(h)))
            found.append(Device(h.value))
        _devices_cache = found
    return list(_devices_cache)


def backend_available(kind: str) -> tuple:
    """(available, reason) of a backend: "cpu", "cuda", "hip" or "opencl"."""
    if kind not in _KIND_CODES:
        raise ValueError(f"unknown backend {kind!r}; known: {', '.join(_KIND_CODES)}")
    ok, reason = ctypes.c_int32(), ctypes.c_char_p()
    check(lib.tsr_backend_available(_KIND_CODES[kind], ctypes.byref(ok), ctypes.byref(reason)))
    return bool(ok.value), (reason.value or b"").decode("utf-8", "replace")


def _split_device(spec: str) -> tuple:
    """("cuda", 1) from "cuda:1"; ValueError on bad syntax or an unknown kind."""
    kind, _, idx = spec.partition(":")
    kind = kind.strip().lower()
    try:
        index = int(idx) if idx else 0
    except ValueError:
        raise ValueError(f"bad device string {spec!r}: expected 'kind' or 'kind:index'") from None
    if kind not in _KIND_CODES:
        raise ValueError(f"unknown device kind {kind!r} in {spec!r}; known: {', '.join(_KIND_CODES)}")
    return kind, index


def _find_device(kind: str, index: int) -> Optional[Device]:
    for d in devices():
        if d.kind == kind and d.index == index:
            return d
    return None


def parse_device(spec: Union[str, Device]) -> Device:
    """A Device from "cpu", "cuda", "cuda:1", ... or a Device."""
    if isinstance(spec, Device):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"expected a device such as 'cpu' or 'cuda:0', got {spec!r}")
    kind, index = _split_device(spec)
    d = _find_device(kind, index)
    if d is not None:
        return d
    ok, reason = backend_available(kind)
    why = f" ({reason})" if not ok and reason else ""
    raise ValueError(f"no device {kind}:{index} here{why}; devices: "
                     + ", ".join(str(d) for d in devices()))


class _Handle:
    """Base of the handle owners: release on close(), on `with` exit and when collected."""

    __slots__ = ("_h", "__weakref__")
    _release_fn = None  # set by subclasses
    _what = "object"

    @property
    def handle(self) -> int:
        """The native handle value (raises ValueError once closed)."""
        h = self._h
        if not h:
            raise ValueError(f"this {self._what} was closed; its handle cannot be used")
        return h

    @property
    def closed(self) -> bool:
        return not self._h

    def close(self) -> None:
        """Release the native handle now (idempotent)."""
        h, self._h = self._h, None
        if h:
            type(self)._release_fn(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone
            pass


def _hot_calls(hold_gil: bool) -> tuple:
    return tuple(raw_function(name, restype, hold_gil=hold_gil)
                 for name, restype in (("tsr_unary", ctypes.c_int), ("tsr_binary", ctypes.c_int),
                                       ("tsr_binary_scalar", ctypes.c_int),
                                       ("tsr_tensor_release", None)))


# The entry points of the operators' hot path and of Tensor release, without argtypes
# (callers pass C-typed arguments), by "is the context on the CPU".
# - Other devices: the calls only queue work, free memory into the caching allocator or
#   destroy device-side objects (a GPU stream's destructor waits for the device, never
#   for a host thread), so they keep the GIL: releasing and re-taking it costs about 0.1
#   us per op. A producer's DLPack deleter, which may need the GIL, runs where the last
#   reference drops: on this thread, which holds the GIL already.
# - The CPU: an op may run inline on the calling thread for as long as the tensor needs,
#   and a release can destroy a closed context whose stream waits for its worker thread,
#   which may be inside a deleter that needs the GIL; so the GIL is released there, as
#   for every other call.
_HOT_CALLS = {True: _hot_calls(False), False: _hot_calls(True)}


class Context(_Handle):
    """A context on one device: memory, streams and statistics.

    ``Context()`` opens the CPU; ``Context("cuda:0")`` a GPU. Options:
    ``zero_on_allocate`` (fill new allocations with zeros), ``allow_tf32``,
    ``deterministic``, ``memory_quota`` (bytes; 0 = none),
    ``non_blocking_default_stream`` and ``submit_thread``.

    ``submit_thread`` (default: on for CUDA and HIP devices) gives the
    default stream a submission thread (TSR_STREAM_SUBMIT_THREAD): an op
    returns once queued and a native thread makes the driver call, so
    Python's own work per op overlaps the launch. Reading a result,
    synchronizing, DLPack and ``Stream.native_handle`` hand the queued work
    to the device first. Native work issued later on a native handle read
    earlier follows only the ops issued before that read (docs/python.md).
    The environment variable TESSERA_SUBMIT_THREAD=0 turns it off.
    """

    # _unary, _binary, _binary_scalar, _release_tensor: the entry points the operators
    # and Tensor release use for tensors of this context (see _HOT_CALLS).
    __slots__ = ("device", "_default_stream", "_unary", "_binary", "_binary_scalar",
                 "_release_tensor")
    _release_fn = staticmethod(lib.tsr_context_release)
    _what = "context"

    def __init__(self, device: Union[str, Device, None] = "cpu", *, zero_on_allocate: bool = False,
                 allow_tf32: bool = False, deterministic: bool = False, memory_quota: int = 0,
                 non_blocking_default_stream: bool = False,
                 submit_thread: Optional[bool] = None):
        self._h = None
        if isinstance(device, Device):
            kind, index = device.kind, device.index
        elif device is None or isinstance(device, str):
            kind, index = _split_device(device or "cpu")
        else:
            raise TypeError(f"expected a device such as 'cpu' or 'cuda:0', got {device!r}")
        o = N.tsr_context_options()
        o.size = ctypes.sizeof(o)
        o.device_kind = _KIND_CODES[kind]
        o.device_index = index
        o.flags = ((N.TSR_CONTEXT_ZERO_ON_ALLOCATE if zero_on_allocate else 0)
                   | (N.TSR_CONTEXT_ALLOW_TF32 if allow_tf32 else 0)
                   | (N.TSR_CONTEXT_DETERMINISTIC if deterministic else 0))
        if submit_thread is None:
            submit_thread = kind in ("cuda", "hip")
        o.default_stream_flags = ((N.TSR_STREAM_NON_BLOCKING if non_blocking_default_stream else 0)
                                  | (N.TSR_STREAM_SUBMIT_THREAD if submit_thread else 0))
        o.memory_quota = memory_quota
        h = N.tsr_context()
        # A missing device or driver is the library's to report (DeviceUnavailableError,
        # with its reason), so there is no Python-side pre-check here.
        check(lib.tsr_context_create(ctypes.byref(o), ctypes.byref(h)))
        self._h = h.value
        self.device: Device = _find_device(kind, index) or Device(self._device_handle())
        self._default_stream: Optional[Stream] = None
        (self._unary, self._binary, self._binary_scalar,
         self._release_tensor) = _HOT_CALLS[kind == "cpu"]

    def _device_handle(self) -> int:
        d = N.tsr_device()
        check(lib.tsr_context_get_device(self.handle, ctypes.byref(d)))
        return d.value

    def synchronize(self) -> None:
        """Wait for all work on all of this context's streams; raises the first async failure."""
        check(lib.tsr_context_synchronize(self.handle))

    @property
    def default_stream(self) -> "Stream":
        """The context's default stream (ops use it unless told otherwise)."""
        if self._default_stream is None:
            h = N.tsr_stream()
            check(lib.tsr_context_default_stream(self.handle, ctypes.byref(h)))
            self._default_stream = Stream._borrowed(h.value, self)
        return self._default_stream

    def stats(self) -> dict:
        """Allocator and activity counters (bytes_in_use, cache_hits, synchronizations, ...)."""
        s = N.tsr_stats()
        s.size = ctypes.sizeof(s)
        check(lib.tsr_context_get_stats(self.handle, ctypes.byref(s)))
        return {name: getattr(s, name) for name, *_ in N.tsr_stats._fields_ if name != "size"}

    def reset_stats(self) -> None:
        """Zero the counters and set the peak to the bytes in use now."""
        check(lib.tsr_context_reset_stats(self.handle))

    def trim(self) -> None:
        """Return cached, unused memory blocks to the device."""
        check(lib.tsr_context_trim(self.handle))

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"0x{self._h:x}"
        return f"<tessera.Context on {self.device} ({state})>"


class Stream(_Handle):
    """An in-order queue of work on a context's device.

    ``Stream(ctx)`` creates one; ``ctx.default_stream`` is the context's own
    (borrowed: closing it does nothing). Use as ``with Stream(ctx) as s:`` to
    release it at the end of the block (queued work still completes).
    """

    __slots__ = ("context", "_owned")
    _release_fn = staticmethod(lib.tsr_stream_release)
    _what = "stream"

    def __init__(self, context: Optional[Context] = None, *, non_blocking: bool = False,
                 submit_thread: Optional[bool] = None):
        self._h = None
        ctx = context if context is not None else default_context()
        if submit_thread is None:
            submit_thread = ctx.device.kind in ("cuda", "hip")
        flags = ((N.TSR_STREAM_NON_BLOCKING if non_blocking else 0)
                 | (N.TSR_STREAM_SUBMIT_THREAD if submit_thread else 0))
        h = N.tsr_stream()
        check(lib.tsr_stream_create(ctx.handle, flags, ctypes.byref(h)))
        self._h = h.value
        self.context: Context = ctx
        self._owned = True

    @classmethod
    def _borrowed(cls, handle: int, ctx: Context) -> "Stream":
        s = cls.__new__(cls)
        s._h, s.context, s._owned = handle, ctx, False
        return s

    @classmethod
    def wrap_native(cls, native: int, context: Context) -> "Stream":
        """Wrap a caller's cudaStream_t / hipStream_t / cl_command_queue (never destroyed by Tessera)."""
        h = N.tsr_stream()
        check(lib.tsr_stream_wrap_native(context.handle, ctypes.c_void_p(native), ctypes.byref(h)))
        s = cls.__new__(cls)
        s._h, s.context, s._owned = h.value, context, True
        return s

    def close(self) -> None:
        if self._owned:
            super().close()

    @property
    def native_handle(self) -> int:
        """The backend's stream (cudaStream_t, ...) as an int; 0 on the CPU."""
        out = ctypes.c_void_p()
        check(lib.tsr_stream_native_handle(self.handle, ctypes.byref(out)))
        return out.value or 0

    def synchronize(self) -> None:
        """Wait for the work queued on this stream; raises its first async failure."""
        check(lib.tsr_stream_synchronize(self.handle))

    def query(self) -> bool:
        """True when all queued work is done (never blocks)."""
        done = ctypes.c_int32()
        check(lib.tsr_stream_query(self.handle, ctypes.byref(done)))
        return bool(done.value)

    def wait_event(self, event: "Event") -> None:
        """Make later work on this stream wait for the event's last record."""
        check(lib.tsr_stream_wait_event(self.handle, event.handle))

    def record_event(self, event: Optional["Event"] = None) -> "Event":
        """Record `event` (a new one when None) at the current end of this stream."""
        ev = event if event is not None else Event(self.context)
        ev.record(self)
        return ev

    def __repr__(self) -> str:
        kind = "default " if not self._owned else ""
        return f"<tessera.Stream {kind}on {self.context.device}>"


class Event(_Handle):
    """A marker in a stream, for waits across streams and timing.

    ``with Event(ctx) as e:`` releases it at the end of the block.
    """

    __slots__ = ("context",)
    _release_fn = staticmethod(lib.tsr_event_release)
    _what = "event"

    def __init__(self, context: Optional[Context] = None):
        self._h = None
        ctx = context if context is not None else default_context()
        h = N.tsr_event()
        check(lib.tsr_event_create(ctx.handle, ctypes.byref(h)))
        self._h = h.value
        self.context: Context = ctx

    def record(self, stream: Optional[Stream] = None) -> None:
        """Record at the end of `stream` (the context's default stream when None)."""
        check(lib.tsr_event_record(self.handle, stream.handle if stream is not None else None))

    def synchronize(self) -> None:
        """Block until the last record has completed."""
        check(lib.tsr_event_synchronize(self.handle))

    def query(self) -> bool:
        """True when the last record has completed (or there was none)."""
        done = ctypes.c_int32()
        check(lib.tsr_event_query(self.handle, ctypes.byref(done)))
        return bool(done.value)

    def elapsed_time(self, end: "Event") -> float:
        """Milliseconds from this event's record to `end`'s (both completed)."""
        ms = ctypes.c_float()
        check(lib.tsr_event_elapsed_ms(self.handle, end.handle, ctypes.byref(ms)))
        return ms.value

    def __repr__(self) -> str:
        return f"<tessera.Event on {self.context.device}>"


# ---- module defaults -------------------------------------------------------------

_lock = threading.Lock()
_contexts: dict = {}           # Device -> its default Context
_default_device: Optional[Device] = None


def context_for(device: Union[str, Device, Context, None]) -> Context:
    """The context an op or creation function uses for a `device=` argument.

    A Context is used as is; a Device or device string gets that device's
    default context; None the default device's.
    """
    if isinstance(device, Context):
        return device
    dev = parse_device(device) if device is not None else get_default_device()
    ctx = _contexts.get(dev)
    if ctx is None:
        with _lock:
            ctx = _contexts.get(dev)
            if ctx is None:
                ctx = _contexts[dev] = Context(dev)
    return ctx


def default_context() -> Context:
    """The default device's default context (the CPU's unless set_default_device was called)."""
    return context_for(None)


def get_default_device() -> Device:
    """The device creation functions use when given none (the CPU unless changed)."""
    return _default_device if _default_device is not None else devices()[0]


def set_default_device(device: Union[str, Device, Context, None]) -> None:
    """Make `device` the default for creation functions (None restores the CPU).

    A Context becomes its device's default context too.
    """
    global _default_device
    if device is None:
        _default_device = None
        return
    if isinstance(device, Context):
        _contexts[device.device] = device
        _default_device = device.device
        return
    _default_device = parse_device(device)


def stats(context: Optional[Context] = None) -> dict:
    """Statistics of `context` (the default context when None); see Context.stats."""
    return (context if context is not None else default_context()).stats()
