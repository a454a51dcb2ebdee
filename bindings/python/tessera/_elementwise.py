"""Array API element-wise functions.

Each function takes tensors (and, as an extension, Python scalars for one of
two operands) and follows the standard's broadcasting and promotion. Math
functions of integer inputs compute in float32. Functions the library has no
kernel for raise NotImplementedError naming the function, rather than
returning an approximation of unknown quality.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Union

from . import _dtypes as D
from . import _native as N
from ._tensor import Tensor, _binop, _binop_other, _scalar_op, astype, scalar_tensor, unary

Operand = Union[Tensor, bool, int, float]


def _bin(op: int, x1: Operand, x2: Operand, name: str) -> Tensor:
    if isinstance(x1, Tensor):
        r = _binop(op, x1, x2)
    elif isinstance(x2, Tensor):
        r = _binop_other(op, x2, x1, True)
    else:
        raise TypeError(f"{name}: at least one argument must be a tessera.Tensor")
    if r is NotImplemented:
        raise TypeError(f"{name}: unsupported operand types {type(x1).__name__} and "
                        f"{type(x2).__name__}")
    return r


def _unary_fn(op: int, name: str, doc: str):
    def f(x: Tensor, /) -> Tensor:
        return unary(op, x)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


def _binary_fn(op: int, name: str, doc: str):
    def f(x1: Operand, x2: Operand, /) -> Tensor:
        return _bin(op, x1, x2, name)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


abs = _unary_fn(N.TSR_ABS, "abs", "|x| element-wise (not defined for bool).")
negative = _unary_fn(N.TSR_NEGATIVE, "negative", "-x element-wise (integers wrap).")
exp = _unary_fn(N.TSR_EXP, "exp", "e**x element-wise.")
expm1 = _unary_fn(N.TSR_EXPM1, "expm1", "e**x - 1, accurate near 0.")
log = _unary_fn(N.TSR_LOG, "log", "Natural logarithm.")
log1p = _unary_fn(N.TSR_LOG1P, "log1p", "log(1 + x), accurate near 0.")
sqrt = _unary_fn(N.TSR_SQRT, "sqrt", "Square root.")
square = _unary_fn(N.TSR_SQUARE, "square", "x * x element-wise.")
sin = _unary_fn(N.TSR_SIN, "sin", "Sine (radians).")
cos = _unary_fn(N.TSR_COS, "cos", "Cosine (radians).")
tan = _unary_fn(N.TSR_TAN, "tan", "Tangent (radians).")
tanh = _unary_fn(N.TSR_TANH, "tanh", "Hyperbolic tangent.")
floor = _unary_fn(N.TSR_FLOOR, "floor", "Largest integer <= x (integers unchanged).")
ceil = _unary_fn(N.TSR_CEIL, "ceil", "Smallest integer >= x (integers unchanged).")
round = _unary_fn(N.TSR_ROUND, "round", "Round to the nearest integer, halves to even.")
sign = _unary_fn(N.TSR_SIGN, "sign", "-1, 0 or 1 by the sign of x (NaN stays NaN).")
logical_not = _unary_fn(N.TSR_LOGICAL_NOT, "logical_not", "not x, as bool.")
isnan = _unary_fn(N.TSR_ISNAN, "isnan", "True where x is NaN.")
isinf = _unary_fn(N.TSR_ISINF, "isinf", "True where x is +inf or -inf.")
# Tessera extensions (neural-network activations and friends).
rsqrt = _unary_fn(N.TSR_RSQRT, "rsqrt", "1 / sqrt(x).")
sigmoid = _unary_fn(N.TSR_SIGMOID, "sigmoid", "1 / (1 + exp(-x)).")
relu = _unary_fn(N.TSR_RELU, "relu", "max(x, 0).")
gelu = _unary_fn(N.TSR_GELU, "gelu", "GELU, the exact (erf) form.")
silu = _unary_fn(N.TSR_SILU, "silu", "x * sigmoid(x).")

add = _binary_fn(N.TSR_ADD, "add", "x1 + x2.")
subtract = _binary_fn(N.TSR_SUBTRACT, "subtract", "x1 - x2.")
multiply = _binary_fn(N.TSR_MULTIPLY, "multiply", "x1 * x2.")
divide = _binary_fn(N.TSR_DIVIDE, "divide", "x1 / x2 (integers divide in float32).")
floor_divide = _binary_fn(N.TSR_FLOOR_DIVIDE, "floor_divide",
                          "floor(x1 / x2); integer division by zero gives 0.")
remainder = _binary_fn(N.TSR_REMAINDER, "remainder",
                       "x1 - floor_divide(x1, x2) * x2 (the sign of x2, like Python's %).")
pow = _binary_fn(N.TSR_POW, "pow", "x1 ** x2.")
maximum = _binary_fn(N.TSR_MAXIMUM, "maximum", "Element-wise maximum (NaN propagates).")
minimum = _binary_fn(N.TSR_MINIMUM, "minimum", "Element-wise minimum (NaN propagates).")
equal = _binary_fn(N.TSR_EQUAL, "equal", "x1 == x2, as bool.")
not_equal = _binary_fn(N.TSR_NOT_EQUAL, "not_equal", "x1 != x2, as bool.")
less = _binary_fn(N.TSR_LESS, "less", "x1 < x2, as bool.")
less_equal = _binary_fn(N.TSR_LESS_EQUAL, "less_equal", "x1 <= x2, as bool.")
greater = _binary_fn(N.TSR_GREATER, "greater", "x1 > x2, as bool.")
greater_equal = _binary_fn(N.TSR_GREATER_EQUAL, "greater_equal", "x1 >= x2, as bool.")
logical_and = _binary_fn(N.TSR_LOGICAL_AND, "logical_and", "x1 and x2, as bool.")
logical_or = _binary_fn(N.TSR_LOGICAL_OR, "logical_or", "x1 or x2, as bool.")
logical_xor = _binary_fn(N.TSR_LOGICAL_XOR, "logical_xor", "x1 xor x2, as bool.")
bitwise_and = _binary_fn(N.TSR_BITWISE_AND, "bitwise_and", "x1 & x2 (integers and bool).")
bitwise_or = _binary_fn(N.TSR_BITWISE_OR, "bitwise_or", "x1 | x2 (integers and bool).")
bitwise_xor = _binary_fn(N.TSR_BITWISE_XOR, "bitwise_xor", "x1 ^ x2 (integers and bool).")


def positive(x: Tensor, /) -> Tensor:
    """+x: a copy of x."""
    if x.dtype is D.bool_:
        raise TypeError("positive is not defined for bool")
    return x.copy()


def bitwise_invert(x: Tensor, /) -> Tensor:
    """~x: every bit flipped (logical not for bool)."""
    dt = x.dtype
    if dt is D.bool_:
        return unary(N.TSR_LOGICAL_NOT, x)
    if dt.kind == "i":
        return _scalar_op(N.TSR_BITWISE_XOR, x, -1, False)
    if dt.kind == "u":
        return _scalar_op(N.TSR_BITWISE_XOR, x, D.iinfo(dt).max, False)
    raise TypeError(f"bitwise_invert needs an integer or bool tensor, got {dt.name}")


def isfinite(x: Tensor, /) -> Tensor:
    """True where x is neither infinite nor NaN (always True for integers and bool)."""
    if not D.is_float(x.dtype):
        from ._creation import full
        return full(x.shape, True, dtype=D.bool_, device=x._ctx)
    return logical_not(logical_or(isnan(x), isinf(x)))


def trunc(x: Tensor, /) -> Tensor:
    """Round toward zero (integers unchanged)."""
    if not D.is_float(x.dtype):
        return x.copy()
    from ._statistical import where
    return where(x < 0, ceil(x), floor(x))


def _log_base(x: Tensor, inv_ln_base: float) -> Tensor:
    # log(x) / ln(base) rounded once: computed in float64 where the device has it.
    d = x.dtype if D.is_float(x.dtype) else D.DEFAULT_FLOAT
    work = D.float64 if x.device.supports_float64 else d
    r = log(astype(x, work, copy=False)) * inv_ln_base
    return astype(r, d, copy=False)


def log2(x: Tensor, /) -> Tensor:
    """Base-2 logarithm."""
    return _log_base(x, 1.0 / math.log(2.0))


def log10(x: Tensor, /) -> Tensor:
    """Base-10 logarithm."""
    return _log_base(x, 1.0 / math.log(10.0))


def logaddexp(x1: Operand, x2: Operand, /) -> Tensor:
    """log(exp(x1) + exp(x2)) without overflow: max + log1p(exp(-|x1 - x2|))."""
    from ._statistical import where
    if not isinstance(x1, Tensor):
        x1 = scalar_tensor(float(x1), x2.dtype if D.is_float(x2.dtype) else D.DEFAULT_FLOAT,
                           x2._ctx)
    if not isinstance(x2, Tensor):
        x2 = scalar_tensor(float(x2), x1.dtype if D.is_float(x1.dtype) else D.DEFAULT_FLOAT,
                           x1._ctx)
    m = maximum(x1, x2)
    d = where(equal(x1, x2), 0.0, subtract(x1, x2))  # inf - inf would be NaN
    r = add(m, log1p(exp(negative(abs(d)))))
    return r if D.is_float(r.dtype) else astype(r, D.DEFAULT_FLOAT)


def clip(x: Tensor, /, min: Optional[Operand] = None, max: Optional[Operand] = None) -> Tensor:
    """x limited to [min, max] (either may be None); the result keeps x's dtype, NaN stays NaN."""
    for name, b in (("min", min), ("max", max)):
        if isinstance(b, float) and not D.is_float(x.dtype):
            raise TypeError(f"clip: a float {name} with a {x.dtype.name} tensor mixes dtype kinds")
        if isinstance(b, Tensor) and b.dtype is not x.dtype:
            b_kind, x_kind = b.dtype.kind, x.dtype.kind
            if b_kind != x_kind:
                raise TypeError(f"clip: {name} is {b.dtype.name} but x is {x.dtype.name}")
    r = x
    if min is not None:
        r = maximum(r, min)
    if max is not None:
        r = minimum(r, max)
    if r is x:
        return x.copy()
    return r if r.dtype is x.dtype else astype(r, x.dtype)


def conj(x: Tensor, /) -> Tensor:
    """Complex conjugate: a copy for real tensors (Tessera has no complex dtypes)."""
    return x.copy()


def real(x: Tensor, /) -> Tensor:
    """Real part: a copy for real tensors (Tessera has no complex dtypes)."""
    return x.copy()


def imag(x: Tensor, /) -> Tensor:
    """Imaginary part: zeros for real tensors (Tessera has no complex dtypes)."""
    from ._creation import zeros_like
    return zeros_like(x)


def _missing(name: str, why: str):
    def f(*args: Any, **kwargs: Any) -> Tensor:
        raise NotImplementedError(f"tessera.{name} is not implemented yet: {why}")
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Not implemented yet ({why}); raises NotImplementedError."
    return f


_NO_KERNEL = "the library has no kernel for it"
acos = _missing("acos", _NO_KERNEL)
acosh = _missing("acosh", _NO_KERNEL)
asin = _missing("asin", _NO_KERNEL)
asinh = _missing("asinh", _NO_KERNEL)
atan = _missing("atan", _NO_KERNEL)
atan2 = _missing("atan2", _NO_KERNEL)
atanh = _missing("atanh", _NO_KERNEL)
cosh = _missing("cosh", _NO_KERNEL)
sinh = _missing("sinh", _NO_KERNEL)
copysign = _missing("copysign", _NO_KERNEL)
signbit = _missing("signbit", "the library cannot read the sign bit of -0.0 and NaN")
hypot = _missing("hypot", "a composition would overflow where hypot must not")
nextafter = _missing("nextafter", _NO_KERNEL)
bitwise_left_shift = _missing("bitwise_left_shift", _NO_KERNEL)
bitwise_right_shift = _missing("bitwise_right_shift", _NO_KERNEL)
