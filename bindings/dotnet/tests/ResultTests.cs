// Results of the idiomatic layer against simple host computations on random inputs.
using System;
using System.Linq;

namespace Tessera.Tests
{
    public static class ResultTests
    {
        private static Context Cpu() => Context.Create(DeviceKind.Cpu);

        private static double[] Read(Tensor t) => Check.Widen(t.ToArray<float>());

        [Test]
        public static void HostRoundTripKeepsEveryDTypeExact()
        {
            var rng = new Random(1);
            using (var ctx = Cpu())
            {
                float[] f = Check.RandomFloats(rng, 12, -5, 5);
                using (var t = Tensor.FromArray(ctx, f, 3, 4))
                {
                    Check.Sequence(f, t.ToArray<float>(), "float32");
                    Check.Sequence(new long[] { 3, 4 }, t.Shape, "shape");
                    Check.Equal(DType.Float32, t.DType, "dtype");
                    Check.Equal(12L, t.NumElements, "numel");
                    Check.Equal(48L, t.NBytes, "nbytes");
                    Check.True(t.IsContiguous, "contiguous");
                }
                double[] d = Enumerable.Range(0, 7).Select(_ => rng.NextDouble() * 1e6 - 5e5).ToArray();
                using (var t = Tensor.FromArray(ctx, d, 7))
                    Check.Sequence(d, t.ToArray<double>(), "float64");
                int[] i = Enumerable.Range(0, 10).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
                using (var t = Tensor.FromArray(ctx, i, 2, 5))
                    Check.Sequence(i, t.ToArray<int>(), "int32");
                long[] l = Enumerable.Range(0, 5).Select(_ => (long)rng.Next() << 20).ToArray();
                using (var t = Tensor.FromArray(ctx, l, 5))
                    Check.Sequence(l, t.ToArray<long>(), "int64");
                byte[] b = Enumerable.Range(0, 9).Select(_ => (byte)rng.Next(256)).ToArray();
                using (var t = Tensor.FromArray(ctx, b, 3, 3))
                {
                    Check.Equal(DType.UInt8, t.DType, "uint8 dtype");
                    Check.Sequence(b, t.ToArray<byte>(), "uint8");
                }
                bool[] flags = { true, false, false, true };
                using (var t = Tensor.FromArray(ctx, flags, 4))
                {
                    Check.Equal(DType.Bool, t.DType, "bool dtype");
                    Check.Sequence(flags, t.ToArray<bool>(), "bool");
                }
                // Spans: a slice of a bigger array in, a slice of another out.
                float[] big = Check.RandomFloats(rng, 10, -1, 1);
                var dest = new float[8];
                using (var t = Tensor.FromArray(ctx, new ReadOnlySpan<float>(big, 2, 6), 6))
                    t.CopyTo(new Span<float>(dest, 1, 6));
                Check.Sequence(big.Skip(2).Take(6).ToArray(), dest.Skip(1).Take(6).ToArray(), "span copies");
                Check.Equal(0f, dest[0], "CopyTo writes only its span");
                using (var s = Tensor.FromArray(ctx, new[] { 2.5 }))
                {
                    Check.Equal(0, s.NDim, "0-d tensor");
                    Check.Equal(2.5, s.ToArray<double>()[0], "0-d value");
                }
                using (var e = Tensor.FromArray(ctx, new float[0], 0, 3))
                    Check.Equal(0, e.ToArray<float>().Length, "empty tensor");
            }
        }

        [Test]
        public static void OperatorsMatchHostWithBroadcasting()
        {
            var rng = new Random(2);
            float[] a = Check.RandomFloats(rng, 12, -3, 3), b = Check.RandomFloats(rng, 4, 0.5, 2);
            Func<Func<double, double, double>, double[]> host =
                f => Enumerable.Range(0, 12).Select(i => f(a[i], b[i % 4])).ToArray();
            using (var ctx = Cpu())
            using (var ta = Tensor.FromArray(ctx, a, 3, 4))
            using (var tb = Tensor.FromArray(ctx, b, 4))
            {
                using (var r = ta + tb) Check.Close(host((x, y) => x + y), Read(r), 1e-6, 1e-6, "a + b");
                using (var r = ta - tb) Check.Close(host((x, y) => x - y), Read(r), 1e-6, 1e-6, "a - b");
                using (var r = ta * tb) Check.Close(host((x, y) => x * y), Read(r), 1e-6, 1e-6, "a * b");
                using (var r = ta / tb) Check.Close(host((x, y) => x / y), Read(r), 1e-6, 1e-6, "a / b");
                using (var r = ta.Maximum(tb)) Check.Close(host(Math.Max), Read(r), 0, 0, "maximum");
                using (var r = ta * 2.5) Check.Close(host((x, _) => x * 2.5), Read(r), 1e-6, 1e-6, "a * 2.5");
                using (var r = 1.0 - ta) Check.Close(host((x, _) => 1 - x), Read(r), 1e-6, 1e-6, "1 - a");
                using (var r = 8.0 / tb)
                    Check.Close(b.Select(y => 8.0 / y).ToArray(), Read(r), 1e-6, 1e-6, "8 / b");
                using (var r = -ta) Check.Close(host((x, _) => -x), Read(r), 0, 0, "-a");
                using (var sum = ta + tb)
                using (var r = sum * 0.5)
                    Check.Close(host((x, y) => (x + y) * 0.5), Read(r), 1e-6, 1e-6, "(a + b) * 0.5");
                using (var less = ta.Less(tb))
                {
                    Check.Equal(DType.Bool, less.DType, "comparison dtype");
                    Check.Sequence(Enumerable.Range(0, 12).Select(i => a[i] < b[i % 4]).ToArray(),
                                   less.ToArray<bool>(), "a < b");
                }
            }
        }

        [Test]
        public static void UnaryOpsMatchHost()
        {
            var rng = new Random(3);
            float[] x = Check.RandomFloats(rng, 64, -4, 4);
            using (var ctx = Cpu())
            using (var t = Tensor.FromArray(ctx, x, 8, 8))
            {
                Action<Func<Tensor>, Func<double, double>, string> check = (op, f, what) =>
                {
                    using (var r = op()) Check.Close(x.Select(v => f(v)).ToArray(), Read(r), 1e-5, 1e-6, what);
                };
                check(t.Exp, Math.Exp, "exp");
                check(t.Relu, v => Math.Max(v, 0), "relu");
                check(t.Tanh, Math.Tanh, "tanh");
                check(t.Sigmoid, v => 1 / (1 + Math.Exp(-v)), "sigmoid");
                check(t.Square, v => v * v, "square");
                check(t.Negate, v => -v, "negate");
                check(() => t.Unary(UnaryOp.Abs), Math.Abs, "abs");
                using (var abs = t.Abs()) using (var r = abs.Sqrt())
                    Check.Close(x.Select(v => Math.Sqrt(Math.Abs(v))).ToArray(), Read(r), 1e-5, 1e-6, "sqrt(abs)");
            }
        }

        [Test]
        public static void ViewsReadBackInCOrder()
        {
            var rng = new Random(4);
            float[] x = Check.RandomFloats(rng, 24, -1, 1);
            using (var ctx = Cpu())
            using (var t = Tensor.FromArray(ctx, x, 2, 3, 4))
            {
                using (var tt = t.Transpose(0, 2))
                {
                    Check.Sequence(new long[] { 4, 3, 2 }, tt.Shape, "transposed shape");
                    Check.True(!tt.IsContiguous, "a transpose is a strided view");
                    var want = new double[24];
                    int n = 0;
                    for (int k = 0; k < 4; k++)
                        for (int j = 0; j < 3; j++)
                            for (int i = 0; i < 2; i++)
                                want[n++] = x[i * 12 + j * 4 + k];
                    Check.Close(want, Read(tt), 0, 0, "transpose");
                    using (var c = tt.Contiguous()) Check.Close(want, Read(c), 0, 0, "contiguous");
                }
                using (var s = t.Slice(new long[] { 0, 1, 3 }, new long[] { 2, 3, -5 }, new long[] { 1, 1, -2 }))
                {
                    Check.Sequence(new long[] { 2, 2, 2 }, s.Shape, "slice shape");
                    var want = new double[8];
                    int n = 0;
                    for (int i = 0; i < 2; i++)
                        for (int j = 1; j < 3; j++)
                            foreach (int k in new[] { 3, 1 })
                                want[n++] = x[i * 12 + j * 4 + k];
                    Check.Close(want, Read(s), 0, 0, "slice with a negative step");
                }
                using (var r = t.Reshape(6, -1))
                {
                    Check.Sequence(new long[] { 6, 4 }, r.Shape, "reshape");
                    Check.Close(Check.Widen(x), Read(r), 0, 0, "reshape values");
                }
                using (var row = Tensor.FromArray(ctx, x.Take(4).ToArray(), 4))
                using (var u = row.Unsqueeze(0))
                using (var e = u.Expand(3, 4))
                    Check.Close(Enumerable.Range(0, 12).Select(i => (double)x[i % 4]).ToArray(), Read(e), 0, 0, "expand");
            }
        }

        [Test]
        public static void OutputOverloadsWriteInPlaceOnAStream()
        {
            var rng = new Random(5);
            float[] a = Check.RandomFloats(rng, 6, -1, 1), b = Check.RandomFloats(rng, 6, -1, 1);
            using (var ctx = Cpu())
            using (var ta = Tensor.FromArray(ctx, a, 2, 3))
            using (var tb = Tensor.FromArray(ctx, b, 2, 3))
            using (var output = Tensor.Zeros(ctx, DType.Float32, 2, 3))
            using (var stream = new Stream(ctx))
            {
                ctx.Synchronize(); // the uploads and the zero fill ran on the default stream
                var same = ta.Binary(BinaryOp.Multiply, tb, output, stream);
                Check.True(ReferenceEquals(same, output), "an op with an output returns that output");
                stream.Synchronize();
                Check.Close(Enumerable.Range(0, 6).Select(i => (double)a[i] * b[i]).ToArray(), Read(output),
                            1e-6, 0, "multiply into");
                ta.Unary(UnaryOp.Exp, output);
                Check.Close(a.Select(v => Math.Exp(v)).ToArray(), Read(output), 1e-6, 0, "exp into");
                ta.BinaryScalar(BinaryOp.Subtract, 3.0, true, output);
                Check.Close(a.Select(v => 3.0 - v).ToArray(), Read(output), 1e-6, 0, "3 - a into");
            }
        }

        [Test]
        public static void RandomIsReproducibleAndInRange()
        {
            using (var ctx = Cpu())
            using (var a = Tensor.RandomUniform(ctx, DType.Float32, 42, -0.5, 0.25, 1000))
            using (var b = Tensor.RandomUniform(ctx, DType.Float32, 42, -0.5, 0.25, 1000))
            using (var c = Tensor.RandomUniform(ctx, DType.Float32, 43, -0.5, 0.25, 1000))
            using (var n = Tensor.RandomNormal(ctx, DType.Float64, 7, 1.0, 2.0, 4000))
            {
                float[] va = a.ToArray<float>(), vb = b.ToArray<float>(), vc = c.ToArray<float>();
                Check.Sequence(va, vb, "same seed, same values");
                Check.True(!va.SequenceEqual(vc), "another seed gives other values");
                Check.True(va.All(v => v >= -0.5f && v < 0.25f), "uniform values lie in [low, high)");
                double mean = n.ToArray<double>().Average();
                Check.True(Math.Abs(mean - 1.0) < 0.15, "normal mean near 1, got " + mean);
            }
        }

        [Test]
        public static void AsTypeWhereFullAndArange()
        {
            using (var ctx = Cpu())
            using (var x = Tensor.FromArray(ctx, new[] { 1.7f, -2.2f, 3.9f, -0.5f }, 4))
            using (var zero = Tensor.Zeros(ctx, DType.Float32, 4))
            using (var nine = Tensor.Full(ctx, DType.Float32, 9.0, 4))
            using (var positive = x.Greater(zero))
            using (var picked = Tensor.Where(positive, x, nine))
            using (var ints = x.AsType(DType.Int32))
            using (var range = Tensor.Arange(ctx, 0, 5, 2, DType.Int64))
            {
                Check.Sequence(new[] { 1, -2, 3, 0 }, ints.ToArray<int>(), "astype truncates");
                Check.Sequence(new[] { 1.7f, 9f, 3.9f, 9f }, picked.ToArray<float>(), "where");
                Check.Sequence(new long[] { 0, 2, 4 }, range.ToArray<long>(), "arange");
            }
        }

        [Test]
        public static void SumMatchesHost()
        {
            float[] x = Check.RandomFloats(new Random(6), 12, -2, 2);
            using (var ctx = Cpu())
            using (var t = Tensor.FromArray(ctx, x, 3, 4))
            {
                float[] got = Check.ResultOrUnsupported("sum", () => { using (var s = t.Sum()) return s.ToArray<float>(); });
                Check.Close(new[] { x.Sum(v => (double)v) }, Check.Widen(got), 1e-5, 1e-5, "sum");
            }
        }

        [Test]
        public static void MeanOverAnAxisMatchesHost()
        {
            float[] x = Check.RandomFloats(new Random(7), 12, -2, 2);
            using (var ctx = Cpu())
            using (var t = Tensor.FromArray(ctx, x, 3, 4))
            {
                float[] got = Check.ResultOrUnsupported("mean", () =>
                {
                    using (var m = t.Mean(new[] { 1 }, keepDims: true))
                    {
                        Check.Sequence(new long[] { 3, 1 }, m.Shape, "keepdims shape");
                        return m.ToArray<float>();
                    }
                });
                var want = Enumerable.Range(0, 3).Select(r => x.Skip(r * 4).Take(4).Average(v => (double)v)).ToArray();
                Check.Close(want, Check.Widen(got), 1e-5, 1e-6, "mean over axis 1");
            }
        }

        private static double Dot(float[] a, float[] w, int k, int i, int j) =>
            Enumerable.Range(0, k).Sum(p => (double)a[i * k + p] * w[j * k + p]);

        [Test]
        public static void LinearWithReluMatchesHost()
        {
            var rng = new Random(8);
            const int m = 3, k = 5, n = 4;
            float[] a = Check.RandomFloats(rng, m * k, -1, 1), w = Check.RandomFloats(rng, n * k, -1, 1);
            float[] bias = Check.RandomFloats(rng, n, -1, 1);
            using (var ctx = Cpu())
            using (var ta = Tensor.FromArray(ctx, a, m, k))
            using (var tw = Tensor.FromArray(ctx, w, n, k))
            using (var tb = Tensor.FromArray(ctx, bias, n))
            {
                float[] got = Check.ResultOrUnsupported("linear", () =>
                {
                    using (var y = ta.Linear(tw, tb, Activation.Relu)) return y.ToArray<float>();
                });
                var want = Enumerable.Range(0, m * n)
                    .Select(idx => Math.Max(Dot(a, w, k, idx / n, idx % n) + bias[idx % n], 0)).ToArray();
                Check.Close(want, Check.Widen(got), 1e-5, 1e-5, "linear + relu");
            }
        }

        [Test]
        public static void MatmulMatchesHost()
        {
            var rng = new Random(9);
            const int m = 3, k = 5, n = 4;
            float[] a = Check.RandomFloats(rng, m * k, -1, 1), w = Check.RandomFloats(rng, n * k, -1, 1);
            using (var ctx = Cpu())
            using (var ta = Tensor.FromArray(ctx, a, m, k))
            using (var tw = Tensor.FromArray(ctx, w, n, k))
            using (var wt = tw.Transpose(0, 1))
            {
                float[] got = Check.ResultOrUnsupported("matmul", () =>
                {
                    using (var y = ta.Matmul(wt)) return y.ToArray<float>();
                });
                var want = Enumerable.Range(0, m * n).Select(idx => Dot(a, w, k, idx / n, idx % n)).ToArray();
                Check.Close(want, Check.Widen(got), 1e-5, 1e-5, "matmul");
            }
        }

        [Test]
        public static void SoftmaxMatchesHost()
        {
            const int rows = 3, cols = 5;
            float[] a = Check.RandomFloats(new Random(10), rows * cols, -3, 3);
            using (var ctx = Cpu())
            using (var t = Tensor.FromArray(ctx, a, rows, cols))
            {
                float[] got = Check.ResultOrUnsupported("softmax", () =>
                {
                    using (var y = t.Softmax()) return y.ToArray<float>();
                });
                var want = new double[rows * cols];
                for (int r = 0; r < rows; r++)
                {
                    var row = a.Skip(r * cols).Take(cols).Select(v => (double)v).ToArray();
                    double max = row.Max(), z = row.Sum(v => Math.Exp(v - max));
                    for (int c = 0; c < cols; c++) want[r * cols + c] = Math.Exp(row[c] - max) / z;
                }
                Check.Close(want, Check.Widen(got), 1e-5, 1e-6, "softmax");
            }
        }

        [Test]
        public static void DeviceContextAndStats()
        {
            using (var ctx = Cpu())
            using (var t = Tensor.Zeros(ctx, DType.Float64, 256))
            {
                Device device = ctx.Device;
                Check.Equal(DeviceKind.Cpu, device.Kind, "device kind");
                Check.True(device.Name.Length > 0, "the device has a name");
                Check.True(Device.Count >= 1, "at least one device");
                Check.Equal(Library.HeaderVersion, Library.Version, "library version = header version");
                Check.True(ctx.GetStats().BytesInUse >= 256 * 8, "stats count the tensor");
                using (var c2 = t.GetContext())
                    Check.Equal(device, c2.Device, "the tensor's context runs on the same device");
                Check.Equal(device, t.Device, "tensor device");
                ctx.DefaultStream.Synchronize();
                Check.True(ctx.DefaultStream.IsIdle, "idle after synchronize");
                Check.Equal(IntPtr.Zero, ctx.DefaultStream.NativeHandle, "the CPU has no native stream");
                Check.Equal(4L, DTypes.SizeOf(DType.Float32), "float32 size");
                Check.Equal("float32", DTypes.Name(DType.Float32), "dtype name");
                Check.Equal(DType.Float32, DTypes.ResultType(DType.Int32, DType.Float32), "promotion");
            }
        }

        [Test]
        public static void EventsOrderTwoStreams()
        {
            using (var ctx = Cpu())
            using (var s1 = new Stream(ctx))
            using (var s2 = new Stream(ctx, StreamFlags.NonBlocking))
            using (var filled = new Event(ctx))
            using (var start = new Event(ctx))
            using (var end = new Event(ctx))
            using (var x = Tensor.Full(ctx, DType.Float32, 2.0, 1 << 16))
            using (var y = Tensor.Empty(ctx, DType.Float32, 1 << 16))
            using (var z = Tensor.Empty(ctx, DType.Float32, 1 << 16))
            {
                filled.Record();          // x is filled on the default stream
                s1.Wait(filled);
                start.Record(s1);
                x.Unary(UnaryOp.Sqrt, y, s1);
                end.Record(s1);
                s2.Wait(end);
                y.Binary(BinaryOp.Multiply, y, z, s2);
                s2.Synchronize();
                end.Synchronize();
                Check.True(end.IsCompleted, "end completed");
                Check.True(Event.ElapsedMilliseconds(start, end) >= 0, "elapsed time");
                Check.True(z.ToArray<float>().All(v => Math.Abs(v - 2f) < 1e-6f), "sqrt(2)^2 == 2 after the wait");
            }
        }

        [Test]
        public static unsafe void WrapSharesTheArrayWithoutACopy()
        {
            var rng = new Random(11);
            float[] x = Check.RandomFloats(rng, 12, -1, 1);
            var buffer = (float[])x.Clone();
            using (var ctx = Cpu())
            using (var wrapped = Tensor.Wrap(ctx, buffer, 3, 4))
            using (var src = Tensor.FromArray(ctx, x, 3, 4))
            {
                fixed (float* p = buffer)
                    Check.Equal((IntPtr)p, wrapped.DataPointer, "the tensor is the array's memory");
                Check.Sequence(x, wrapped.ToArray<float>(), "values");
                src.Unary(UnaryOp.Exp, wrapped);
                ctx.Synchronize();
                Check.Close(x.Select(v => Math.Exp(v)).ToArray(), Check.Widen(buffer), 1e-6, 0,
                            "an op writing into the tensor wrote into the array");
                Check.Fails(Status.ShapeMismatch, "Tensor.Wrap", () => Tensor.Wrap(ctx, new float[5], 2, 2).Dispose(),
                            "5 elements, shape [2,2]");
                Check.Fails(Status.Unsupported, "tsr_stream_wrap_native",
                            () => Stream.WrapNative(ctx, new IntPtr(8)).Dispose(), "the CPU has no native streams");
            }
            // The pins are freed when the tensors go: nothing of ours keeps them.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
