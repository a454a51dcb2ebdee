using System;
using System.Runtime.InteropServices;

namespace Tessera
{
    // Zero-copy: a tensor over a managed array (CPU contexts).
    public sealed unsafe partial class Tensor
    {
        // One delegate for the process, kept alive here so that the function
        // pointer handed to the library stays valid.
        private static readonly tsr_deleter FreePinDelegate = FreePin;
        private static readonly IntPtr FreePinPointer = Marshal.GetFunctionPointerForDelegate(FreePinDelegate);

        // Called by the library exactly once, on any thread, when the last
        // tensor using the array is released (or when tsr_tensor_wrap fails).
        private static void FreePin(void* data, void* userData)
        {
            GCHandle.FromIntPtr((IntPtr)userData).Free();
        }

        /// <summary>
        /// A tensor over the array itself, without a copy (CPU contexts only:
        /// GPU kernels cannot read managed memory). The array stays pinned until
        /// the last tensor using it is released; ops that write into the tensor
        /// write into the array. Pinning many long-lived arrays fragments the GC
        /// heap: prefer FromArray for anything but large, long-lived buffers.
        /// </summary>
        public static Tensor Wrap<T>(Context context, T[] array, params long[] shape) where T : struct
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            if (array == null) throw new ArgumentNullException(nameof(array));
            DType dtype = Element<T>.DType;
            DeviceKind kind = context.Device.Kind;
            if (kind != DeviceKind.Cpu)
                throw new TesseraException(Status.Unsupported,
                    "Tensor.Wrap: managed memory cannot back a tensor of a " + kind + " context; use FromArray");
            shape = shape ?? new long[0];
            // The C call sees only a pointer, so the length check is ours.
            long numel = 1;
            foreach (long d in shape)
            {
                if (d < 0)
                    throw new TesseraException(Status.InvalidShape, "Tensor.Wrap: negative dimension " + d);
                if (d != 0 && numel > long.MaxValue / d)
                    throw new TesseraException(Status.SizeOverflow, "Tensor.Wrap: the element count overflows int64");
                numel *= d;
            }
            if (numel != array.Length)
                throw new TesseraException(Status.ShapeMismatch, "Tensor.Wrap: shape [" + string.Join(", ", shape) +
                                                                 "] holds " + numel + " elements, the array " + array.Length);
            GCHandle pin = GCHandle.Alloc(array, GCHandleType.Pinned);
            IntPtr result;
            // From here the library owns the pin: it calls FreePin on success
            // (at the last release) and on failure (before returning).
            fixed (long* s = shape)
            using (var c = new Lease(context.Handle))
                Error.Check(Native.tsr_tensor_wrap(c.Value, (void*)pin.AddrOfPinnedObject(), s, null, shape.Length,
                                                   dtype, FreePinPointer, (void*)GCHandle.ToIntPtr(pin), &result));
            return new Tensor(result);
        }
    }
}
