namespace Star1.Build.Tests.Support;

/// <summary>
/// The default profile's whole graph run once, offline, on the shipped demo corpus and prompts: tests that
/// change something start from a copy of it, so each pays only for what its change re-runs.
/// </summary>
public sealed class DemoPipeline : IAsyncLifetime
{
    public BuildRepo Template { get; } = new BuildRepo().WithRepoFolder("data/demo").WithRepoFolder("prompts");
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
