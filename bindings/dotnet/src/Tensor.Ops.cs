using System;
using System.Runtime.CompilerServices;
using static Tessera.TesseraHandle;

namespace Tessera
{
    // Ops: each is one C call, queued on a stream (null = the context's
    // default stream). With output == null the op allocates a new tensor;
    // otherwise it writes into output (whose shape and dtype must be the
    // result's) and returns that same object.
    //
    // The ops hold their handles with EnterAll/ExitAll and one try/finally
    // rather than one `using (new Lease(...))` per handle: on Mono the nested
    // finally blocks cost about 25 ns per op, a tenth of a tiny op's whole
    // cost (docs/BENCHMARKS.md, "Bindings: C# and Rust"). The C call itself
    // goes through OpCalls.Current: on Mono a raw internal call, with no
    // GC-safe transition (OpCalls.cs).
    public sealed unsafe partial class Tensor
    {
        private static OpCalls Ops => OpCalls.Current;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Tensor Result(Status status, Tensor output, IntPtr raw)
        {
            Error.Check(status);
            return output ?? new Tensor(raw);
        }

        private static TesseraHandle HandleOf(Tensor t) => t?.Handle;

        private static void NotNull(Tensor t, string name)
        {
            if (t == null) throw new ArgumentNullException(name);
        }

        // ---- elementwise ------------------------------------------------------

        /// <summary>op(this). Math functions of integer inputs give float32.</summary>
        public Tensor Unary(UnaryOp op, Tensor output = null, Stream stream = null)
        {
            TesseraHandle x = Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_unary(op, RawOf(x), RawOf(s), &raw);
            }
            finally { ExitAll(x, o, s); }
            return Result(status, output, raw);
        }

        public Tensor Abs() => Unary(UnaryOp.Abs);
        public Tensor Negate() => Unary(UnaryOp.Negative);
        public Tensor Exp() => Unary(UnaryOp.Exp);
        public Tensor Log() => Unary(UnaryOp.Log);
        public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
        public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
        public Tensor Square() => Unary(UnaryOp.Square);
        public Tensor Sin() => Unary(UnaryOp.Sin);
        public Tensor Cos() => Unary(UnaryOp.Cos);
        public Tensor Tanh() => Unary(UnaryOp.Tanh);
        public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
        public Tensor Relu() => Unary(UnaryOp.Relu);
        /// <summary>GELU, tanh approximation.</summary>
        public Tensor Gelu() => Unary(UnaryOp.Gelu);
        public Tensor Silu() => Unary(UnaryOp.Silu);
        public Tensor Floor() => Unary(UnaryOp.Floor);
        public Tensor Ceil() => Unary(UnaryOp.Ceil);
        public Tensor Round() => Unary(UnaryOp.Round);

        /// <summary>op(this, other) with broadcasting and type promotion.</summary>
        public Tensor Binary(BinaryOp op, Tensor other, Tensor output = null, Stream stream = null)
        {
            NotNull(other, nameof(other));
            TesseraHandle a = Handle, b = other.Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(a, b, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_binary(op, RawOf(a), RawOf(b), RawOf(s), &raw);
            }
            finally { ExitAll(a, b, o, s); }
            return Result(status, output, raw);
        }

        /// <summary>op(this, scalar), or op(scalar, this) when scalarFirst. The scalar
        /// takes this tensor's dtype (a non-integral scalar with integers gives float32).</summary>
        public Tensor BinaryScalar(BinaryOp op, double scalar, bool scalarFirst = false, Tensor output = null,
                                   Stream stream = null)
        {
            TesseraHandle a = Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(a, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_binary_scalar(op, RawOf(a), scalar, scalarFirst ? 1 : 0, RawOf(s), &raw);
            }
            finally { ExitAll(a, o, s); }
            return Result(status, output, raw);
        }

        public Tensor Add(Tensor other) => Binary(BinaryOp.Add, other);
        public Tensor Subtract(Tensor other) => Binary(BinaryOp.Subtract, other);
        public Tensor Multiply(Tensor other) => Binary(BinaryOp.Multiply, other);
        public Tensor Divide(Tensor other) => Binary(BinaryOp.Divide, other);
        public Tensor Pow(Tensor other) => Binary(BinaryOp.Pow, other);
        public Tensor Maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
        public Tensor Minimum(Tensor other) => Binary(BinaryOp.Minimum, other);
        public Tensor Equal(Tensor other) => Binary(BinaryOp.Equal, other);
        public Tensor Less(Tensor other) => Binary(BinaryOp.Less, other);
        public Tensor Greater(Tensor other) => Binary(BinaryOp.Greater, other);

        public static Tensor operator +(Tensor a, Tensor b) => Lhs(a).Binary(BinaryOp.Add, b);
        public static Tensor operator -(Tensor a, Tensor b) => Lhs(a).Binary(BinaryOp.Subtract, b);
        public static Tensor operator *(Tensor a, Tensor b) => Lhs(a).Binary(BinaryOp.Multiply, b);
        public static Tensor operator /(Tensor a, Tensor b) => Lhs(a).Binary(BinaryOp.Divide, b);
        public static Tensor operator +(Tensor a, double b) => Lhs(a).BinaryScalar(BinaryOp.Add, b);
        public static Tensor operator -(Tensor a, double b) => Lhs(a).BinaryScalar(BinaryOp.Subtract, b);
        public static Tensor operator *(Tensor a, double b) => Lhs(a).BinaryScalar(BinaryOp.Multiply, b);
        public static Tensor operator /(Tensor a, double b) => Lhs(a).BinaryScalar(BinaryOp.Divide, b);
        public static Tensor operator +(double a, Tensor b) => Lhs(b).BinaryScalar(BinaryOp.Add, a, true);
        public static Tensor operator -(double a, Tensor b) => Lhs(b).BinaryScalar(BinaryOp.Subtract, a, true);
        public static Tensor operator *(double a, Tensor b) => Lhs(b).BinaryScalar(BinaryOp.Multiply, a, true);
        public static Tensor operator /(double a, Tensor b) => Lhs(b).BinaryScalar(BinaryOp.Divide, a, true);
        public static Tensor operator -(Tensor a) => Lhs(a).Unary(UnaryOp.Negative);

        private static Tensor Lhs(Tensor t)
        {
            if (t == null) throw new ArgumentNullException(nameof(t), "Tessera: an operand of an operator is null");
            return t;
        }

        /// <summary>cond ? a : b elementwise, broadcasting all three.</summary>
        public static Tensor Where(Tensor condition, Tensor a, Tensor b, Tensor output = null, Stream stream = null)
        {
            NotNull(condition, nameof(condition));
            NotNull(a, nameof(a));
            NotNull(b, nameof(b));
            TesseraHandle c = condition.Handle, x = a.Handle, y = b.Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(c, x, y, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_where(RawOf(c), RawOf(x), RawOf(y), RawOf(s), &raw);
            }
            finally { ExitAll(c, x, y, o, s); }
            return Result(status, output, raw);
        }

        /// <summary>Converted to dtype (C casts; float to int truncates).</summary>
        public Tensor AsType(DType dtype, Tensor output = null, Stream stream = null)
        {
            TesseraHandle x = Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_astype(RawOf(x), dtype, RawOf(s), &raw);
            }
            finally { ExitAll(x, o, s); }
            return Result(status, output, raw);
        }

        // ---- reductions -------------------------------------------------------

        /// <summary>A reduction over axes (null = every axis). correction is var/std's
        /// degrees-of-freedom correction (0 population, 1 sample).</summary>
        public Tensor Reduce(ReduceOp op, int[] axes = null, bool keepDims = false, double correction = 0,
                             Tensor output = null, Stream stream = null)
        {
            TesseraHandle x = Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                fixed (int* a = axes)
                    status = Ops.tsr_reduce(op, RawOf(x), a, axes == null ? -1 : axes.Length, keepDims ? 1 : 0,
                                           correction, RawOf(s), &raw);
            }
            finally { ExitAll(x, o, s); }
            return Result(status, output, raw);
        }

        public Tensor Sum(int[] axes = null, bool keepDims = false) => Reduce(ReduceOp.Sum, axes, keepDims);
        public Tensor Prod(int[] axes = null, bool keepDims = false) => Reduce(ReduceOp.Prod, axes, keepDims);
        public Tensor Mean(int[] axes = null, bool keepDims = false) => Reduce(ReduceOp.Mean, axes, keepDims);
        public Tensor Max(int[] axes = null, bool keepDims = false) => Reduce(ReduceOp.Max, axes, keepDims);
        public Tensor Min(int[] axes = null, bool keepDims = false) => Reduce(ReduceOp.Min, axes, keepDims);
        public Tensor ArgMax(int[] axes = null, bool keepDims = false) => Reduce(ReduceOp.ArgMax, axes, keepDims);
        public Tensor ArgMin(int[] axes = null, bool keepDims = false) => Reduce(ReduceOp.ArgMin, axes, keepDims);
        public Tensor Var(int[] axes = null, bool keepDims = false, double correction = 0) =>
            Reduce(ReduceOp.Var, axes, keepDims, correction);
        public Tensor Std(int[] axes = null, bool keepDims = false, double correction = 0) =>
            Reduce(ReduceOp.Std, axes, keepDims, correction);

        // ---- linear algebra and neural-network ops ----------------------------

        /// <summary>this @ other (Array API matmul rules).</summary>
        public Tensor Matmul(Tensor other) => Matmul(other, false, false, 1.0, 0.0);

        /// <summary>output = alpha * op(this) @ op(other) + beta * output, op = transpose
        /// of the last two axes when trans*. beta != 0 needs an output.</summary>
        public Tensor Matmul(Tensor other, bool transA, bool transB, double alpha, double beta,
                             Tensor output = null, Stream stream = null)
        {
            NotNull(other, nameof(other));
            TesseraHandle a = Handle, b = other.Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(a, b, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_matmul(RawOf(a), RawOf(b), transA ? 1 : 0, transB ? 1 : 0, alpha, beta,
                                       RawOf(s), &raw);
            }
            finally { ExitAll(a, b, o, s); }
            return Result(status, output, raw);
        }

        /// <summary>activation(this @ weight^T + bias); this [..., in], weight [out, in],
        /// bias [out] or null. One call; fused on GPUs.</summary>
        public Tensor Linear(Tensor weight, Tensor bias = null, Activation activation = Activation.None,
                             Tensor output = null, Stream stream = null)
        {
            NotNull(weight, nameof(weight));
            TesseraHandle x = Handle, w = weight.Handle, b = HandleOf(bias), o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, w, b, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_linear(RawOf(x), RawOf(w), RawOf(b), activation, RawOf(s), &raw);
            }
            finally { ExitAll(x, w, b, o, s); }
            return Result(status, output, raw);
        }

        /// <summary>Softmax over the last axis.</summary>
        public Tensor Softmax(Tensor output = null, Stream stream = null)
        {
            TesseraHandle x = Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_softmax(RawOf(x), RawOf(s), &raw);
            }
            finally { ExitAll(x, o, s); }
            return Result(status, output, raw);
        }

        /// <summary>Log-softmax over the last axis.</summary>
        public Tensor LogSoftmax(Tensor output = null, Stream stream = null)
        {
            TesseraHandle x = Handle, o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_log_softmax(RawOf(x), RawOf(s), &raw);
            }
            finally { ExitAll(x, o, s); }
            return Result(status, output, raw);
        }

        /// <summary>Layer norm over the last axis; gamma and beta ([last]) may be null.</summary>
        public Tensor LayerNorm(Tensor gamma = null, Tensor beta = null, double eps = 1e-5, Tensor output = null,
                                Stream stream = null)
        {
            TesseraHandle x = Handle, g = HandleOf(gamma), b = HandleOf(beta), o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, g, b, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_layer_norm(RawOf(x), RawOf(g), RawOf(b), eps, RawOf(s), &raw);
            }
            finally { ExitAll(x, g, b, o, s); }
            return Result(status, output, raw);
        }

        /// <summary>RMS norm over the last axis; gamma ([last]) may be null.</summary>
        public Tensor RmsNorm(Tensor gamma = null, double eps = 1e-6, Tensor output = null, Stream stream = null)
        {
            TesseraHandle x = Handle, g = HandleOf(gamma), o = HandleOf(output), s = Stream.HandleOf(stream);
            EnterAll(x, g, o, s);
            IntPtr raw = RawOf(o);
            Status status;
            try
            {
                status = Ops.tsr_rms_norm(RawOf(x), RawOf(g), eps, RawOf(s), &raw);
            }
            finally { ExitAll(x, g, o, s); }
            return Result(status, output, raw);
        }
    }
}
