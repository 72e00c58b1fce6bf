using System.Net;
using System.Net.Sockets;
using Star1.Data.Collect.Sources;
using Star1.Eval.Benchmarks;

namespace Star1.Eval.Tests.Benchmarks;

/// <summary>Missing paper files come through Collect's downloader, from a local stand-in for the hub.</summary>
public sealed class DownloadTests : IDisposable
{
    private readonly TempDir _repo = new();
    private readonly HttpListener _listener = new();
    private readonly List<string> _requests = [];
    private readonly string _base;

    public DownloadTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _base = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(_base);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    private const string MathFile = "{\"problem\":\"What is 2+2?\",\"answer\":\"4\",\"unique_id\":\"u1\"}\n";

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            var path = context.Request.Url!.AbsolutePath;
            lock (_requests) _requests.Add(path);
            var body = path == "/hf/datasets/HuggingFaceH4/MATH-500/resolve/main/test.jsonl" ? System.Text.Encoding.UTF8.GetBytes(MathFile) : null;
            context.Response.StatusCode = body is null ? 404 : 200;
            if (body is not null)
            {
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
            }
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _repo.Dispose();
    }

    private BenchmarkOptions Options(bool download) => new()
    {
        RepoRoot = _repo.Path,
        Corpus = BenchmarkCorpus.Paper,
        Download = download,
        Fetch = new FetchOptions { Online = true, HuggingFaceBase = _base + "hf/", GitHubRawBase = _base + "gh/", RetryDelay = TimeSpan.Zero, MaxAttempts = 2 },
    };

    [Fact]
    public void WithDownloadAllowedAMissingFileIsFetchedIntoTheMirrorThenRead()
    {
        var items = BenchmarkCatalog.Load("math500", Options(download: true));

        Assert.Equal(new BenchmarkItem("u1", BenchmarkPrompts.Math("What is 2+2?"), "4"), Assert.Single(items));
        var path = Path.Combine(_repo.Path, "data/mirror/MATH-500/test.jsonl");
        Assert.Equal(MathFile, File.ReadAllText(path));
        Assert.True(File.Exists(path + ".sha256"));
        Assert.Single(_requests);

        // Once in the mirror it is not fetched again.
        BenchmarkCatalog.Load("math500", Options(download: true));
        Assert.Single(_requests);
    }

    [Fact]
    public async Task WithoutDownloadNothingIsFetched()
    {
        Assert.Throws<MissingSourceFilesException>(() => BenchmarkCatalog.Load("math500", Options(download: false)));
        await Assert.ThrowsAsync<MissingSourceFilesException>(() => BenchmarkCatalog.EnsureFilesAsync(["math500"], Options(download: false)));
        Assert.Empty(_requests);
    }

    [Fact]
    public void AFileTheHostDoesNotHaveIsReportedAsAFailedDownload()
    {
        var e = Assert.Throws<SourceDownloadException>(() => BenchmarkCatalog.Load("aime2024", Options(download: true)));
        Assert.Contains("AIME_2024/aime_2024_problems.parquet", e.Message);
    }
}
