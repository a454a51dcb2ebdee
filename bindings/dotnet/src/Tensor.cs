using System;
using System.Runtime.InteropServices;

namespace Tessera
{
    /// <summary>
    /// A tensor on a device. It owns one reference of a tsr_tensor handle
    /// (released by Dispose, or by the SafeHandle finalizer if forgotten).
    /// Views share storage and keep it alive. Creation, queries and host
    /// copies are here; ops in Tensor.Ops.cs, views in Tensor.Views.cs.
    /// </summary>
    public sealed unsafe partial class Tensor : IDisposable
    {
        internal readonly TensorHandle Handle;

        internal Tensor(IntPtr raw) { Handle = new TensorHandle(raw, true); }

        /// <summary>Wraps a raw tsr_tensor handle. With ownsHandle, the Tensor takes
        /// over one reference and releases it on Dispose.</summary>
        public static Tensor FromHandle(IntPtr handle, bool ownsHandle)
        {
            return new Tensor(handle, ownsHandle);
        }

        private Tensor(IntPtr raw, bool ownsHandle) { Handle = new TensorHandle(raw, ownsHandle); }

        /// <summary>The C handle (tsr_tensor), for calls this binding does not wrap.
        /// It stays valid only while this Tensor is alive and not disposed.</summary>
        public IntPtr DangerousGetHandle() { return Handle.DangerousGetHandle(); }

        public bool IsDisposed => Handle.IsDisposeRequested;

        public void Dispose() { Handle.RequestDispose(); }

        // ---- creation ---------------------------------------------------------

        /// <summary>A new tensor holding a copy of data (C order) with this shape.</summary>
        public static Tensor FromArray<T>(Context context, ReadOnlySpan<T> data, params long[] shape)
            where T : struct
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            DType dtype = Element<T>.DType;
            ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data);
            shape = shape ?? new long[0];
            IntPtr result;
            fixed (byte* p = &MemoryMarshal.GetReference(bytes))
            fixed (long* s = shape)
            using (var c = new Lease(context.Handle))
                Error.Check(Native.tsr_tensor_from_host(c.Value, p, bytes.Length, s, shape.Length, dtype,
                                                        IntPtr.Zero, &result));
            return new Tensor(result);
        }

        /// <summary>As FromArray(context, ReadOnlySpan) for an array (lets C# infer T).</summary>
        public static Tensor FromArray<T>(Context context, T[] data, params long[] shape) where T : struct
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            return FromArray(context, new ReadOnlySpan<T>(data), shape);
        }

        /// <summary>Uninitialized contents (zeros when the context zero-fills).</summary>
        public static Tensor Empty(Context context, DType dtype, params long[] shape)
        {
            IntPtr result;
            fixed (long* s = shape)
            using (var c = ContextLease(context))
                Error.Check(Native.tsr_tensor_empty(c.Value, s, Rank(shape), dtype, &result));
            return new Tensor(result);
        }

        public static Tensor Zeros(Context context, DType dtype, params long[] shape)
        {
            IntPtr result;
            fixed (long* s = shape)
            using (var c = ContextLease(context))
                Error.Check(Native.tsr_tensor_zeros(c.Value, s, Rank(shape), dtype, IntPtr.Zero, &result));
            return new Tensor(result);
        }

        /// <summary>Every element = value converted to dtype.</summary>
        public static Tensor Full(Context context, DType dtype, double value, params long[] shape)
        {
            IntPtr result;
            fixed (long* s = shape)
            using (var c = ContextLease(context))
                Error.Check(Native.tsr_tensor_full(c.Value, s, Rank(shape), dtype, value, IntPtr.Zero, &result));
            return new Tensor(result);
        }

        /// <summary>1-D: start, start + step, ... while &lt; stop (&gt; stop for a negative step).</summary>
        public static Tensor Arange(Context context, double start, double stop, double step, DType dtype)
        {
            IntPtr result;
            using (var c = ContextLease(context))
                Error.Check(Native.tsr_tensor_arange(c.Value, start, stop, step, dtype, IntPtr.Zero, &result));
            return new Tensor(result);
        }

        /// <summary>Uniform in [low, high); element i is the same on every backend for a seed.</summary>
        public static Tensor RandomUniform(Context context, DType dtype, ulong seed, double low, double high,
                                           params long[] shape)
        {
            return Random(context, dtype, Distribution.Uniform, seed, low, high, shape);
        }

        /// <summary>Normal with this mean and standard deviation (Philox; same on every backend).</summary>
        public static Tensor RandomNormal(Context context, DType dtype, ulong seed, double mean, double std,
                                          params long[] shape)
        {
            return Random(context, dtype, Distribution.Normal, seed, mean, std, shape);
        }

        private static Tensor Random(Context context, DType dtype, Distribution distribution, ulong seed,
                                     double a, double b, long[] shape)
        {
            IntPtr result;
            fixed (long* s = shape)
            using (var c = ContextLease(context))
                Error.Check(Native.tsr_tensor_random(c.Value, s, Rank(shape), dtype, distribution, seed, a, b,
                                                     IntPtr.Zero, &result));
            return new Tensor(result);
        }

        private static Lease ContextLease(Context context)
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            return new Lease(context.Handle);
        }

        private static int Rank(long[] shape) => shape == null ? 0 : shape.Length;

        // ---- queries ----------------------------------------------------------

        public int NDim
        {
            get
            {
                int n;
                using (var t = new Lease(Handle))
                    Error.Check(Native.tsr_tensor_ndim(t.Value, &n));
                return n;
            }
        }

        public long[] Shape
        {
            get
            {
                long* dims = stackalloc long[Native.TSR_MAX_DIMS];
                int n;
                using (var t = new Lease(Handle))
                {
                    Error.Check(Native.tsr_tensor_ndim(t.Value, &n));
                    Error.Check(Native.tsr_tensor_shape(t.Value, dims));
                }
                return ToArray(dims, n);
            }
        }

        /// <summary>Strides in elements.</summary>
        public long[] Strides
        {
            get
            {
                long* strides = stackalloc long[Native.TSR_MAX_DIMS];
                int n;
                using (var t = new Lease(Handle))
                {
                    Error.Check(Native.tsr_tensor_ndim(t.Value, &n));
                    Error.Check(Native.tsr_tensor_strides(t.Value, strides));
                }
                return ToArray(strides, n);
            }
        }

        private static long[] ToArray(long* values, int n)
        {
            var result = new long[n];
            for (int i = 0; i < n; i++)
                result[i] = values[i];
            return result;
        }

        public DType DType
        {
            get
            {
                DType d;
                using (var t = new Lease(Handle))
                    Error.Check(Native.tsr_tensor_dtype(t.Value, &d));
                return d;
            }
        }

        public long NumElements
        {
            get
            {
                long n;
                using (var t = new Lease(Handle))
                    Error.Check(Native.tsr_tensor_numel(t.Value, &n));
                return n;
            }
        }

        /// <summary>NumElements times the element size.</summary>
        public long NBytes
        {
            get
            {
                long n;
                using (var t = new Lease(Handle))
                    Error.Check(Native.tsr_tensor_nbytes(t.Value, &n));
                return n;
            }
        }

        public bool IsContiguous
        {
            get
            {
                int c;
                using (var t = new Lease(Handle))
                    Error.Check(Native.tsr_tensor_is_contiguous(t.Value, &c));
                return c != 0;
            }
        }

        public Device Device
        {
            get
            {
                IntPtr d;
                using (var t = new Lease(Handle))
                    Error.Check(Native.tsr_tensor_device(t.Value, &d));
                return new Device(d);
            }
        }

        /// <summary>The tensor's context, as a new Context object the caller disposes.</summary>
        public Context GetContext()
        {
            IntPtr c;
            using (var t = new Lease(Handle))
                Error.Check(Native.tsr_tensor_context(t.Value, &c));
            // tsr_tensor_context hands out a new handle for the caller to release.
            return Context.Own(c);
        }

        /// <summary>Address of element 0 (host or device memory); valid while this tensor lives.</summary>
        public IntPtr DataPointer
        {
            get
            {
                void* p;
                using (var t = new Lease(Handle))
                    Error.Check(Native.tsr_tensor_data_pointer(t.Value, &p));
                return (IntPtr)p;
            }
        }

        public override string ToString()
        {
            if (IsDisposed)
                return "Tensor(disposed)";
            return "Tensor([" + string.Join(", ", Shape) + "], " + DType + ")";
        }

        // ---- host copies ------------------------------------------------------

        /// <summary>Copies the elements (any layout) into destination in C order, after
        /// the work queued on stream (null = default stream). T must match the dtype.</summary>
        public void CopyTo<T>(Span<T> destination, Stream stream = null) where T : struct
        {
            DType expected = Element<T>.DType;
            using (var t = new Lease(Handle))
            using (var s = new Lease(Stream.HandleOf(stream)))
            {
                DType actual;
                Error.Check(Native.tsr_tensor_dtype(t.Value, &actual));
                if (actual != expected)
                    throw new TesseraException(Status.DTypeMismatch,
                        "Tensor.CopyTo: the tensor is " + DTypes.Name(actual) + ", the destination " +
                        DTypes.Name(expected));
                Span<byte> bytes = MemoryMarshal.AsBytes(destination);
                fixed (byte* p = &MemoryMarshal.GetReference(bytes))
                    Error.Check(Native.tsr_tensor_to_host(t.Value, p, bytes.Length, s.Value));
            }
        }

        /// <summary>As CopyTo(Span) for an array.</summary>
        public void CopyTo<T>(T[] destination, Stream stream = null) where T : struct
        {
            if (destination == null) throw new ArgumentNullException(nameof(destination));
            CopyTo(new Span<T>(destination), stream);
        }

        /// <summary>The elements in C order, in a new array.</summary>
        public T[] ToArray<T>() where T : struct
        {
            long n = NumElements;
            if (n > int.MaxValue)
                throw new TesseraException(Status.SizeOverflow,
                    "Tensor.ToArray: " + n + " elements do not fit in one array; use CopyTo on spans");
            var result = new T[n];
            CopyTo(new Span<T>(result));
            return result;
        }

        /// <summary>Copies src into this tensor (same shape; dtype converted; any contexts).</summary>
        public void CopyFrom(Tensor src, Stream stream = null)
        {
            if (src == null) throw new ArgumentNullException(nameof(src));
            using (var d = new Lease(Handle))
            using (var s = new Lease(src.Handle))
            using (var st = new Lease(Stream.HandleOf(stream)))
                Error.Check(Native.tsr_tensor_copy(d.Value, s.Value, st.Value));
        }

        /// <summary>A copy in another context (its device).</summary>
        public Tensor ToContext(Context context)
        {
            IntPtr result;
            using (var t = new Lease(Handle))
            using (var c = ContextLease(context))
                Error.Check(Native.tsr_tensor_to_context(t.Value, c.Value, IntPtr.Zero, &result));
            return new Tensor(result);
        }
    }
}
