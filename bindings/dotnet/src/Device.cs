using System;

namespace Tessera
{
    /// <summary>
    /// A device: the CPU or a GPU that a backend plugin found. Device handles
    /// live as long as the library, so a Device owns nothing and needs no
    /// Dispose.
    /// </summary>
    public sealed class Device : IEquatable<Device>
    {
        private readonly IntPtr _handle;

        internal Device(IntPtr handle) { _handle = handle; }

        /// <summary>Number of devices over all backends that loaded (the CPU is always one).</summary>
        public static unsafe int Count
        {
            get
            {
                int count;
                Error.Check(Native.tsr_device_count(&count));
                return count;
            }
        }

        /// <summary>The index-th device, 0 &lt;= index &lt; Count.</summary>
        public static unsafe Device Get(int index)
        {
            IntPtr handle;
            Error.Check(Native.tsr_device_get(index, &handle));
            return new Device(handle);
        }

        /// <summary>Whether a backend plugin of this kind loaded; reason says why not.</summary>
        public static unsafe bool IsBackendAvailable(DeviceKind kind, out string reason)
        {
            int available;
            IntPtr text;
            Error.Check(Native.tsr_backend_available(kind, &available, &text));
            reason = Utf8.Decode(text);
            return available != 0;
        }

        /// <summary>The C handle (tsr_device).</summary>
        public IntPtr Handle => _handle;

        private unsafe tsr_device_info Info()
        {
            tsr_device_info info = default(tsr_device_info);
            info.size = (UIntPtr)sizeof(tsr_device_info);
            Error.Check(Native.tsr_device_get_info(_handle, &info));
            return info;
        }

        public DeviceKind Kind => Info().kind;

        /// <summary>Index among the devices of this kind.</summary>
        public int Index => Info().index;

        public unsafe string Name
        {
            get
            {
                tsr_device_info info = Info();
                return Utf8.Decode(info.name, 128);
            }
        }

        /// <summary>Bytes of device memory (host RAM for the CPU).</summary>
        public long TotalMemory => Info().total_memory;

        /// <summary>Bytes free now, or -1 when unknown.</summary>
        public long FreeMemory => Info().free_memory;

        /// <summary>SMs, CUs or CPU cores.</summary>
        public int ComputeUnits => Info().compute_units;

        public bool SupportsFloat64 => Info().supports_float64 != 0;

        public bool SupportsFloat16 => Info().supports_float16 != 0;

        public bool Equals(Device other) => other != null && other._handle == _handle;

        public override bool Equals(object obj) => Equals(obj as Device);

        public override int GetHashCode() => _handle.GetHashCode();

        public override string ToString() => Kind + " " + Index + ": " + Name;
    }
}
