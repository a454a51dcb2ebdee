using System;

namespace Tessera
{
    /// <summary>A point in a stream, to wait on or to time.</summary>
    public sealed class Event : IDisposable
    {
        internal readonly EventHandle Handle;

        public unsafe Event(Context context)
        {
            if (context == null)
                throw new ArgumentNullException(nameof(context));
            IntPtr raw;
            using (var c = new Lease(context.Handle))
                Error.Check(Native.tsr_event_create(c.Value, &raw));
            Handle = new EventHandle(raw, true);
        }

        public bool IsDisposed => Handle.IsDisposeRequested;

        /// <summary>Records the event at the current end of the stream (null = default).</summary>
        public void Record(Stream stream = null)
        {
            using (var e = new Lease(Handle))
            using (var s = new Lease(Stream.HandleOf(stream)))
                Error.Check(Native.tsr_event_record(e.Value, s.Value));
        }

        /// <summary>Blocks until the last record has completed.</summary>
        public void Synchronize()
        {
            using (var e = new Lease(Handle))
                Error.Check(Native.tsr_event_synchronize(e.Value));
        }

        /// <summary>True when the last record has completed (or it was never recorded).</summary>
        public unsafe bool IsCompleted
        {
            get
            {
                int done;
                using (var e = new Lease(Handle))
                    Error.Check(Native.tsr_event_query(e.Value, &done));
                return done != 0;
            }
        }

        /// <summary>Milliseconds between two completed records of the same context.</summary>
        public static unsafe float ElapsedMilliseconds(Event start, Event end)
        {
            if (start == null) throw new ArgumentNullException(nameof(start));
            if (end == null) throw new ArgumentNullException(nameof(end));
            float ms;
            using (var a = new Lease(start.Handle))
            using (var b = new Lease(end.Handle))
                Error.Check(Native.tsr_event_elapsed_ms(a.Value, b.Value, &ms));
            return ms;
        }

        public void Dispose() { Handle.RequestDispose(); }
    }
}
