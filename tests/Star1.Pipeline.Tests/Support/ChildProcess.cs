using System.Diagnostics;

namespace Star1.Pipeline.Tests.Support;

/// <summary>Starts this test assembly as a separate process running one of <see cref="FixtureProgram"/>'s modes.</summary>
public static class ChildProcess
{
    public static Process Start(params string[] args)
    {
        var assembly = typeof(FixtureProgram).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(assembly);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Waits for the child to create <paramref name="signal"/>; fails the test if it exits first.</summary>
    public static void WaitFor(Process child, string signal, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(signal))
        {
            if (child.HasExited) throw new Xunit.Sdk.XunitException($"child exited with {child.ExitCode}: {child.StandardError.ReadToEnd()}{child.StandardOutput.ReadToEnd()}");
            if (clock.Elapsed > timeout) throw new TimeoutException("child did not signal in time");
            Thread.Sleep(50);
        }
    }
}
