using System;
using Microsoft.Win32.SafeHandles;

namespace Tessera
{
    /// <summary>One owned reference of a reference-counted C handle; the
    /// runtime releases it exactly once (Dispose or the critical finalizer).</summary>
    internal abstract class TesseraHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        protected TesseraHandle(IntPtr raw, bool ownsHandle) : base(ownsHandle)
        {
            SetHandle(raw);
        }

        /// <summary>The public type that owns this handle, for ObjectDisposedException.</summary>
        internal abstract string ObjectName { get; }
    }

    internal sealed class ContextHandle : TesseraHandle
    {
        internal ContextHandle(IntPtr raw, bool ownsHandle) : base(raw, ownsHandle) { }
        internal override string ObjectName => "Tessera.Context";
        protected override bool ReleaseHandle() { Native.tsr_context_release(handle); return true; }
    }

    internal sealed class TensorHandle : TesseraHandle
    {
        internal TensorHandle(IntPtr raw, bool ownsHandle) : base(raw, ownsHandle) { }
        internal override string ObjectName => "Tessera.Tensor";
        protected override bool ReleaseHandle() { Native.tsr_tensor_release(handle); return true; }
    }

    internal sealed class StreamHandle : TesseraHandle
    {
        internal StreamHandle(IntPtr raw, bool ownsHandle) : base(raw, ownsHandle) { }
        internal override string ObjectName => "Tessera.Stream";
        protected override bool ReleaseHandle() { Native.tsr_stream_release(handle); return true; }
    }

    internal sealed class EventHandle : TesseraHandle
    {
        internal EventHandle(IntPtr raw, bool ownsHandle) : base(raw, ownsHandle) { }
        internal override string ObjectName => "Tessera.Event";
        protected override bool ReleaseHandle() { Native.tsr_event_release(handle); return true; }
    }

    /// <summary>
    /// Holds a SafeHandle's reference across one native call, so a Dispose or
    /// finalizer on another thread cannot release the handle mid-call (what
    /// the P/Invoke marshaler does for SafeHandle parameters, here kept out
    /// of the declarations so they stay blittable). A disposed handle throws
    /// ObjectDisposedException. A null handle leases IntPtr.Zero.
    /// </summary>
    internal struct Lease : IDisposable
    {
        private readonly TesseraHandle _handle;
        private bool _added;
        internal readonly IntPtr Value;

        internal Lease(TesseraHandle handle)
        {
            _handle = handle;
            _added = false;
            Value = IntPtr.Zero;
            if (handle == null)
                return;
            if (handle.IsClosed)
                throw new ObjectDisposedException(handle.ObjectName);
            handle.DangerousAddRef(ref _added);
            Value = handle.DangerousGetHandle();
        }

        public void Dispose()
        {
            if (_added)
                _handle.DangerousRelease();
        }
    }
}
