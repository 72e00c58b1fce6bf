using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Star1.Eval.Grading;

/// <summary>
/// Deterministic equivalence of two MATH answers written in LaTeX: both are brought to one spelling
/// (<see cref="Normalize"/>), then compared as text, as exact rationals when both are numbers, and element
/// by element when both are tuples or intervals. Nothing is evaluated as code and no computer algebra is
/// attempted: "x^2-1" and "(x-1)(x+1)" stay different, so a mark is only ever given for a surface variant
/// of the reference, never for a guess.
/// </summary>
public static partial class MathAnswer
{
    public static bool Equivalent(string answer, string reference)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(reference);
        return EquivalentNormalized(Normalize(answer), Normalize(reference));
    }

    private static bool EquivalentNormalized(string a, string b)
    {
        if (a == b) return true;
        if (TryRational(a, out var x) && TryRational(b, out var y)) return x.Num * y.Den == y.Num * x.Den;
        // A bare list ("2, -3": the solutions of an equation) is a set: any order, same elements.
        // (A tuple or interval has its commas inside its brackets, so it never splits here.)
        if (SplitTopLevel(a) is { Count: > 1 } la && SplitTopLevel(b) is { Count: > 1 } lb)
            return SameElements(la, lb);
        // Tuples and intervals: the same brackets, then each element equivalent in order.
        var sa = Sequence(a);
        var sb = Sequence(b);
        if (sa is null || sb is null || sa.Value.Open != sb.Value.Open || sa.Value.Close != sb.Value.Close) return false;
        if (sa.Value.Items.Count != sb.Value.Items.Count || sa.Value.Items.Count < 2) return false;
        for (int i = 0; i < sa.Value.Items.Count; i++)
            if (!EquivalentNormalized(Normalize(sa.Value.Items[i]), Normalize(sb.Value.Items[i]))) return false;
        return true;
    }

    /// <summary>
    /// One spelling per answer: no dollars, sizing (<c>\left</c>, <c>\right</c>), spacing commands or white
    /// space; <c>\dfrac</c>/<c>\tfrac</c> as <c>\frac</c> with braced arguments (<c>\frac12</c>,
    /// <c>\sqrt2</c>); units, degrees and percent signs dropped; a leading "x =" and a trailing period
    /// dropped; thousands separators removed; <c>a/b</c> of two simple terms as <c>\frac{a}{b}</c>.
    /// </summary>
    public static string Normalize(string answer)
    {
        var s = answer.Trim();
        s = s.Replace(@"\$", "").Replace("$", "");
        s = SizeCommands().Replace(s, "");
        s = s.Replace(@"\displaystyle", "").Replace(@"\dfrac", @"\frac").Replace(@"\tfrac", @"\frac");
        s = SpacingCommands().Replace(s, " ");
        s = Degrees().Replace(s, "");
        s = s.Replace(@"\%", "").Replace("%", "");
        // Units: a trailing \text{ cm} (maybe squared) or unit word after a number goes; other \text{} is unwrapped.
        string before;
        do
        {
            before = s;
            s = TrailingTextUnit().Replace(s, "");
            s = TrailingUnitWord().Replace(s, "");
        } while (s != before);
        s = TextWrapper().Replace(s, "$1");
        if (s.Count(c => c == '=') == 1) s = LeadingVariable().Replace(s, "");
        s = LeadingMembership().Replace(s, "");
        s = Whitespace().Replace(s, "");
        s = s.TrimEnd('.');
        s = s.Replace("{,}", "");
        if (Thousands().IsMatch(s)) s = s.Replace(",", "");
        s = BraceArguments(s);
        s = SingleCharScript().Replace(s, "$1$2");
        s = SlashAsFraction(s);
        while (s.Length >= 2 && s[0] == '{' && MatchingBrace(s, 0) == s.Length - 1) s = s[1..^1];
        return s;
    }

    /// <summary>Integers, decimals and <c>\frac{p}{q}</c> of those, with an optional minus sign.</summary>
    private static bool TryRational(string s, out (BigInteger Num, BigInteger Den) value)
    {
        value = default;
        bool negative = s.StartsWith('-');
        if (negative) s = s[1..];
        var m = Fraction().Match(s);
        if (m.Success)
        {
            if (!TryDecimal(m.Groups[1].Value, out var p) || !TryDecimal(m.Groups[2].Value, out var q) || q.Num.IsZero) return false;
            value = (p.Num * q.Den, p.Den * q.Num);
        }
        else if (!TryDecimal(s, out value)) return false;
        if (negative) value = (-value.Num, value.Den);
        return true;
    }

    private static bool TryDecimal(string s, out (BigInteger Num, BigInteger Den) value)
    {
        value = default;
        if (!DecimalNumber().IsMatch(s)) return false;
        bool negative = s.StartsWith('-');
        var digits = negative ? s[1..] : s;
        int dot = digits.IndexOf('.');
        var whole = dot < 0 ? digits : digits[..dot] + digits[(dot + 1)..];
        var den = dot < 0 ? BigInteger.One : BigInteger.Pow(10, digits.Length - dot - 1);
        var num = BigInteger.Parse(whole, System.Globalization.CultureInfo.InvariantCulture);
        value = (negative ? -num : num, den);
        return true;
    }

    private static bool SameElements(List<string> a, List<string> b)
    {
        if (a.Count != b.Count) return false;
        var unused = b.Select(Normalize).ToList();
        foreach (var item in a.Select(Normalize))
        {
            int match = unused.FindIndex(other => EquivalentNormalized(item, other));
            if (match < 0) return false;
            unused.RemoveAt(match);
        }
        return true;
    }

    /// <summary>A bracketed list split at its top-level commas: "(1,2]" gives '(', [1, 2], ']'.</summary>
    private static (char Open, char Close, List<string> Items)? Sequence(string s)
    {
        if (s.Length < 2) return null;
        char open = s[0], close = s[^1];
        if (open is not ('(' or '[') || close is not (')' or ']')) return null;
        var items = SplitTopLevel(s[1..^1]);
        return items is null ? null : (open, close, items);
    }

    private static List<string>? SplitTopLevel(string s)
    {
        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') { if (--depth < 0) return null; }
            else if (c == ',' && depth == 0) { items.Add(s[start..i]); start = i + 1; }
        }
        if (depth != 0) return null;
        items.Add(s[start..]);
        return items;
    }

    /// <summary><c>\frac12</c> -> <c>\frac{1}{2}</c>, <c>\sqrt2</c> -> <c>\sqrt{2}</c>, recursively inside groups.</summary>
    private static string BraceArguments(string s)
    {
        var result = new StringBuilder();
        int i = 0;
        while (i < s.Length)
        {
            if (IsCommand(s, i, @"\frac") is int afterFrac)
            {
                var (num, next) = Argument(s, afterFrac);
                var (den, end) = Argument(s, next);
                if (num is null || den is null) { result.Append(s[i..]); break; }
                result.Append(@"\frac{").Append(BraceArguments(num)).Append("}{").Append(BraceArguments(den)).Append('}');
                i = end;
            }
            else if (IsCommand(s, i, @"\sqrt") is int afterSqrt)
            {
                int at = afterSqrt;
                string index = "";
                if (at < s.Length && s[at] == '[')
                {
                    int close = s.IndexOf(']', at);
                    if (close < 0) { result.Append(s[i..]); break; }
                    index = s[at..(close + 1)];
                    at = close + 1;
                }
                var (radicand, end) = Argument(s, at);
                if (radicand is null) { result.Append(s[i..]); break; }
                result.Append(@"\sqrt").Append(index).Append('{').Append(BraceArguments(radicand)).Append('}');
                i = end;
            }
            else result.Append(s[i++]);
        }
        return result.ToString();
    }

    private static int? IsCommand(string s, int i, string command) =>
        string.CompareOrdinal(s, i, command, 0, command.Length) == 0
        && (i + command.Length >= s.Length || !char.IsLetter(s[i + command.Length]))
            ? i + command.Length
            : null;

    /// <summary>A TeX argument: a braced group, a command (<c>\pi</c>), or one character.</summary>
    private static (string? Text, int Next) Argument(string s, int i)
    {
        if (i >= s.Length) return (null, i);
        if (s[i] == '{')
        {
            int close = MatchingBrace(s, i);
            return close < 0 ? (null, i) : (s[(i + 1)..close], close + 1);
        }
        if (s[i] == '\\')
        {
            int end = i + 1;
            while (end < s.Length && char.IsLetter(s[end])) end++;
            return (s[i..Math.Max(end, i + 2)], Math.Max(end, i + 2));
        }
        return (s[i].ToString(), i + 1);
    }

    private static int MatchingBrace(string s, int open)
    {
        int depth = 0;
        for (int j = open; j < s.Length; j++)
        {
            if (s[j] == '{') depth++;
            else if (s[j] == '}' && --depth == 0) return j;
        }
        return -1;
    }

    /// <summary>"3/4" and "\sqrt{3}/2" as fractions; "1+1/2" is left alone (the slash binds tighter than +).</summary>
    private static string SlashAsFraction(string s)
    {
        var m = SimpleSlash().Match(s);
        return m.Success ? $@"{m.Groups[1].Value}\frac{{{m.Groups[2].Value}}}{{{m.Groups[3].Value}}}" : s;
    }

    [GeneratedRegex(@"\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![a-zA-Z])")]
    private static partial Regex SizeCommands();

    [GeneratedRegex(@"\\[!,;:> ]|\\q?quad(?![a-zA-Z])|~")]
    private static partial Regex SpacingCommands();

    [GeneratedRegex(@"\^\s*\{?\s*\\circ\s*\}?|\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])|°")]
    private static partial Regex Degrees();

    [GeneratedRegex(@"(?<=\S)\s*\\(?:text|textrm|mbox|mathrm)\{\s*[a-zA-Z][a-zA-Z .]*\}(?:\^\{?\d\}?)?\s*$")]
    private static partial Regex TrailingTextUnit();

    [GeneratedRegex(@"(?<=[\d})])\s*(?:degrees?|cm|mm|km|centimeters?|meters?|inch(?:es)?|feet|foot|ft|square units|sq units|units?|dollars?|cents?|hours?|minutes?|seconds?|days?|miles?|mph|pounds?|grams?|kg)(?:\^\{?\d\}?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingUnitWord();

    [GeneratedRegex(@"\\(?:text|textrm|textbf|mbox|mathrm|mathbf)\{([^{}]*)\}")]
    private static partial Regex TextWrapper();

    [GeneratedRegex(@"^\s*[a-zA-Z](?:_\{?\w+\}?)?\s*=\s*")]
    private static partial Regex LeadingVariable();

    [GeneratedRegex(@"^\s*[a-zA-Z]\s*\\in(?![a-zA-Z])\s*")]
    private static partial Regex LeadingMembership();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+(\.\d+)?$")]
    private static partial Regex Thousands();

    [GeneratedRegex(@"([\^_])\{([^{}\\])\}")]
    private static partial Regex SingleCharScript();

    // A term: letters, digits, commands and braced groups without + or - inside ("3\sqrt{2}", "\pi").
    [GeneratedRegex(@"^(-?)((?:[A-Za-z0-9.]|\\[a-zA-Z]+|\{[^{}+\-]*\})+)/((?:[A-Za-z0-9.]|\\[a-zA-Z]+|\{[^{}+\-]*\})+)$")]
    private static partial Regex SimpleSlash();

    [GeneratedRegex(@"^\\frac\{(-?[\d.]+)\}\{(-?[\d.]+)\}$")]
    private static partial Regex Fraction();

    [GeneratedRegex(@"^-?(\d+\.?\d*|\.\d+)$")]
    private static partial Regex DecimalNumber();
}
