using System;

namespace Tessera
{
    /// <summary>Facts about the native library.</summary>
    public static class Library
    {
        /// <summary>The version of the libtessera that was loaded.</summary>
        public static unsafe Version Version
        {
            get
            {
                int major, minor, patch;
                Error.Check(Native.tsr_version(&major, &minor, &patch));
                return new Version(major, minor, patch);
            }
        }

        /// <summary>True when the ops (Unary, Binary, ..., RmsNorm) call libtessera as Mono raw
        /// internal calls, skipping the GC-safe transition of a P/Invoke: on Mono 6 and later
        /// unless TESSERA_MONO_RAW_CALLS=0 (docs/dotnet.md, "Call cost on Mono").</summary>
        public static bool MonoRawOpCalls => OpCalls.UsesMonoRawCalls;

        /// <summary>The version of tessera.h these bindings were generated from.</summary>
        public static Version HeaderVersion =>
            new Version(Native.TSR_VERSION_MAJOR, Native.TSR_VERSION_MINOR, Native.TSR_VERSION_PATCH);
    }
}
