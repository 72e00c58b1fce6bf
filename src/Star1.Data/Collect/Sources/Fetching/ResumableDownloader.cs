using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Star1.Data.Collect.Sources;

/// <summary>A download that cannot succeed as asked; the message names the URL and why, never the token.</summary>
internal sealed class DownloadFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Downloads one URL to one file so that an interruption costs nothing and a bad file is never trusted:
/// bytes go to <c>&lt;file&gt;.part</c>; a later try asks for the rest with a Range request; the finished
/// file is checked (length against Content-Length / Content-Range, SHA-256 against the ETag the Hugging
/// Face hub gives LFS files), flushed, and only then renamed into place, with a <c>&lt;file&gt;.sha256</c>
/// sidecar. Redirects are followed by hand so the token never follows a redirect off the hub.
/// </summary>
internal sealed class ResumableDownloader(HttpClient http, FetchOptions options)
{
    private const int MaxRedirects = 10;

    public enum Outcome { Downloaded, NotFound }

    /// <summary>The URL actually requested: the canonical one with its host swapped per the options.</summary>
    public string Resolve(string canonicalUrl)
    {
        if (canonicalUrl.StartsWith(Upstream.GitHubRaw, StringComparison.Ordinal))
            return options.GitHubRawBase + canonicalUrl[Upstream.GitHubRaw.Length..];
        if (canonicalUrl.StartsWith(Upstream.HuggingFace, StringComparison.Ordinal))
            return options.HuggingFaceBase + canonicalUrl[Upstream.HuggingFace.Length..];
        return canonicalUrl;
    }

    /// <param name="notFoundIsAnswer">When probing for the next shard, a 404 is an answer, not a failure.</param>
    /// <param name="gatedPage">The dataset page to send the user to when the host refuses access.</param>
    public async Task<Outcome> DownloadAsync(string canonicalUrl, string destination, bool notFoundIsAnswer,
        string? gatedPage, CancellationToken ct)
    {
        var url = Resolve(canonicalUrl);
        var part = destination + ".part";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);

        string? lastProblem = null;
        for (int attempt = 1; attempt <= Math.Max(1, options.MaxAttempts); attempt++)
        {
            if (attempt > 1 && options.RetryDelay > TimeSpan.Zero) await Task.Delay(options.RetryDelay, ct);
            long have = File.Exists(part) ? new FileInfo(part).Length : 0;

            Exchange exchange;
            try
            {
                exchange = await SendAsync(url, have, ct);
            }
            catch (Exception e) when (NetworkFailure.Unreachable(e) is { } reason)
            {
                // No name resolution or a refused port: retrying cannot help, and the caller stops everything.
                throw new UnreachableHostException(url, reason, e);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // A reset connection or no headers within the client's timeout: worth another try.
                lastProblem = e is OperationCanceledException ? "no answer in time" : $"could not connect ({e.Message})";
                options.Log?.Invoke($"{url}: {lastProblem}; retrying");
                continue;
            }
            using var _ = exchange;
            var response = exchange.Response;
            switch (response.StatusCode)
            {
                case HttpStatusCode.NotFound when notFoundIsAnswer:
                    return Outcome.NotFound;
                case HttpStatusCode.NotFound:
                    throw new DownloadFailedException($"{url} answered 404 Not Found: the upstream path or branch may have changed; put the file at {destination} by hand");
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    throw new DownloadFailedException(RefusedMessage(url, (int)response.StatusCode, gatedPage));
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    // The partial file does not fit what the server has now; start over.
                    File.Delete(part);
                    lastProblem = "the server refused to resume the partial file (416); starting over";
                    options.Log?.Invoke($"{url}: {lastProblem}");
                    continue;
            }
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                lastProblem = $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}";
                options.Log?.Invoke($"{url}: {lastProblem}; retrying");
                continue;
            }
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.PartialContent))
                throw new DownloadFailedException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");

            long offset = 0;
            long? total = response.Content.Headers.ContentLength;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                var range = response.Content.Headers.ContentRange;
                if (range?.From != have)
                {
                    // A 206 for a range we did not ask for cannot be appended safely.
                    File.Delete(part);
                    lastProblem = $"the server resumed at byte {range?.From} instead of {have}; starting over";
                    options.Log?.Invoke($"{url}: {lastProblem}");
                    continue;
                }
                offset = have;
                total = range.Length;
            }
            total ??= exchange.LinkedSize;

            if (offset > 0) options.Log?.Invoke($"{url}: resuming at byte {offset}");
            try
            {
                await CopyBodyAsync(response, part, offset, ct);
            }
            catch (Exception e) when (IsBrokenTransfer(e, ct))
            {
                lastProblem = $"the transfer broke off after {new FileInfo(part).Length} bytes ({e.GetType().Name})";
                options.Log?.Invoke($"{url}: {lastProblem}; will resume");
                continue;
            }

            long length = new FileInfo(part).Length;
            if (total is { } expected && length < expected)
            {
                lastProblem = $"got {length} of {expected} bytes";
                options.Log?.Invoke($"{url}: {lastProblem}; will resume");
                continue;
            }
            if (total is { } expected2 && length > expected2)
            {
                File.Delete(part);
                throw new DownloadFailedException($"{url}: got {length} bytes but the server announced {expected2}; the partial file was removed");
            }

            var actual = await Sha256HexAsync(part, ct);
            if (exchange.ExpectedSha256 is { } sha && !string.Equals(sha, actual, StringComparison.Ordinal))
            {
                File.Delete(part);
                throw new DownloadFailedException(
                    $"{url}: SHA-256 mismatch (the server's ETag says {sha}, the file has {actual}); the file was removed, nothing was kept");
            }

            File.Move(part, destination, overwrite: true);
            WriteSidecar(destination, actual);
            return Outcome.Downloaded;
        }

        // Only point at the partial file when there is one: a transfer that never started leaves none.
        var kept = File.Exists(part) && new FileInfo(part).Length > 0
            ? $"; the {new FileInfo(part).Length} bytes that arrived are kept in {part} and the next run resumes from there"
            : "; nothing arrived";
        throw new DownloadFailedException($"{url}: gave up after {options.MaxAttempts} tries ({lastProblem}){kept}");
    }

    /// <summary>A response plus what the hub said on the way (HF answers LFS files with a redirect that
    /// carries the file's SHA-256 in X-Linked-ETag and its size in X-Linked-Size).</summary>
    private sealed class Exchange(HttpResponseMessage response, string? expectedSha256, long? linkedSize) : IDisposable
    {
        public HttpResponseMessage Response { get; } = response;
        public string? ExpectedSha256 { get; } = expectedSha256;
        public long? LinkedSize { get; } = linkedSize;
        public void Dispose() => Response.Dispose();
    }

    private async Task<Exchange> SendAsync(string url, long rangeFrom, CancellationToken ct)
    {
        var current = new Uri(url);
        string? sha = null;
        long? linkedSize = null;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (rangeFrom > 0) request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
            if (options.HuggingFaceToken is { Length: > 0 } token
                && current.AbsoluteUri.StartsWith(options.HuggingFaceBase, StringComparison.Ordinal))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            sha ??= Sha256FromETag(Header(response, "X-Linked-ETag"));
            if (linkedSize is null && long.TryParse(Header(response, "X-Linked-Size"), out var size)) linkedSize = size;

            bool redirect = (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is not null;
            if (!redirect)
            {
                sha ??= Sha256FromETag(response.Headers.ETag?.Tag);
                return new Exchange(response, sha, linkedSize);
            }
            if (hop >= MaxRedirects)
            {
                response.Dispose();
                throw new DownloadFailedException($"{url}: more than {MaxRedirects} redirects");
            }
            current = new Uri(current, response.Headers.Location!);
            response.Dispose();
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>An ETag that is a bare 64-hex SHA-256 (the hub's LFS files); anything else is not a checksum.</summary>
    internal static string? Sha256FromETag(string? etag)
    {
        if (etag is null) return null;
        var tag = etag.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        tag = tag.Trim('"');
        return tag.Length == 64 && tag.All(Uri.IsHexDigit) ? tag.ToLowerInvariant() : null;
    }

    private async Task CopyBodyAsync(HttpResponseMessage response, string part, long offset, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await using var file = new FileStream(part, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var buffer = new byte[1 << 16];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        while (true)
        {
            idle.CancelAfter(options.IdleTimeout);
            int read = await body.ReadAsync(buffer, idle.Token);
            if (read == 0) break;
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        await file.FlushAsync(ct);
        file.Flush(flushToDisk: true);
    }

    /// <summary>A connection that broke or stalled mid-body, as opposed to the caller cancelling.</summary>
    private static bool IsBrokenTransfer(Exception e, CancellationToken ct) =>
        e is IOException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private static async Task<string> Sha256HexAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(stream, ct);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>sha256sum's format, so <c>sha256sum -c</c> can re-check a mirror.</summary>
    private static void WriteSidecar(string destination, string sha)
    {
        var sidecar = destination + ".sha256";
        var temp = sidecar + ".tmp";
        File.WriteAllText(temp, $"{sha}  {Path.GetFileName(destination)}\n");
        File.Move(temp, sidecar, overwrite: true);
    }

    private string RefusedMessage(string url, int status, string? page)
    {
        if (!url.StartsWith(options.HuggingFaceBase, StringComparison.Ordinal))
            return $"{url} answered {status}: access refused";
        var tokenState = options.HuggingFaceToken is { Length: > 0 }
            ? "HF_TOKEN is set but was refused: check that the token can read and that this account accepted the terms"
            : "HF_TOKEN is not set";
        return $"{url} answered {status}: the dataset is gated. Accept its terms on {page ?? "its page"} while logged in, "
            + $"then set HF_TOKEN to an access token ({tokenState})";
    }
}
