"""Exceptions: every non-OK tsr_status becomes one, with the status name and
the library's per-thread message (which names the C function, the op and the
shapes involved).

Classes follow the status ranges (1xx argument, 2xx shape/dtype, 3xx memory,
4xx device, 5xx backend, 6xx unsupported, 9xx internal), and each concrete
class also derives from the built-in exception that fits, so generic code
catching ValueError, TypeError, IndexError, MemoryError, OverflowError or
NotImplementedError keeps working.
"""
from __future__ import annotations

from . import _native as N
from ._loader import lib


class TesseraError(Exception):
    """A failure reported by the Tessera library.

    Attributes: ``status`` (the numeric tsr_status), ``status_name`` (e.g.
    ``"TSR_ERROR_SHAPE_MISMATCH"``) and ``message`` (the native message).
    """

    status: int = -1

    def __init__(self, status: int, message: str, status_name: str | None = None):
        self.status = status
        self.status_name = status_name or _status_name(status)
        self.message = message
        super().__init__(f"{self.status_name}: {message}")


# ---- one class per status range --------------------------------------------
class ArgumentError(TesseraError):
    """1xx: an argument is invalid."""


class ShapeDTypeError(TesseraError):
    """2xx: shapes or dtypes do not fit the op."""


class TesseraMemoryError(TesseraError):
    """3xx: an allocation failed or a size overflowed."""


class DeviceError(TesseraError):
    """4xx: a device is missing or operands are on different devices/contexts."""


class BackendError(TesseraError):
    """5xx: the backend library (CUDA, OpenCL, BLAS, ...) reported a failure."""


class UnsupportedError(TesseraError, NotImplementedError):
    """6xx: the op, dtype or feature is not supported by this backend."""


class InternalError(TesseraError):
    """9xx: a bug in Tessera; please report it with the message."""


# ---- one class per status ---------------------------------------------------
class InvalidArgumentError(ArgumentError, ValueError):
    """TSR_ERROR_INVALID_ARGUMENT: a value is out of its allowed set."""


class InvalidHandleError(ArgumentError, ValueError):
    """TSR_ERROR_INVALID_HANDLE: a null, released or wrong-kind handle (e.g. a released tensor)."""


class NullPointerError(ArgumentError, ValueError):
    """TSR_ERROR_NULL_POINTER: a required pointer was null."""


class OutOfRangeError(ArgumentError, IndexError):
    """TSR_ERROR_OUT_OF_RANGE: an index or axis is out of range."""


class ShapeMismatchError(ShapeDTypeError, ValueError):
    """TSR_ERROR_SHAPE_MISMATCH: shapes do not broadcast or do not match."""


class DTypeMismatchError(ShapeDTypeError, TypeError):
    """TSR_ERROR_DTYPE_MISMATCH: dtypes have no common type or are not allowed."""


class InvalidShapeError(ShapeDTypeError, ValueError):
    """TSR_ERROR_INVALID_SHAPE: a negative dimension or an impossible view."""


class TooManyDimsError(ShapeDTypeError, ValueError):
    """TSR_ERROR_TOO_MANY_DIMS: more dimensions than the library supports (8)."""


class OutOfMemoryError(TesseraMemoryError, MemoryError):
    """TSR_ERROR_OUT_OF_MEMORY: the device could not allocate, even after trimming its cache."""


class QuotaExceededError(TesseraMemoryError, MemoryError):
    """TSR_ERROR_QUOTA_EXCEEDED: the context's memory quota would be exceeded."""


class SizeOverflowError(TesseraMemoryError, OverflowError):
    """TSR_ERROR_SIZE_OVERFLOW: an element or byte count overflows int64."""


class DeviceUnavailableError(DeviceError, RuntimeError):
    """TSR_ERROR_DEVICE_UNAVAILABLE: no such device, or its driver is missing."""


class DeviceMismatchError(DeviceError, ValueError):
    """TSR_ERROR_DEVICE_MISMATCH: operands live in different contexts or devices."""


class BackendFailureError(BackendError, RuntimeError):
    """TSR_ERROR_BACKEND: the backend library reported a failure."""


class AsyncError(BackendError, RuntimeError):
    """TSR_ERROR_ASYNC: an earlier asynchronous op failed on this stream (named in the message)."""


_BY_STATUS: dict[int, type[TesseraError]] = {
    N.TSR_ERROR_INVALID_ARGUMENT: InvalidArgumentError,
    N.TSR_ERROR_INVALID_HANDLE: InvalidHandleError,
    N.TSR_ERROR_NULL_POINTER: NullPointerError,
    N.TSR_ERROR_OUT_OF_RANGE: OutOfRangeError,
    N.TSR_ERROR_SHAPE_MISMATCH: ShapeMismatchError,
    N.TSR_ERROR_DTYPE_MISMATCH: DTypeMismatchError,
    N.TSR_ERROR_INVALID_SHAPE: InvalidShapeError,
    N.TSR_ERROR_TOO_MANY_DIMS: TooManyDimsError,
    N.TSR_ERROR_OUT_OF_MEMORY: OutOfMemoryError,
    N.TSR_ERROR_QUOTA_EXCEEDED: QuotaExceededError,
    N.TSR_ERROR_SIZE_OVERFLOW: SizeOverflowError,
    N.TSR_ERROR_DEVICE_UNAVAILABLE: DeviceUnavailableError,
    N.TSR_ERROR_DEVICE_MISMATCH: DeviceMismatchError,
    N.TSR_ERROR_BACKEND: BackendFailureError,
    N.TSR_ERROR_ASYNC: AsyncError,
    N.TSR_ERROR_UNSUPPORTED: UnsupportedError,
    N.TSR_ERROR_INTERNAL: InternalError,
}
_BY_RANGE: dict[int, type[TesseraError]] = {
    1: ArgumentError, 2: ShapeDTypeError, 3: TesseraMemoryError, 4: DeviceError,
    5: BackendError, 6: UnsupportedError, 9: InternalError,
}


def _status_name(status: int) -> str:
    return lib.tsr_status_string(status).decode("utf-8", "replace")


def error_class(status: int) -> type[TesseraError]:
    """The exception class for a status (its range's class for codes this binding does not know)."""
    return _BY_STATUS.get(status) or _BY_RANGE.get(status // 100, TesseraError)


def make_error(status: int, note: str = "") -> TesseraError:
    """The exception for `status`, carrying the calling thread's last native message.

    Call it right after the failing call, on the same thread (the message is per thread).
    """
    message = lib.tsr_last_error_message().decode("utf-8", "replace")
    if note:
        message = f"{message} ({note})" if message else note
    return error_class(status)(status, message)


def check(status: int) -> None:
    """Raise the matching TesseraError unless status is TSR_OK."""
    if status:
        raise make_error(status)


# Show the public path in tracebacks (tessera.ShapeMismatchError, not tessera._errors...).
for _cls in (TesseraError, *set(_BY_STATUS.values()), *set(_BY_RANGE.values())):
    _cls.__module__ = "tessera"
del _cls
