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
    /// <summary>The tokens as strings (tests and reports; the funnel enumerates ranges instead).</summary>
    public static IReadOnlyList<string> Tokens(string text)
    {
        string lower = Lower(text);
        var list = new List<string>();
        foreach (Range r in Ranges(lower)) list.Add(lower[r]);
        return list;
    }

    /// <summary>The text as the vectoriser lower-cases it.</summary>
    public static string Lower(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.ToLowerInvariant();
    }

    /// <summary>Token ranges of an already lower-cased text, in order, without allocating.</summary>
    public static TokenRanges Ranges(string lower) => new(lower);

    /// <summary>Enumerates the token ranges of a lower-cased text.</summary>
    public struct TokenRanges(string lower)
    {
        private int _pos;

        public Range Current { get; private set; }

        public readonly TokenRanges GetEnumerator() => this;

        public bool MoveNext()
        {
            string s = lower;
            int runStart = -1, runCodePoints = 0, i = _pos;
            while (i < s.Length)
            {
                char c = s[i];
                bool word;
                int width = 1;
                if (c < 128) word = char.IsAsciiLetterOrDigit(c) || c == '_'; // the common case, no table lookup
                else if (!char.IsSurrogate(c)) word = IsWordCategory(char.GetUnicodeCategory(c));
                else
                {
                    Rune.DecodeFromUtf16(s.AsSpan(i), out Rune rune, out width);
                    word = IsWordCategory(Rune.GetUnicodeCategory(rune));
                }
                if (word)
                {
                    if (runStart < 0) { runStart = i; runCodePoints = 0; }
                    runCodePoints++;
                }
                else if (runStart >= 0)
                {
                    if (runCodePoints >= 2)
                    {
                        Current = new Range(runStart, i);
                        _pos = i + width;
                        return true;
                    }
                    runStart = -1;
                }
                i += width;
            }
            _pos = s.Length;
            if (runStart >= 0 && runCodePoints >= 2)
            {
                Current = new Range(runStart, s.Length);
                return true;
            }
            return false;
        }
    }

    private static bool IsWordCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
            or UnicodeCategory.OtherNumber => true,
        _ => false,
    };
}
