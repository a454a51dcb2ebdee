using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Tessera
{
    /// <summary>
    /// One owned reference of a reference-counted C handle. The SafeHandle
    /// releases it exactly once: at Dispose, or from its critical finalizer
    /// if the owner was never disposed.
    ///
    /// Native calls hold the handle through a <see cref="Lease"/>, so that a
    /// Dispose on another thread cannot release it in the middle of a call:
    /// the release then waits for the last call in flight to end. This is
    /// what SafeHandle.DangerousAddRef/DangerousRelease (or SafeHandle
    /// parameters) would do; a plain counter does it for two interlocked
    /// operations per handle instead of about 55 ns on Mono (docs/dotnet.md).
    /// </summary>
    internal abstract class TesseraHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private const int DisposeRequested = int.MinValue;
        // Calls in flight in the low bits; the sign bit once Dispose was asked for.
        private int _state;
        private int _released;

        protected TesseraHandle(IntPtr raw, bool ownsHandle) : base(ownsHandle)
        {
            SetHandle(raw);
        }

        /// <summary>The public type that owns this handle, for ObjectDisposedException.</summary>
        internal abstract string ObjectName { get; }

        internal bool IsDisposeRequested => Volatile.Read(ref _state) < 0 || IsClosed;

        /// <summary>Starts a call that uses the handle; throws ObjectDisposedException
        /// once Dispose was requested.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal void Enter()
        {
            if (Interlocked.Increment(ref _state) < 0)
            {
                Exit();
                throw new ObjectDisposedException(ObjectName);
            }
        }

        /// <summary>Ends a call; the last one out after a Dispose request releases.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal void Exit()
        {
            if (Interlocked.Decrement(ref _state) == DisposeRequested)
                ReleaseOnce();
        }

        /// <summary>Releases now if no call is in flight, else when the last one ends.</summary>
        internal void RequestDispose()
        {
            int old;
            do
            {
                old = Volatile.Read(ref _state);
                if (old < 0)
                    return; // already requested
            } while (Interlocked.CompareExchange(ref _state, old | DisposeRequested, old) != old);
            if (old == 0)
                ReleaseOnce();
        }

        private void ReleaseOnce()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                Dispose(); // SafeHandle: ReleaseHandle once, and no finalizer afterwards
        }
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
    /// Holds a handle across one native call (see TesseraHandle.Enter). A
    /// disposed handle throws ObjectDisposedException; a null one leases
    /// IntPtr.Zero (an optional argument left out).
    /// </summary>
    internal struct Lease : IDisposable
    {
        private readonly TesseraHandle _handle;
        internal readonly IntPtr Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal Lease(TesseraHandle handle)
        {
            _handle = handle;
            Value = IntPtr.Zero;
            if (handle == null)
                return;
            handle.Enter();
            Value = handle.DangerousGetHandle();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            _handle?.Exit();
        }
    }
}
