using System.Security.Cryptography;
using System.Text;
using Star1.Data.Collect.Sources;

namespace Star1.Data.Tests.Sources;

/// <summary>Downloads against a fake server on 127.0.0.1: resume, verification, the token's reach.</summary>
public sealed class SourceFetcherTests : IDisposable
{
    private const string Token = "hf_TESTSECRET_5d41402abc4b2a76";
    private readonly FakeFileServer _server = new();
    private readonly TempMirror _mirror = new();
    private readonly List<string> _log = [];

    public void Dispose()
    {
        _server.Dispose();
        _mirror.Dispose();
    }

    private SourceFetcher Fetcher(bool online = true, string? token = null, int maxAttempts = 4) => new(_mirror.Root, new FetchOptions
    {
        Online = online,
        HuggingFaceToken = token,
        GitHubRawBase = _server.BaseUrl + "gh/",
        HuggingFaceBase = _server.BaseUrl + "hf/",
        RetryDelay = TimeSpan.Zero,
        MaxAttempts = maxAttempts,
        IdleTimeout = TimeSpan.FromSeconds(10),
        Log = line => { lock (_log) _log.Add(line); },
    });

    private static SourceSpec Spec(string name, string local, string url, bool gated = false, bool shards = false) => new()
    {
        Name = name,
        Role = SourceRole.Training,
        SelfNgramN = 8,
        Format = SourceFormat.Csv,
        Files = [new SourceFile(local, url, shards)],
        Mapping = new RecordMapping { Question = "q" },
        Gated = gated,
        Page = "https://huggingface.co/datasets/org/" + name,
    };

    private static byte[] Csv(int rows) =>
        Encoding.UTF8.GetBytes("q\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"question number {i}\n")));

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task A_github_file_is_downloaded_into_the_mirror_with_a_sha256_sidecar_and_loads()
    {
        var body = Csv(3);
        _server.Serve("/gh/owner/repo/main/data/q.csv", body);
        var spec = Spec("Gh", "q.csv", Upstream.GitHubFile("owner/repo", "main", "data/q.csv"));

        using (var fetcher = Fetcher()) await fetcher.EnsureAsync([spec]);

        var path = _mirror.PathOf("Gh/q.csv");
        Assert.Equal(body, File.ReadAllBytes(path));
        Assert.Equal($"{Sha(body)}  q.csv\n", File.ReadAllText(path + ".sha256"));
        Assert.False(File.Exists(path + ".part"));
        Assert.Equal(3, SourceLoader.LoadTraining(spec, _mirror.Root).Questions.Count);

        // A second run finds the file and asks the server nothing.
        int before = _server.Requests.Count;
        using (var fetcher = Fetcher()) await fetcher.EnsureAsync([spec]);
        Assert.Equal(before, _server.Requests.Count);
    }

    [Fact]
    public async Task An_interrupted_transfer_is_resumed_with_a_range_request()
    {
        var body = Csv(20_000);
        _server.Serve("/gh/o/r/main/big.csv", body, cutShortTimes: 1);
        var spec = Spec("Big", "big.csv", Upstream.GitHubFile("o/r", "main", "big.csv"));

        using (var fetcher = Fetcher()) await fetcher.EnsureAsync([spec]);

        Assert.Equal(body, File.ReadAllBytes(_mirror.PathOf("Big/big.csv")));
        var requests = _server.RequestsFor("/gh/o/r/main/big.csv");
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Range);
        Assert.Equal($"bytes={body.Length / 2}-", requests[1].Range);
        Assert.Contains(_log, l => l.Contains($"resuming at byte {body.Length / 2}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_part_file_left_by_an_earlier_run_is_resumed_and_a_server_ignoring_range_restarts_cleanly()
    {
        var body = Csv(1000);
        var path = _mirror.PathOf("Part/p.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path + ".part", body[..100]);
        _server.Serve("/gh/o/r/main/p.csv", body);
        using (var fetcher = Fetcher()) await fetcher.EnsureAsync([Spec("Part", "p.csv", Upstream.GitHubFile("o/r", "main", "p.csv"))]);
        Assert.Equal(body, File.ReadAllBytes(path));
        Assert.Equal("bytes=100-", Assert.Single(_server.RequestsFor("/gh/o/r/main/p.csv")).Range);

        // A server that answers 200 to a Range request: the stale bytes must not be kept in front.
        var path2 = _mirror.PathOf("Part2/p.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path2)!);
        File.WriteAllBytes(path2 + ".part", Encoding.UTF8.GetBytes("garbage that is not the file"));
        _server.Serve("/gh/o/r/main/p2.csv", body, ignoreRange: true);
        using (var fetcher = Fetcher()) await fetcher.EnsureAsync([Spec("Part2", "p.csv", Upstream.GitHubFile("o/r", "main", "p2.csv"))]);
        Assert.Equal(body, File.ReadAllBytes(path2));
    }

    [Fact]
    public async Task A_transfer_that_keeps_breaking_gives_up_and_keeps_the_part_for_next_time()
    {
        var body = Csv(5000);
        _server.Serve("/gh/o/r/main/flaky.csv", body, cutShortTimes: 10);
        var spec = Spec("Flaky", "flaky.csv", Upstream.GitHubFile("o/r", "main", "flaky.csv"));
        using var fetcher = Fetcher(maxAttempts: 2);
        var e = await Assert.ThrowsAsync<SourceDownloadException>(() => fetcher.EnsureAsync([spec]));
        Assert.Contains("gave up after 2 tries", e.Message);
        Assert.False(File.Exists(_mirror.PathOf("Flaky/flaky.csv")));
        long kept = new FileInfo(_mirror.PathOf("Flaky/flaky.csv.part")).Length;
        Assert.True(kept > 0);
        // The message points at the partial file only because there is one.
        Assert.Contains($"the {kept} bytes that arrived are kept in {_mirror.PathOf("Flaky/flaky.csv.part")}", e.Message);
    }

    [Fact]
    public async Task A_hub_file_is_checked_against_the_linked_etag_sha256()
    {
        var body = Csv(50);
        _server.RedirectWithETag("/hf/datasets/org/Good/resolve/main/good.csv", "/cdn/good.csv", Sha(body));
        _server.Serve("/cdn/good.csv", body);
        var spec = Spec("Good", "good.csv", Upstream.HuggingFaceFile("org/Good", "good.csv"));
        using (var fetcher = Fetcher()) await fetcher.EnsureAsync([spec]);
        Assert.Equal(body, File.ReadAllBytes(_mirror.PathOf("Good/good.csv")));
        Assert.StartsWith(Sha(body), File.ReadAllText(_mirror.PathOf("Good/good.csv.sha256")));
    }

    [Fact]
    public async Task A_sha256_mismatch_is_refused_and_leaves_no_file_in_place()
    {
        var body = Csv(50);
        var wrong = new string('a', 64);
        _server.RedirectWithETag("/hf/datasets/org/Bad/resolve/main/bad.csv", "/cdn/bad.csv", wrong);
        _server.Serve("/cdn/bad.csv", body);
        var spec = Spec("Bad", "bad.csv", Upstream.HuggingFaceFile("org/Bad", "bad.csv"));

        using var fetcher = Fetcher();
        var e = await Assert.ThrowsAsync<SourceDownloadException>(() => fetcher.EnsureAsync([spec]));
        Assert.Contains("SHA-256 mismatch", e.Message);
        Assert.Contains(wrong, e.Message);
        Assert.Contains(Sha(body), e.Message);
        var path = _mirror.PathOf("Bad/bad.csv");
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".part"));
        Assert.False(File.Exists(path + ".sha256"));
    }

    [Fact]
    public async Task The_token_goes_only_to_the_hub_and_never_into_messages_logs_or_files()
    {
        var body = Csv(5);
        _server.Serve("/gh/o/r/main/gh.csv", body);
        _server.RedirectWithETag("/hf/datasets/org/Open/resolve/main/open.csv", "/cdn/open.csv", Sha(body));
        _server.Serve("/cdn/open.csv", body);
        _server.Status("/hf/datasets/org/Gated/resolve/main/gated.csv", 401);
        SourceSpec[] specs =
        [
            Spec("FromGitHub", "gh.csv", Upstream.GitHubFile("o/r", "main", "gh.csv")),
            Spec("Open", "open.csv", Upstream.HuggingFaceFile("org/Open", "open.csv")),
            Spec("Gated", "gated.csv", Upstream.HuggingFaceFile("org/Gated", "gated.csv"), gated: true),
        ];

        using var fetcher = Fetcher(token: Token);
        var e = await Assert.ThrowsAsync<SourceDownloadException>(() => fetcher.EnsureAsync(specs));

        // The gated set's refusal tells the user what to do, without the token.
        Assert.Contains("Gated", e.Message);
        Assert.Contains("gated", e.Message);
        Assert.Contains("https://huggingface.co/datasets/org/Gated", e.Message);
        Assert.Contains("HF_TOKEN", e.Message);
        Assert.DoesNotContain(Token, e.ToString());

        // The other two arrived.
        Assert.Equal(body, File.ReadAllBytes(_mirror.PathOf("FromGitHub/gh.csv")));
        Assert.Equal(body, File.ReadAllBytes(_mirror.PathOf("Open/open.csv")));

        // Header only below the hub's base URL: not to GitHub, not to the storage host after the redirect.
        foreach (var request in _server.Requests)
        {
            if (request.Path.StartsWith("/hf/", StringComparison.Ordinal)) Assert.Equal($"Bearer {Token}", request.Authorization);
            else Assert.Null(request.Authorization);
        }
        Assert.Contains(_server.Requests, r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
        Assert.Contains(_server.Requests, r => r.Path.StartsWith("/gh/", StringComparison.Ordinal));

        Assert.NotEmpty(_log);
        Assert.All(_log, line => Assert.DoesNotContain(Token, line));
        var tokenBytes = Encoding.UTF8.GetBytes(Token);
        foreach (var file in Directory.EnumerateFiles(_mirror.Root, "*", SearchOption.AllDirectories))
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(tokenBytes) < 0, $"token found in {file}");
    }

    [Fact]
    public async Task Without_a_token_a_gated_refusal_says_the_token_is_not_set()
    {
        _server.Status("/hf/datasets/org/Gated/resolve/main/gated.csv", 403);
        using var fetcher = Fetcher();
        var e = await Assert.ThrowsAsync<SourceDownloadException>(() =>
            fetcher.EnsureAsync([Spec("Gated", "gated.csv", Upstream.HuggingFaceFile("org/Gated", "gated.csv"), gated: true)]));
        Assert.Contains("answered 403", e.Message);
        Assert.Contains("HF_TOKEN is not set", e.Message);
        Assert.Contains("Accept its terms on https://huggingface.co/datasets/org/Gated", e.Message);
    }

    [Fact]
    public async Task A_404_is_reported_with_the_path_to_fill_by_hand_and_the_other_files_still_arrive()
    {
        _server.Serve("/gh/o/r/main/ok.csv", Csv(1));
        using var fetcher = Fetcher();
        var e = await Assert.ThrowsAsync<SourceDownloadException>(() => fetcher.EnsureAsync(
        [
            Spec("Gone", "gone.csv", Upstream.GitHubFile("o/r", "main", "gone.csv")),
            Spec("Ok", "ok.csv", Upstream.GitHubFile("o/r", "main", "ok.csv")),
        ]));
        Assert.Single(e.Failures);
        Assert.Contains("Gone", e.Message);
        Assert.Contains("404", e.Message);
        Assert.Contains(_mirror.PathOf("Gone/gone.csv"), e.Message);
        Assert.True(File.Exists(_mirror.PathOf("Ok/ok.csv")));
    }

    [Fact]
    public async Task A_parquet_shard_series_is_downloaded_until_the_hub_has_no_next_shard()
    {
        const string dir = "/hf/datasets/org/bt/resolve/refs%2Fconvert%2Fparquet/default/train/";
        _server.Serve(dir + "0000.parquet", [1, 2, 3]);
        _server.Serve(dir + "0001.parquet", [4, 5]);
        var spec = Spec("Shards", "default/train/0000.parquet",
            Upstream.HuggingFaceParquetShard0("org/bt", "default", "train"), shards: true);

        using (var fetcher = Fetcher()) await fetcher.EnsureAsync([spec]);

        Assert.Equal([_mirror.PathOf("Shards/default/train/0000.parquet"), _mirror.PathOf("Shards/default/train/0001.parquet")],
            spec.FilePaths(_mirror.Root));
        Assert.Equal(["0000.parquet", "0001.parquet"], File.ReadAllLines(_mirror.PathOf("Shards/default/train/shards.txt")));
        Assert.Single(_server.RequestsFor(dir + "0002.parquet"));
        Assert.Empty(SourceFetcher.FindMissing([spec], _mirror.Root));
    }

    [Fact]
    public async Task Offline_nothing_is_downloaded_and_one_message_lists_every_missing_file()
    {
        _server.Serve("/gh/o/r/main/a.csv", Csv(1));
        var present = Spec("Present", "here.csv", Upstream.GitHubFile("o/r", "main", "here.csv"));
        _mirror.Write("Present/here.csv", "q\nx\n");
        SourceSpec[] specs =
        [
            present,
            Spec("First", "a.csv", Upstream.GitHubFile("o/r", "main", "a.csv")),
            Spec("Second", "sub/b.csv", Upstream.HuggingFaceFile("org/Second", "sub/b.csv"), gated: true),
        ];

        using var fetcher = Fetcher(online: false);
        var e = await Assert.ThrowsAsync<MissingSourceFilesException>(() => fetcher.EnsureAsync(specs));
        Assert.Empty(_server.Requests);
        Assert.Equal(["First", "Second"], e.Missing.Select(m => m.Spec.Name));
        Assert.Contains("2 source(s) are missing 2 file(s)", e.Message);
        Assert.Contains($"{_mirror.PathOf("First/a.csv")}  <- https://raw.githubusercontent.com/o/r/main/a.csv", e.Message);
        Assert.Contains($"{_mirror.PathOf("Second/sub/b.csv")}  <- https://huggingface.co/datasets/org/Second/resolve/main/sub/b.csv", e.Message);
        Assert.Contains("Second (https://huggingface.co/datasets/org/Second): gated", e.Message);
        Assert.DoesNotContain("Present", e.Message);

        // The same list without a fetcher, for a pre-flight check.
        var again = Assert.Throws<MissingSourceFilesException>(() => SourceFetcher.ThrowIfMissing(specs, _mirror.Root));
        Assert.Equal(e.Message, again.Message);
    }

    [Fact]
    public async Task Online_a_missing_file_without_url_stops_everything_before_any_download()
    {
        _server.Serve("/gh/o/r/main/a.csv", Csv(1));
        var custom = new CustomSourceSpec("Mine", "/nowhere/mine.csv", "csv", "q").ToSourceSpec("/");
        using var fetcher = Fetcher();
        var e = await Assert.ThrowsAsync<MissingSourceFilesException>(() =>
            fetcher.EnsureAsync([Spec("First", "a.csv", Upstream.GitHubFile("o/r", "main", "a.csv")), custom]));
        Assert.Contains("/nowhere/mine.csv  (declared by you: no download URL)", e.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void Loading_a_source_with_missing_files_lists_them_all()
    {
        var hexphi = PaperSources.Training.Single(s => s.Name == "HExPHI");
        _mirror.Write("HExPHI/category_1.csv", "\"a\"\n\"b\"\n");
        var e = Assert.Throws<MissingSourceFilesException>(() => SourceLoader.LoadTraining(hexphi, _mirror.Root));
        Assert.Equal(9, Assert.Single(e.Missing).Files.Count);
        Assert.Contains(_mirror.PathOf("HExPHI/category_11.csv"), e.Message);
        Assert.DoesNotContain(_mirror.PathOf("HExPHI/category_1.csv") + " ", e.Message);
    }

    /// <summary>A port on 127.0.0.1 with nothing listening: connecting is refused at once.</summary>
    private static int ClosedPort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>39 files (the paper's count) on one dead base URL, fetched with the default retries and delay.</summary>
    private async Task<(SourceHostUnreachableException Error, TimeSpan Elapsed)> FetchFromDeadHost(string deadBase)
    {
        var specs = Enumerable.Range(0, 39)
            .Select(i => Spec($"Src{i}", $"f{i}.csv", Upstream.GitHubFile("o/r", "main", $"f{i}.csv")))
            .ToList();
        // Default MaxAttempts and RetryDelay on purpose: they are what made an offline run take minutes.
        using var fetcher = new SourceFetcher(_mirror.Root, new FetchOptions
        {
            Online = true,
            GitHubRawBase = deadBase,
            Log = line => { lock (_log) _log.Add(line); },
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<SourceHostUnreachableException>(() => fetcher.EnsureAsync(specs));
        return (e, clock.Elapsed);
    }

    [Fact]
    public async Task With_no_name_resolution_the_fetch_stops_at_the_first_file_within_seconds()
    {
        var (e, elapsed) = await FetchFromDeadHost("http://star1-no-such-host.invalid/");

        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"an offline fetch took {elapsed.TotalSeconds:F1} s");
        Assert.Equal("http://star1-no-such-host.invalid/o/r/main/f0.csv", e.Url);
        Assert.StartsWith("the network or the host star1-no-such-host.invalid is unreachable: the host name could not be resolved", e.Message);
        Assert.Contains("while downloading http://star1-no-such-host.invalid/o/r/main/f0.csv for Src0", e.Message);
        Assert.Contains("Nothing else was tried (38 more file(s)", e.Message);
        Assert.DoesNotContain(".part", e.Message);
        // Only the first file was attempted, once.
        Assert.Single(_log, l => l.Contains("downloading", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, l => l.Contains("retrying", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(_mirror.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_refused_connection_stops_the_fetch_at_once_naming_the_url()
    {
        int port = ClosedPort();
        var (e, elapsed) = await FetchFromDeadHost($"http://127.0.0.1:{port}/");

        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"a refused fetch took {elapsed.TotalSeconds:F1} s");
        Assert.Equal($"http://127.0.0.1:{port}/o/r/main/f0.csv", e.Url);
        Assert.StartsWith($"the network or the host 127.0.0.1:{port} is unreachable: the connection was refused", e.Message);
        Assert.Contains("Nothing else was tried (38 more file(s)", e.Message);
        Assert.DoesNotContain(".part", e.Message);
        Assert.Single(_log, l => l.Contains("downloading", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_errors_are_retried_and_the_give_up_message_names_no_part_file_when_nothing_arrived()
    {
        _server.Status("/gh/o/r/main/busy.csv", 503);
        using var fetcher = Fetcher(maxAttempts: 3);
        var e = await Assert.ThrowsAsync<SourceDownloadException>(() =>
            fetcher.EnsureAsync([Spec("Busy", "busy.csv", Upstream.GitHubFile("o/r", "main", "busy.csv"))]));
        Assert.Equal(3, _server.RequestsFor("/gh/o/r/main/busy.csv").Count);
        Assert.Contains("gave up after 3 tries (the server answered 503", e.Message);
        Assert.Contains("nothing arrived", e.Message);
        Assert.DoesNotContain(".part", e.Message);
        Assert.False(File.Exists(_mirror.PathOf("Busy/busy.csv.part")));
    }

    [Fact]
    public void Only_a_bare_64_hex_etag_counts_as_a_checksum()
    {
        var sha = new string('A', 64);
        Assert.Equal(new string('a', 64), ResumableDownloader.Sha256FromETag($"\"{sha}\""));
        Assert.Equal(new string('a', 64), ResumableDownloader.Sha256FromETag($"W/\"{sha}\""));
        Assert.Null(ResumableDownloader.Sha256FromETag("\"5d41402abc4b2a76b9719d911017c592\""));
        Assert.Null(ResumableDownloader.Sha256FromETag("\"" + new string('g', 64) + "\""));
        Assert.Null(ResumableDownloader.Sha256FromETag(null));
    }
}
