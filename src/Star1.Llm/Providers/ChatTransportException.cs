namespace Star1.Llm.Providers;

/// <summary>
/// A request that did not produce an answer: an HTTP error, a timeout, a dropped connection or a body that is
/// not a chat completion. <see cref="Retryable"/> says whether sending the same request again may help (429,
/// 408, 5xx, connection errors, malformed bodies) or not (other 4xx). Messages never carry the API key or the
/// raw response body, only the status and the endpoint's own error text with any key scrubbed out.
/// </summary>
public class ChatTransportException(string message, int? status, bool retryable, TimeSpan? retryAfter = null) : Exception(message)
{
    /// <summary>The HTTP status, or null when no response came back (connection error, timeout).</summary>
    public int? Status { get; } = status;

    public bool Retryable { get; } = retryable;

    /// <summary>How long the endpoint asked us to wait (Retry-After, seconds or an HTTP date), when it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Whether an HTTP status is worth retrying: rate limits, request timeouts and server errors.</summary>
    public static bool IsRetryableStatus(int status) => status is 408 or 429 || status >= 500;
}

/// <summary>
/// The endpoint refused the API key (401) or its permissions (403 on every request looks the same way). Fatal
/// for a whole run: every other request would fail the same way, so the runner stops instead of failing
/// thousands of items one by one. The message names the environment variable, never its value.
/// </summary>
public sealed class ApiKeyRejectedException(string message, int status) : ChatTransportException(message, status, retryable: false);
