namespace Star1.Llm.Providers;

/// <summary>
/// Reads an API key from the environment variable a profile names. The name is what configuration and logs
/// carry; the value only ever reaches the SDK's authentication header.
/// </summary>
internal static class ApiKey
{
    public static string FromEnvironment(string variable, string endpoint)
    {
        if (string.IsNullOrWhiteSpace(variable))
            throw new ArgumentException($"no environment variable is named for the API key of {endpoint}", nameof(variable));
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException(
                $"the API key for {endpoint} is read from the environment variable {variable}, which is not set (or empty); " +
                $"export {variable}=... before running, or choose the offline profile");
        return value.Trim();
    }

    /// <summary>Replaces every occurrence of the key in a text that came from outside (an error body may echo it).</summary>
    public static string Scrub(string text, string key) =>
        key.Length == 0 ? text : text.Replace(key, "***", StringComparison.Ordinal);
}
