// How ops reach the library (bindings/dotnet/src/OpCalls.cs): on Mono as raw
// internal calls, which run with the thread in managed (GC-unsafe) mode. These
// tests check that the path is the one expected and that ops stay correct,
// and nothing hangs, while other threads collect garbage and the CPU stream
// workers call the managed deleters of wrapped arrays. scripts/test_dotnet.sh
// runs the whole suite a second time with TESSERA_MONO_RAW_CALLS=0 (P/Invoke).
using System;
using System.Linq;
using System.Threading;

namespace Tessera.Tests
{
    public static class CallPathTests
    {
        private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(120);

        [Test]
        public static void OpsUseMonoRawCallsOnMonoUnlessTurnedOff()
        {
            bool onMono = Type.GetType("Mono.Runtime") != null;
            bool turnedOff = Environment.GetEnvironmentVariable("TESSERA_MONO_RAW_CALLS") == "0";
            Check.Equal(onMono && !turnedOff, Library.MonoRawOpCalls,
                        "Library.MonoRawOpCalls (Mono: " + onMono + ", TESSERA_MONO_RAW_CALLS=0: " + turnedOff + ")");
        }

        // Runs every body on its own background thread (a hang must not keep the
        // process alive) while this thread collects until all end; rethrows the
        // first failure.
        private static void RunWhileCollecting(params Action[] bodies)
        {
            var errors = new Exception[bodies.Length];
            var threads = bodies.Select((body, i) => new Thread(() =>
            {
                try { body(); }
                catch (Exception e) { errors[i] = e; }
            }) { IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int collections = 0;
            while (threads.Any(t => t.IsAlive))
            {
                Check.True(clock.Elapsed < HangLimit, "the op threads ended within " + HangLimit.TotalSeconds +
                           " s (after " + collections + " collections)");
                GC.Collect();
                collections++;
                Thread.Sleep(1);
            }
            Check.True(collections > 0, "collections ran while the ops did");
            foreach (var e in errors)
                if (e != null)
                    throw new Exception("an op thread failed", e);
        }

        private static Action ArithmeticLoop(Context ctx, int seed) => () =>
        {
            var rng = new Random(seed);
            float[] x = Check.RandomFloats(rng, 48, -2, 2), y = Check.RandomFloats(rng, 48, 0.5, 2);
            double[] expected = x.Zip(y, (p, q) => (double)p * q + p).ToArray();
            using (var a = Tensor.FromArray(ctx, x, 6, 8))
            using (var b = Tensor.FromArray(ctx, y, 6, 8))
            using (var into = Tensor.Empty(ctx, DType.Float32, 6, 8))
            {
                for (int i = 0; i < 3000; i++)
                {
                    using (var product = a * b)            // allocating forms
                    using (var sum = product + a)
                    {
                        product.Binary(BinaryOp.Add, a, into); // output form
                        if (i % 100 == 0)
                            Tensor.Zeros(ctx, DType.Float32, 4); // left to the finalizer thread
                        if (i % 500 == 0)
                        {
                            Check.Close(expected, Check.Widen(sum.ToArray<float>()), 1e-6, 1e-6, "(a*b)+a");
                            Check.Close(expected, Check.Widen(into.ToArray<float>()), 1e-6, 1e-6, "into");
                        }
                    }
                }
            }
        };

        [Test]
        public static void OpsStayCorrectWhileOtherThreadsCollect()
        {
            using (var ctx = Context.Create(DeviceKind.Cpu))
            {
                RunWhileCollecting(ArithmeticLoop(ctx, 1), ArithmeticLoop(ctx, 2), ArithmeticLoop(ctx, 3));
                ctx.Synchronize();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Check.Equal(0L, ctx.GetStats().BytesInUse, "every tensor was released");
            }
        }

        [Test]
        public static void ManagedDeletersRunWhileOpsAndCollectionsRun()
        {
            using (var ctx = Context.Create(DeviceKind.Cpu))
            {
                // Large enough for the CPU stream to run the op on its worker; the
                // wrapped tensor is released while the op is queued, so the array's
                // deleter (managed: it unpins the array) runs there, on a native
                // thread, when the op is done, while the other threads are in ops.
                const int n = 1 << 16;
                Action wrapping = () =>
                {
                    for (int i = 0; i < 200; i++)
                    {
                        var buffer = Enumerable.Range(0, n).Select(k => (float)(k % 7)).ToArray();
                        float[] result;
                        Tensor doubled;
                        using (var wrapped = Tensor.Wrap(ctx, buffer, n))
                            doubled = wrapped * 2.0; // released while the op is (likely) still queued
                        using (doubled)
                            result = doubled.ToArray<float>();
                        for (int k = 0; k < n; k += 997)
                            Check.Equal(2f * (k % 7), result[k], "element " + k + " of 2 * wrapped");
                    }
                };
                Action small = () =>
                {
                    using (var a = Tensor.Full(ctx, DType.Float32, 3.0, 16))
                        for (int i = 0; i < 50000; i++)
                            using (var b = a.Exp()) { }
                };
                RunWhileCollecting(wrapping, small, small);
                ctx.Synchronize();
                Check.Equal(0L, ctx.GetStats().BytesInUse, "every tensor was released");
            }
        }
    }
}
