using System;
using System.Text;

namespace Tessera
{
    /// <summary>NUL-terminated UTF-8 from the library to a string (netstandard2.0
    /// has no UTF-8 string marshaler).</summary>
    internal static class Utf8
    {
        internal static unsafe string Decode(IntPtr text)
        {
            if (text == IntPtr.Zero)
                return string.Empty;
            byte* bytes = (byte*)text;
            int length = 0;
            while (bytes[length] != 0)
                length++;
            return Encoding.UTF8.GetString(bytes, length);
        }

        internal static unsafe string Decode(byte* bytes, int capacity)
        {
            int length = 0;
            while (length < capacity && bytes[length] != 0)
                length++;
            return Encoding.UTF8.GetString(bytes, length);
        }
    }
}
