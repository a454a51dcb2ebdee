// Bad input: every native failure arrives as a TesseraException with the C
// status and the library's message; disposed objects give
// ObjectDisposedException before any native call; outputs stay untouched.
using System;
using System.Linq;

namespace Tessera.Tests
{
    public static class ErrorTests
    {
        private static Context Cpu() => Context.Create(DeviceKind.Cpu);

        [Test]
        public static void StaleHandleIsInvalidHandleNotACrash()
        {
            using (var ctx = Cpu())
            {
                var t = Tensor.Zeros(ctx, DType.Float32, 2, 2);
                IntPtr raw = t.DangerousGetHandle();
                t.Dispose();
                // A non-owning wrapper of the released value: the slot table rejects it.
                using (var stale = Tensor.FromHandle(raw, ownsHandle: false))
                using (var other = Tensor.Zeros(ctx, DType.Float32, 2, 2))
                {
                    Check.Fails(Status.InvalidHandle, "tsr_tensor", () => { var s = stale.Shape; }, "shape of a stale handle");
                    Check.Fails(Status.InvalidHandle, "tsr_binary", () => (stale + other).Dispose(), "stale operand");
                }
            }
        }

        [Test]
        public static void WrongKindHandleIsRejected()
        {
            using (var ctx = Cpu())
            {
                using (var fake = Tensor.FromHandle(ctx.DangerousGetHandle(), ownsHandle: true))
                    Check.Fails(Status.InvalidHandle, "tsr_tensor", () => { var n = fake.NumElements; }, "a context as a tensor");
                // Disposing `fake` called tsr_tensor_release on a context handle,
                // which must have left the context alone.
                using (var t = Tensor.Zeros(ctx, DType.Float32, 1))
                    Check.Equal(1L, t.NumElements, "the context survives");
            }
        }

        [Test]
        public static void ShapeMismatchNamesTheFunctionAndLeavesOutputUntouched()
        {
            using (var ctx = Cpu())
            using (var a = Tensor.FromArray(ctx, new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3))
            using (var b = Tensor.FromArray(ctx, new[] { 1f, 2f, 3f, 4f }, 4))
            using (var output = Tensor.Full(ctx, DType.Float32, 7.0, 3))
            {
                var e = Check.Fails(Status.ShapeMismatch, "tsr_binary", () => (a + b).Dispose(), "[2,3] + [4]");
                Check.True(e.Message.StartsWith("TSR_ERROR_SHAPE_MISMATCH: "), "message carries the status: " + e.Message);
                Check.Fails(Status.ShapeMismatch, "tsr_binary", () => a.Binary(BinaryOp.Add, a, output),
                            "an output of the wrong shape");
                Check.Sequence(new[] { 7f, 7f, 7f }, output.ToArray<float>(), "the output is untouched");
            }
        }

        [Test]
        public static void DisposedObjectsThrowObjectDisposedException()
        {
            using (var ctx = Cpu())
            using (var live = Tensor.Zeros(ctx, DType.Float32, 2))
            {
                var t = Tensor.Zeros(ctx, DType.Float32, 2);
                t.Dispose();
                t.Dispose(); // a second Dispose is harmless
                Check.True(t.IsDisposed, "IsDisposed");
                Check.Throws<ObjectDisposedException>(() => { var s = t.Shape; }, "Shape");
                Check.Throws<ObjectDisposedException>(() => t.ToArray<float>(), "ToArray");
                Check.Throws<ObjectDisposedException>(() => (t + live).Dispose(), "left operand");
                Check.Throws<ObjectDisposedException>(() => (live * t).Dispose(), "right operand");
                Check.Throws<ObjectDisposedException>(() => live.Unary(UnaryOp.Exp, t), "output");
                var e = Check.Throws<ObjectDisposedException>(() => t.Exp(), "Exp");
                Check.Equal("Tessera.Tensor", e.ObjectName, "ObjectName");

                var stream = new Stream(ctx);
                stream.Dispose();
                Check.Throws<ObjectDisposedException>(() => live.Unary(UnaryOp.Exp, null, stream), "a disposed stream");
                var ev = new Event(ctx);
                ev.Dispose();
                Check.Throws<ObjectDisposedException>(() => ev.Record(), "a disposed event");
            }
            var gone = Cpu();
            gone.Dispose();
            Check.Throws<ObjectDisposedException>(() => Tensor.Zeros(gone, DType.Float32, 1), "a disposed context");
            Check.Throws<ObjectDisposedException>(() => gone.Synchronize(), "Context.Synchronize");
        }

        [Test]
        public static void DisposeRacingWithCallsOnAnotherThreadIsSafe()
        {
            using (var ctx = Cpu())
            {
                for (int round = 0; round < 20; round++)
                {
                    var a = Tensor.Full(ctx, DType.Float32, 1.0, 64);
                    Exception ended = null;
                    int calls = 0;
                    var worker = new System.Threading.Thread(() =>
                    {
                        try
                        {
                            for (;;) { using (a.Exp()) calls++; }
                        }
                        catch (Exception e) { ended = e; }
                    });
                    worker.Start();
                    while (System.Threading.Volatile.Read(ref calls) < 10) System.Threading.Thread.Sleep(0);
                    a.Dispose(); // while the worker is calling into the library
                    worker.Join();
                    Check.True(ended is ObjectDisposedException,
                               "the worker stops with ObjectDisposedException, got " + ended);
                }
                ctx.Synchronize();
                Check.Equal(0L, ctx.GetStats().BytesInUse, "every tensor was released");
            }
        }

        [Test]
        public static void TensorsKeepTheirContextAlive()
        {
            Tensor t;
            using (var ctx = Cpu())
                t = Tensor.Full(ctx, DType.Float32, 3.0, 4);
            using (t)
            using (var u = t * 2.0)
                Check.Sequence(new[] { 6f, 6f, 6f, 6f }, u.ToArray<float>(), "ops after the context was disposed");
        }

        [Test]
        public static void HostCopiesCheckTypeAndLength()
        {
            using (var ctx = Cpu())
            using (var t = Tensor.Zeros(ctx, DType.Float32, 4))
            {
                Check.Fails(Status.DTypeMismatch, "float32", () => t.ToArray<int>(), "int32 destination");
                Check.Fails(Status.ShapeMismatch, "tsr_tensor_to_host", () => t.CopyTo(new float[3]), "short span");
                Check.Fails(Status.ShapeMismatch, "tsr_tensor_from_host",
                            () => Tensor.FromArray(ctx, new[] { 1f, 2f, 3f }, 2, 2).Dispose(), "3 values, shape [2,2]");
                Check.Throws<NotSupportedException>(() => Tensor.FromArray(ctx, new decimal[] { 1m }, 1), "decimal");
                Check.Fails(Status.TooManyDims, "tsr_tensor_empty",
                            () => Tensor.Empty(ctx, DType.Float32, Enumerable.Repeat(1L, 9).ToArray()).Dispose(), "9 dims");
                Check.Fails(Status.InvalidShape, "tsr_tensor_empty",
                            () => Tensor.Empty(ctx, DType.Float32, 2, -3).Dispose(), "a negative dimension");
            }
        }

        [Test]
        public static void StreamOfAnotherContextIsADeviceMismatch()
        {
            using (var c1 = Cpu())
            using (var c2 = Cpu())
            using (var s2 = new Stream(c2))
            using (var x = Tensor.Zeros(c1, DType.Float32, 2))
                Check.Fails(Status.DeviceMismatch, "tsr_unary", () => x.Unary(UnaryOp.Exp, null, s2).Dispose(),
                            "a stream of another context");
        }

        [Test]
        public static void ErrorsStayWithTheirThread()
        {
            using (var ctx = Cpu())
            using (var a = Tensor.Zeros(ctx, DType.Float32, 2, 3))
            using (var b = Tensor.Zeros(ctx, DType.Float32, 5))
            {
                TesseraException failure = null;
                long[] shape = null;
                var failing = new System.Threading.Thread(() =>
                {
                    try { (a + b).Dispose(); } catch (TesseraException e) { failure = e; }
                });
                var fine = new System.Threading.Thread(() => { using (var s = a + a) shape = s.Shape; });
                failing.Start(); fine.Start();
                failing.Join(); fine.Join();
                Check.Sequence(new long[] { 2, 3 }, shape, "the other thread's op");
                Check.True(failure != null, "the failing thread saw an exception");
                Check.Equal(Status.ShapeMismatch, failure.Status, "its status");
                Check.True(failure.NativeMessage.Contains("tsr_binary"), "its message: " + failure.Message);
            }
        }
    }
}
