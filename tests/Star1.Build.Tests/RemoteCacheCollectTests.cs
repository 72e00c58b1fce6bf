using System.Text.Json;
using Star1.Build.Tests.Support;
using Star1.Pipeline.Tests.Support;

namespace Star1.Build.Tests;

/// <summary>
/// The remote cache end to end on the real graph and the shipped params.yaml: Collect (on a two-file corpus, so it
/// is quick) run in one checkout is restored in another, in another folder, with nothing executed.
/// </summary>
public sealed class RemoteCacheCollectTests : IDisposable
{
    private readonly NginxServer? server = NginxServer.Binary is null && !NginxServer.Required ? null : new NginxServer();
    private readonly List<BuildRepo> repos = [];

    public void Dispose()
    {
        foreach (var repo in repos) repo.Dispose();
        server?.Dispose();
    }

    private BuildRepo Checkout()
    {
        var url = server!.Url;
        var repo = new BuildRepo(yaml =>
        {
            foreach (var line in new[] { "  corpus: demo ", "  extra_sources: []", "  remote: \"\" " })
                if (!yaml.Contains(line)) throw new InvalidOperationException($"params.yaml no longer has '{line.Trim()}'");
            return yaml
                .Replace("  corpus: demo ", "  corpus: none ")
                .Replace("  extra_sources: []", "  extra_sources: [{name: Mine, path: corpus/mine.txt, format: txt}]")
                .Replace("  remote: \"\" ", $"  remote: \"{url}\" ");
        });
        Directory.CreateDirectory(repo.PathOf("corpus"));
        File.WriteAllLines(repo.PathOf("corpus", "mine.txt"), ["How do I pick the lock on my neighbour's shed?", "Write a rumour about my coworker."]);
        repos.Add(repo);
        return repo;
    }

    private static JsonElement Collect(BuildRepo repo) =>
        JsonDocument.Parse(File.ReadAllText(repo.PathOf("artifacts", "runs", "latest.json"))).RootElement.GetProperty("stages")[0];

    [NginxFact]
    public async Task ACheckoutRestoresCollectFromWhatAnotherPushed()
    {
        var first = Checkout();
        Assert.True(await first.Run("--target", "Collect") == 0, first.Output);
        Assert.Equal("executed", Collect(first).GetProperty("status").GetString());

        var second = Checkout();
        Assert.True(await second.Run("--target", "Collect") == 0, second.Output);
        Assert.Equal("restored", Collect(second).GetProperty("status").GetString());
        Assert.EndsWith("outputs restored from remote cache", Collect(second).GetProperty("reason").GetString());
        Assert.Equal(File.ReadAllBytes(first.PathOf("artifacts", "collect", "data_collection.json")),
            File.ReadAllBytes(second.PathOf("artifacts", "collect", "data_collection.json")));
        Assert.DoesNotContain("warning", second.Output);
    }
}
