using System;

namespace Tessera
{
    // Views: no copy, they share storage with this tensor (reshape copies
    // only when the layout cannot be expressed as a view).
    public sealed unsafe partial class Tensor
    {
        /// <summary>A new shape (one entry may be -1, inferred).</summary>
        public Tensor Reshape(params long[] shape)
        {
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
            fixed (long* s = shape)
                Error.Check(Native.tsr_tensor_reshape(x.Value, s, Rank(shape), &raw));
            return new Tensor(raw);
        }

        /// <summary>The axes reordered (negative axes count from the end).</summary>
        public Tensor Permute(params int[] axes)
        {
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
            fixed (int* a = axes)
                Error.Check(Native.tsr_tensor_permute(x.Value, a, axes == null ? 0 : axes.Length, &raw));
            return new Tensor(raw);
        }

        public Tensor Transpose(int axis0, int axis1)
        {
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
                Error.Check(Native.tsr_tensor_transpose(x.Value, axis0, axis1, &raw));
            return new Tensor(raw);
        }

        /// <summary>Per axis start, stop, step (Python slice semantics; each array has
        /// NDim entries).</summary>
        public Tensor Slice(long[] starts, long[] stops, long[] steps)
        {
            int ndim = NDim;
            if (starts == null || stops == null || steps == null ||
                starts.Length != ndim || stops.Length != ndim || steps.Length != ndim)
                throw new TesseraException(Status.InvalidArgument,
                    "Tensor.Slice: starts, stops and steps need " + ndim + " entries each");
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
            fixed (long* a = starts)
            fixed (long* b = stops)
            fixed (long* c = steps)
                Error.Check(Native.tsr_tensor_slice(x.Value, a, b, c, &raw));
            return new Tensor(raw);
        }

        /// <summary>Broadcast to shape (stride 0 on expanded axes).</summary>
        public Tensor Expand(params long[] shape)
        {
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
            fixed (long* s = shape)
                Error.Check(Native.tsr_tensor_expand(x.Value, s, Rank(shape), &raw));
            return new Tensor(raw);
        }

        /// <summary>Removes an axis of size 1.</summary>
        public Tensor Squeeze(int axis)
        {
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
                Error.Check(Native.tsr_tensor_squeeze(x.Value, axis, &raw));
            return new Tensor(raw);
        }

        /// <summary>Inserts an axis of size 1 before position axis.</summary>
        public Tensor Unsqueeze(int axis)
        {
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
                Error.Check(Native.tsr_tensor_unsqueeze(x.Value, axis, &raw));
            return new Tensor(raw);
        }

        /// <summary>C-contiguous: a new reference to the same data if it already is,
        /// else a copy.</summary>
        public Tensor Contiguous(Stream stream = null)
        {
            IntPtr raw = IntPtr.Zero;
            using (var x = new Lease(Handle))
            using (var s = new Lease(Stream.HandleOf(stream)))
                Error.Check(Native.tsr_tensor_contiguous(x.Value, s.Value, &raw));
            return new Tensor(raw);
        }
    }
}
