// Where a tiny op's time goes in the C# binding: the same 16-element float32
// add as BenchTinyOp.cs, built up step by step in one Mono process, the
// variants interleaved per round (so that load changes hit all alike);
// prints the median and minimum process CPU ns per call over the rounds.
// It needs the binding's internals, so it is compiled together with its
// sources (docs/BENCHMARKS.md, "Bindings: C# and Rust"):
//   mcs -langversion:7.2 -unsafe -optimize+ -out:build/dotnet/ProfileCallPath.exe \
//       bindings/dotnet/src/*.cs bench/dotnet/ProfileCallPath.cs
//   LD_LIBRARY_PATH=build/lib mono build/dotnet/ProfileCallPath.exe [calls per run] [rounds]
using System;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static Tessera.TesseraHandle;

namespace Tessera
{
    public static unsafe class ProfileCallPath
    {
        // Stand-ins for the pieces of a result tensor, from a plain object up to SafeHandle.
        private sealed class PlainBox { internal IntPtr Raw; internal PlainBox(IntPtr raw) { Raw = raw; } }

        private sealed class FinalizableBox
        {
            internal IntPtr Raw;
            internal FinalizableBox(IntPtr raw) { Raw = raw; }
            ~FinalizableBox() { }
        }

        private sealed class BareSafeHandle : SafeHandleZeroOrMinusOneIsInvalid
        {
            internal BareSafeHandle(IntPtr raw) : base(true) { SetHandle(raw); }
            protected override bool ReleaseHandle() { Native.tsr_tensor_release(handle); return true; }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec { public long Seconds, Nanoseconds; }

        [DllImport("libc.so.6", EntryPoint = "clock_gettime", ExactSpelling = true)]
        private static extern int ClockGettime(int clock, out Timespec time);

        private static double CpuNanoseconds()
        {
            Timespec t;
            if (ClockGettime(2 /* CLOCK_PROCESS_CPUTIME_ID */, out t) != 0) throw new InvalidOperationException("clock_gettime");
            return t.Seconds * 1e9 + t.Nanoseconds;
        }

        private static void Ok(Status status)
        {
            if (status != Status.Ok) throw new InvalidOperationException("tsr_binary failed: " + status);
        }

        // Tensor.Binary's body without the handle guard (what the guard costs).
        private static Tensor Unguarded(Tensor self, BinaryOp op, Tensor other, Tensor output)
        {
            if (other == null) throw new ArgumentNullException(nameof(other));
            TesseraHandle o = output?.Handle;
            IntPtr raw = RawOf(o);
            Error.Check(OpCalls.Current.tsr_binary(op, RawOf(self.Handle), RawOf(other.Handle), IntPtr.Zero, &raw));
            return output ?? new Tensor(raw);
        }

        public static void Main(string[] args)
        {
            long n = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 200000;
            int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 21;
            Console.WriteLine("ops as Mono raw internal calls: " + Library.MonoRawOpCalls);
            using (var ctx = Context.Create(DeviceKind.Cpu))
            using (var a = Tensor.RandomUniform(ctx, DType.Float32, 1, -1.0, 1.0, 16))
            using (var b = Tensor.RandomUniform(ctx, DType.Float32, 2, -1.0, 1.0, 16))
            using (var output = Tensor.Empty(ctx, DType.Float32, 16))
            {
                ctx.Synchronize();
                IntPtr ra = a.DangerousGetHandle(), rb = b.DangerousGetHandle(), ro = output.DangerousGetHandle();
                OpCalls ops = OpCalls.Current;
                var variants = new (string, Action<long>)[]
                {
                    ("output: bare P/Invoke", k => { for (long i = 0; i < k; ++i) { IntPtr o = ro; Ok(Native.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); } }),
                    ("output: OpCalls.Current (virtual)", k => { for (long i = 0; i < k; ++i) { IntPtr o = ro; Ok(ops.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); } }),
                    ("output: binding without guard", k => { for (long i = 0; i < k; ++i) Unguarded(a, BinaryOp.Add, b, output); }),
                    ("output: a.Binary(Add, b, output)", k => { for (long i = 0; i < k; ++i) a.Binary(BinaryOp.Add, b, output); }),
                    ("alloc: bare P/Invoke + release", k => { for (long i = 0; i < k; ++i) { IntPtr o = IntPtr.Zero; Ok(Native.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); Native.tsr_tensor_release(o); } }),
                    ("alloc: OpCalls + release", k => { for (long i = 0; i < k; ++i) { IntPtr o = IntPtr.Zero; Ok(ops.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); Native.tsr_tensor_release(o); } }),
                    ("alloc: + plain object", k => { for (long i = 0; i < k; ++i) { IntPtr o = IntPtr.Zero; Ok(ops.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); var box = new PlainBox(o); Native.tsr_tensor_release(box.Raw); } }),
                    ("alloc: + finalizer, suppressed", k => { for (long i = 0; i < k; ++i) { IntPtr o = IntPtr.Zero; Ok(ops.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); var box = new FinalizableBox(o); Native.tsr_tensor_release(box.Raw); GC.SuppressFinalize(box); } }),
                    ("alloc: + bare SafeHandle", k => { for (long i = 0; i < k; ++i) { IntPtr o = IntPtr.Zero; Ok(ops.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); new BareSafeHandle(o).Dispose(); } }),
                    ("alloc: + TensorHandle", k => { for (long i = 0; i < k; ++i) { IntPtr o = IntPtr.Zero; Ok(ops.tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o)); new TensorHandle(o, true).RequestDispose(); } }),
                    ("alloc: a.Binary(Add, b).Dispose()", k => { for (long i = 0; i < k; ++i) a.Binary(BinaryOp.Add, b).Dispose(); }),
                };
                var ns = new double[variants.Length][];
                for (int v = 0; v < variants.Length; ++v)
                {
                    variants[v].Item2(n / 10); // warm up (and JIT)
                    ns[v] = new double[rounds];
                }
                for (int r = 0; r < rounds; ++r)
                    for (int v = 0; v < variants.Length; ++v)
                    {
                        ctx.Synchronize();
                        double start = CpuNanoseconds();
                        variants[v].Item2(n);
                        ns[v][r] = (CpuNanoseconds() - start) / n;
                    }
                Console.WriteLine($"{rounds} rounds x {n} calls; process CPU ns per call");
                for (int v = 0; v < variants.Length; ++v)
                {
                    Array.Sort(ns[v]);
                    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-38} median {1,7:F1}  min {2,7:F1}",
                                                    variants[v].Item1, ns[v][rounds / 2], ns[v][0]));
                }
            }
        }
    }
}
