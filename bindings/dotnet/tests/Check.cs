using System;
using System.Collections.Generic;

namespace Tessera.Tests
{
    /// <summary>Assertions whose messages say what was expected and what came.</summary>
    public static class Check
    {
        public static void True(bool condition, string what)
        {
            if (!condition) throw new Exception("expected: " + what);
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new Exception(what + ": expected " + expected + ", got " + actual);
        }

        public static void Sequence<T>(IList<T> expected, IList<T> actual, string what)
        {
            Equal(expected.Count, actual.Count, what + " (length)");
            for (int i = 0; i < expected.Count; i++)
                if (!EqualityComparer<T>.Default.Equals(expected[i], actual[i]))
                    throw new Exception(what + ": element " + i + " expected " + expected[i] + ", got " + actual[i]);
        }

        /// <summary>|actual - expected| &lt;= atol + rtol * |expected| elementwise.</summary>
        public static void Close(IList<double> expected, IList<double> actual, double rtol, double atol, string what)
        {
            Equal(expected.Count, actual.Count, what + " (length)");
            for (int i = 0; i < expected.Count; i++)
                if (!(Math.Abs(actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i])))
                    throw new Exception(what + ": element " + i + " expected " + expected[i] + ", got " + actual[i] +
                                        " (rtol " + rtol + ", atol " + atol + ")");
        }

        public static TException Throws<TException>(Action action, string what) where TException : Exception
        {
            try
            {
                action();
            }
            catch (TException e)
            {
                return e;
            }
            catch (Exception e)
            {
                throw new Exception(what + ": expected " + typeof(TException).Name + ", got " + e.GetType().Name +
                                    ": " + e.Message);
            }
            throw new Exception(what + ": expected " + typeof(TException).Name + ", nothing was thrown");
        }

        /// <summary>A TesseraException with this status whose message contains `contains`.</summary>
        public static TesseraException Fails(Status status, string contains, Action action, string what)
        {
            var e = Throws<TesseraException>(action, what);
            Equal(status, e.Status, what + " (status)");
            True(e.NativeMessage.Contains(contains), what + ": message should contain '" + contains + "': " + e.Message);
            True(e.Message.StartsWith(TesseraException.StatusName(status)), what + ": message starts with the status name");
            return e;
        }

        /// <summary>
        /// Runs compute (an op and its host read). The matmul, linear, reduce,
        /// softmax and norm kernels are written in other branches; until they
        /// are merged the library answers Unsupported, at the call or (ops are
        /// asynchronous) at the host read as Status.Async. That answer is
        /// accepted only if it names the op, and only while
        /// TESSERA_REQUIRE_ALL_OPS is unset; the test is then reported as not
        /// checked, never as passed.
        /// </summary>
        public static T ResultOrUnsupported<T>(string op, Func<T> compute)
        {
            try
            {
                return compute();
            }
            catch (TesseraException e) when (
                (e.Status == Status.Unsupported ||
                 (e.Status == Status.Async && e.NativeMessage.Contains("TSR_ERROR_UNSUPPORTED"))) &&
                Environment.GetEnvironmentVariable("TESSERA_REQUIRE_ALL_OPS") == null)
            {
                True(e.NativeMessage.Contains(op), "the unsupported error should name '" + op + "': " + e.Message);
                throw new NotCheckedException(e.Message);
            }
        }

        public static double[] Widen(float[] values)
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++) result[i] = values[i];
            return result;
        }

        public static float[] RandomFloats(Random rng, int n, double lo, double hi)
        {
            var result = new float[n];
            for (int i = 0; i < n; i++) result[i] = (float)(lo + (hi - lo) * rng.NextDouble());
            return result;
        }
    }
}
