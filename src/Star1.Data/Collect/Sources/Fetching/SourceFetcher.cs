namespace Star1.Data.Collect.Sources;

/// <summary>
/// Makes sure every file of the wanted sources is in the local mirror: a file already there is used as
/// is; a missing one is downloaded when the options allow it; otherwise one exception lists every
/// missing file of every source with its expected path and where to get it, before any work starts.
/// </summary>
public sealed class SourceFetcher : IDisposable
{
    private readonly string _mirrorDir;
    private readonly FetchOptions _options;
    private readonly HttpClient _http;
    private readonly ResumableDownloader _downloader;

    /// <param name="mirrorDir">The mirror folder; each source lives in <c>&lt;mirrorDir&gt;/&lt;Folder&gt;/</c>.</param>
    /// <param name="options">Online or not, the token, base URL overrides.</param>
    /// <param name="handler">For tests; the default handler does not follow redirects by itself (we do).</param>
    public SourceFetcher(string mirrorDir, FetchOptions options, HttpMessageHandler? handler = null)
    {
        _mirrorDir = mirrorDir;
        _options = options;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }, disposeHandler: handler is null)
        {
            // Only the wait for headers is bounded here; a long body is bounded by the idle timeout.
            Timeout = TimeSpan.FromMinutes(2),
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("STAR1-data-fetcher/1.0");
        _downloader = new ResumableDownloader(_http, options);
    }

    /// <summary>Every source with files not on disk, and which files (pre-flight; touches no network).</summary>
    public static IReadOnlyList<MissingSource> FindMissing(IEnumerable<SourceSpec> specs, string mirrorDir)
    {
        var missing = new List<MissingSource>();
        foreach (var spec in specs)
        {
            var files = MissingFiles(spec, mirrorDir);
            if (files.Count > 0) missing.Add(new MissingSource(spec, files));
        }
        return missing;
    }

    /// <summary>Throws one <see cref="MissingSourceFilesException"/> listing all missing files, if any.</summary>
    public static void ThrowIfMissing(IEnumerable<SourceSpec> specs, string mirrorDir)
    {
        var missing = FindMissing(specs, mirrorDir);
        if (missing.Count > 0) throw new MissingSourceFilesException(missing, "offline: nothing was downloaded");
    }

    /// <summary>
    /// Gets every missing file of <paramref name="specs"/>. Offline, or when some missing file has no URL,
    /// nothing is downloaded and a <see cref="MissingSourceFilesException"/> lists them. Online, each file
    /// is downloaded (a shard series until the host has no next shard); failures are collected and thrown
    /// together as a <see cref="SourceDownloadException"/> after the others are done. A host that cannot be
    /// reached at all (no name resolution, connection refused) stops the fetch at once with a
    /// <see cref="SourceHostUnreachableException"/>.
    /// </summary>
    public async Task EnsureAsync(IEnumerable<SourceSpec> specs, CancellationToken ct = default)
    {
        var specList = specs.ToList();
        var missing = FindMissing(specList, _mirrorDir);
        if (missing.Count == 0) return;
        if (!_options.Online) throw new MissingSourceFilesException(missing, "offline: nothing was downloaded");

        var undownloadable = missing
            .Select(m => m with { Files = m.Files.Where(f => f.Url is null).ToList() })
            .Where(m => m.Files.Count > 0)
            .ToList();
        if (undownloadable.Count > 0)
            throw new MissingSourceFilesException(undownloadable, "these have no download URL; nothing was downloaded");

        var failures = new List<string>();
        var work = missing
            .SelectMany(source => source.Spec.Files
                .Select(file => (Spec: source.Spec, File: file, First: source.Spec.ExpectedPath(file, _mirrorDir)))
                .Where(w => source.Files.Any(f => f.ExpectedPath == w.First || IsShardOf(w.File, w.First, f.ExpectedPath))))
            .ToList();
        for (int i = 0; i < work.Count; i++)
        {
            var (spec, file, first) = work[i];
            try
            {
                if (file.IsShardSeries) await DownloadSeriesAsync(spec, file, first, ct);
                else await DownloadOneAsync(spec, file.Url!, first, ct);
            }
            catch (DownloadFailedException e)
            {
                failures.Add($"{spec.Name}: {first}: {e.Message}");
            }
            catch (UnreachableHostException e)
            {
                // With no network every remaining file would fail the same way, each after its retries.
                throw new SourceHostUnreachableException(spec.Name, e.Url, e.Reason, work.Count - i - 1, failures, e);
            }
        }
        if (failures.Count > 0) throw new SourceDownloadException(failures);
    }

    private static bool IsShardOf(SourceFile file, string first, string path) =>
        file.IsShardSeries && Path.GetDirectoryName(first) == Path.GetDirectoryName(path);

    private async Task DownloadOneAsync(SourceSpec spec, string url, string path, CancellationToken ct)
    {
        _options.Log?.Invoke($"{spec.Name}: downloading {_downloader.Resolve(url)} -> {path}");
        await _downloader.DownloadAsync(url, path, notFoundIsAnswer: false, spec.Page, ct);
    }

    /// <summary>Shards 0000, 0001, ... until the host answers 404; then the manifest marks the series complete.</summary>
    private async Task DownloadSeriesAsync(SourceSpec spec, SourceFile file, string first, CancellationToken ct)
    {
        int count = 0;
        for (int k = 0; ; k++)
        {
            var path = ShardSeries.ShardPath(first, k);
            var url = ShardSeries.ShardUrl(file.Url!, k);
            if (File.Exists(path))
            {
                count++;
                continue;
            }
            _options.Log?.Invoke($"{spec.Name}: downloading {_downloader.Resolve(url)} -> {path}");
            var outcome = await _downloader.DownloadAsync(url, path, notFoundIsAnswer: k > 0, spec.Page, ct);
            if (outcome == ResumableDownloader.Outcome.NotFound) break;
            count++;
        }
        ShardSeries.WriteManifest(first, count);
    }

    /// <summary>The files of one source that are not on disk (a shard series needs shard 0000, or every shard its manifest lists).</summary>
    internal static IReadOnlyList<MissingFile> MissingFiles(SourceSpec spec, string mirrorDir)
    {
        var missing = new List<MissingFile>();
        foreach (var file in spec.Files)
        {
            var first = spec.ExpectedPath(file, mirrorDir);
            if (!file.IsShardSeries)
            {
                if (!File.Exists(first)) missing.Add(new MissingFile(first, file.Url));
                continue;
            }
            var shards = ShardSeries.OnDisk(first);
            for (int k = 0; k < shards.Count; k++)
                if (!File.Exists(shards[k]))
                    missing.Add(new MissingFile(shards[k], file.Url is null ? null : ShardSeries.ShardUrl(file.Url, k)));
        }
        return missing;
    }

    public void Dispose() => _http.Dispose();
}
