// The MLP of examples/mlp_inference.c from C#: 4 layers x 1024 wide, batch 32,
// ReLU, the same seeds and ops, so it prints the same checksum line. Weights
// are uploaded once; each pass is 4 Linear calls into two preallocated
// activation tensors that stay on the device; only the checksum is read back.
// Usage: mono MlpInference.exe [passes] [cpu|cuda|hip|opencl]
using System;
using System.Diagnostics;
using System.Globalization;
using Tessera;

public static class MlpInference
{
    const int Width = 1024, Batch = 32, Layers = 4;

    // printf("%.6f") of a float: .NET's "F6" rounds ties away from zero and
    // drops the sign of -0, C rounds the exact value half to even. A float
    // times 10^6 is exact in a double (24-bit mantissa x 14-bit odd part).
    static string FormatLikeC(float value)
    {
        var c = CultureInfo.InvariantCulture;
        if (float.IsNaN(value)) return "nan";
        if (float.IsInfinity(value)) return value < 0 ? "-inf" : "inf";
        if (Math.Abs(value) >= 9e12f) return ((double)value).ToString("F6", c); // integers there (no ties); Mono prints 15 digits, exact below 1e15
        double scaled = Math.Round((double)value * 1e6, MidpointRounding.ToEven);
        bool negative = value < 0 || (value == 0 && float.IsNegativeInfinity(1 / value));
        long units = (long)Math.Abs(scaled);
        return (negative ? "-" : "") + (units / 1000000).ToString(c) + "." + (units % 1000000).ToString("D6", c);
    }

    static DeviceKind ParseKind(string s)
    {
        switch (s)
        {
            case "cpu": return DeviceKind.Cpu;
            case "cuda": return DeviceKind.Cuda;
            case "hip": return DeviceKind.Hip;
            case "opencl": return DeviceKind.OpenCL;
            default: return DeviceKind.Best;
        }
    }

    public static int Main(string[] args)
    {
        int passes = args.Length > 0 ? Math.Max(1, int.Parse(args[0], CultureInfo.InvariantCulture)) : 100;
        DeviceKind kind = ParseKind(args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("TESSERA_DEVICE"));
        try
        {
            Run(passes, kind);
            return 0;
        }
        catch (TesseraException e)
        {
            Console.Error.WriteLine("Tessera error: " + e.Message);
            return 1;
        }
    }

    static void Run(int passes, DeviceKind kind)
    {
        using (var ctx = Context.Create(kind))
        {
            // Weights scaled by 1/sqrt(fan_in) keep activations O(1) through the layers.
            var weight = new Tensor[Layers];
            var bias = new Tensor[Layers];
            for (int l = 0; l < Layers; ++l)
            {
                weight[l] = Tensor.RandomUniform(ctx, DType.Float32, (ulong)(100 + l), -0.03125, 0.03125, Width, Width);
                bias[l] = Tensor.RandomUniform(ctx, DType.Float32, (ulong)(200 + l), -0.1, 0.1, Width);
            }
            using (var input = Tensor.RandomNormal(ctx, DType.Float32, 7, 0.0, 1.0, Batch, Width))
            using (var act0 = Tensor.Empty(ctx, DType.Float32, Batch, Width))
            using (var act1 = Tensor.Empty(ctx, DType.Float32, Batch, Width))
            {
                Tensor[] act = { act0, act1 };
                Stream stream = ctx.DefaultStream;
                var times = new double[passes];
                const int warmup = 5;
                var clock = new Stopwatch();
                for (int p = -warmup; p < passes; ++p)
                {
                    clock.Restart();
                    Tensor x = input;
                    for (int l = 0; l < Layers; ++l)
                    {
                        var y = act[l & 1];
                        x.Linear(weight[l], bias[l], l + 1 < Layers ? Activation.Relu : Activation.None, y, stream);
                        x = y;
                    }
                    stream.Synchronize();
                    if (p >= 0) times[p] = clock.Elapsed.TotalMilliseconds * 1000.0;
                }
                Array.Sort(times);

                // Checksum: the sum of the final activations, read back once.
                var checksum = new float[1];
                using (var total = act[(Layers - 1) & 1].Reduce(ReduceOp.Sum, stream: stream))
                    total.CopyTo(new Span<float>(checksum), stream);

                var c = CultureInfo.InvariantCulture;
                Console.WriteLine("device: " + ctx.Device.Name);
                Console.WriteLine(string.Format(c, "mlp: {0} layers x {1} wide, batch {2}, float32", Layers, Width, Batch));
                Console.WriteLine("checksum: " + FormatLikeC(checksum[0]));
                Console.WriteLine(string.Format(c, "median time per pass: {0:F1} us over {1} passes", times[passes / 2], passes));
            }
            for (int l = 0; l < Layers; ++l)
            {
                weight[l].Dispose();
                bias[l].Dispose();
            }
        }
    }
}
