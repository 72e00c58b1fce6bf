using System.Text.Json;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// What a stage counts (requests, tokens, cost) reaches the run record, failed runs included; what it would
/// cost is asked only of a stage that would execute.
/// </summary>
public sealed class StageMetricsTests : IDisposable
{
    private readonly TestRepo repo = new();
    public void Dispose() => repo.Dispose();

    private StageDefinition Counting(bool fail) => new()
    {
        Name = "A",
        ParamKeys = ["a.x"],
        Outputs = ["out.txt"],
        Execute = async (ctx, _) =>
        {
            ctx.RecordMetric("requests", 3);
            ctx.RecordMetric("cost_usd", 0.25);
            if (fail) throw new InvalidOperationException("the endpoint went away");
            await File.WriteAllTextAsync(ctx.Output("out.txt"), "done");
        },
        Estimate = c => $"would send {c.Params.Get("a.x").AsInt()} requests",
    };

    [Fact]
    public async Task MetricsOfExecutedAndFailedStagesReachTheRunRecord()
    {
        var failing = repo.BareEngine();
        failing.Add(Counting(fail: true));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.RunAsync("A", force: false));
        Assert.Equal(3, failing.Outcomes.Single().Metrics!["requests"]);

        var engine = repo.BareEngine();
        engine.Add(Counting(fail: false));
        await engine.RunAsync("A", force: false);
        RunRecord.From("A", engine, DateTimeOffset.Now, null).Write(repo.Workspace);
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Workspace.RunsDir, "latest.json")));
        var metrics = record.RootElement.GetProperty("stages")[0].GetProperty("metrics");
        Assert.Equal(3, metrics.GetProperty("requests").GetDouble());
        Assert.Equal(0.25, metrics.GetProperty("cost_usd").GetDouble());

        // Up to date: nothing counted, and the record says nothing rather than zeros.
        var again = repo.BareEngine();
        again.Add(Counting(fail: false));
        await again.RunAsync("A", force: false);
        Assert.Null(again.Outcomes.Single().Metrics);
    }

    [Fact]
    public async Task OnlyAStageThatWouldExecuteIsAskedForItsEstimate()
    {
        var engine = repo.BareEngine();
        engine.Add(Counting(fail: false));
        Assert.Equal("would send 1 requests", engine.InspectWithEstimate("A").Estimate);
        await engine.RunAsync("A", force: false);

        Assert.Null(repo.BareEngine().WithStage(Counting(false)).InspectWithEstimate("A").Estimate);
        var changed = repo.BareEngine(null, "a.x=7").WithStage(Counting(false));
        Assert.Equal("would send 7 requests", changed.InspectWithEstimate("A").Estimate);
        await changed.RunAsync("A", force: false);
        // Back to 1: restorable from the run-cache, so nothing would be sent.
        Assert.Null(repo.BareEngine().WithStage(Counting(false)).InspectWithEstimate("A").Estimate);
    }
}

internal static class EngineTestExtensions
{
    public static StageEngine WithStage(this StageEngine engine, StageDefinition stage)
    {
        engine.Add(stage);
        return engine;
    }
}
