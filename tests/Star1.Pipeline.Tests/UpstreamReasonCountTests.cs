using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;

namespace Star1.Pipeline.Tests;

/// <summary>A stage after many stale stages (a table over every evaluation cell) names a few of them and counts the rest.</summary>
public sealed class UpstreamReasonCountTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "star1-upcount-" + Guid.NewGuid().ToString("N")[..8]);

    private StageEngine Engine(int x, int cells)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "params.yaml"), $"x: {x}\n");
        var parameters = ParamsLoader.Load(Path.Combine(root, "params.yaml"), null, []);
        var engine = new StageEngine(new Workspace(root, Path.Combine(root, "artifacts")), parameters, new TextStageReporter(TextWriter.Null));
        var names = Enumerable.Range(0, cells).Select(i => $"Cell{i}").ToList();
        foreach (var name in names)
            engine.Add(new StageDefinition { Name = name, ParamKeys = ["x"], Outputs = ["o.txt"], Execute = (c, _) => File.WriteAllTextAsync(c.Output("o.txt"), name) });
        engine.Add(new StageDefinition { Name = "Table", Upstream = names, Outputs = ["t.txt"], Execute = (c, _) => File.WriteAllTextAsync(c.Output("t.txt"), "t") });
        return engine;
    }

    [Theory]
    [InlineData(4, null)]
    [InlineData(5, "and 2 more upstream outputs are not there yet")]
    [InlineData(9, "and 6 more upstream outputs are not there yet")]
    public void ATableWaitingOnManyCellsNamesThreeAndCountsTheRest(int cells, string? counted)
    {
        var reasons = Engine(1, cells).Inspect("Table").Reasons;
        Assert.Equal(counted is null ? cells : 4, reasons.Count);
        Assert.All(reasons.Take(3).Select((r, i) => (r, i)), p => Assert.Contains($"Cell{p.i}", p.r));
        if (counted is not null) Assert.Equal(counted, reasons[^1]);
    }

    [Theory]
    [InlineData(4, null)]
    [InlineData(6, "and 3 more upstream stages are not fresh")]
    public async Task ATableAfterManyStaleCellsNamesThreeAndCountsTheRest(int cells, string? counted)
    {
        var first = Engine(1, cells);
        foreach (var stage in first.Stages.Select(s => s.Name).ToList()) await first.RunAsync(stage, force: false);

        // The cells read x; the table reads only their outputs, which have not changed yet.
        var reasons = Engine(2, cells).Inspect("Table").Reasons;
        Assert.Equal(counted is null ? cells : 4, reasons.Count);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => $"upstream Cell{i} is stale"), reasons.Take(3));
        if (counted is not null) Assert.Equal(counted, reasons[^1]);
        else Assert.Equal("upstream Cell3 is stale", reasons[^1]);
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
