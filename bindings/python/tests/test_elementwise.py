"""Element-wise ops and operators against NumPy on fresh random inputs: every
dtype an op claims, broadcasting, non-contiguous (permuted, stepped) and
zero-size operands, scalar operands, reflected and in-place forms."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tessera as ts
from conftest import assert_close, random_array

FLOATS = ["float32", "float64", "float16"]
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
NUMERIC = FLOATS + INTS


def ref_dtype(dtype: str) -> str:
    """What math functions of `dtype` return in Tessera (integers compute in float32)."""
    return dtype if dtype in FLOATS else "float32"


# (tessera function, numpy reference, input range, dtypes)
UNARY_MATH = [
    (ts.exp, np.exp, (-4, 4)), (ts.expm1, np.expm1, (-2, 2)), (ts.log, np.log, (0.1, 8)),
    (ts.log1p, np.log1p, (-0.5, 4)), (ts.sqrt, np.sqrt, (0, 9)), (ts.sin, np.sin, (-4, 4)),
    (ts.cos, np.cos, (-4, 4)), (ts.tan, np.tan, (-1.2, 1.2)), (ts.tanh, np.tanh, (-4, 4)),
    (ts.log2, np.log2, (0.1, 8)), (ts.log10, np.log10, (0.1, 8)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("fn,ref,rng_range", UNARY_MATH, ids=lambda v: getattr(v, "__name__", ""))
def test_unary_math_matches_numpy(rng, fn, ref, rng_range, dtype):
    a = random_array(rng, (3, 5), dtype, *rng_range)
    got = fn(ts.asarray(a))
    assert got.dtype == ts.result_type(dtype) or got.dtype.name == dtype
    want = ref(a.astype(np.float64)).astype(dtype)
    assert_close(got, want, dtype, rtol=4e-6 if dtype == "float32" else None)


@pytest.mark.parametrize("dtype", ["int32", "uint8", "int64"])
def test_math_of_integers_computes_in_float32(rng, dtype):
    a = random_array(rng, (7,), dtype, 1, 50)
    got = ts.sqrt(ts.asarray(a))
    assert got.dtype == ts.float32
    assert_close(got, np.sqrt(a.astype(np.float64)).astype(np.float32), "float32")


@pytest.mark.parametrize("dtype", NUMERIC)
def test_sign_preserving_unary_ops(rng, dtype):
    a = random_array(rng, (4, 6), dtype, -20, 20)
    t = ts.asarray(a)
    signed = not dtype.startswith("uint")
    assert_close(ts.abs(t), np.abs(a), dtype)
    assert_close(abs(t), np.abs(a), dtype)
    if signed:
        assert_close(-t, -a, dtype)
        assert_close(ts.negative(t), np.negative(a), dtype)
    assert_close(ts.square(t), np.square(a), dtype)
    assert_close(ts.sign(t), np.sign(a), dtype)
    assert_close(ts.floor(t), np.floor(a) if dtype in FLOATS else a, dtype)
    assert_close(ts.ceil(t), np.ceil(a) if dtype in FLOATS else a, dtype)
    assert_close(ts.trunc(t), np.trunc(a) if dtype in FLOATS else a, dtype)
    assert_close(ts.positive(t), a, dtype)


def test_round_is_half_to_even():
    a = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.49, -3.51], dtype=np.float32)
    assert_close(ts.round(ts.asarray(a)), np.round(a), "float32")


def test_nan_and_inf_predicates():
    a = np.array([0.0, -1.5, np.inf, -np.inf, np.nan], dtype=np.float32)
    t = ts.asarray(a)
    assert ts.isnan(t).tolist() == np.isnan(a).tolist()
    assert ts.isinf(t).tolist() == np.isinf(a).tolist()
    assert ts.isfinite(t).tolist() == np.isfinite(a).tolist()
    assert ts.isfinite(ts.asarray([1, 2])).tolist() == [True, True]
    assert ts.sign(t).tolist()[:2] == [0.0, -1.0] and math.isnan(ts.sign(t).tolist()[4])


BINARY = [
    ("add", lambda a, b: a + b, np.add), ("subtract", lambda a, b: a - b, np.subtract),
    ("multiply", lambda a, b: a * b, np.multiply),
    ("maximum", ts.maximum, np.maximum), ("minimum", ts.minimum, np.minimum),
]


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("name,fn,ref", BINARY, ids=[b[0] for b in BINARY])
def test_binary_arithmetic_with_broadcasting(rng, name, fn, ref, dtype):
    a = random_array(rng, (3, 1, 5), dtype)
    b = random_array(rng, (4, 5), dtype)
    got = fn(ts.asarray(a), ts.asarray(b))
    assert got.shape == (3, 4, 5)
    assert got.dtype.name == dtype
    assert_close(got, ref(a, b), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_division_family_on_floats(rng, dtype):
    a = random_array(rng, (6, 4), dtype)
    b = random_array(rng, (6, 4), dtype, 0.5, 3) * np.where(rng.random((6, 4)) < 0.5, -1, 1)
    b = b.astype(dtype)
    ta, tb = ts.asarray(a), ts.asarray(b)
    assert_close(ta / tb, a / b, dtype)
    assert_close(ta // tb, np.floor_divide(a, b), dtype)
    assert_close(ta % tb, np.remainder(a, b), dtype)
    assert_close(ts.abs(ta) ** tb, np.abs(a) ** b, dtype, rtol=1e-5 if dtype == "float32" else None)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint32"])
def test_integer_division_family(rng, dtype):
    a = random_array(rng, (50,), dtype, -100, 100)
    b = random_array(rng, (50,), dtype, -9, 9)
    b[b == 0] = 3
    ta, tb = ts.asarray(a), ts.asarray(b)
    assert_close(ta // tb, np.floor_divide(a, b), dtype)
    assert_close(ta % tb, np.remainder(a, b), dtype)
    q = ta / tb  # true division of integers computes in float32
    assert q.dtype == ts.float32
    assert_close(q, (a.astype(np.float64) / b).astype(np.float32), "float32")
    e = random_array(rng, (50,), dtype, 0, 3)
    assert_close(ta ** ts.asarray(e), a ** e, dtype)


def test_integer_division_by_zero_gives_zero():
    a = ts.asarray([7, -7, 0], dtype=ts.int32)
    z = ts.zeros(3, dtype=ts.int32)
    assert (a // z).tolist() == [0, 0, 0]
    assert (a % z).tolist() == [0, 0, 0]


@pytest.mark.parametrize("dtype", NUMERIC + ["bool"])
def test_comparisons(rng, dtype):
    a = random_array(rng, (5, 3), dtype, -3, 3)
    b = random_array(rng, (3,), dtype, -3, 3)
    ta, tb = ts.asarray(a), ts.asarray(b)
    for got, want in [(ta == tb, a == b), (ta != tb, a != b), (ta < tb, a < b),
                      (ta <= tb, a <= b), (ta > tb, a > b), (ta >= tb, a >= b)]:
        assert got.dtype == ts.bool
        assert_close(got, want, "bool")


@pytest.mark.parametrize("dtype", ["bool", "int8", "int64", "uint16"])
def test_logical_and_bitwise(rng, dtype):
    a = random_array(rng, (16,), dtype, -50, 50)
    b = random_array(rng, (16,), dtype, -50, 50)
    ta, tb = ts.asarray(a), ts.asarray(b)
    assert_close(ta & tb, a & b, dtype)
    assert_close(ta | tb, a | b, dtype)
    assert_close(ta ^ tb, a ^ b, dtype)
    assert_close(~ta, ~a, dtype)
    assert_close(ts.logical_and(ta, tb), np.logical_and(a, b), "bool")
    assert_close(ts.logical_or(ta, tb), np.logical_or(a, b), "bool")
    assert_close(ts.logical_xor(ta, tb), np.logical_xor(a, b), "bool")
    assert_close(ts.logical_not(ta), np.logical_not(a), "bool")


def test_promotion_follows_the_array_api(rng):
    pairs = [("int8", "int16", "int16"), ("uint8", "int8", "int16"), ("uint16", "int32", "int32"),
             ("uint32", "int32", "int64"), ("float16", "float32", "float32"),
             ("float32", "float64", "float64"), ("uint8", "uint64", "uint64"),
             ("bool", "int8", "int8"), ("int32", "float32", "float32"),
             ("float16", "bfloat16", "float32")]
    for x, y, want in pairs:
        a = ts.asarray([1, 2], dtype=x)
        b = ts.asarray([1, 0], dtype=y)
        assert (a + b).dtype.name == want, (x, y)
        assert ts.result_type(a, b).name == want
        assert ts.result_type(getattr(ts, x if x != "bool" else "bool"), b).name == want
    for signed in ("int8", "int64"):  # no integer type holds both ranges
        with pytest.raises(ts.DTypeMismatchError, match="no common dtype"):
            ts.asarray([1], dtype=signed) + ts.asarray([1], dtype=ts.uint64)


def test_non_contiguous_operands(rng):
    a = random_array(rng, (6, 8), "float32")
    b = random_array(rng, (8, 6), "float32")
    ta, tb = ts.asarray(a), ts.asarray(b)
    got = ta[::2, 1::3] + tb.T[::2, 1::3]  # stepped slices of a transpose
    assert_close(got, a[::2, 1::3] + b.T[::2, 1::3], "float32")
    got = ts.exp(ta.T[::-1])
    assert_close(got, np.exp(a.T[::-1]), "float32")


def test_zero_size_operands():
    a = ts.zeros((0, 3))
    b = ts.ones((1, 3))
    r = a + b
    assert r.shape == (0, 3)
    assert r.to_numpy().shape == (0, 3)
    assert ts.exp(ts.zeros((2, 0))).shape == (2, 0)


def test_python_scalars_are_weak(rng):
    a = random_array(rng, (4,), "float16")
    t = ts.asarray(a)
    assert (t + 1).dtype == ts.float16
    assert (t * 2.5).dtype == ts.float16
    assert_close(t * 2.5, (a.astype(np.float32) * 2.5).astype(np.float16), "float16")
    i = ts.asarray([1, 2, 3], dtype=ts.int8)
    assert (i + 1).dtype == ts.int8
    assert (i * 2).tolist() == [2, 4, 6]
    assert (i + 1.5).dtype == ts.float32  # float scalar with an int tensor: default float
    assert (i + 2.0).dtype == ts.float32  # ... whatever the value
    assert (i + 1.5).tolist() == [2.5, 3.5, 4.5]
    b = ts.asarray([True, False])
    assert (b + 1).dtype == ts.int64
    assert (b & True).dtype == ts.bool


def test_reflected_operators(rng):
    a = random_array(rng, (5,), "float64", 0.5, 3)
    t = ts.asarray(a)
    assert_close(1 + t, 1 + a, "float64")
    assert_close(1 - t, 1 - a, "float64")
    assert_close(3 * t, 3 * a, "float64")
    assert_close(2 / t, 2 / a, "float64")
    assert_close(7 // t, 7 // a, "float64")
    assert_close(7 % t, 7 % a, "float64")
    assert_close(2 ** t, 2 ** a, "float64")
    assert_close(5 > t, 5 > a, "bool")
    i = ts.asarray([1, 6], dtype=ts.int32)
    assert (3 & i).tolist() == [1, 2]
    assert (3 | i).tolist() == [3, 7]
    assert (3 ^ i).tolist() == [2, 5]


def test_numpy_operand_on_either_side(rng):
    a = random_array(rng, (3,), "float32")
    t = ts.asarray(random_array(rng, (3,), "float32"))
    r1 = t + a
    r2 = a + t  # NumPy defers to Tensor.__radd__ (__array_ufunc__ = None)
    assert isinstance(r1, ts.Tensor) and isinstance(r2, ts.Tensor)
    assert_close(r1, t.to_numpy() + a, "float32")
    assert_close(r2, a + t.to_numpy(), "float32")


def test_large_integer_scalars_are_exact():
    big = 2**62 + 1
    t = ts.asarray([0, 1], dtype=ts.int64)
    assert (t + big).tolist() == [big, big + 1]
    assert (t == big).tolist() == [False, False]
    u = ts.asarray([0], dtype=ts.uint64)
    assert (u + (2**64 - 1)).tolist() == [2**64 - 1]
    with pytest.raises(OverflowError):
        ts.asarray([1], dtype=ts.int8) + 300
    i = ts.asarray([100, 127], dtype=ts.int8)
    assert (i < 1000.0).tolist() == [True, True]  # compared exactly, not saturated
    assert (i == 127.0).tolist() == [False, True]
    assert (i > 100.5).tolist() == [False, True]


def test_in_place_operators(rng):
    a = random_array(rng, (4, 3), "float32")
    t = ts.asarray(a, copy=True)  # asarray(numpy) alone would share a's memory
    ident = id(t)
    ptr = t.data_ptr
    t += 1
    t *= ts.asarray(a)
    t -= 0.5
    t /= 2
    assert id(t) == ident and t.data_ptr == ptr
    assert_close(t, ((a + 1) * a - 0.5) / 2, "float32")
    i = ts.asarray([5, 6], dtype=ts.int32)
    i //= 2
    i %= 2
    assert i.tolist() == [0, 1]
    with pytest.raises(TypeError):
        i += 1.5  # would turn the int32 tensor into float32
    with pytest.raises(ts.TesseraError):
        f = ts.zeros((3,))
        f += ts.zeros((2, 3))  # broadcasting cannot change x1's shape


def test_in_place_with_an_aliasing_view(rng):
    a = random_array(rng, (4, 4), "float64")
    t = ts.asarray(a, copy=True)
    t += t.T  # the transpose reads what the op writes: computed apart first
    assert_close(t, a + a.T, "float64")
    v = ts.asarray(np.arange(6.0))
    v[1:] += v[:-1]
    want = np.arange(6.0)
    want[1:] = want[1:] + np.arange(6.0)[:-1]
    assert_close(v, want, "float64")


def test_clip_keeps_dtype_and_nan():
    t = ts.asarray([-3.0, 0.5, 7.0, float("nan")])
    got = ts.clip(t, min=-1.0, max=2.0).tolist()
    assert got[:3] == [-1.0, 0.5, 2.0] and math.isnan(got[3])
    i = ts.asarray([-5, 3, 9], dtype=ts.int16)
    c = ts.clip(i, min=0, max=4)
    assert c.dtype == ts.int16 and c.tolist() == [0, 3, 4]
    with pytest.raises(TypeError):
        ts.clip(i, min=0.5)


def test_logaddexp_is_stable():
    x = ts.asarray([0.0, 1000.0, -np.inf, np.inf], dtype=ts.float64)
    y = ts.asarray([0.0, 1000.0, -np.inf, 1.0], dtype=ts.float64)
    want = np.logaddexp(x.to_numpy(), y.to_numpy())
    assert_close(ts.logaddexp(x, y), want, "float64")


def test_activations(rng):
    a = random_array(rng, (10,), "float32")
    t = ts.asarray(a)
    assert_close(ts.relu(t), np.maximum(a, 0), "float32")
    assert_close(ts.sigmoid(t), 1 / (1 + np.exp(-a.astype(np.float64))), "float32")
    assert_close(ts.silu(t), a / (1 + np.exp(-a.astype(np.float64))), "float32")
    assert_close(ts.rsqrt(ts.abs(t) + 1), 1 / np.sqrt(np.abs(a).astype(np.float64) + 1),
                 "float32")


def test_real_valued_complex_helpers(rng):
    a = random_array(rng, (3,), "float32")
    t = ts.asarray(a)
    assert_close(ts.conj(t), a, "float32")
    assert_close(ts.real(t), a, "float32")
    assert_close(ts.imag(t), np.zeros(3, np.float32), "float32")


@pytest.mark.parametrize("name", ["acos", "asin", "atan", "atan2", "sinh", "cosh", "hypot",
                                  "copysign", "signbit", "bitwise_left_shift", "nextafter"])
def test_missing_functions_raise_clearly(name):
    with pytest.raises(NotImplementedError, match=name):
        getattr(ts, name)(ts.ones(2), ts.ones(2))


def test_shift_operators_raise_clearly():
    t = ts.asarray([1, 2])
    with pytest.raises(NotImplementedError, match="shift"):
        t << 1
    with pytest.raises(NotImplementedError, match="shift"):
        t >> 1


def test_bool_arithmetic_is_rejected():
    b = ts.asarray([True, False])
    with pytest.raises(ts.DTypeMismatchError):
        b + b
    with pytest.raises(ts.DTypeMismatchError):
        -b


def test_complex_scalars_are_rejected():
    with pytest.raises(TypeError, match="complex"):
        ts.ones(2) + 1j
