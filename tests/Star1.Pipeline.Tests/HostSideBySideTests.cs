using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// Stages side by side through the real host and the real Cake engine: run.jobs above 1 hands stage tasks to
/// the scheduler; a plain task waits for them; the run record has each stage's start and end; a failure stops the
/// build with its message.
/// </summary>
public sealed class HostSideBySideTests : IDisposable
{
    private readonly HostRepo repo = new("run:\n  jobs: 3\n  cpu_jobs: 1\n" + HostRepo.DefaultParams);
    public void Dispose() => repo.Dispose();

    [Fact]
    public async Task ADiamondRunsThroughTheSchedulerAndTheRecordHasEachStagesSpan()
    {
        Assert.Equal(0, await repo.Run("--target", "HostReport"));

        var lines = repo.LatestRecord().GetProperty("stages").EnumerateArray()
            .ToDictionary(s => s.GetProperty("stage").GetString()!, s => (Status: s.GetProperty("status").GetString(),
                Started: s.GetProperty("started").GetDateTimeOffset(), Finished: s.GetProperty("finished").GetDateTimeOffset()));
        Assert.Equal(["HostFirst", "HostLockNote", "HostSecond"], lines.Keys.Order());
        Assert.All(lines.Values, l => Assert.Equal("executed", l.Status));
        Assert.All(lines.Values, l => Assert.True(l.Finished >= l.Started));
        Assert.True(lines["HostFirst"].Finished <= lines["HostSecond"].Started && lines["HostFirst"].Finished <= lines["HostLockNote"].Started);
        Assert.Equal("line 1\nline 2\nline 3\n!", File.ReadAllText(repo.PathOf("artifacts", "hostsecond", "second.txt")));
        // Cake's task headers and its 0-second duration table would mislead here: the stage table says it.
        Assert.DoesNotContain("Task                          Duration", repo.Output);
        Assert.Contains("HostSecond: executed (never run)", repo.Output);

        repo.ClearOutput();
        Assert.Equal(0, await repo.Run("--target", "HostReport"));
        Assert.All(repo.StageStatuses().Values, s => Assert.Equal("up-to-date", s));
    }

    [Fact]
    public async Task AFailingStageFailsTheBuildAndWhatReadsItDoesNotStart()
    {
        Assert.Equal(1, await repo.Run("--target", "HostReport", "--set", "first.n=-1"));
        Assert.Contains("error: first.n must be positive", repo.Output);
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "failed" }, repo.StageStatuses());
    }

    [Fact]
    public async Task ZeroJobsIsAClearError()
    {
        Assert.Equal(1, await repo.Run("--target", "HostReport", "--set", "run.jobs=0"));
        Assert.Contains("run.jobs is 0", repo.Output);
    }
}
