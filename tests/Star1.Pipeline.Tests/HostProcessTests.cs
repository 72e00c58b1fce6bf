using System.Diagnostics;
using System.Globalization;
using Cake.Core;
using Spectre.Console;
using Star1.Host;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// Two real build processes on one artifacts folder, both through BuildHost: the first hangs inside a stage
/// (or is killed there), the second is this test. Only real processes show that the host itself takes the
/// build lock, honours --lock-wait and clears what a killed build left behind.
/// </summary>
public sealed class HostProcessTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "star1-proc-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly StringWriter output = new();

    public HostProcessTests()
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "params.yaml"), ProcessHost.ParamsYaml);
    }

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    private string StagingDir => Path.Combine(root, "artifacts", ".star1", "staging");
    private string Signal => Path.Combine(root, ProcessSlowTask.SignalFile);

    /// <summary>Starts a build in another process and returns once its stage has written half an output and hangs.</summary>
    private Process StartHangingBuild()
    {
        var child = ChildProcess.Start("process-host", root, "--target", "ProcSlow", "--set", "slow.hang=true");
        ChildProcess.WaitFor(child, Signal, TimeSpan.FromSeconds(60));
        return child;
    }

    private Task<int> Run(params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        // Wide enough that the lock message (it holds a temp path and a date) is never wrapped mid-phrase.
        console.Profile.Width = 2000;
        return ProcessHost.RunAsync(root, args, console);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task SecondBuildGivesUpAfterLockWaitNamingTheHolder(int seconds)
    {
        var child = StartHangingBuild();
        try
        {
            var clock = Stopwatch.StartNew();
            var code = await Run("--target", "ProcSlow", "--lock-wait", seconds.ToString(CultureInfo.InvariantCulture));
            clock.Stop();

            var text = output.ToString();
            Assert.Equal(1, code);
            Assert.Contains($"pid {child.Id}, target ProcSlow", text);
            Assert.Contains($"gave up after {seconds} s", text);
            // It waited the time it was given, not nothing and not the 30 s default.
            Assert.InRange(clock.Elapsed.TotalSeconds, seconds, seconds + 8);
            // The refused build touched nothing: the holder's staging folder is still there, no run record, no output.
            Assert.Single(Directory.GetDirectories(StagingDir));
            Assert.False(File.Exists(Path.Combine(root, "artifacts", "runs", "latest.json")));
            Assert.False(File.Exists(Path.Combine(root, "artifacts", "procslow", "slow.txt")));
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task NextBuildRemovesWhatAKilledBuildLeftAndSaysSo()
    {
        var child = StartHangingBuild();
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        var leftover = Assert.Single(Directory.GetDirectories(StagingDir));
        Assert.Equal("half", File.ReadAllText(Path.Combine(leftover, "slow.txt")));

        Assert.Equal(0, await Run("--target", "ProcSlow"));
        Assert.Contains($"removing leftovers of an interrupted build: .star1/staging/{Path.GetFileName(leftover)}", output.ToString());
        Assert.Empty(Directory.GetDirectories(StagingDir));
        Assert.Equal("hello", File.ReadAllText(Path.Combine(root, "artifacts", "procslow", "slow.txt")));
    }
}

/// <summary>The graph the process tests run, in this process or in a child (FixtureProgram's "process-host" mode).</summary>
public static class ProcessHost
{
    public const string ParamsYaml = """
        slow:
          hang: false     # true: the stage writes half its output, signals, and hangs
          text: hello     # what the stage writes
        """;

    public static Task<int> RunAsync(string root, string[] args, IAnsiConsole? console = null) =>
        BuildHost.RunAsync(args, typeof(ProcessHost).Assembly, (cake, engine, options) => new ProcessHostContext(cake, engine, options), console, root);
}

public sealed class ProcessHostContext(ICakeContext cake, Pipeline.Engine.StageEngine engine, HostOptions options) : StageBuildContext(cake, engine, options);

[TaskName("ProcSlow")]
public sealed class ProcessSlowTask : StageTask<ProcessHostContext>
{
    public const string SignalFile = "hanging";

    public override IReadOnlyList<string> ParamKeys => ["slow"];
    public override IReadOnlyList<string> Outputs => ["slow.txt"];

    public override async Task ExecuteAsync(ProcessHostContext context, StageContext stage, CancellationToken ct)
    {
        if (stage.Param("slow.hang").AsBool())
        {
            await File.WriteAllTextAsync(stage.Output("slow.txt"), "half", ct);
            await File.WriteAllTextAsync(Path.Combine(stage.RepoRoot, SignalFile), "hanging", ct);
            // Long enough for any test, bounded so that a child orphaned by a killed test run goes away by itself.
            await Task.Delay(TimeSpan.FromSeconds(90), ct);
            throw new TimeoutException("nobody killed this hanging build");
        }
        await File.WriteAllTextAsync(stage.Output("slow.txt"), stage.Param("slow.text").AsString(), ct);
    }
}
