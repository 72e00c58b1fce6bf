namespace Star1.Data.Collect.Sources;

/// <summary>The text clean-ups of <see cref="TextCleanup"/>, written to match the original's Python.</summary>
internal static class TextCleaning
{
    private const string InstructionMarker = "### Instruction:";
    private const string ResponseMarker = "### Response:";

    public static string Apply(TextCleanup cleanup, string text) => cleanup switch
    {
        TextCleanup.None => text,
        TextCleanup.StripInstructionResponseMarkers =>
            PythonStrip(text.Replace(InstructionMarker, "", StringComparison.Ordinal)
                            .Replace(ResponseMarker, "", StringComparison.Ordinal)),
        _ => throw new ArgumentOutOfRangeException(nameof(cleanup), cleanup, null),
    };

    /// <summary>
    /// Python's <c>str.strip()</c>: .NET's <c>Trim()</c> misses U+001C..U+001F, which Python counts as
    /// white space; matching it keeps our questions byte-identical to the original's.
    /// </summary>
    public static string PythonStrip(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsPythonSpace(text[start])) start++;
        while (end > start && IsPythonSpace(text[end - 1])) end--;
        return text[start..end];
    }

    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || (c >= '\u001c' && c <= '\u001f');
}
