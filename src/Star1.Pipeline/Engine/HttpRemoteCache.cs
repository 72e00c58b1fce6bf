using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Star1.Pipeline.Engine;

/// <summary>
/// The wire side of the remote cache: GET, HEAD and PUT of paths under one base URL, as Bazel's HTTP cache
/// protocol uses them (cas/&lt;sha256&gt;, ac/&lt;key&gt;). A remote cache only ever saves time, so no failure here
/// fails a build: the first one (server down, timeout, refused token, 5xx) is said once, and the remote is left
/// alone for the rest of the build rather than costing a timeout per stage. Safe to use from several stages at once.
/// </summary>
public sealed class HttpRemoteCache : IDisposable
{
    /// <summary>Transfers slower than this are given up on: a deadline grows by a second per MiB of body.</summary>
    private const long BytesPerSecondAccepted = 1 << 20;

    private readonly HttpClient client;
    private readonly Uri baseUri;
    private readonly TimeSpan timeout;
    private readonly string tokenEnv;
    private readonly bool hasToken;
    private readonly Action<string> warn;
    private int failed;

    /// <summary>The base URL as it may be shown: no user info, no query (either may hold a secret).</summary>
    public string Display { get; }

    /// <summary>False once a failure has been reported: nothing more is sent in this build.</summary>
    public bool Enabled => Volatile.Read(ref failed) == 0;

    /// <param name="environment">Reads the token's variable (the process's by default).</param>
    /// <param name="handler">The HTTP stack (tests); a SocketsHttpHandler bounded by the timeout by default.</param>
    public HttpRemoteCache(CacheSettings settings, Action<string> warn, Func<string, string?>? environment = null, HttpMessageHandler? handler = null)
    {
        var remote = settings.Remote ?? throw new ArgumentException("no remote cache URL is set", nameof(settings));
        environment ??= Environment.GetEnvironmentVariable;
        this.warn = warn;
        timeout = settings.Timeout;
        tokenEnv = settings.TokenEnv;
        var clean = new UriBuilder(remote) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri;
        baseUri = clean;
        Display = clean.GetLeftPart(UriPartial.Path);
        // Deadlines are set per request (they depend on the body's size), so the client's own is off.
        client = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = timeout }) { Timeout = Timeout.InfiniteTimeSpan };
        var token = tokenEnv.Length == 0 ? null : environment(tokenEnv);
        hasToken = !string.IsNullOrEmpty(token);
        if (hasToken) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // user:password@host, as Bazel users write it for servers behind basic auth.
        else if (remote.UserInfo.Length > 0)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(remote.UserInfo))));
    }

    /// <summary>
    /// GETs a path and hands its body (and announced length) to <paramref name="read"/>. False when the server
    /// does not have it (404), or the remote failed or is off.
    /// </summary>
    public async Task<bool> GetAsync(string path, Func<Stream, CancellationToken, Task> read, CancellationToken ct)
    {
        return await Talk($"GET {path}", async deadline =>
        {
            using var response = await client.GetAsync(new Uri(baseUri, path), HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.StatusCode == HttpStatusCode.NotFound) return false;
            if (!response.IsSuccessStatusCode) return Refused($"GET {path}", response);
            deadline.CancelAfter(timeout + PerSize(response.Content.Headers.ContentLength ?? 0));
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            await read(body, deadline.Token);
            return true;
        }, ct);
    }

    /// <summary>Whether the server has a path (HEAD); null when the remote failed or is off.</summary>
    public async Task<bool?> ExistsAsync(string path, CancellationToken ct)
    {
        bool? answer = null;
        await Talk($"HEAD {path}", async deadline =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(baseUri, path));
            using var response = await client.SendAsync(request, deadline.Token);
            if (response.StatusCode == HttpStatusCode.NotFound) answer = false;
            else if (response.IsSuccessStatusCode) answer = true;
            else return Refused($"HEAD {path}", response);
            return true;
        }, ct);
        return answer;
    }

    /// <summary>PUTs a body of a known length; false when the remote failed or is off.</summary>
    public Task<bool> PutAsync(string path, Func<HttpContent> content, long length, CancellationToken ct) =>
        Talk($"PUT {path}", async deadline =>
        {
            deadline.CancelAfter(timeout + PerSize(length));
            using var body = content();
            body.Headers.ContentLength = length;
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await client.PutAsync(new Uri(baseUri, path), body, deadline.Token);
            return response.IsSuccessStatusCode || Refused($"PUT {path}", response);
        }, ct);

    private static TimeSpan PerSize(long bytes) => TimeSpan.FromSeconds((double)bytes / BytesPerSecondAccepted);

    /// <summary>
    /// Runs one exchange under a deadline (the timeout, until a call extends it for a body), turning every way
    /// it can fail into the one warning. A cancellation of the build itself is not a failure of the remote.
    /// </summary>
    private async Task<bool> Talk(string what, Func<CancellationTokenSource, Task<bool>> exchange, CancellationToken ct)
    {
        if (!Enabled) return false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            return await exchange(deadline);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Fail($"{what} got no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return Fail($"{what}: cannot be reached ({e.Message})");
        }
        catch (IOException e)
        {
            return Fail($"{what}: the transfer broke off ({e.Message})");
        }
    }

    /// <summary>An answer that is not a success: a refused token says which variable to set, never its value.</summary>
    private bool Refused(string what, HttpResponseMessage response)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? tokenEnv.Length == 0 ? "; no token is configured (params cache.remote_token_env is empty)"
            : hasToken ? $"; the token in environment variable {tokenEnv} was refused"
            : $"; environment variable {tokenEnv} (the token) is not set"
            : "";
        return Fail($"{what} answered {status}{hint}");
    }

    private bool Fail(string message)
    {
        if (Interlocked.Exchange(ref failed, 1) == 0)
            warn($"remote cache {Display}: {message}; building without the remote cache from here on");
        return false;
    }

    public void Dispose() => client.Dispose();
}
