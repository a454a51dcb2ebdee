using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace Tessera
{
    /// <summary>
    /// Picks how the op launches (OpCalls.g.cs) reach libtessera.
    ///
    /// Under Mono's default (hybrid) thread suspension every P/Invoke is a
    /// GC-safe-region transition, 40-60 ns on the bench VM: a fifth of a
    /// tiny op's whole cost (docs/BENCHMARKS.md, "Bindings: C# and Rust").
    /// Mono's own answer for short native functions is the raw internal call
    /// (mono_dangerous_add_raw_internal_call, Mono 6.0 on): the JIT calls the
    /// C function directly, as C would, and the thread stays in managed
    /// (GC-unsafe) mode for the call. The op launches qualify: each only
    /// queues its work, or runs a small op inline, and returns; none waits
    /// for another thread's work or calls back into managed code
    /// (tools/gen_dotnet.py, RAW_CALLS). What that costs: a collection that
    /// another thread starts waits until such a call returns (microseconds
    /// for a launch; longer only when a launch itself blocks: a GPU queue
    /// full, a first-use kernel build), as it waits for any managed code.
    ///
    /// On Mono, the P/Invoke declarations of Native tell which function to
    /// bind (mono_lookup_pinvoke_call: the same library the P/Invokes load),
    /// so OpCalls.Current becomes MonoRawOpCalls; everywhere else, when a
    /// step fails (a runtime without these exports) or with
    /// TESSERA_MONO_RAW_CALLS=0, it is PInvokeOpCalls. Binding at run time is
    /// why the calls sit behind a virtual call: Mono resolves an internal call
    /// when it compiles the caller, and MonoRawOpCalls' methods are compiled
    /// only once it exists, after the registration.
    /// </summary>
    internal abstract partial class OpCalls
    {
        /// <summary>The implementation every op goes through.</summary>
        internal static readonly OpCalls Current = Select();

#if NET5_0_OR_GREATER
        // net8.0 builds run on CoreCLR: P/Invoke only (OpCalls.g.cs leaves the Mono classes out).
        internal static bool UsesMonoRawCalls => false;

        private static OpCalls Select() => new PInvokeOpCalls();
#else
        internal static bool UsesMonoRawCalls => Current is MonoRawOpCalls;

        private static OpCalls Select()
        {
            if (Environment.GetEnvironmentVariable("TESSERA_MONO_RAW_CALLS") != "0" &&
                Type.GetType("Mono.Runtime") != null)
            {
                try
                {
                    if (MonoRuntime.RegisterRawCalls())
                        return new MonoRawOpCalls();
                }
                catch (Exception)
                {
                    // Not Mono 6+, or its runtime symbols are not visible (EntryPointNotFound-
                    // Exception, ...): P/Invoke is always correct. Library.MonoRawOpCalls tells.
                }
            }
            return new PInvokeOpCalls();
        }

        /// <summary>The embedding API of the Mono runtime the process runs on ("__Internal":
        /// the executable and what it loaded globally).</summary>
        [SuppressUnmanagedCodeSecurity]
        private static unsafe class MonoRuntime
        {
            // Takes only Mono's icall-table mutex (an OS mutex, no GC transition): safe from a
            // P/Invoke, as embedders call it from native code.
            [DllImport("__Internal", EntryPoint = "mono_dangerous_add_raw_internal_call", ExactSpelling = true)]
            private static extern void AddRawInternalCall(byte* name, IntPtr function);

            [DllImport("libdl.so.2", EntryPoint = "dlsym", ExactSpelling = true)]
            private static extern IntPtr Dlsym(IntPtr library, byte* name);

            private static void Register(string name, IntPtr function)
            {
                byte[] bytes = Encoding.ASCII.GetBytes(name + "\0");
                fixed (byte* p = bytes)
                    AddRawInternalCall(p, function);
            }

            /// <summary>Binds every MonoRawCalls method to the function Native's P/Invoke of
            /// the same name resolves to. False (nothing used) when one is not found.</summary>
            internal static bool RegisterRawCalls()
            {
                // mono_lookup_pinvoke_call takes runtime locks that expect the thread in
                // managed mode (the JIT calls it while compiling): called through a P/Invoke,
                // i.e. in GC-safe mode, Mono aborts when such a lock is contended. So it is
                // itself bound as a raw internal call first.
                byte[] symbol = Encoding.ASCII.GetBytes("mono_lookup_pinvoke_call\0");
                IntPtr lookup;
                fixed (byte* p = symbol)
                    lookup = Dlsym(IntPtr.Zero /* RTLD_DEFAULT */, p);
                if (lookup == IntPtr.Zero)
                    return false;
                Register("Tessera.MonoPInvokeLookup::Lookup", lookup);
                string[] names = Names;
                var functions = new IntPtr[names.Length];
                for (int i = 0; i < names.Length; ++i)
                {
                    MethodInfo pinvoke = typeof(Native).GetMethod(names[i], BindingFlags.Static | BindingFlags.NonPublic);
                    if (pinvoke == null)
                        return false;
                    // In Mono a RuntimeMethodHandle's value is the MonoMethod*.
                    functions[i] = MonoPInvokeLookup.Resolve(pinvoke.MethodHandle.Value);
                    if (functions[i] == IntPtr.Zero)
                        return false;
                }
                for (int i = 0; i < names.Length; ++i)
                    Register("Tessera.MonoRawCalls::" + names[i], functions[i]);
                return true;
            }
        }
#endif
    }

#if !NET5_0_OR_GREATER
    /// <summary>mono_lookup_pinvoke_call as a raw internal call (OpCalls.MonoRuntime binds it
    /// before the first call; Resolve is compiled only then).</summary>
    internal static unsafe class MonoPInvokeLookup
    {
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern IntPtr Lookup(IntPtr method, IntPtr* excClass, IntPtr* excArg);

        /// <summary>The C function a P/Invoke method (a MonoMethod*) resolves to, or zero.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static IntPtr Resolve(IntPtr method)
        {
            IntPtr excClass = IntPtr.Zero, excArg = IntPtr.Zero;
            return Lookup(method, &excClass, &excArg);
        }
    }
#endif
}
