namespace Star1.Data.Collect.Funnel;

/// <summary>
/// Word n-grams of a normalised text, as (start, length) character ranges into that text.
/// </summary>
/// <remarks>
/// A text with fewer than n words has no n-gram in the strict sense, so the original would never match it.
/// We instead treat the whole normalised text as its single n-gram: an exact duplicate of a short question
/// is then still caught, and a short question can never match a real n-gram of a longer text (the word
/// counts differ), so nothing else changes. The empty text therefore has the single n-gram "".
/// </remarks>
public static class WordNgrams
{
    /// <summary>The n-gram ranges of <paramref name="normalized"/>, in word order (overlapping, one per start word).</summary>
    public static IReadOnlyList<Range> Of(string normalized, int n)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        int[] starts = TextNormalizer.WordStarts(normalized);
        if (starts.Length < n) return [new Range(0, normalized.Length)];
        var grams = new Range[starts.Length - n + 1];
        for (int i = 0; i < grams.Length; i++)
        {
            int lastWord = i + n - 1;
            // A word ends one char before the next word starts (the single space), or at the end of the text.
            int end = lastWord + 1 < starts.Length ? starts[lastWord + 1] - 1 : normalized.Length;
            grams[i] = new Range(starts[i], end);
        }
        return grams;
    }

    /// <summary>The n-grams as strings; convenient for tests and reports, the filters use ranges.</summary>
    public static IReadOnlyList<string> Strings(string normalized, int n) =>
        Of(normalized, n).Select(r => normalized[r]).ToArray();
}
