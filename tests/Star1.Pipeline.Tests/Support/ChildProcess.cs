using System.Diagnostics;

namespace Star1.Pipeline.Tests.Support;

/// <summary>Starts this test assembly as a separate process running one of <see cref="FixtureProgram"/>'s modes.</summary>
public static class ChildProcess
{
    public static Process Start(params string[] args) => Start(new Dictionary<string, string?>(), args);

    /// <summary>Starts it with some environment variables set (a null value removes one).</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var assembly = typeof(FixtureProgram).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.Environment[HermeticEnvironment.ChildVariable] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
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
