//! Ops on tensors. Each op is one C call on a stream: the plain methods
//! allocate their result on the default stream; the `*_into` methods write
//! into a caller's tensor (its shape and dtype must be the result's) on the
//! stream given. Arithmetic operators return `Result<Tensor>`, so `(&a + &b)?`.
use std::ops::{Add, Div, Mul, Neg, Sub};
use std::ptr;

use tessera_sys as sys;

use crate::enums::{Activation, BinaryOp, DType, ReduceOp, UnaryOp};
use crate::error::Result;
use crate::stream::{raw_stream, Stream};
use crate::tensor::Tensor;

fn raw_or_null(t: Option<&Tensor>) -> sys::tsr_tensor {
    t.map_or(ptr::null_mut(), Tensor::as_raw)
}

/// Axes for tsr_reduce: None reduces every axis (num_axes = -1).
fn axes_arg(axes: Option<&[i32]>) -> (*const i32, i32) {
    match axes {
        None => (ptr::null(), -1),
        Some(a) => (if a.is_empty() { ptr::null() } else { a.as_ptr() }, a.len() as i32),
    }
}

macro_rules! unary_methods {
    ($($(#[$meta:meta])* $method:ident => $op:ident),* $(,)?) => {$(
        $(#[$meta])*
        pub fn $method(&self) -> Result<Tensor> {
            self.unary(UnaryOp::$op)
        }
    )*};
}

macro_rules! binary_methods {
    ($($method:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("Elementwise `", stringify!($op), "` with broadcasting and promotion.")]
        pub fn $method(&self, other: &Tensor) -> Result<Tensor> {
            self.binary(BinaryOp::$op, other)
        }
    )*};
}

macro_rules! reduce_methods {
    ($($method:ident => $op:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($op), "` over `axes` (None = all axes).")]
        pub fn $method(&self, axes: Option<&[i32]>, keepdims: bool) -> Result<Tensor> {
            self.reduce(ReduceOp::$op, axes, keepdims, 0.0)
        }
    )*};
}

impl Tensor {
    /// `op(self)`. Math functions of integer inputs give float32.
    pub fn unary(&self, op: UnaryOp) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_unary(op.raw(), self.as_raw(), ptr::null_mut(), out) })
    }

    pub fn unary_into(&self, op: UnaryOp, out: &Tensor, stream: Option<&Stream>) -> Result<()> {
        out.write(|o| unsafe { sys::tsr_unary(op.raw(), self.as_raw(), raw_stream(stream), o) })
    }

    unary_methods!(
        abs => Abs, neg => Negative, exp => Exp, expm1 => Expm1, log => Log, log1p => Log1p,
        sqrt => Sqrt, rsqrt => Rsqrt, square => Square, sin => Sin, cos => Cos, tan => Tan,
        tanh => Tanh, sigmoid => Sigmoid, relu => Relu,
        /// GELU, tanh approximation.
        gelu => Gelu,
        silu => Silu, floor => Floor, ceil => Ceil, round => Round, sign => Sign,
        logical_not => LogicalNot, isnan => IsNaN, isinf => IsInf,
    );

    /// `op(self, other)` with broadcasting and type promotion.
    pub fn binary(&self, op: BinaryOp, other: &Tensor) -> Result<Tensor> {
        Tensor::create(|out| unsafe {
            sys::tsr_binary(op.raw(), self.as_raw(), other.as_raw(), ptr::null_mut(), out)
        })
    }

    pub fn binary_into(&self, op: BinaryOp, other: &Tensor, out: &Tensor, stream: Option<&Stream>) -> Result<()> {
        out.write(|o| unsafe { sys::tsr_binary(op.raw(), self.as_raw(), other.as_raw(), raw_stream(stream), o) })
    }

    /// `op(self, scalar)`; the scalar takes `self`'s dtype (a non-integral
    /// scalar with an integer tensor gives float32).
    pub fn binary_scalar(&self, op: BinaryOp, scalar: f64) -> Result<Tensor> {
        self.scalar_op(op, scalar, false)
    }

    /// `op(scalar, self)`.
    pub fn scalar_binary(&self, op: BinaryOp, scalar: f64) -> Result<Tensor> {
        self.scalar_op(op, scalar, true)
    }

    fn scalar_op(&self, op: BinaryOp, scalar: f64, scalar_first: bool) -> Result<Tensor> {
        Tensor::create(|out| unsafe {
            sys::tsr_binary_scalar(op.raw(), self.as_raw(), scalar, scalar_first as i32, ptr::null_mut(), out)
        })
    }

    binary_methods!(
        add => Add, sub => Subtract, mul => Multiply, div => Divide, floor_divide => FloorDivide,
        remainder => Remainder, pow => Pow, maximum => Maximum, minimum => Minimum,
        equal => Equal, not_equal => NotEqual, less => Less, less_equal => LessEqual,
        greater => Greater, greater_equal => GreaterEqual, logical_and => LogicalAnd,
        logical_or => LogicalOr, logical_xor => LogicalXor, bitwise_and => BitwiseAnd,
        bitwise_or => BitwiseOr, bitwise_xor => BitwiseXor,
    );

    /// `cond ? a : b` elementwise, broadcasting all three (`self` is cond).
    pub fn where_(&self, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_where(self.as_raw(), a.as_raw(), b.as_raw(), ptr::null_mut(), out) })
    }

    /// Converted to `dtype` (C casts; float to int truncates).
    pub fn astype(&self, dtype: DType) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_astype(self.as_raw(), dtype.raw(), ptr::null_mut(), out) })
    }

    /// A reduction over `axes` (None = all). `correction` is var/std's
    /// degrees-of-freedom correction (0 population, 1 sample).
    pub fn reduce(&self, op: ReduceOp, axes: Option<&[i32]>, keepdims: bool, correction: f64) -> Result<Tensor> {
        let (a, n) = axes_arg(axes);
        Tensor::create(|out| unsafe {
            sys::tsr_reduce(op.raw(), self.as_raw(), a, n, keepdims as i32, correction, ptr::null_mut(), out)
        })
    }

    pub fn reduce_into(&self, op: ReduceOp, axes: Option<&[i32]>, keepdims: bool, correction: f64,
                       out: &Tensor, stream: Option<&Stream>) -> Result<()> {
        let (a, n) = axes_arg(axes);
        out.write(|o| unsafe {
            sys::tsr_reduce(op.raw(), self.as_raw(), a, n, keepdims as i32, correction, raw_stream(stream), o)
        })
    }

    reduce_methods!(sum => Sum, prod => Prod, mean => Mean, min => Min, max => Max,
                    argmin => ArgMin, argmax => ArgMax, any => Any, all => All);

    /// Variance with a degrees-of-freedom correction.
    pub fn var(&self, axes: Option<&[i32]>, keepdims: bool, correction: f64) -> Result<Tensor> {
        self.reduce(ReduceOp::Var, axes, keepdims, correction)
    }

    /// Standard deviation with a degrees-of-freedom correction.
    pub fn std(&self, axes: Option<&[i32]>, keepdims: bool, correction: f64) -> Result<Tensor> {
        self.reduce(ReduceOp::Std, axes, keepdims, correction)
    }

    /// `self @ other` (Array API matmul: 1-D operands promoted, batch axes broadcast).
    pub fn matmul(&self, other: &Tensor) -> Result<Tensor> {
        Tensor::create(|out| unsafe {
            sys::tsr_matmul(self.as_raw(), other.as_raw(), 0, 0, 1.0, 0.0, ptr::null_mut(), out)
        })
    }

    /// `out = alpha * op(self) @ op(other) + beta * out`, op = transpose of
    /// the last two axes when `trans_*`.
    #[allow(clippy::too_many_arguments)]
    pub fn matmul_into(&self, other: &Tensor, trans_a: bool, trans_b: bool, alpha: f64, beta: f64,
                       out: &Tensor, stream: Option<&Stream>) -> Result<()> {
        out.write(|o| unsafe {
            sys::tsr_matmul(self.as_raw(), other.as_raw(), trans_a as i32, trans_b as i32, alpha, beta,
                            raw_stream(stream), o)
        })
    }

    /// `act(self @ weight^T + bias)`; self [..., in], weight [out, in], bias [out].
    pub fn linear(&self, weight: &Tensor, bias: Option<&Tensor>, activation: Activation) -> Result<Tensor> {
        Tensor::create(|out| unsafe {
            sys::tsr_linear(self.as_raw(), weight.as_raw(), raw_or_null(bias), activation.raw(), ptr::null_mut(), out)
        })
    }

    pub fn linear_into(&self, weight: &Tensor, bias: Option<&Tensor>, activation: Activation,
                       out: &Tensor, stream: Option<&Stream>) -> Result<()> {
        out.write(|o| unsafe {
            sys::tsr_linear(self.as_raw(), weight.as_raw(), raw_or_null(bias), activation.raw(), raw_stream(stream), o)
        })
    }

    /// Softmax over the last axis.
    pub fn softmax(&self) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_softmax(self.as_raw(), ptr::null_mut(), out) })
    }

    /// Log-softmax over the last axis.
    pub fn log_softmax(&self) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_log_softmax(self.as_raw(), ptr::null_mut(), out) })
    }

    /// Layer norm over the last axis; gamma and beta ([last]) are optional.
    pub fn layer_norm(&self, gamma: Option<&Tensor>, beta: Option<&Tensor>, eps: f64) -> Result<Tensor> {
        Tensor::create(|out| unsafe {
            sys::tsr_layer_norm(self.as_raw(), raw_or_null(gamma), raw_or_null(beta), eps, ptr::null_mut(), out)
        })
    }

    /// RMS norm over the last axis; gamma ([last]) is optional.
    pub fn rms_norm(&self, gamma: Option<&Tensor>, eps: f64) -> Result<Tensor> {
        Tensor::create(|out| unsafe { sys::tsr_rms_norm(self.as_raw(), raw_or_null(gamma), eps, ptr::null_mut(), out) })
    }
}

/// `&a + &b`, `&a + 2.0`, `2.0 - &a`, and the same on owned tensors.
macro_rules! arithmetic {
    ($trait:ident, $method:ident, $op:ident) => {
        impl $trait<&Tensor> for &Tensor {
            type Output = Result<Tensor>;
            fn $method(self, other: &Tensor) -> Result<Tensor> {
                self.binary(BinaryOp::$op, other)
            }
        }
        impl $trait<Tensor> for Tensor {
            type Output = Result<Tensor>;
            fn $method(self, other: Tensor) -> Result<Tensor> {
                self.binary(BinaryOp::$op, &other)
            }
        }
        impl $trait<&Tensor> for Tensor {
            type Output = Result<Tensor>;
            fn $method(self, other: &Tensor) -> Result<Tensor> {
                self.binary(BinaryOp::$op, other)
            }
        }
        impl $trait<Tensor> for &Tensor {
            type Output = Result<Tensor>;
            fn $method(self, other: Tensor) -> Result<Tensor> {
                self.binary(BinaryOp::$op, &other)
            }
        }
        impl $trait<f64> for &Tensor {
            type Output = Result<Tensor>;
            fn $method(self, scalar: f64) -> Result<Tensor> {
                self.binary_scalar(BinaryOp::$op, scalar)
            }
        }
        impl $trait<f64> for Tensor {
            type Output = Result<Tensor>;
            fn $method(self, scalar: f64) -> Result<Tensor> {
                self.binary_scalar(BinaryOp::$op, scalar)
            }
        }
        impl $trait<&Tensor> for f64 {
            type Output = Result<Tensor>;
            fn $method(self, t: &Tensor) -> Result<Tensor> {
                t.scalar_binary(BinaryOp::$op, self)
            }
        }
        impl $trait<Tensor> for f64 {
            type Output = Result<Tensor>;
            fn $method(self, t: Tensor) -> Result<Tensor> {
                t.scalar_binary(BinaryOp::$op, self)
            }
        }
    };
}

arithmetic!(Add, add, Add);
arithmetic!(Sub, sub, Subtract);
arithmetic!(Mul, mul, Multiply);
arithmetic!(Div, div, Divide);

impl Neg for &Tensor {
    type Output = Result<Tensor>;
    fn neg(self) -> Result<Tensor> {
        self.unary(UnaryOp::Negative)
    }
}

impl Neg for Tensor {
    type Output = Result<Tensor>;
    fn neg(self) -> Result<Tensor> {
        self.unary(UnaryOp::Negative)
    }
}
