// Host cost of a tiny op from C#: the same 16-element float32 add into a
// preallocated output as bench/bench_tiny_op.c, through the idiomatic layer
// (Tensor.Binary with an output: handle leases + the C call, on Mono a raw
// internal call unless TESSERA_MONO_RAW_CALLS=0), and through a bare P/Invoke
// on the raw handles for reference ("csharp-raw": what a P/Invoke costs,
// without the leases), and with a new
// result per call (a.Binary(Add, b), disposed at once: "csharp-alloc"). Prints one line per
// run: "<label> <wall ns per call> <process CPU ns per call>".
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

    // Process CPU time, as bench_tiny_op.c reads it (Linux, 64-bit timespec).
    [StructLayout(LayoutKind.Sequential)]
    struct Timespec { public long Seconds, Nanoseconds; }

    [DllImport("libc.so.6", EntryPoint = "clock_gettime", ExactSpelling = true)]
    static extern int ClockGettime(int clock, out Timespec time);

    static double CpuNanoseconds()
    {
        const int ClockProcessCpuTimeId = 2;
        Timespec t;
        if (ClockGettime(ClockProcessCpuTimeId, out t) != 0) throw new InvalidOperationException("clock_gettime failed");
        return t.Seconds * 1e9 + t.Nanoseconds;
    }

    static void TimeRun(Context ctx, string label, long iterations, Action<long> loop)
    {
        ctx.Synchronize();
        var clock = Stopwatch.StartNew();
        double cpu0 = CpuNanoseconds();
        loop(iterations);
        ctx.Synchronize();
        double wall = clock.Elapsed.TotalMilliseconds * 1e6, cpu = CpuNanoseconds() - cpu0;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(label + " " + (wall / iterations).ToString("F1", c) + " " + (cpu / iterations).ToString("F1", c));
    }

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
            // The loops sit inside the delegates so that the delegate call is paid once a run.
            Action<long> idiomatic = n =>
            {
                for (long i = 0; i < n; ++i) a.Binary(BinaryOp.Add, b, output);
            };
            IntPtr ra = a.DangerousGetHandle(), rb = b.DangerousGetHandle(), ro = output.DangerousGetHandle();
            Action<long> raw = n =>
            {
                for (long i = 0; i < n; ++i)
                {
                    IntPtr o = ro;
                    if (tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o) != Status.Ok)
                        throw new InvalidOperationException("tsr_binary failed");
                }
            };
            // A new result each time, disposed at once (bench_tiny_op.c's "c-alloc").
            Action<long> allocating = n =>
            {
                for (long i = 0; i < n; ++i) a.Binary(BinaryOp.Add, b).Dispose();
            };
            idiomatic(iterations / 10); // warm up (and JIT)
            raw(iterations / 10);
            allocating(iterations / 10);
            for (int r = 0; r < runs; ++r)
            {
                TimeRun(ctx, "csharp", iterations, idiomatic);
                TimeRun(ctx, "csharp-raw", iterations, raw);
                TimeRun(ctx, "csharp-alloc", iterations, allocating);
            }
        }
    }
}
