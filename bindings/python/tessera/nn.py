"""Neural-network ops of the library (not part of the Array API).

Each is one C call: softmax and log_softmax over the last axis, layer and
RMS normalization over the last axis, and linear (x @ weight.T + bias with a
fused activation on GPUs).
"""
from __future__ import annotations

import ctypes
from typing import Optional

from . import _native as N
from ._elementwise import gelu, relu, sigmoid, silu  # noqa: F401  (re-exported)
from ._loader import lib
from ._tensor import Tensor, _fail, _make, _Out

_ACTIVATIONS = {None: N.TSR_ACTIVATION_NONE, "none": N.TSR_ACTIVATION_NONE,
                "relu": N.TSR_ACTIVATION_RELU, "gelu": N.TSR_ACTIVATION_GELU,
                "silu": N.TSR_ACTIVATION_SILU, "sigmoid": N.TSR_ACTIVATION_SIGMOID,
                "tanh": N.TSR_ACTIVATION_TANH}


def _h(t: Optional[Tensor]):
    return t._h if t is not None else None


def softmax(x: Tensor, /) -> Tensor:
    """exp(x) / sum(exp(x)) over the last axis."""
    out = _Out()
    st = lib.tsr_softmax(x._h, None, ctypes.byref(out))
    if st:
        _fail(st, x)
    return _make(out, x._ctx)


def log_softmax(x: Tensor, /) -> Tensor:
    """x - log(sum(exp(x))) over the last axis."""
    out = _Out()
    st = lib.tsr_log_softmax(x._h, None, ctypes.byref(out))
    if st:
        _fail(st, x)
    return _make(out, x._ctx)


def layer_norm(x: Tensor, /, gamma: Optional[Tensor] = None, beta: Optional[Tensor] = None, *,
               eps: float = 1e-5) -> Tensor:
    """(x - mean) / sqrt(var + eps) * gamma + beta over the last axis (gamma, beta: [last])."""
    out = _Out()
    st = lib.tsr_layer_norm(x._h, _h(gamma), _h(beta), float(eps), None, ctypes.byref(out))
    if st:
        _fail(st, x, gamma, beta)
    return _make(out, x._ctx)


def rms_norm(x: Tensor, /, gamma: Optional[Tensor] = None, *, eps: float = 1e-6) -> Tensor:
    """x / sqrt(mean(x**2) + eps) * gamma over the last axis."""
    out = _Out()
    st = lib.tsr_rms_norm(x._h, _h(gamma), float(eps), None, ctypes.byref(out))
    if st:
        _fail(st, x, gamma)
    return _make(out, x._ctx)


def linear(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None, *,
           activation: Optional[str] = None) -> Tensor:
    """act(x @ weight.T + bias); x: [..., in], weight: [out, in], bias: [out].

    activation: None, "relu", "gelu" (tanh approximation), "silu", "sigmoid" or "tanh".
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; known: "
                         f"{', '.join(k for k in _ACTIVATIONS if k)}")
    out = _Out()
    st = lib.tsr_linear(x._h, weight._h, _h(bias), _ACTIVATIONS[activation], None,
                        ctypes.byref(out))
    if st:
        _fail(st, x, weight, bias)
    return _make(out, x._ctx)
