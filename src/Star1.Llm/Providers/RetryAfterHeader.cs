using System.ClientModel.Primitives;
using System.Globalization;

namespace Star1.Llm.Providers;

/// <summary>
/// How long a 429 or 503 asks us to wait: OpenAI's <c>retry-after-ms</c>, or the standard <c>Retry-After</c>
/// as seconds or as an HTTP date. Absent or unreadable means "use the backoff".
/// </summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Parse(PipelineResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        return headers.TryGetValue("Retry-After", out var value) ? Parse(value, now) : null;
    }

    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            return when > now ? when - now : TimeSpan.Zero;
        return null;
    }
}
