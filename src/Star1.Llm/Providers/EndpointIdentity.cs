namespace Star1.Llm.Providers;

/// <summary>
/// The part of a base URL that decides answers and may be shown and hashed: scheme, host, port and path.
/// User info (user:password@), query strings (Azure's ?api-version=..., sometimes a key) and fragments are
/// dropped, so nothing secret can reach a cache key, a log line or a message.
/// </summary>
internal static class EndpointIdentity
{
    public static Uri Parse(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{Safe(baseUrl)}' is not an http(s) base URL (expected e.g. https://api.openai.com/v1)", nameof(baseUrl));
        return uri;
    }

    /// <summary>The URL without user info, query or fragment, and without a trailing slash.</summary>
    public static string Public(Uri uri)
    {
        var builder = new UriBuilder(uri) { UserName = "", Password = "", Query = "", Fragment = "" };
        return builder.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    // A URL that does not even parse is echoed only when it cannot hold user info, a query or a fragment.
    private static string Safe(string? text) =>
        text is null ? "" : text.IndexOfAny(['@', '?', '#']) < 0 ? text : "(not shown: it holds '@', '?' or '#')";
}
