using System.Text.Json;
using Star1.Build.Tests.Support;

namespace Star1.Build.Tests;

/// <summary>The default run as a new user gets it: shipped params.yaml, shipped demo corpus, offline.</summary>
public sealed class DemoRunTests : IDisposable
{
    private readonly BuildRepo repo = new();

    public DemoRunTests()
    {
        var demo = Path.Combine(Pipeline.Tests.Support.RepoPaths.Root, "data", "demo");
        foreach (var file in Directory.EnumerateFiles(demo, "*", SearchOption.AllDirectories))
        {
            var target = repo.PathOf("data", "demo", Path.GetRelativePath(demo, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => repo.Dispose();

    private Task<int> Run(params string[] args) => repo.Run(args);

    [Fact]
    public async Task EveryFunnelStepDropsSomethingFromTheDemoCorpusAndTheSecondRunExecutesNothing()
    {
        Assert.Equal(0, await Run("--target", "Collect"));
        using var stats = JsonDocument.Parse(File.ReadAllText(repo.PathOf("artifacts", "collect", "funnel_stats.json")));
        var steps = stats.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(6, steps.Count);
        Assert.All(steps, step => Assert.True(step.GetProperty("dropped").GetInt32() > 0, step.GetProperty("title").GetString()));
        Assert.Equal(220, stats.RootElement.GetProperty("rawQuestions").GetInt32());
        var collected = JsonDocument.Parse(File.ReadAllText(repo.PathOf("artifacts", "collect", "data_collection.json"))).RootElement;
        Assert.Equal(stats.RootElement.GetProperty("collected").GetInt32(), collected.GetArrayLength());
        Assert.Equal(["DemoForum", "DemoRedTeam", "DemoInstructions", "DemoChatLogs", "DemoSurvey"],
            collected.EnumerateArray().Select(q => q.GetProperty("source").GetString()).Distinct());

        Assert.Equal(0, await Run("--target", "Collect"));
        var record = JsonDocument.Parse(File.ReadAllText(repo.PathOf("artifacts", "runs", "latest.json"))).RootElement;
        Assert.Equal("up-to-date", record.GetProperty("stages")[0].GetProperty("status").GetString());
    }
}
