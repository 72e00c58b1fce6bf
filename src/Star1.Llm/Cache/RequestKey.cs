using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Star1.Llm.Cache;

/// <summary>
/// The request cache key: SHA-256 (lower-case hex) over a canonical text of everything that decides an answer:
/// the provider's identity, the model, every message's role and content in order, every generation setting
/// (null and 0 differ) and the attempt number (a re-ask is its own entry). Each field is written as a tag, its
/// UTF-8 byte length and its bytes, so no two different requests can produce the same text whatever their
/// contents hold (separators inside a prompt cannot fake a field boundary).
/// </summary>
public static class RequestKey
{
    // Bumped when the serialisation changes, so old entries stop matching instead of being misread.
    private const string Format = "star1-llm-request/1";

    public static string Compute(string providerIdentity, ChatRequest request, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var text = new StringBuilder(256);
        Field(text, "format", Format);
        Field(text, "provider", providerIdentity);
        var s = request.Settings;
        Field(text, "model", s.Model);
        Field(text, "messages", request.Messages.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var m in request.Messages)
        {
            Field(text, "role", m.Role);
            Field(text, "content", m.Content);
        }
        Field(text, "temperature", Number(s.Temperature));
        Field(text, "top_p", Number(s.TopP));
        Field(text, "max_tokens", s.MaxTokens?.ToString(CultureInfo.InvariantCulture));
        Field(text, "max_completion_tokens", s.MaxCompletionTokens?.ToString(CultureInfo.InvariantCulture));
        Field(text, "seed", s.Seed?.ToString(CultureInfo.InvariantCulture));
        // Written only when set, so the keys of every request made before it existed stay as they were.
        if (s.RepetitionPenalty is { } penalty) Field(text, "repetition_penalty", Number(penalty));
        Field(text, "attempt", attempt.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // Shortest round-trip form: 0.6 and 0.60 are one key, 0.6 and 0.61 are two.
    private static string? Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    private static void Field(StringBuilder text, string tag, string? value)
    {
        text.Append(tag);
        if (value is null) { text.Append("=null;"); return; }
        text.Append(':').Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append(';');
    }
}
