using System;

namespace Tessera
{
    /// <summary>
    /// An in-order queue of device work. Ops given a stream run on it; a null
    /// stream means the context's default stream.
    /// </summary>
    public sealed class Stream : IDisposable
    {
        internal readonly StreamHandle Handle;
        // The default stream dies with its context, so its Stream keeps the
        // context object reachable.
#pragma warning disable 414 // never read: it only keeps the context reachable
        private readonly Context _owner;
#pragma warning restore 414

        /// <summary>A new stream of the context.</summary>
        public unsafe Stream(Context context, StreamFlags flags = StreamFlags.Default)
        {
            if (context == null)
                throw new ArgumentNullException(nameof(context));
            IntPtr raw;
            using (var c = new Lease(context.Handle))
                Error.Check(Native.tsr_stream_create(c.Value, (uint)flags, &raw));
            Handle = new StreamHandle(raw, true);
        }

        /// <summary>Wraps a caller's native stream (cudaStream_t, hipStream_t,
        /// cl_command_queue); Tessera never destroys it, so it must outlive this
        /// Stream and the work queued on it. Unsupported on the CPU.</summary>
        public static unsafe Stream WrapNative(Context context, IntPtr nativeStream)
        {
            if (context == null)
                throw new ArgumentNullException(nameof(context));
            IntPtr raw;
            using (var c = new Lease(context.Handle))
                Error.Check(Native.tsr_stream_wrap_native(c.Value, (void*)nativeStream, &raw));
            return new Stream(raw, null);
        }

        internal Stream(IntPtr retained, Context owner)
        {
            Handle = new StreamHandle(retained, true);
            _owner = owner;
        }

        /// <summary>The C handle (tsr_stream), for calls this binding does not wrap.</summary>
        public IntPtr DangerousGetHandle() { return Handle.DangerousGetHandle(); }

        public bool IsDisposed => Handle.IsDisposeRequested;

        /// <summary>Blocks until all queued work is done; throws the first asynchronous
        /// failure (Status.Async, naming the op) and clears it.</summary>
        public void Synchronize()
        {
            using (var s = new Lease(Handle))
                Error.Check(Native.tsr_stream_synchronize(s.Value));
        }

        /// <summary>True when all queued work is done. Never blocks.</summary>
        public unsafe bool IsIdle
        {
            get
            {
                int done;
                using (var s = new Lease(Handle))
                    Error.Check(Native.tsr_stream_query(s.Value, &done));
                return done != 0;
            }
        }

        /// <summary>Future work on this stream waits for the event's last record.</summary>
        public void Wait(Event e)
        {
            if (e == null)
                throw new ArgumentNullException(nameof(e));
            using (var s = new Lease(Handle))
            using (var ev = new Lease(e.Handle))
                Error.Check(Native.tsr_stream_wait_event(s.Value, ev.Value));
        }

        /// <summary>The native stream (cudaStream_t, hipStream_t, cl_command_queue);
        /// IntPtr.Zero on the CPU. Borrowed: valid while this stream lives.</summary>
        public unsafe IntPtr NativeHandle
        {
            get
            {
                void* native;
                using (var s = new Lease(Handle))
                    Error.Check(Native.tsr_stream_native_handle(s.Value, &native));
                return (IntPtr)native;
            }
        }

        public void Dispose() { Handle.RequestDispose(); }

        internal static TesseraHandle HandleOf(Stream stream) => stream?.Handle;
    }
}
