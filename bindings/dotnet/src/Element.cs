using System;

namespace Tessera
{
    /// <summary>The dtype whose elements have the layout of the .NET type T
    /// (computed once per T).</summary>
    internal static class Element<T> where T : struct
    {
        private static readonly DType? Mapped = Map(typeof(T));

        internal static DType DType
        {
            get
            {
                if (Mapped == null)
                    throw new NotSupportedException(
                        "Tessera: no dtype has the layout of " + typeof(T).FullName +
                        "; use bool, sbyte, short, int, long, byte, ushort, uint, ulong, float or double");
                return Mapped.Value;
            }
        }

        private static DType? Map(Type t)
        {
            if (t == typeof(float)) return DType.Float32;
            if (t == typeof(double)) return DType.Float64;
            if (t == typeof(int)) return DType.Int32;
            if (t == typeof(long)) return DType.Int64;
            if (t == typeof(short)) return DType.Int16;
            if (t == typeof(sbyte)) return DType.Int8;
            if (t == typeof(byte)) return DType.UInt8;
            if (t == typeof(ushort)) return DType.UInt16;
            if (t == typeof(uint)) return DType.UInt32;
            if (t == typeof(ulong)) return DType.UInt64;
            if (t == typeof(bool)) return DType.Bool; // 1 byte in arrays and spans
            return null;
        }
    }

    /// <summary>Facts about dtypes from the library.</summary>
    public static class DTypes
    {
        /// <summary>Size of one element in bytes (bool is 1).</summary>
        public static unsafe long SizeOf(DType dtype)
        {
            long bytes;
            Error.Check(Native.tsr_dtype_size(dtype, &bytes));
            return bytes;
        }

        /// <summary>The library's name, e.g. "float32".</summary>
        public static string Name(DType dtype)
        {
            return Utf8.Decode(Native.tsr_dtype_name(dtype));
        }

        /// <summary>The dtype a binary op on a and b computes in.</summary>
        public static unsafe DType ResultType(DType a, DType b)
        {
            DType result;
            Error.Check(Native.tsr_result_type(a, b, &result));
            return result;
        }
    }
}
