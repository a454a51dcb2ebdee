// A small self-contained test runner (no NUnit: the build machines reach no
// package feed). Every public static void method marked [Test] in this
// assembly runs once; the summary line is "N passed, N failed" and the exit
// code is 1 when anything failed.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Tessera.Tests
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class TestAttribute : Attribute { }

    /// <summary>Thrown by a test whose subject the loaded library lacks
    /// (see Check.ResultOrUnsupported); reported, never counted as passed.</summary>
    public sealed class NotCheckedException : Exception
    {
        public NotCheckedException(string message) : base(message) { }
    }

    public static class Runner
    {
        public static int Main(string[] args)
        {
            string filter = args.Length > 0 ? args[0] : null;
            var tests = typeof(Runner).Assembly.GetTypes()
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
                .Where(m => m.GetCustomAttributes(typeof(TestAttribute), false).Length > 0)
                .Where(m => filter == null || (m.DeclaringType.Name + "." + m.Name).Contains(filter))
                .OrderBy(m => m.DeclaringType.Name).ThenBy(m => m.Name)
                .ToList();
            int passed = 0, failed = 0;
            var notChecked = new List<string>();
            foreach (var test in tests)
            {
                string name = test.DeclaringType.Name + "." + test.Name;
                try
                {
                    test.Invoke(null, null);
                    passed++;
                    Console.WriteLine("PASS " + name);
                }
                catch (TargetInvocationException e) when (e.InnerException is NotCheckedException)
                {
                    notChecked.Add(name);
                    Console.WriteLine("NOT CHECKED " + name + ": " + e.InnerException.Message);
                }
                catch (TargetInvocationException e)
                {
                    failed++;
                    Console.WriteLine("FAIL " + name + ": " + e.InnerException);
                }
            }
            // Finalizers release what a failing test left behind before the process ends.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Console.WriteLine(passed + " passed, " + failed + " failed");
            if (notChecked.Count > 0)
                Console.WriteLine(notChecked.Count + " not checked (kernels missing from the loaded library): " +
                                  string.Join(", ", notChecked));
            return failed == 0 ? 0 : 1;
        }
    }
}
