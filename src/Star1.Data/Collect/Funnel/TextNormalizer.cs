using System.Text;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// The text form the n-gram steps compare (PAPER.md section 1, funnel steps 1-2): lower-cased, every run of
/// white space collapsed to one space, no leading or trailing space. Because the words are joined by exactly
/// one space, every word n-gram is a contiguous substring of the normalised text, which lets the n-gram code
/// hash and compare slices without building strings.
/// </summary>
public static class TextNormalizer
{
    /// <summary>Lower-cases <paramref name="text"/> and collapses white space (like Python's <c>" ".join(s.lower().split())</c>).</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                // Only remember the gap; it is written when the next word starts, so runs become one space
                // and trailing space disappears.
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Char offsets where each word of an already normalised text starts.</summary>
    public static int[] WordStarts(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (normalized.Length == 0) return [];
        int count = 1;
        foreach (char c in normalized) if (c == ' ') count++;
        var starts = new int[count];
        int w = 1;
        for (int i = 0; i < normalized.Length; i++)
            if (normalized[i] == ' ') starts[w++] = i + 1;
        return starts;
    }
}
