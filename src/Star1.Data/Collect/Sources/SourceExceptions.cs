namespace Star1.Data.Collect.Sources;

/// <summary>
/// A source file does not have the shape its spec expects. The message always names the source, the
/// file, where in it (line, row, JSON element or byte) and what is wrong (the missing column or key with
/// the ones that exist, or the malformed content), so the user can open the file at that place.
/// </summary>
public sealed class SourceDataException : Exception
{
    public string SourceName { get; }
    public string FilePath { get; }
    /// <summary>"line 17", "row 3", "element 12 (line 40)"; empty when the problem is the whole file.</summary>
    public string Location { get; }

    public SourceDataException(string sourceName, string filePath, string location, string problem, Exception? inner = null)
        : base(Compose(sourceName, filePath, location, problem), inner)
    {
        SourceName = sourceName;
        FilePath = filePath;
        Location = location;
    }

    private static string Compose(string source, string file, string location, string problem) =>
        location.Length == 0 ? $"{source}: {file}: {problem}" : $"{source}: {file} {location}: {problem}";
}

/// <summary>One source with files that are not on disk, and where each is expected and can be had.</summary>
public sealed record MissingSource(SourceSpec Spec, IReadOnlyList<MissingFile> Files);

/// <summary>A file that is not on disk: where it is expected and the URL it comes from (null if none).</summary>
public sealed record MissingFile(string ExpectedPath, string? Url);

/// <summary>
/// Files of one or more sources are missing and cannot be downloaded (offline, or no URL). Thrown before
/// any work starts, listing every missing file of every source at once, so one run tells the user all
/// there is to fetch.
/// </summary>
public sealed class MissingSourceFilesException : Exception
{
    public IReadOnlyList<MissingSource> Missing { get; }

    public MissingSourceFilesException(IReadOnlyList<MissingSource> missing, string reason)
        : base(Compose(missing, reason))
    {
        Missing = missing;
    }

    private static string Compose(IReadOnlyList<MissingSource> missing, string reason)
    {
        var text = new System.Text.StringBuilder();
        int files = missing.Sum(m => m.Files.Count);
        text.Append($"{missing.Count} source(s) are missing {files} file(s) ({reason}):");
        foreach (var source in missing)
        {
            text.Append($"\n- {source.Spec.Name}");
            if (source.Spec.Page is { } page) text.Append($" ({page})");
            if (source.Spec.Gated)
                text.Append($": gated; accept the dataset's terms on its page while logged in, then set HF_TOKEN to a read token");
            foreach (var file in source.Files)
            {
                text.Append($"\n    {file.ExpectedPath}");
                text.Append(file.Url is null ? "  (declared by you: no download URL)" : $"  <- {file.Url}");
            }
        }
        text.Append("\nPut each file at its path (keeping the upstream file name), or run online to download them.");
        return text.ToString();
    }
}

/// <summary>
/// Downloads failed. Lists every failure (source, file, URL, why); successful downloads are kept, and a
/// partly downloaded file stays as <c>.part</c> to be resumed next time. Never contains the HF token.
/// </summary>
public sealed class SourceDownloadException : Exception
{
    public IReadOnlyList<string> Failures { get; }

    public SourceDownloadException(IReadOnlyList<string> failures)
        : base($"{failures.Count} download(s) failed:\n- " + string.Join("\n- ", failures))
    {
        Failures = failures;
    }
}

/// <summary>
/// The network or a download host cannot be reached (the name does not resolve, the port refuses). The
/// fetch stops at the first such failure instead of trying every other file against a dead network; the
/// message names the URL, why, and what was not attempted. Never contains the HF token.
/// </summary>
public sealed class SourceHostUnreachableException : Exception
{
    /// <summary>The URL whose host could not be reached.</summary>
    public string Url { get; }

    public SourceHostUnreachableException(string source, string url, string reason, int notTried, IReadOnlyList<string> earlierFailures, Exception? inner)
        : base(Compose(source, url, reason, notTried, earlierFailures), inner)
    {
        Url = url;
    }

    private static string Compose(string source, string url, string reason, int notTried, IReadOnlyList<string> earlier)
    {
        var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : url;
        var text = new System.Text.StringBuilder(
            $"the network or the host {host} is unreachable: {reason}, while downloading {url} for {source}. "
            + $"Nothing else was tried ({notTried} more file(s) were still to download). "
            + "Check the network connection (or the proxy settings), or put the files in the mirror by hand.");
        if (earlier.Count > 0) text.Append("\nEarlier failures:\n- ").AppendJoin("\n- ", earlier);
        return text.ToString();
    }
}
