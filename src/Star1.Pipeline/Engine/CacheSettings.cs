using Star1.Pipeline.Params;

namespace Star1.Pipeline.Engine;

/// <summary>
/// Where the run-cache lives and which remote cache, if any, to share it through: params `cache.*`, with
/// environment variables taking precedence (CI points them elsewhere without editing params.yaml).
/// </summary>
/// <remarks>
/// These are settings of the engine, not inputs of a stage: no stage declares them, so they never enter a
/// fingerprint, and moving the cache or switching the remote on re-runs nothing. The token itself is never
/// held here, only the NAME of the variable that holds it, so that nothing printing these settings can leak it.
/// </remarks>
public sealed record CacheSettings(string Dir, Uri? Remote, string TokenEnv, bool Push, TimeSpan Timeout)
{
    public const string DirVariable = "STAR1_CACHE_DIR";
    public const string RemoteVariable = "STAR1_REMOTE_CACHE";
    public const string DefaultTokenVariable = "STAR1_REMOTE_CACHE_TOKEN";

    /// <summary>The settings of this run; <paramref name="environment"/> reads a variable (the process's by default).</summary>
    /// <exception cref="ParamsException">A value that cannot work, naming the key or variable it came from.</exception>
    public static CacheSettings From(EffectiveParams parameters, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        // Params written before the cache group existed (and the tests' small params files) simply get the defaults.
        string Text(string key, string fallback) => parameters.Find(key)?.AsString() ?? fallback;
        var dir = NonEmpty(environment(DirVariable)) ?? Text("cache.dir", "");
        var (remoteText, remoteFrom) = NonEmpty(environment(RemoteVariable)) is { } fromEnv
            ? (fromEnv, $"environment variable {RemoteVariable}")
            : (Text("cache.remote", ""), "params key cache.remote");
        var tokenEnv = Text("cache.remote_token_env", DefaultTokenVariable);
        var push = parameters.Find("cache.remote_push")?.AsBool() ?? true;
        var seconds = parameters.Find("cache.remote_timeout_seconds")?.AsDouble() ?? 30;
        if (seconds <= 0) throw new ParamsException($"cache.remote_timeout_seconds must be above 0, found {seconds}");
        return new CacheSettings(dir, ParseRemote(remoteText, remoteFrom), tokenEnv, push, TimeSpan.FromSeconds(seconds));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>An http(s) base URL, or null for none. The error never repeats the value: it may hold a password.</summary>
    private static Uri? ParseRemote(string text, string from)
    {
        if (text.Length == 0) return null;
        if (!Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ParamsException($"{from} must be an http:// or https:// URL of a remote cache (or empty for none)");
        return uri;
    }
}
