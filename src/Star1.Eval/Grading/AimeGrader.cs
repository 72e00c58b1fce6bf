using System.Globalization;
using System.Text.RegularExpressions;
using Star1.Eval.Benchmarks;

namespace Star1.Eval.Grading;

/// <summary>
/// AIME 2024: the last <c>\boxed{}</c> of the answer section read as an integer and compared with the
/// reference. Typesetting around the number is tolerated ("042", "\,", "$", "\text{}", "{,}"), anything
/// else (a fraction, an expression) is not an integer answer and is wrong.
/// </summary>
public sealed partial class AimeGrader : IGrader
{
    public Grade Grade(BenchmarkItem item, string output)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!int.TryParse(item.Answer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int expected))
            throw new ArgumentException($"{item.Id}: AIME reference '{item.Answer}' is not an integer", nameof(item));
        var boxed = BoxedAnswer.Last(AnswerSection.Of(output));
        if (boxed is null) return new Grade(false, null, "no \\boxed{} answer found");
        var value = ParseInteger(boxed);
        if (value is null) return new Grade(false, boxed, $"boxed answer '{boxed}' is not an integer");
        return value == expected
            ? new Grade(true, boxed, "correct")
            : new Grade(false, boxed, $"expected {expected}, got {value}");
    }

    /// <summary>The integer a boxed AIME answer spells, or null if it is not one.</summary>
    public static int? ParseInteger(string boxed)
    {
        var text = TextWrapper().Replace(boxed, "$1");
        text = text.Replace("{,}", "").Replace(@"\,", "").Replace(@"\!", "").Replace(@"\ ", "").Replace("$", "");
        text = Whitespace().Replace(text, "");
        // Thousands separators are fine ("1,000" is one number); a comma elsewhere is a list, not an integer.
        if (Thousands().IsMatch(text)) text = text.Replace(",", "");
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : null;
    }

    [GeneratedRegex(@"\\(?:text|textbf|mathbf|mathrm)\{([^{}]*)\}")]
    private static partial Regex TextWrapper();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+$")]
    private static partial Regex Thousands();
}
