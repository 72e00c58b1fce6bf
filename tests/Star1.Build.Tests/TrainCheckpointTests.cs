using System.Text.Json;
using Star1.Build.Tasks.Training;
using Star1.Build.Tests.Support;
using Star1.Data.Collect.Sources;
using Star1.Modeling.Tests;
using Star1.Modeling.Training;
using static Star1.Build.Tests.LlmStagesTests;

namespace Star1.Build.Tests;

/// <summary>
/// What the training stages keep around their checkpoint: the resume folders Gc prunes, the step log written as
/// training goes, and a hub base model fetched into the models cache (against a stand-in hub, offline).
/// </summary>
[Collection(DemoPipelineCollection.Name)]
public sealed class TrainCheckpointTests(DemoPipeline demo)
{
    [Fact]
    public async Task GcRemovesTheEpochCheckpointsOfKilledRunsAndKeepsThoseAKeptRunUsed()
    {
        using var repo = demo.Copy();
        var resume = repo.PathOf("artifacts", "cache", "stages", "Train", "resume");
        // A killed run's epoch checkpoint, under a key no run that finished used.
        var killed = Path.Combine(resume, "0123456789abcdef01234567");
        Directory.CreateDirectory(Path.Combine(killed, "epoch-1"));
        File.WriteAllBytes(Path.Combine(killed, "epoch-1", "model.safetensors"), new byte[4096]);
        // The key the kept run recorded (its own folder went when it succeeded): whatever is under it stays.
        var used = Directory.GetFiles(repo.PathOf("artifacts", "cache", "stages", "Train", "used"), "*.json").Single();
        var keptKey = JsonDocument.Parse(File.ReadAllText(used)).RootElement.GetProperty(ResumeFolders.Cache).EnumerateArray().Single().GetString()!;
        Directory.CreateDirectory(Path.Combine(resume, keptKey, "epoch-1"));

        Assert.Equal(0, await repo.Run("--target", "Gc", "--dryrun"));
        Assert.True(Directory.Exists(killed));
        Assert.Equal(0, await repo.Run("--target", "Gc"));
        Assert.False(Directory.Exists(killed));
        Assert.True(Directory.Exists(Path.Combine(resume, keptKey)));
        Assert.Matches(@"Train resume entries\W+1\W+4\.0 KiB", repo.Output);

        Assert.Equal(0, await repo.Run("--target", "Train"));
        Assert.Equal("up-to-date", Status(repo, "Train"));
    }

    [Fact]
    public void EachStepIsOnDiskAsSoonAsItIsLoggedAndTheFileEndsAsAllLinesWrittenAtOnce()
    {
        var path = Path.Combine(Path.GetTempPath(), $"star1-metrics-{Guid.NewGuid():N}.jsonl");
        StepMetrics[] steps = [new(1, 1, 7.5, 0.01, 0, 3.2, 120, 900), new(2, 1, 7.1, 0.05, 1.5e-3, 2.9, 118, 950.5)];
        try
        {
            using (var log = new MetricsLog(path))
            {
                log.Append(steps[0]);
                // What `tail -f` sees while the run goes on.
                Assert.Equal([JsonSerializer.Serialize(steps[0])], ReadWhileOpen(path));
                log.Append(steps[1]);
                Assert.Equal(2, ReadWhileOpen(path).Length);
            }
            var atOnce = path + ".all";
            File.WriteAllLines(atOnce, steps.Select(s => JsonSerializer.Serialize(s)));
            Assert.Equal(File.ReadAllBytes(atOnce), File.ReadAllBytes(path));
            File.Delete(atOnce);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string[] ReadWhileOpen(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task AHubBaseModelIsDownloadedIntoTheModelsCacheThenTrainsFromItOffline()
    {
        using var repo = demo.Copy();
        var cache = repo.PathOf("data", "models");
        // Offline and missing: the message says what is missing and how to get it; with downloads allowed it does not stop.
        var missing = BaseModel.From("org/tiny", repo.Root, cache);
        Assert.True(missing.IsHubModel);
        Assert.Contains("missing: config.json", missing.Blocker(download: false));
        Assert.Contains($"To download it into {cache}, run with --set train.download=true", missing.Blocker(download: false));
        Assert.Null(missing.Blocker(download: true));

        // The hub serves the trained tiny checkpoint (shards, index, tokenizer) as org/tiny.
        var files = Directory.GetFiles(demo.Template.PathOf("artifacts", "train", "checkpoint")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var hub = new FakeHub(files);
        var options = new FetchOptions { Online = true, RetryDelay = TimeSpan.Zero, MaxAttempts = 1 };
        var fetched = await BaseModel.FetchAsync("org/tiny", repo.Root, cache, options, hub);
        Assert.Equal(Path.Combine(cache, "org--tiny", "main"), fetched.Folder);
        Assert.Null(fetched.Problem());
        Assert.All(files, f => Assert.Equal(f.Value, File.ReadAllBytes(Path.Combine(fetched.Folder!, f.Key))));
        Assert.Contains(fetched.IdentityFiles(), f => Path.GetFileName(f).StartsWith("model-00001-of-", StringComparison.Ordinal));

        // Now in the cache: Train finds it there with downloads off, and fingerprints it by its files.
        string[] args = ["--target", "Train", "--set", "train.base_model=org/tiny", "--set", "train.chat_format=r1-distill-qwen"];
        Assert.Equal(0, await repo.Run(args));
        Assert.Equal("executed", Status(repo, "Train"));
        Assert.Contains("base model org/tiny, r1-distill-qwen", repo.Output);
        Assert.Equal(0, await repo.Run(args));
        Assert.Equal("up-to-date", Status(repo, "Train"));
    }
}
