// Host cost of a tiny op from C#: the same 16-element float32 add into a
// preallocated output as bench/bench_tiny_op.c, through the idiomatic layer
// (Tensor.Binary with an output: SafeHandle leases + a direct P/Invoke), and
// through a bare P/Invoke on the raw handles for reference ("csharp-raw":
// what the transition alone costs, without the leases).
// Usage: mono BenchTinyOp.exe [iterations per run] [runs]
using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security;
using Tessera;

public static unsafe class BenchTinyOp
{
    [SuppressUnmanagedCodeSecurity]
    [DllImport("tessera", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    static extern Status tsr_binary(BinaryOp op, IntPtr a, IntPtr b, IntPtr stream, IntPtr* output);

    public static void Main(string[] args)
    {
        long iterations = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 1000000;
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        using (var ctx = Context.Create(DeviceKind.Cpu))
        using (var a = Tensor.RandomUniform(ctx, DType.Float32, 1, -1.0, 1.0, 16))
        using (var b = Tensor.RandomUniform(ctx, DType.Float32, 2, -1.0, 1.0, 16))
        using (var output = Tensor.Empty(ctx, DType.Float32, 16))
        {
            ctx.Synchronize();
            for (long i = 0; i < iterations / 10; ++i) a.Binary(BinaryOp.Add, b, output); // warm up (and JIT)
            var clock = new Stopwatch();
            for (int r = 0; r < runs; ++r)
            {
                ctx.Synchronize();
                clock.Restart();
                for (long i = 0; i < iterations; ++i) a.Binary(BinaryOp.Add, b, output);
                ctx.Synchronize();
                double ns = clock.Elapsed.TotalMilliseconds * 1e6 / iterations;
                Console.WriteLine("csharp " + ns.ToString("F1", CultureInfo.InvariantCulture));
            }
            IntPtr ra = a.DangerousGetHandle(), rb = b.DangerousGetHandle(), ro = output.DangerousGetHandle();
            for (int r = 0; r < runs; ++r)
            {
                ctx.Synchronize();
                clock.Restart();
                for (long i = 0; i < iterations; ++i)
                {
                    IntPtr o = ro;
                    if (tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o) != Status.Ok)
                        throw new InvalidOperationException("tsr_binary failed");
                }
                ctx.Synchronize();
                double ns = clock.Elapsed.TotalMilliseconds * 1e6 / iterations;
                Console.WriteLine("csharp-raw " + ns.ToString("F1", CultureInfo.InvariantCulture));
            }
        }
    }
}
