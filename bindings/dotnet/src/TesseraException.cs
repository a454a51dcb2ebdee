using System;
using System.Runtime.CompilerServices;

namespace Tessera
{
    /// <summary>
    /// A failed Tessera call: the C status and the message the library wrote
    /// for this thread (it names the function, the op and the shapes).
    /// </summary>
    public sealed class TesseraException : Exception
    {
        /// <summary>The status, e.g. <see cref="Tessera.Status.ShapeMismatch"/>.</summary>
        public Status Status { get; }

        /// <summary>The library's message without the status prefix.</summary>
        public string NativeMessage { get; }

        /// <summary>An error found by the binding itself, before any native call.</summary>
        public TesseraException(Status status, string message)
            : base(StatusName(status) + ": " + message)
        {
            Status = status;
            NativeMessage = message;
        }

        /// <summary>The library's name for a status, e.g. "TSR_ERROR_INVALID_HANDLE".</summary>
        public static string StatusName(Status status)
        {
            return Utf8.Decode(Native.tsr_status_string(status));
        }

        /// <summary>Builds the exception from this thread's last native message. Call
        /// it right after the failing call, on the same thread.</summary>
        internal static TesseraException FromLastError(Status status)
        {
            return new TesseraException(status, Utf8.Decode(Native.tsr_last_error_message()));
        }
    }

    /// <summary>Turns a returned status into an exception.</summary>
    internal static class Error
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Check(Status status)
        {
            if (status != Status.Ok)
                Throw(status);
        }

        // Kept out of Check so that Check stays small enough to inline.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Throw(Status status)
        {
            throw TesseraException.FromLastError(status);
        }
    }
}
