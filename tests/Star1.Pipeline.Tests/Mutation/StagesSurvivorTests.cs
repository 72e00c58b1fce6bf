using System.Text.Json;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests.Mutation;

/// <summary>
/// The progress lines of the plain reporter in the cases the step-in-tenths tests do not reach: items reported
/// one at a time, a step stuck at zero, a total revised on the way, and terminals too narrow for the counts.
/// </summary>
public sealed class ReporterProgressDetailTests
{
    private readonly StringWriter output = new();
    private DateTime now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private TextStageReporter Reporter(int? width = null) => new(output, ReportLevel.Normal, () => now, width);

    private string[] Lines => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    [Fact]
    public void ItemsReportedOneAtATimePrintOneLinePerTenth()
    {
        var reporter = Reporter();
        for (var done = 0; done <= 100; done++)
        {
            reporter.Progress("Stage", "items", done, 100);
            now += TimeSpan.FromSeconds(0.1);
        }
        // The first second passes at item 10; from there one line per tenth, and the end.
        Assert.Equal(
            ["10/100 (10%), ETA 00:00:09", "20/100 (20%), ETA 00:00:08", "30/100 (30%), ETA 00:00:07",
             "40/100 (40%), ETA 00:00:06", "50/100 (50%), ETA 00:00:05", "60/100 (60%), ETA 00:00:04",
             "70/100 (70%), ETA 00:00:03", "80/100 (80%), ETA 00:00:02", "90/100 (90%), ETA 00:00:01", "100/100 (100%)"],
            Lines.Select(l => l["Stage | items: ".Length..]));
    }

    [Fact]
    public void AStepStuckAtZeroSaysSoOnceWithoutAnEta()
    {
        var reporter = Reporter();
        reporter.Progress("Reason", "requests", 0, 100);
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("Reason", "requests", 0, 100); // nothing back yet: no rate, so no ETA
        now += TimeSpan.FromSeconds(1);
        reporter.Progress("Reason", "requests", 5, 100); // still the first tenth: no new line
        now += TimeSpan.FromSeconds(1);
        reporter.Progress("Reason", "requests", 10, 100);
        Assert.Equal(["Reason | requests: 0/100 (0%)", "Reason | requests: 10/100 (10%), ETA 00:00:36"], Lines);
    }

    [Fact]
    public void AStepWhoseTotalFallsToZeroEndsAtAHundredPercent()
    {
        var reporter = Reporter();
        reporter.Progress("Collect", "downloads", 0, 10);
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("Collect", "downloads", 0, 0); // everything was already there
        Assert.Equal(["Collect | downloads: 0/0 (100%)"], Lines);
    }

    [Fact]
    public void TheLastLineShowsEvenWhenTheTotalWasRevisedDown()
    {
        var reporter = Reporter();
        reporter.Progress("Dedup", "pairs", 0, 100);
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("Dedup", "pairs", 51, 100);
        now += TimeSpan.FromSeconds(1);
        reporter.Progress("Dedup", "pairs", 52, 50);
        Assert.Equal(["Dedup | pairs: 51/100 (51%), ETA 00:00:01", "Dedup | pairs: 52/50 (104%)"], Lines);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AWidthOfZeroOrLessKeepsLinesWhole(int width)
    {
        var reporter = Reporter(width);
        reporter.Progress("Stage", "a step with a rather long name", 0, 10);
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("Stage", "a step with a rather long name", 10, 10);
        Assert.Equal(["Stage | a step with a rather long name: 10/10 (100%)"], Lines);
    }

    [Fact]
    public void WhenNotOneCharacterOfTheNameFitsTheLineIsCutAtItsEnd()
    {
        // ": 100/100 (100%)" is 16 columns; at 20 the name's room (20 - 1 - 16 - 3) is none at all.
        var reporter = Reporter(20);
        reporter.Progress("Stage", "long step name", 0, 100);
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("Stage", "long step name", 100, 100);
        Assert.Equal(["Stage | long ste..."], Lines);
    }

    [Fact]
    public void CountsWiderThanTheTerminalAreCutToo()
    {
        var reporter = Reporter(20);
        reporter.Progress("Stage", "step", 0, 100);
        now += TimeSpan.FromSeconds(2);
        reporter.Progress("Stage", "step", 20, 100);
        Assert.Equal(["Stage | step: 20..."], Lines);

        output.GetStringBuilder().Clear();
        var tiny = Reporter(3);
        tiny.Progress("Stage", "step", 0, 100);
        now += TimeSpan.FromSeconds(2);
        tiny.Progress("Stage", "step", 20, 100);
        Assert.Equal(["..."], Lines);
    }
}

/// <summary>What a stage's context promises about inner-cache use and metrics, and where the engine keeps them.</summary>
public sealed class StageContextSurvivorTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private static StageDefinition Memo(string recorded) => new()
    {
        Name = "Memo",
        Outputs = ["out.txt"],
        Caches = [new StageCache("items", (_, _, _) => (0, 0))],
        Execute = async (ctx, ct) =>
        {
            ctx.RecordCacheUse(recorded, ["k1"]);
            await File.WriteAllTextAsync(ctx.Output("out.txt"), "memo", ct);
        },
    };

    [Fact]
    public async Task UseOfTheOnlyDeclaredCacheIsKeptWhereTheReadmeSays()
    {
        var engine = repo.BareEngine();
        engine.Add(Memo("items"));
        var outcome = await engine.RunAsync("Memo", force: false);
        Assert.Equal(StageResult.Executed, outcome.Result);
        // README: artifacts/cache/stages/<Stage>/used/<fingerprint>.json
        var record = Path.Combine(repo.Root, "artifacts", "cache", "stages", "Memo", "used", outcome.Fingerprint + ".json");
        Assert.True(File.Exists(record), record);
        Assert.Contains("k1", File.ReadAllText(record));
    }

    [Fact]
    public async Task UseOfACacheTheStageDoesNotDeclareFailsTheStageNamingIt()
    {
        var engine = repo.BareEngine();
        engine.Add(Memo("requests"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunAsync("Memo", force: false));
        Assert.Contains("'requests'", e.Message);
        Assert.Contains("Memo", e.Message);
        Assert.Equal(StageResult.Failed, engine.Outcomes.Single().Result);
    }

    [Fact]
    public async Task AStageThatCountsNothingHasNoMetricsInItsRunRecord()
    {
        var engine = repo.BareEngine();
        engine.Add(new StageDefinition
        {
            Name = "Quiet",
            Outputs = ["out.txt"],
            Execute = async (ctx, ct) => await File.WriteAllTextAsync(ctx.Output("out.txt"), "x", ct),
        });
        var outcome = await engine.RunAsync("Quiet", force: false);
        Assert.Equal(StageResult.Executed, outcome.Result);
        Assert.Null(outcome.Metrics);
        RunRecord.From("Quiet", engine, DateTimeOffset.Now, null).Write(repo.Workspace);
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Workspace.RunsDir, "latest.json")));
        var stage = record.RootElement.GetProperty("stages")[0];
        Assert.False(stage.TryGetProperty("metrics", out var metrics) && metrics.ValueKind != JsonValueKind.Null, stage.ToString());
    }
}

/// <summary>Code roots by default, and how paths are written into locks and keys.</summary>
public sealed class StageDefinitionAndWorkspaceSurvivorTests
{
    private static class StaticTask
    {
        public static Task Run(StageContext ctx, CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public void AStaticExecuteMethodIsItsOwnCodeRoot()
    {
        var stage = new StageDefinition { Name = "S", Outputs = [], Execute = StaticTask.Run };
        Assert.Equal([typeof(StaticTask)], stage.CodeRootsOrDefault());
    }

    [Fact]
    public void APathOutsideTheRepositoryStaysAbsolute()
    {
        var root = Path.Combine(Path.GetTempPath(), "star1-ws-" + Guid.NewGuid().ToString("N")[..8]);
        var workspace = new Workspace(Path.Combine(root, "repo"), Path.Combine(root, "repo", "artifacts"));
        var outside = Path.Combine(root, "mirror", "data.json");
        Assert.Equal(Path.GetFullPath(outside).Replace('\\', '/'), workspace.Portable(outside));
        Assert.Equal("prompts/p1.txt", workspace.Portable(Path.Combine(root, "repo", "prompts", "p1.txt")));
    }
}
