using System.Net;
using Star1.Pipeline.Engine;
using Star1.Pipeline.Hashing;
using Star1.Pipeline.Stages;
using Star1.Pipeline.Tests.Support;

namespace Star1.Pipeline.Tests;

/// <summary>The remote cache client's failure rules, on a stand-in HTTP stack; and concurrent pulls against nginx.</summary>
public sealed class RemoteCacheClientTests : IDisposable
{
    private readonly List<string> warnings = [];
    private readonly string folder = Path.Combine(Path.GetTempPath(), "star1-remote-client-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>Answers every request with <paramref name="answer"/>, counting them.</summary>
    private sealed class StandIn(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref Requests);
            return answer(request, ct);
        }
    }

    /// <summary>A server that takes requests and never answers.</summary>
    private static StandIn Silent() => new(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        return new HttpResponseMessage(HttpStatusCode.OK);
    });

    private HttpRemoteCache Client(HttpMessageHandler handler, double timeoutSeconds = 5) =>
        new(new CacheSettings("", new Uri("http://cache.test/star1/"), "STAR1_TEST_NO_SUCH_TOKEN_VARIABLE", true, TimeSpan.FromSeconds(timeoutSeconds)),
            message => { lock (warnings) warnings.Add(message); }, _ => null, handler);

    [Fact]
    public async Task A5xxIsOneWarningAndNothingMoreIsSent()
    {
        var server = new StandIn((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));
        using var client = Client(server);
        Assert.False(await client.GetAsync("ac/abc", (_, _) => Task.CompletedTask, default));
        Assert.Null(await client.ExistsAsync("cas/abc", default));
        Assert.False(await client.PutAsync("cas/abc", () => new ByteArrayContent([1]), 1, default));
        Assert.Equal(1, server.Requests);
        Assert.False(client.Enabled);
        var warning = Assert.Single(warnings);
        Assert.Equal("remote cache http://cache.test/star1/: GET ac/abc answered 503 Service Unavailable; building without the remote cache from here on", warning);
    }

    [Fact]
    public async Task ANotFoundIsAMissNotAFailure()
    {
        var server = new StandIn((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)));
        using var client = Client(server);
        Assert.False(await client.GetAsync("ac/abc", (_, _) => Task.CompletedTask, default));
        Assert.False(await client.ExistsAsync("cas/abc", default));
        Assert.True(client.Enabled);
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task AServerThatNeverAnswersTimesOutOnce()
    {
        var server = Silent();
        using var client = Client(server, timeoutSeconds: 0.3);
        Assert.Null(await client.ExistsAsync("cas/abc", default));
        Assert.Null(await client.ExistsAsync("cas/def", default));
        Assert.Equal(1, server.Requests);
        Assert.Contains("HEAD cas/abc got no answer within 0.3 s", Assert.Single(warnings));
    }

    [Fact]
    public async Task TheBuildsOwnCancellationIsNotTakenForAFailingServer()
    {
        var server = Silent();
        using var client = Client(server);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ExistsAsync("cas/abc", cancel.Token));
        Assert.Empty(warnings);
        Assert.True(client.Enabled);
    }

    [Fact]
    public async Task AnEntryNamingAnotherStagesOutputsIsRefused()
    {
        // An entry is data from the network: one that names a path outside the stage's folder must not be followed.
        var hash = ContentHash.OfString("x");
        var body = """{"Stage":"S","Outputs":{"../../escape.txt":{"Hash":"HASH","Size":1}}}""".Replace("HASH", hash);
        var server = new StandIn((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) }));
        using var remote = new RemoteCache(Client(server), push: true, message => warnings.Add(message));
        var stage = new StageDefinition { Name = "S", Outputs = ["out.txt"], Execute = (_, _) => Task.CompletedTask };
        var local = new RunCache(folder);
        Assert.Null(await remote.PullAsync(stage, new string('a', 64), local, default));
        Assert.Contains("names ../../escape.txt, not an output the stage declares", Assert.Single(warnings));
        Assert.False(local.Has(new string('a', 64)));
        Assert.Equal(1, server.Requests); // no object was asked for
    }

    [NginxFact]
    public async Task StagesPullingTheSameRunAtOnceAllGetIt()
    {
        using var server = new NginxServer();
        var settings = new CacheSettings("", new Uri(server.Url + "/"), "", true, TimeSpan.FromSeconds(5));
        var stage = new StageDefinition { Name = "S", Outputs = ["out.txt", "more/"], Execute = (_, _) => Task.CompletedTask };
        var source = new RunCache(Path.Combine(folder, "source"));
        Directory.CreateDirectory(folder);
        var outputs = new Dictionary<string, (string, OutputRecord)>();
        foreach (var (name, size) in new[] { ("out.txt", 10), ("more/a.bin", 300_000), ("more/b.bin", 2_000_000) })
        {
            var file = Path.Combine(folder, Path.GetFileName(name));
            var bytes = new byte[size];
            new Random(size).NextBytes(bytes);
            File.WriteAllBytes(file, bytes);
            outputs[name] = (file, new OutputRecord(ContentHash.OfFile(file), size));
        }
        var fingerprint = ContentHash.OfString("a run");
        source.Store("S", fingerprint, outputs);
        using (var pusher = RemoteCache.From(settings, warnings.Add)!)
            Assert.Equal(2_300_010, await pusher.PushAsync("S", fingerprint, source, default));

        using var remote = RemoteCache.From(settings, message => { lock (warnings) warnings.Add(message); })!;
        var target = new RunCache(Path.Combine(folder, "target"));
        var pulls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => remote.PullAsync(stage, fingerprint, target, default))));
        Assert.All(pulls, p => Assert.NotNull(p));
        Assert.Empty(warnings);
        Assert.Equal(source.Entry(fingerprint)!.Outputs, target.Entry(fingerprint)!.Outputs);
        foreach (var (_, (_, record)) in outputs) Assert.Equal(record.Hash, ContentHash.OfFile(target.ObjectFile(record.Hash)));
        Assert.Empty(Directory.GetFiles(target.Root, "*.tmp", SearchOption.AllDirectories));
    }
}
