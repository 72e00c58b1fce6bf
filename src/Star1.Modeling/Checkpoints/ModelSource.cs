using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Star1.Data.Collect.Sources;

namespace Star1.Modeling.Checkpoints;

/// <summary>A model that cannot be had as asked: what is missing, all of it, and where it was looked for.</summary>
public sealed class ModelFilesMissingException(string message) : Exception(message);

/// <summary>
/// Where a base model's files come from: a local folder (used as it is), or a Hugging Face hub id
/// (<c>org/name</c>, optionally <c>@revision</c>) kept in a models cache, <c>&lt;cache&gt;/org--name/&lt;revision&gt;/</c>.
/// Online, the hub's file list is fetched once and stored beside the files (<c>.star1-files.json</c>);
/// the weights (safetensors only), config, generation config and tokenizer files are downloaded with
/// Collect's resumable downloader and checked against the hub's LFS SHA-256. Offline, a complete cache
/// entry resolves with no network; an incomplete one stops before any work with one message listing
/// every missing file. HF_TOKEN goes only to the hub (FetchOptions.HuggingFaceBase).
/// </summary>
public sealed partial class ModelSource
{
    public const string ManifestFile = ".star1-files.json";

    [GeneratedRegex(@"^[A-Za-z0-9][\w.-]*/[\w.-]+(@[\w./-]+)?$")]
    private static partial Regex HubId();

    /// <summary>Whether <paramref name="spec"/> has the form of a hub id, org/name[@revision].</summary>
    public static bool IsHubId(string spec) => HubId().IsMatch(spec);

    private readonly string cacheDir;
    private readonly FetchOptions options;
    private readonly HttpMessageHandler? handler;

    /// <param name="handler">For tests; the default does not follow redirects by itself (the downloader does).</param>
    public ModelSource(string cacheDir, FetchOptions options, HttpMessageHandler? handler = null)
    {
        this.cacheDir = cacheDir;
        this.options = options;
        this.handler = handler;
    }

    /// <summary>The folder holding the model's files, downloading what is missing when online.</summary>
    public async Task<string> ResolveAsync(string spec, CancellationToken ct = default)
    {
        if (Directory.Exists(spec)) return CheckLocalFolder(Path.GetFullPath(spec));
        if (!HubId().IsMatch(spec))
            throw new ModelFilesMissingException($"model '{spec}': no such folder, and not a hub id of the form org/name[@revision]");
        var (id, revision) = Split(spec);
        var folder = CacheFolder(id, revision);
        var manifest = ReadManifest(folder);

        var missing = manifest is null ? MissingWithoutManifest(folder) : manifest.Where(f => !File.Exists(Path.Combine(folder, f.Path))).Select(f => f.Path).ToList();
        if (missing.Count == 0) return folder;
        if (!options.Online)
            throw new ModelFilesMissingException(
                $"offline: model {spec} is not complete in {folder}; missing: {string.Join(", ", missing)}. "
                + "Run once with downloads allowed, or put the files there by hand.");

        using var http = new HttpClient(handler ?? new SocketsHttpHandler { AllowAutoRedirect = false }, disposeHandler: handler is null)
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("STAR1-model-fetcher/1.0");
        manifest ??= await FetchManifestAsync(http, id, revision, folder, ct);
        var downloader = new ResumableDownloader(http, options);
        foreach (var file in manifest.Where(f => !File.Exists(Path.Combine(folder, f.Path))))
        {
            var destination = Path.Combine(folder, file.Path);
            options.Log?.Invoke($"{spec}: downloading {file.Path}{(file.Size is { } s ? $" ({s / 1e6:F1} MB)" : "")}");
            await downloader.DownloadAsync($"{Upstream.HuggingFace}{id}/resolve/{revision}/{file.Path}", destination,
                notFoundIsAnswer: false, gatedPage: $"{Upstream.HuggingFace}{id}", ct);
            if (file.Sha256 is { } expected)
            {
                await using var stream = File.OpenRead(destination);
                var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
                if (actual != expected)
                {
                    File.Delete(destination);
                    throw new ModelFilesMissingException($"{destination}: SHA-256 {actual} differs from the hub's LFS oid {expected}; the file was removed");
                }
            }
        }
        return CheckLocalFolder(folder);
    }

    public string CacheFolder(string id, string revision) =>
        Path.GetFullPath(Path.Combine(cacheDir, id.Replace("/", "--", StringComparison.Ordinal), revision));

    private static (string Id, string Revision) Split(string spec)
    {
        int at = spec.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (spec, "main") : (spec[..at], spec[(at + 1)..]);
    }

    /// <summary>A folder is usable when config.json and every weight file it needs are there.</summary>
    private static string CheckLocalFolder(string folder)
    {
        var missing = MissingWithoutManifest(folder);
        if (missing.Count > 0)
            throw new ModelFilesMissingException($"model folder {folder} is incomplete; missing: {string.Join(", ", missing)}");
        return folder;
    }

    /// <summary>What a folder lacks judged from the folder itself: config.json, and the single weight file
    /// or the index with every shard it lists.</summary>
    private static List<string> MissingWithoutManifest(string folder)
    {
        var missing = new List<string>();
        if (!File.Exists(Path.Combine(folder, "config.json"))) missing.Add("config.json");
        var index = Path.Combine(folder, CheckpointLoader.IndexFile);
        if (File.Exists(index))
            missing.AddRange(CheckpointLoader.WeightFiles(folder).Where(f => !File.Exists(f)).Select(Path.GetFileName)!);
        else if (!File.Exists(Path.Combine(folder, CheckpointLoader.SingleFile)))
            missing.Add($"{CheckpointLoader.SingleFile} (or {CheckpointLoader.IndexFile} and its shards)");
        return missing;
    }

    internal sealed record ManifestEntry(string Path, long? Size, string? Sha256);

    private static List<ManifestEntry>? ReadManifest(string folder)
    {
        var path = Path.Combine(folder, ManifestFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<List<ManifestEntry>>(File.ReadAllText(path)) : null;
    }

    /// <summary>Which of the repository's files a model needs: safetensors weights (never the .bin copies or
    /// the original/ folder), the configs and the tokenizer files.</summary>
    internal static bool Wanted(string path) =>
        !path.Contains('/', StringComparison.Ordinal)
        && (path.EndsWith(".safetensors", StringComparison.Ordinal) || path == CheckpointLoader.IndexFile
            || path is "config.json" or "generation_config.json" || CheckpointSaver.TokenizerFiles.Contains(path));

    private async Task<List<ManifestEntry>> FetchManifestAsync(HttpClient http, string id, string revision, string folder, CancellationToken ct)
    {
        var url = $"{options.HuggingFaceBase}api/models/{id}/revision/{revision}?blobs=true";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (options.HuggingFaceToken is { Length: > 0 } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new ModelFilesMissingException(
                $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}: cannot list the files of {id}@{revision}"
                + ((int)response.StatusCode is 401 or 403 ? $" (a gated model: accept its terms on {Upstream.HuggingFace}{id} and set HF_TOKEN)" : ""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
        var siblings = json?["siblings"] as JsonArray ?? throw new ModelFilesMissingException($"{url}: the answer has no file list");
        var manifest = siblings
            .Select(s => new ManifestEntry(
                s!["rfilename"]!.GetValue<string>(),
                s["size"]?.GetValue<long>(),
                s["lfs"]?["sha256"]?.GetValue<string>()))
            .Where(f => Wanted(f.Path))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        if (!manifest.Any(f => f.Path == "config.json"))
            throw new ModelFilesMissingException($"{id}@{revision}: the repository has no config.json; not a transformers model");
        if (!manifest.Any(f => f.Path.EndsWith(".safetensors", StringComparison.Ordinal)))
            throw new ModelFilesMissingException($"{id}@{revision}: the repository has no safetensors weights (only those are loaded)");
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, ManifestFile + ".tmp");
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }), ct);
        File.Move(temp, Path.Combine(folder, ManifestFile), overwrite: true);
        return manifest;
    }
}
