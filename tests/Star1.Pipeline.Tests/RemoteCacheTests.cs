using System.Text.Json;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>
/// The remote cache against a real nginx (WebDAV), through the real host on the host tests' graph
/// (HostFirst -> HostSecond): each "clone" is its own repository with its own artifacts and local cache.
/// </summary>
public sealed class RemoteCacheTests : IDisposable
{
    private readonly List<IDisposable> owned = [];
    private readonly string tokenVariable = "STAR1_TEST_REMOTE_TOKEN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(tokenVariable, null);
        foreach (var item in owned) item.Dispose();
    }

    private T Own<T>(T item) where T : IDisposable
    {
        owned.Add(item);
        return item;
    }

    /// <summary>A fresh clone whose params point at <paramref name="url"/>, reading a token from this test's own variable.</summary>
    private HostRepo Clone(string url) => Own(new HostRepo(HostRepo.DefaultParams + $"""

        cache:
          dir: ""
          remote: "{url}"
          remote_token_env: {tokenVariable}
          remote_push: true
          remote_timeout_seconds: 5
        """));

    private static JsonElement Stage(HostRepo repo, string name) =>
        repo.LatestRecord().GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == name);

    private static string FirstOutput(HostRepo repo) => repo.PathOf("artifacts", "hostfirst", "first.txt");
    private static string SecondOutput(HostRepo repo) => repo.PathOf("artifacts", "hostsecond", "second.txt");

    [NginxFact]
    public async Task WhatOneClonePushedAnotherRestoresWithAnEmptyLocalCache()
    {
        var server = Own(new NginxServer());
        var first = Clone(server.Url);
        Assert.Equal(0, await first.Run("--target", "HostAll"));
        Assert.Equal("executed", first.StageStatuses()["HostSecond"]);
        Assert.True(Stage(first, "HostFirst").GetProperty("metrics").GetProperty("remote_pushed_bytes").GetDouble() > 0);
        var fingerprint = Stage(first, "HostSecond").GetProperty("fingerprint").GetString()!;
        Assert.True(File.Exists(server.FileOf($"ac/{fingerprint}")), "the entry was not pushed");
        Assert.True(File.Exists(server.FileOf($"cas/{ContentHash.OfFile(SecondOutput(first))}")), "the object was not pushed");

        var second = Clone(server.Url);
        Assert.False(Directory.Exists(second.PathOf("artifacts", "cache")));
        Assert.Equal(0, await second.Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "restored", ["HostSecond"] = "restored" }, second.StageStatuses());
        foreach (var name in new[] { "HostFirst", "HostSecond" })
        {
            Assert.EndsWith("outputs restored from remote cache", Stage(second, name).GetProperty("reason").GetString());
            Assert.True(Stage(second, name).GetProperty("metrics").GetProperty("remote_pulled_bytes").GetDouble() > 0);
        }
        Assert.Equal(File.ReadAllBytes(FirstOutput(first)), File.ReadAllBytes(FirstOutput(second)));
        Assert.Equal(File.ReadAllBytes(SecondOutput(first)), File.ReadAllBytes(SecondOutput(second)));
        Assert.DoesNotContain("warning", second.Output);

        // What was pulled is now in the local run-cache: without the server, a wiped stage comes back from it.
        server.Dispose();
        Directory.Delete(second.PathOf("artifacts", "hostsecond"), recursive: true);
        Assert.Equal(0, await second.Run("--target", "HostAll"));
        Assert.EndsWith("outputs restored from run-cache", Stage(second, "HostSecond").GetProperty("reason").GetString());
    }

    [NginxFact]
    public async Task DryRunAndStatusSayWhatTheRemoteWouldRestoreAndPullNothing()
    {
        var server = Own(new NginxServer());
        var first = Clone(server.Url);
        Assert.Equal(0, await first.Run("--target", "HostAll"));

        var second = Clone(server.Url);
        Assert.Equal(0, await second.Run("--target", "HostAll", "--dryrun"));
        var row = Assert.Single(second.Output.Split('\n'), l => l.Contains("HostFirst") && l.Contains("never run"));
        Assert.Contains("(restorable from remote cache)", row);
        // Asking is all it did: nothing pulled into the local run-cache, no output, no lock.
        Assert.False(Directory.Exists(second.PathOf("artifacts", "cache")));
        Assert.False(File.Exists(FirstOutput(second)));
        Assert.False(File.Exists(second.PathOf("artifacts", "star1.lock.json")));

        // A run the remote does not hold (another n, another fingerprint) would execute, and says so.
        second.ClearOutput();
        Assert.Equal(0, await second.Run("--target", "HostAll", "--dryrun", "--set", "first.n=4"));
        Assert.Contains("never run", second.Output);
        Assert.DoesNotContain("restorable", second.Output);
        Assert.DoesNotContain("warning", second.Output);
    }

    [Fact]
    public async Task DryRunAgainstADownServerWarnsOnceAndSaysTheStagesExecute()
    {
        var port = NginxServer.FreePort();
        var clone = Clone($"http://127.0.0.1:{port}/star1");
        Assert.Equal(0, await clone.Run("--target", "HostAll", "--dryrun"));
        Assert.Single(clone.Output.Split('\n'), l => l.Contains("warning:") && l.Contains("HEAD ac/") && l.Contains("cannot be reached"));
        Assert.Contains("never run", clone.Output);
        Assert.DoesNotContain("restorable", clone.Output);
    }

    [NginxFact]
    public async Task ACorruptedRemoteObjectIsRefusedAndTheStageRunsHere()
    {
        var server = Own(new NginxServer());
        var first = Clone(server.Url);
        Assert.Equal(0, await first.Run("--target", "HostAll"));
        var hash = ContentHash.OfFile(FirstOutput(first));
        var good = File.ReadAllBytes(server.FileOf($"cas/{hash}"));
        var bad = (byte[])good.Clone();
        bad[0] ^= 0x20; // same size, one bit flipped
        File.WriteAllBytes(server.FileOf($"cas/{hash}"), bad);

        var second = Clone(server.Url);
        Assert.Equal(0, await second.Run("--target", "HostAll"));
        Assert.Contains($"warning: HostFirst: remote cache object cas/{hash} (first.txt) is corrupted", second.Output);
        Assert.Equal("executed", second.StageStatuses()["HostFirst"]);
        Assert.Equal(File.ReadAllBytes(FirstOutput(first)), File.ReadAllBytes(FirstOutput(second)));
        Assert.Equal("line 1\nline 2\nline 3\n!", File.ReadAllText(SecondOutput(second)));
        // Nothing of the damaged object was kept here, and the clone that ran the stage sent the good bytes back.
        var local = second.PathOf("artifacts", "cache", "objects", hash[..2], hash[2..]);
        Assert.Equal(good, File.ReadAllBytes(local));
        Assert.Empty(Directory.GetFiles(second.PathOf("artifacts", "cache", "objects"), "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(good, File.ReadAllBytes(server.FileOf($"cas/{hash}")));
    }

    [NginxFact]
    public async Task AMissingTokenDegradesToLocalWorkAndTheTokenNeverReachesAFile()
    {
        const string token = "s3cr3t-remote-token-7f1d";
        var server = Own(new NginxServer(token));

        var without = Clone(server.Url);
        Assert.Equal(0, await without.Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "executed", ["HostSecond"] = "executed" }, without.StageStatuses());
        Assert.Contains("answered 401 Unauthorized", without.Output);
        Assert.Contains($"environment variable {tokenVariable} (the token) is not set", without.Output);
        Assert.Single(without.Output.Split('\n'), l => l.Contains("remote cache http"));
        Assert.False(Directory.Exists(server.FileOf("ac")));

        Environment.SetEnvironmentVariable(tokenVariable, "wrong-token");
        var wrong = Clone(server.Url);
        Assert.Equal(0, await wrong.Run("--target", "HostAll"));
        Assert.Contains($"the token in environment variable {tokenVariable} was refused", wrong.Output);
        Assert.DoesNotContain("wrong-token", wrong.Output);

        Environment.SetEnvironmentVariable(tokenVariable, token);
        var pusher = Clone(server.Url);
        Assert.Equal(0, await pusher.Run("--target", "HostAll"));
        Assert.True(Directory.Exists(server.FileOf("ac")), "with the token, the run was pushed");
        var puller = Clone(server.Url);
        Assert.Equal(0, await puller.Run("--target", "HostAll"));
        Assert.Equal("restored", puller.StageStatuses()["HostSecond"]);

        foreach (var clone in new[] { without, wrong, pusher, puller })
        {
            Assert.DoesNotContain(token, clone.Output);
            foreach (var file in Directory.EnumerateFiles(clone.Root, "*", SearchOption.AllDirectories))
                Assert.False(File.ReadAllText(file).Contains(token, StringComparison.Ordinal), $"the token was written to {file}");
        }
        foreach (var file in Directory.EnumerateFiles(server.Store, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(token, File.ReadAllText(file));
    }

    [NginxFact]
    public async Task ATokenIsSentToTheServerThatDemandsIt()
    {
        // The other half of the token test: without this, "never written" would hold for a token never used.
        const string token = "another-token-91c2";
        var server = Own(new NginxServer(token));
        Environment.SetEnvironmentVariable(tokenVariable, token);
        var clone = Clone(server.Url);
        Assert.Equal(0, await clone.Run("--target", "HostAll"));
        Assert.DoesNotContain("warning", clone.Output);
        Assert.True(File.Exists(server.FileOf($"cas/{ContentHash.OfFile(FirstOutput(clone))}")));
    }

    [Fact]
    public async Task ADownServerCostsOneWarningAndTheBuildWorksLocally()
    {
        var port = NginxServer.FreePort();
        var clone = Clone($"http://someone:p4ssw0rd@127.0.0.1:{port}/star1");
        Assert.Equal(0, await clone.Run("--target", "HostAll"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "executed", ["HostSecond"] = "executed" }, clone.StageStatuses());
        var warnings = clone.Output.Split('\n').Where(l => l.Contains("warning:")).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains($"remote cache http://127.0.0.1:{port}/star1/: GET ac/", warning);
        Assert.Contains("cannot be reached", warning);
        // The URL's user info is a credential: shown nowhere.
        Assert.DoesNotContain("p4ssw0rd", clone.Output);
        Assert.Equal("line 1\nline 2\nline 3\n!", File.ReadAllText(SecondOutput(clone)));
    }

    [Fact]
    public async Task CacheSettingsChangeNoFingerprint()
    {
        var clone = Clone("");
        Assert.Equal(0, await clone.Run("--target", "HostAll"));
        var down = $"http://127.0.0.1:{NginxServer.FreePort()}/x";
        Assert.Equal(0, await clone.Run("--target", "HostAll", "--set", $"cache.remote={down}", "--set", "cache.remote_push=false",
            "--set", "cache.remote_timeout_seconds=9", "--set", "cache.remote_token_env=OTHER"));
        Assert.Equal(new Dictionary<string, string> { ["HostFirst"] = "up-to-date", ["HostSecond"] = "up-to-date" }, clone.StageStatuses());
        // A fresh stage never asks the remote: the down server was not even tried.
        Assert.DoesNotContain("remote cache", clone.Output);
    }

    [Fact]
    public async Task ABadRemoteUrlStopsTheBuildNamingTheKeyNotTheValue()
    {
        var clone = Clone("ftp://user:pw@example/x");
        Assert.Equal(1, await clone.Run("--target", "HostAll"));
        Assert.Contains("params key cache.remote must be an http:// or https:// URL", clone.Output);
        Assert.DoesNotContain("user:pw", clone.Output);
    }
}
