using System.Collections.Concurrent;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// Stages side by side (<see cref="StageScheduler"/>): each starts when its upstream stages are done, within the
/// bounds on all stages and on CPU-heavy ones; the results are those of a serial run; a failure stops what has
/// not started; each stage's lines come out together.
/// </summary>
public sealed class SchedulerTests : IDisposable
{
    private readonly TestRepo repo = new();
    private readonly ConcurrentDictionary<string, (DateTime Start, DateTime End)> spans = new();
    private readonly Lock counting = new();
    private int running, heavyRunning, maxRunning, maxHeavyRunning;

    public void Dispose() => repo.Dispose();

    /// <summary>A stage that works for <paramref name="millis"/> and records when, and how many ran beside it.</summary>
    private StageDefinition Timed(string name, string[] upstream, int millis = 300, bool heavy = false, string? fail = null, Action<IStageReporter>? say = null) => new()
    {
        Name = name,
        Upstream = upstream,
        Outputs = ["out.txt"],
        CpuHeavy = heavy,
        Execute = async (ctx, ct) =>
        {
            var start = DateTime.UtcNow;
            lock (counting)
            {
                maxRunning = Math.Max(maxRunning, ++running);
                if (heavy) maxHeavyRunning = Math.Max(maxHeavyRunning, ++heavyRunning);
            }
            try
            {
                say?.Invoke(ctx.Reporter);
                await Task.Delay(millis, ct);
                if (fail is not null) throw new InvalidOperationException(fail);
                var read = string.Concat(upstream.Select(u => File.ReadAllText(ctx.Input(u, "out.txt"))));
                await File.WriteAllTextAsync(ctx.Output("out.txt"), $"{name}({read})", ct);
            }
            finally
            {
                lock (counting)
                {
                    running--;
                    if (heavy) heavyRunning--;
                }
                spans[name] = (start, DateTime.UtcNow);
            }
        },
    };

    private StageEngine EngineWith(params StageDefinition[] stages)
    {
        var engine = repo.BareEngine();
        foreach (var stage in stages) engine.Add(stage);
        return engine;
    }

    /// <summary>Schedules every stage in registration order (upstream first, as Cake hands them over) and waits.</summary>
    private static async Task RunAll(StageScheduler scheduler, StageEngine engine)
    {
        foreach (var stage in engine.Stages) _ = scheduler.RunAsync(stage.Name, force: false);
        await scheduler.WhenAllAsync();
    }

    private bool Overlap(string a, string b) => spans[a].Start < spans[b].End && spans[b].Start < spans[a].End;

    [Fact]
    public async Task IndependentStagesOverlapAndAStageWaitsForAllItsUpstream()
    {
        var engine = EngineWith(Timed("Root", []), Timed("Left", ["Root"]), Timed("Right", ["Root"]), Timed("Join", ["Left", "Right"]));
        await RunAll(new StageScheduler(engine, jobs: 4, cpuJobs: 4), engine);

        Assert.True(Overlap("Left", "Right"), "Left and Right read only Root: they run at the same time");
        Assert.True(spans["Root"].End <= spans["Left"].Start && spans["Root"].End <= spans["Right"].Start);
        Assert.True(spans["Join"].Start >= spans["Left"].End && spans["Join"].Start >= spans["Right"].End);
        Assert.Equal("Join(Left(Root())Right(Root()))", File.ReadAllText(repo.Output("Join")));

        // The run record's times show the overlap too: each outcome knows when it started.
        var outcomes = engine.Outcomes.ToDictionary(o => o.Stage);
        var (left, right) = (outcomes["Left"], outcomes["Right"]);
        Assert.True(left.Started < right.Started + right.Duration && right.Started < left.Started + left.Duration);
        Assert.All(outcomes.Values, o => Assert.Equal(StageResult.Executed, o.Result));
    }

    [Fact]
    public async Task NoMoreThanJobsRunAtOnceAndCpuHeavyStagesHaveTheirOwnBound()
    {
        var engine = EngineWith(
            Timed("H1", [], heavy: true), Timed("H2", [], heavy: true), Timed("H3", [], heavy: true),
            Timed("L1", []), Timed("L2", []), Timed("L3", []));
        var scheduler = new StageScheduler(engine, jobs: 3, cpuJobs: 1);
        await RunAll(scheduler, engine);

        Assert.Equal(1, maxHeavyRunning);
        Assert.True(maxRunning is > 1 and <= 3, $"{maxRunning} ran at once");
        Assert.False(Overlap("H1", "H2") || Overlap("H2", "H3") || Overlap("H1", "H3"));
        Assert.Equal(6, engine.Outcomes.Count(o => o.Result == StageResult.Executed));
    }

    [Fact]
    public async Task OneJobRunsStagesOneAfterAnother()
    {
        var engine = EngineWith(Timed("Root", []), Timed("Left", ["Root"]), Timed("Right", ["Root"]));
        await RunAll(new StageScheduler(engine, jobs: 1, cpuJobs: 1), engine);
        Assert.Equal(1, maxRunning);
        Assert.False(Overlap("Left", "Right"));
    }

    [Fact]
    public async Task SideBySideGivesTheSameOutputsAndLockAsOneAfterAnother()
    {
        using var serialRepo = new TestRepo();
        var serial = serialRepo.Engine();
        await serialRepo.RunAll(serial);

        var parallel = repo.Engine();
        await RunAll(new StageScheduler(parallel, jobs: 4, cpuJobs: 2), parallel);
        parallel.Hashes.Save();

        foreach (var stage in serial.Stages)
        {
            Assert.Equal(serial.Outcomes.Single(o => o.Stage == stage.Name).Fingerprint, parallel.Outcomes.Single(o => o.Stage == stage.Name).Fingerprint);
            foreach (var output in stage.Outputs)
                Assert.Equal(File.ReadAllBytes(serialRepo.Output(stage.Name, output)), File.ReadAllBytes(repo.Output(stage.Name, output)));
        }
        // And a serial build after it finds everything fresh.
        Assert.Empty(await repo.Executed(repo.Engine()));
    }

    [Fact]
    public async Task AfterAFailureNothingNewStartsRunningStagesFinishAndTheFirstFailureIsThrown()
    {
        var engine = EngineWith(Timed("Root", []), Timed("Bad", ["Root"], millis: 50, fail: "Bad failed on purpose"),
            Timed("Slow", ["Root"], millis: 600), Timed("AfterBad", ["Bad"]), Timed("AfterSlow", ["Slow"]));
        var scheduler = new StageScheduler(engine, jobs: 4, cpuJobs: 4);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAll(scheduler, engine));

        Assert.Equal("Bad failed on purpose", error.Message);
        var results = engine.Outcomes.ToDictionary(o => o.Stage, o => o.Result);
        Assert.Equal(StageResult.Failed, results["Bad"]);
        // Slow was already running: its work is kept. Nothing that had yet to start did.
        Assert.Equal(StageResult.Executed, results["Slow"]);
        Assert.True(File.Exists(repo.Output("Slow")));
        Assert.False(results.ContainsKey("AfterBad"));
        Assert.False(results.ContainsKey("AfterSlow"));
        Assert.False(spans.ContainsKey("AfterSlow"));
    }

    [Fact]
    public async Task EachStagesLinesComeOutTogether()
    {
        static Action<IStageReporter> Lines(string stage) => say =>
        {
            for (var i = 1; i <= 3; i++)
            {
                say.Info($"{stage} line {i}");
                Thread.Sleep(40);
            }
        };
        var engine = EngineWith(Timed("P", [], say: Lines("P")), Timed("Q", [], say: Lines("Q")));
        await RunAll(new StageScheduler(engine, jobs: 2, cpuJobs: 2), engine);

        Assert.True(Overlap("P", "Q"));
        var lines = repo.Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var stage in new[] { "P", "Q" })
        {
            var mine = lines.Select((line, at) => (line, at)).Where(l => l.line.StartsWith(stage + " ") || l.line.StartsWith(stage + ":")).Select(l => l.at).ToList();
            // running, three lines, the result: five lines in a row, nothing of the other stage between them.
            Assert.Equal(5, mine.Count);
            Assert.Equal(Enumerable.Range(mine[0], 5), mine);
            Assert.StartsWith($"{stage}: running", lines[mine[0]]);
            Assert.StartsWith($"{stage}: executed", lines[mine[^1]]);
        }
    }

    [Fact]
    public void AtLeastOneJob() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StageScheduler(repo.BareEngine(), jobs: 0, cpuJobs: 1));
}

/// <summary>A stage's kept lines: one block at the end, or blocks every <see cref="StageLines.MaxHold"/> for a stage that talks for long.</summary>
public sealed class StageLinesTests
{
    [Fact]
    public void LinesAreKeptUntilFlushedUnlessTheStageHasTalkedForLongerThanMaxHold()
    {
        var written = new StringWriter();
        var time = new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);
        var lines = new StageLines(new TextStageReporter(written), new Lock(), () => time);

        lines.Info("one");
        lines.Warn("two");
        Assert.Equal("", written.ToString());

        time += StageLines.MaxHold;
        lines.Info("three");   // held as long as allowed: what was said so far goes out now
        Assert.Equal(["one", "warning: two", "three"], written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        lines.Info("four");
        Assert.DoesNotContain("four", written.ToString());
        lines.Flush();
        Assert.EndsWith("four", written.ToString().TrimEnd());
    }
}
