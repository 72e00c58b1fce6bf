using Star1.Pipeline.Engine;
using Star1.Pipeline.Params;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>The run-cache in a folder outside the checkout (CI keeps it between runs; checkouts share it).</summary>
public sealed class ExternalCacheDirTests : IDisposable
{
    private readonly string external = Path.Combine(Path.GetTempPath(), "star1-cache-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly List<HostRepo> clones = [];

    public void Dispose()
    {
        foreach (var clone in clones) clone.Dispose();
        try { Directory.Delete(external, recursive: true); } catch (IOException) { }
    }

    private HostRepo Clone(string dir)
    {
        var clone = new HostRepo(HostRepo.DefaultParams + $"""

            cache:
              dir: "{dir}"
            """);
        clones.Add(clone);
        return clone;
    }

    [Fact]
    public async Task AFreshCloneRestoresFromTheFolderNamedInParams()
    {
        var first = Clone(external);
        Assert.Equal(0, await first.Run("--target", "HostAll"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(external, "runs")));
        Assert.False(Directory.Exists(first.PathOf("artifacts", "cache")));

        var second = Clone(external);
        Assert.Equal(0, await second.Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "restored", ["HostSecond"] = "restored" }, second.StageStatuses());
        Assert.False(Directory.Exists(second.PathOf("artifacts", "cache")));
        Assert.Equal(File.ReadAllText(first.PathOf("artifacts", "hostsecond", "second.txt")), File.ReadAllText(second.PathOf("artifacts", "hostsecond", "second.txt")));
    }

    [Fact]
    public async Task ARelativeFolderInParamsIsUnderTheRepository()
    {
        var clone = Clone("../" + Path.GetFileName(external));
        Assert.Equal(0, await clone.Run("--target", "HostAll"));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(external, "runs")));
    }

    [Fact]
    public async Task TheEnvironmentVariableWinsOverParamsAndAFreshCloneRestoresFromIt()
    {
        // A child process, so that setting the variable cannot leak into tests running beside this one.
        var first = Clone("ignored-because-the-variable-is-set");
        using (var child = ChildProcess.Start(new Dictionary<string, string?> { [CacheSettings.DirVariable] = external }, ["host", first.Root, "--target", "HostAll"]))
        {
            var output = child.StandardOutput.ReadToEndAsync();
            var error = await child.StandardError.ReadToEndAsync();
            await child.WaitForExitAsync();
            Assert.True(child.ExitCode == 0, await output + error);
        }
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(external, "runs")));
        Assert.False(Directory.Exists(first.PathOf("ignored-because-the-variable-is-set")));
        Assert.False(Directory.Exists(first.PathOf("artifacts", "cache", "runs")));

        var second = Clone(external);
        Assert.Equal(0, await second.Run("--target", "HostAll"));
        Assert.Equal("restored", second.StageStatuses()["HostSecond"]);
        Assert.EndsWith("outputs restored from run-cache", second.LatestRecord().GetProperty("stages")[1].GetProperty("reason").GetString());
    }

    [Fact]
    public void SettingsReadTheEnvironmentFirstThenParamsThenTheDefaults()
    {
        var parameters = new EffectiveParams(ParamNode.NewMap("test"), "default", []);
        var defaults = CacheSettings.From(parameters, _ => null);
        Assert.Equal(("", null, CacheSettings.DefaultTokenVariable, true, TimeSpan.FromSeconds(30)),
            (defaults.Dir, defaults.Remote, defaults.TokenEnv, defaults.Push, defaults.Timeout));
        var fromEnvironment = CacheSettings.From(parameters, name => name switch
        {
            CacheSettings.DirVariable => "/srv/cache",
            CacheSettings.RemoteVariable => "https://cache.example/star1",
            _ => null,
        });
        Assert.Equal("/srv/cache", fromEnvironment.Dir);
        Assert.Equal("https://cache.example/star1/", fromEnvironment.Remote!.ToString());
        var bad = Assert.Throws<ParamsException>(() => CacheSettings.From(parameters, name => name == CacheSettings.RemoteVariable ? "not a url" : null));
        Assert.Contains("environment variable STAR1_REMOTE_CACHE must be an http", bad.Message);
    }

    [Fact]
    public void LeftoversInASharedCacheFolderGoOnlyWhenOld()
    {
        using var repo = new TestRepo();
        var workspace = new Workspace(repo.Root, Path.Combine(repo.Root, "artifacts"), external);
        Assert.True(workspace.CacheIsShared);
        Assert.False(repo.Workspace.CacheIsShared);
        var objects = Path.Combine(external, "objects", "ab");
        Directory.CreateDirectory(objects);
        var fresh = Path.Combine(objects, $".cdef.{Guid.NewGuid():N}.tmp");
        var old = Path.Combine(objects, $".cd00.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(fresh, "another build is writing this");
        File.WriteAllText(old, "left by a build killed yesterday");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));
        var inArtifacts = Path.Combine(repo.Root, "artifacts", $".x.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(inArtifacts)!);
        File.WriteAllText(inArtifacts, "under the build lock: always a leftover");

        new StageEngine(workspace, ParamsLoader.Load(Path.Combine(repo.Root, "params.yaml"), null, []), new TextStageReporter(repo.Log)).CleanLeftovers();
        Assert.True(File.Exists(fresh));
        Assert.False(File.Exists(old));
        Assert.False(File.Exists(inArtifacts));
    }

    [Fact]
    public async Task GcOnASharedFolderSaysItKnowsOnlyThisCheckoutsLock()
    {
        using var repo = new TestRepo();
        var parameters = ParamsLoader.Load(Path.Combine(repo.Root, "params.yaml"), null, []);
        StageEngine Engine(string? cacheDir)
        {
            var engine = new StageEngine(new Workspace(repo.Root, Path.Combine(repo.Root, "artifacts"), cacheDir), parameters, new TextStageReporter(repo.Log));
            foreach (var stage in repo.Stages()) engine.Add(stage);
            return engine;
        }
        await repo.RunAll(Engine(external));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(external, "runs")));
        var shared = GarbageCollector.Collect(Engine(external), new GcPolicy(DryRun: true));
        Assert.Contains(shared.Notes, n => n.Contains($"the cache folder {external} is outside the artifacts folder and may be shared"));
        Assert.Equal(0, shared.EntriesRemoved); // everything is this lock's
        var local = GarbageCollector.Collect(Engine(null), new GcPolicy(DryRun: true));
        Assert.DoesNotContain(local.Notes, n => n.Contains("may be shared"));
    }
}
