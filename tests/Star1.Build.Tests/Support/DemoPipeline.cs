namespace Star1.Build.Tests.Support;

/// <summary>
/// The default profile's whole graph run once, offline, on the shipped demo corpus and prompts: tests that
/// change something start from a copy of it, so each pays only for what its change re-runs.
/// </summary>
public sealed class DemoPipeline : IAsyncLifetime
{
    public BuildRepo Template { get; } = new BuildRepo(FastTraining).WithRepoFolder("data/demo").WithRepoFolder("data/demo-eval").WithRepoFolder("prompts").WithRepoFolder("src/Star1.Chat/Embedded");

    /// <summary>
    /// The default recipe shortened to one epoch of short sequences in big batches (a few seconds per training
    /// stage instead of a minute): every test that runs Star1 pays for Train and TrainBenign. The embedded
    /// tokenizer's source file is copied too, since it is part of the tiny model's identity.
    /// </summary>
    public static string FastTraining(string yaml)
    {
        string Set(string text, string key, string from, string to)
        {
            var line = $"  {key}: {from} ";
            if (!text.Contains(line)) throw new InvalidOperationException($"params.yaml no longer has '{line.Trim()}' under train:");
            return text.Replace(line, $"  {key}: {to} ");
        }
        yaml = Set(yaml, "epochs", "5", "1");
        yaml = Set(yaml, "max_length", "1024", "192");
        yaml = Set(yaml, "global_batch", "4", "8");
        return Set(yaml, "micro_batch", "2", "4");
    }
    public string FirstRunOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var code = await Template.Run("--target", "Star1");
        FirstRunOutput = Template.Output;
        if (code != 0) throw new InvalidOperationException($"the demo pipeline failed:\n{FirstRunOutput}");
    }

    public BuildRepo Copy() => BuildRepo.CopyOf(Template);

    public Task DisposeAsync()
    {
        Template.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>One demo run for every test class that starts from it.</summary>
[CollectionDefinition(Name)]
public sealed class DemoPipelineCollection : ICollectionFixture<DemoPipeline>
{
    public const string Name = "demo pipeline";
}
