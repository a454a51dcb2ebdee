// Why the .NET binding does not use SWIG's C# module (docs/dotnet.md): the
// same 16-element float32 add into a preallocated output as BenchTinyOp.cs,
// called three ways in one process, taking turns round by round:
//   raw-dllimport:   a blittable [DllImport] of tsr_binary on raw handles
//                    (what tools/gen_dotnet.py emits), nothing around it;
//   swig-csharp:     the call SWIG 4's C# module generates (proxy classes,
//                    HandleRef arguments, P/Invoke into the C shim
//                    tessera_wrap.c, which calls libtessera), with the
//                    tsr_tensor* cell of the in/out protocol written first;
//   tessera-binding: Tensor.Binary(Add, b, output), the idiomatic layer with
//                    its handle guards.
// Prints the median and minimum process CPU ns per call of each.
// Built and run by scripts/bench_swig_csharp.sh (needs swig).
// Usage: mono BenchSwigCall.exe [iterations per run] [rounds]
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security;
using Tessera;
using TesseraSwigBench;

public static unsafe class BenchSwigCall
{
    [SuppressUnmanagedCodeSecurity]
    [DllImport("tessera", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
    static extern Status tsr_binary(BinaryOp op, IntPtr a, IntPtr b, IntPtr stream, IntPtr* output);

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

    public static void Main(string[] args)
    {
        long iterations = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 200000;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        using (var ctx = Context.Create(DeviceKind.Cpu))
        using (var a = Tensor.RandomUniform(ctx, DType.Float32, 1, -1.0, 1.0, 16))
        using (var b = Tensor.RandomUniform(ctx, DType.Float32, 2, -1.0, 1.0, 16))
        using (var output = Tensor.Empty(ctx, DType.Float32, 16))
        {
            IntPtr ra = a.DangerousGetHandle(), rb = b.DangerousGetHandle(), ro = output.DangerousGetHandle();
            // SWIG's proxies for the raw handles and for a tsr_tensor* cell (swig -internal ctors).
            var sa = new SWIGTYPE_p_tsr_tensor_h(ra, false);
            var sb = new SWIGTYPE_p_tsr_tensor_h(rb, false);
            IntPtr cell = Marshal.AllocHGlobal(IntPtr.Size);
            var so = new SWIGTYPE_p_p_tsr_tensor_h(cell, false);
            var names = new[] { "raw-dllimport", "swig-csharp", "tessera-binding" };
            var loops = new Action<long>[]
            {
                n =>
                {
                    for (long i = 0; i < n; ++i)
                    {
                        IntPtr o = ro;
                        if (tsr_binary(BinaryOp.Add, ra, rb, IntPtr.Zero, &o) != Status.Ok)
                            throw new InvalidOperationException("tsr_binary failed");
                    }
                },
                n =>
                {
                    for (long i = 0; i < n; ++i)
                    {
                        Marshal.WriteIntPtr(cell, ro);
                        if (TesseraSwig.tsr_binary(tsr_binary_op.TSR_ADD, sa, sb, null, so) != tsr_status.TSR_OK)
                            throw new InvalidOperationException("tsr_binary failed");
                    }
                },
                n =>
                {
                    for (long i = 0; i < n; ++i) a.Binary(BinaryOp.Add, b, output);
                },
            };
            var samples = new List<double>[loops.Length];
            for (int k = 0; k < loops.Length; ++k)
            {
                samples[k] = new List<double>();
                loops[k](iterations / 5); // warm up (and JIT)
            }
            for (int r = 0; r < rounds; ++r)
                for (int k = 0; k < loops.Length; ++k)
                {
                    ctx.Synchronize();
                    double t0 = CpuNanoseconds();
                    loops[k](iterations);
                    ctx.Synchronize();
                    samples[k].Add((CpuNanoseconds() - t0) / iterations);
                }
            Marshal.FreeHGlobal(cell);
            Console.WriteLine(rounds + " rounds x " + iterations + " calls; process CPU ns per call");
            for (int k = 0; k < loops.Length; ++k)
            {
                samples[k].Sort();
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} median {1,7:F1}  min {2,7:F1}",
                                                names[k], samples[k][samples[k].Count / 2], samples[k][0]));
            }
        }
    }
}
