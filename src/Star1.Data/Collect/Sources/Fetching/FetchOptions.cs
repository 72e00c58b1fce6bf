namespace Star1.Data.Collect.Sources;

/// <summary>
/// How <see cref="SourceFetcher"/> may get files. A class rather than a record on purpose: a record's
/// generated <c>ToString</c> would print the token into any log line that prints the options.
/// </summary>
public sealed class FetchOptions
{
    /// <summary>When false nothing is downloaded: missing files are reported, all at once.</summary>
    public bool Online { get; init; }

    /// <summary>A Hugging Face access token (HF_TOKEN), sent as <c>Authorization: Bearer</c> only to
    /// <see cref="HuggingFaceBase"/> URLs. Never logged, never put in a message or a file.</summary>
    public string? HuggingFaceToken { get; init; }

    /// <summary>Replaces <c>https://raw.githubusercontent.com/</c> in every URL (tests, mirrors, proxies).</summary>
    public string GitHubRawBase { get; init; } = Upstream.GitHubRaw;

    /// <summary>Replaces <c>https://huggingface.co/</c> in every URL; the token goes only below this prefix.</summary>
    public string HuggingFaceBase { get; init; } = Upstream.HuggingFace;

    /// <summary>Progress lines (which file, resumes); they never contain the token.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Tries per file, counting resumes after an interrupted transfer.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Pause before retrying after a server error or a broken connection.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A transfer that receives nothing for this long is treated as broken (and resumed).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Options with the token taken from the HF_TOKEN environment variable.</summary>
    public static FetchOptions FromEnvironment(bool online, Action<string>? log = null) => new()
    {
        Online = online,
        HuggingFaceToken = Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 } token ? token : null,
        Log = log,
    };
}
