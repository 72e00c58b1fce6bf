using System.Globalization;
using System.Text;

namespace Star1.Data.Collect.Funnel;

/// <summary>
/// The tokens scikit-learn's TfidfVectorizer sees by default: the text lower-cased, then every match of
/// <c>(?u)\b\w\w+\b</c>.
/// </summary>
/// <remarks>
/// That pattern, matched left to right, yields exactly the maximal runs of word characters that are at least
/// two characters long (a greedy <c>\w\w+</c> always runs to the end of the run, where <c>\b</c> holds).
/// We scan for those runs by hand instead of running a regex. "Word character" follows Python's <c>\w</c> for
/// str patterns: letters, numbers (any Unicode number category) and the underscore; unlike .NET's <c>\w</c>
/// it excludes combining marks and other connector punctuation. Lengths are counted in code points, as in Python.
/// </remarks>
public static class TfidfTokenizer
{
    /// <summary>Calls <paramref name="onToken"/> for each token (a slice of the lower-cased text) in order.</summary>
    public static void ForEachToken(string text, TokenAction onToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        string lower = text.ToLowerInvariant();
        int runStart = -1, runCodePoints = 0, i = 0;
        while (i < lower.Length)
        {
            Rune.DecodeFromUtf16(lower.AsSpan(i), out Rune rune, out int width);
            if (IsWordRune(rune))
            {
                if (runStart < 0) { runStart = i; runCodePoints = 0; }
                runCodePoints++;
            }
            else if (runStart >= 0)
            {
                if (runCodePoints >= 2) onToken(lower.AsSpan(runStart, i - runStart));
                runStart = -1;
            }
            i += width;
        }
        if (runStart >= 0 && runCodePoints >= 2) onToken(lower.AsSpan(runStart));
    }

    /// <summary>The tokens as strings (tests and reports; the funnel uses <see cref="ForEachToken"/>).</summary>
    public static IReadOnlyList<string> Tokens(string text)
    {
        var list = new List<string>();
        ForEachToken(text, t => list.Add(t.ToString()));
        return list;
    }

    private static bool IsWordRune(Rune r)
    {
        if (r.Value == '_') return true;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
                or UnicodeCategory.OtherNumber => true,
            _ => false,
        };
    }

    public delegate void TokenAction(ReadOnlySpan<char> token);
}
