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
    /// Native calls hold the handle through a <see cref="Lease"/> or
    /// EnterAll/ExitAll, so that a Dispose on another thread cannot release
    /// it in the middle of a call: the release then waits for the last call
    /// in flight to end. This is what SafeHandle.DangerousAddRef/
    /// DangerousRelease (or SafeHandle parameters) would do; a plain counter
    /// does it for two interlocked operations per handle, a fraction of
    /// AddRef/Release's cost on Mono (docs/BENCHMARKS.md, "Bindings").
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

        /// <summary>
        /// Starts one call that uses up to five handles (null ones are skipped):
        /// all are held, or, when one was disposed, none is and this throws
        /// ObjectDisposedException for it. The caller ends the call with
        /// ExitAll on the same handles, in a finally block.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void EnterAll(TesseraHandle a, TesseraHandle b = null, TesseraHandle c = null,
                                      TesseraHandle d = null, TesseraHandle e = null)
        {
            // Count the call in everywhere first, then one test: the sign bit
            // of any state means a Dispose was requested.
            if ((Increment(a) | Increment(b) | Increment(c) | Increment(d) | Increment(e)) < 0)
                EnterFailed(a, b, c, d, e);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Increment(TesseraHandle h) => h == null ? 0 : Interlocked.Increment(ref h._state);

        // Out of line: undoes every increment (the last one out releases a
        // disposed handle) and throws for the first disposed handle.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void EnterFailed(TesseraHandle a, TesseraHandle b, TesseraHandle c, TesseraHandle d,
                                        TesseraHandle e)
        {
            TesseraHandle disposed = null;
            foreach (var h in new[] { a, b, c, d, e })
            {
                if (h == null)
                    continue;
                if (disposed == null && Volatile.Read(ref h._state) < 0)
                    disposed = h;
                h.Exit();
            }
            throw new ObjectDisposedException(disposed?.ObjectName);
        }

        /// <summary>Ends a call started with EnterAll on the same handles.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void ExitAll(TesseraHandle a, TesseraHandle b = null, TesseraHandle c = null,
                                     TesseraHandle d = null, TesseraHandle e = null)
        {
            ExitOne(a); ExitOne(b); ExitOne(c); ExitOne(d); ExitOne(e);
        }

        /// <summary>The C handle, or IntPtr.Zero for null (an optional argument left out).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static IntPtr RawOf(TesseraHandle h) => h == null ? IntPtr.Zero : h.handle;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ExitOne(TesseraHandle h)
        {
            if (h != null)
                h.Exit();
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
    /// Holds a handle across one native call (see TesseraHandle.Enter), for
    /// calls with one or two handles; ops use EnterAll/ExitAll instead. A
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
