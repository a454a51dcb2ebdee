using System;

namespace Tessera
{
    /// <summary>Memory and activity counters of a context (tsr_stats).</summary>
    public sealed class MemoryStats
    {
        public long BytesInUse { get; internal set; }
        public long BytesReserved { get; internal set; }
        public long PeakBytesInUse { get; internal set; }
        public long DeviceAllocations { get; internal set; }
        public long DeviceFrees { get; internal set; }
        public long AllocationRequests { get; internal set; }
        public long CacheHits { get; internal set; }
        public long Synchronizations { get; internal set; }
        public long KernelCompilations { get; internal set; }
        public long OpsLaunched { get; internal set; }
    }

    /// <summary>
    /// A context: one device, its caching allocator and its default stream.
    /// Tensors live in a context; they keep it alive after Dispose.
    /// </summary>
    public sealed class Context : IDisposable
    {
        internal readonly ContextHandle Handle;
        private Stream _defaultStream;

        private Context(IntPtr raw) { Handle = new ContextHandle(raw, true); }

        /// <summary>A context on a device: the best one present by default (the
        /// CPU when there is no GPU).</summary>
        public static unsafe Context Create(DeviceKind kind = DeviceKind.Best, int deviceIndex = 0,
                                            ContextFlags flags = 0, long memoryQuota = 0,
                                            StreamFlags defaultStreamFlags = StreamFlags.Default)
        {
            tsr_context_options options = default(tsr_context_options);
            options.size = (UIntPtr)sizeof(tsr_context_options);
            options.device_kind = kind;
            options.device_index = deviceIndex;
            options.flags = (uint)flags;
            options.default_stream_flags = (uint)defaultStreamFlags;
            options.memory_quota = memoryQuota;
            IntPtr raw;
            Error.Check(Native.tsr_context_create(&options, &raw));
            return new Context(raw);
        }

        /// <summary>Takes ownership of one reference of a tsr_context handle.</summary>
        internal static Context Own(IntPtr raw) { return new Context(raw); }

        /// <summary>The C handle (tsr_context), for calls this binding does not wrap.</summary>
        public IntPtr DangerousGetHandle() { return Handle.DangerousGetHandle(); }

        public bool IsDisposed => Handle.IsDisposeRequested;

        /// <summary>The device this context runs on.</summary>
        public unsafe Device Device
        {
            get
            {
                using (var c = new Lease(Handle))
                {
                    IntPtr device;
                    Error.Check(Native.tsr_context_get_device(c.Value, &device));
                    return new Device(device);
                }
            }
        }

        /// <summary>The default stream (what a null stream argument means). Owned by
        /// the context: disposed with it.</summary>
        public unsafe Stream DefaultStream
        {
            get
            {
                if (_defaultStream != null && !_defaultStream.IsDisposed)
                    return _defaultStream;
                using (var c = new Lease(Handle))
                {
                    IntPtr raw;
                    Error.Check(Native.tsr_context_default_stream(c.Value, &raw));
                    // The C call lends the handle: retain it so the Stream owns a reference.
                    Error.Check(Native.tsr_stream_retain(raw));
                    _defaultStream = new Stream(raw, this);
                    return _defaultStream;
                }
            }
        }

        /// <summary>Blocks until all work on all of the context's streams is done.</summary>
        public void Synchronize()
        {
            using (var c = new Lease(Handle))
                Error.Check(Native.tsr_context_synchronize(c.Value));
        }

        public unsafe MemoryStats GetStats()
        {
            tsr_stats s = default(tsr_stats);
            s.size = (UIntPtr)sizeof(tsr_stats);
            using (var c = new Lease(Handle))
                Error.Check(Native.tsr_context_get_stats(c.Value, &s));
            return new MemoryStats
            {
                BytesInUse = s.bytes_in_use,
                BytesReserved = s.bytes_reserved,
                PeakBytesInUse = s.peak_bytes_in_use,
                DeviceAllocations = s.device_allocations,
                DeviceFrees = s.device_frees,
                AllocationRequests = s.allocation_requests,
                CacheHits = s.cache_hits,
                Synchronizations = s.synchronizations,
                KernelCompilations = s.kernel_compilations,
                OpsLaunched = s.ops_launched,
            };
        }

        /// <summary>Resets the counters (not the bytes in use or reserved).</summary>
        public void ResetStats()
        {
            using (var c = new Lease(Handle))
                Error.Check(Native.tsr_context_reset_stats(c.Value));
        }

        /// <summary>Returns all cached, unused blocks to the device.</summary>
        public void Trim()
        {
            using (var c = new Lease(Handle))
                Error.Check(Native.tsr_context_trim(c.Value));
        }

        public void Dispose()
        {
            _defaultStream?.Dispose();
            Handle.RequestDispose();
        }
    }
}
