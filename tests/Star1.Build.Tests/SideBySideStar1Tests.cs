using System.Text.Json;
using Star1.Build.Tests.Support;

namespace Star1.Build.Tests;

/// <summary>
/// The whole default graph side by side (the demo pipeline runs with params' run.jobs) against the same graph
/// one stage after another: the same bytes in every output of every stage, and the run record shows the overlap.
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed class SideBySideStar1Tests(DemoPipeline demo)
{
    [Fact]
    public async Task Star1SideBySideIsByteIdenticalToOneStageAfterAnotherAndItsStagesOverlap()
    {
        using var serial = new BuildRepo(DemoPipeline.FastTraining).WithRepoFolder("data/demo").WithRepoFolder("data/demo-eval")
            .WithRepoFolder("prompts").WithRepoFolder("src/Star1.Chat/Embedded");
        Assert.Equal(0, await serial.Run("--target", "Star1", "--set", "run.jobs=1"));

        var (sideBySide, oneByOne) = (Stages(demo.Template), Stages(serial));
        Assert.Equal(oneByOne.Keys.Order(), sideBySide.Keys.Order());
        Assert.True(oneByOne.Count > 40, $"{oneByOne.Count} stages");
        foreach (var (stage, entry) in oneByOne)
        {
            Assert.Equal(entry.GetProperty("fingerprint").GetString(), sideBySide[stage].GetProperty("fingerprint").GetString());
            Assert.Equal(Outputs(entry), Outputs(sideBySide[stage]));
        }

        // The demo pipeline's first run was side by side: some stages' spans overlap, none in the serial run.
        Assert.True(OverlappingPairs(demo.Template) > 0);
        Assert.Equal(0, OverlappingPairs(serial));
    }

    private static Dictionary<string, JsonElement> Stages(BuildRepo repo) =>
        JsonDocument.Parse(File.ReadAllText(repo.PathOf("artifacts", "star1.lock.json"))).RootElement.GetProperty("stages")
            .EnumerateObject().ToDictionary(s => s.Name, s => s.Value.Clone());

    private static List<string> Outputs(JsonElement entry) =>
        [.. entry.GetProperty("outputs").EnumerateObject().Select(o => $"{o.Name} {o.Value.GetProperty("hash").GetString()}")];

    private static int OverlappingPairs(BuildRepo repo)
    {
        // The first run's record, for the template (later tests only ever run on copies of it).
        var records = Directory.GetFiles(repo.PathOf("artifacts", "runs"), "2*.json").Order(StringComparer.Ordinal).ToList();
        using var record = JsonDocument.Parse(File.ReadAllText(records[0]));
        var spans = record.RootElement.GetProperty("stages").EnumerateArray()
            .Select(s => (Start: s.GetProperty("started").GetDateTimeOffset(), End: s.GetProperty("finished").GetDateTimeOffset())).ToList();
        // Spans are taken from clock readings: a few microseconds of overlap between stages one after another is noise.
        var noise = TimeSpan.FromMilliseconds(20);
        return spans.SelectMany((a, i) => spans.Skip(i + 1).Where(b => a.Start + noise < b.End && b.Start + noise < a.End)).Count();
    }
}
