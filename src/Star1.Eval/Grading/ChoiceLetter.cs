using System.Text.RegularExpressions;

namespace Star1.Eval.Grading;

/// <summary>
/// Finds the option letter a multiple-choice answer settles on. In order of trust: an explicit
/// "Answer: X" / "the answer is (X)" (the last one wins: answers revise themselves), then a letter in
/// the last <c>\boxed{}</c> (reasoning models trained on math box everything), then a bold <c>**X**</c>
/// (the last), then a line holding only the letter (the last such line). A letter must stand
/// alone: the "A" of "A good approach" is a word, not an answer, and so is "Answer: A good approach" or
/// "Answer: I think" (an A or I followed by a lower-case word is read as English). Only letters in range
/// count (A-D for GPQA, A-J for MMLU-Pro).
/// </summary>
public static partial class ChoiceLetter
{
    /// <summary>The letter chosen, or null; <paramref name="letters"/> is the number of options (4 or 10).</summary>
    public static char? Find(string answerSection, int letters)
    {
        ArgumentNullException.ThrowIfNull(answerSection);
        if (letters is < 1 or > 26) throw new ArgumentOutOfRangeException(nameof(letters), letters, "between 1 and 26 letters");
        char last = (char)('A' + letters - 1);
        bool InRange(char c) => c >= 'A' && c <= last;

        char? found = null;
        foreach (Match m in Declared().Matches(answerSection))
        {
            char c = m.Groups[1].Value[0];
            if (InRange(c) && !ReadsAsWord(c, answerSection, m.Groups[1].Index)) found = c;
        }
        if (found is not null) return found;
        if (BoxedAnswer.Last(answerSection) is { } boxed && BoxedLetter().Match(boxed) is { Success: true } b && InRange(b.Groups[1].Value[0]))
            return b.Groups[1].Value[0];
        foreach (Match m in Bold().Matches(answerSection))
            if (InRange(m.Groups[1].Value[0])) found = m.Groups[1].Value[0];
        if (found is not null) return found;
        foreach (Match m in LoneLine().Matches(answerSection))
            if (InRange(m.Groups[1].Value[0])) found = m.Groups[1].Value[0];
        return found;
    }

    /// <summary>The last capital letter declared as the answer, in range or not (not a word such as "I think"): to explain a miss.</summary>
    public static char? FindAnyDeclared(string answerSection)
    {
        ArgumentNullException.ThrowIfNull(answerSection);
        char? found = null;
        foreach (Match m in Declared().Matches(answerSection))
            if (!ReadsAsWord(m.Groups[1].Value[0], answerSection, m.Groups[1].Index)) found = m.Groups[1].Value[0];
        return found;
    }

    /// <summary>"A good", "I think": an article or a pronoun. "(A) because" and "**A** since" are answers: the
    /// bracket or the bold marks come between the letter and the next word.</summary>
    private static bool ReadsAsWord(char c, string text, int at) =>
        c is 'A' or 'I' && FollowedByLowerWord().IsMatch(text, at + 1);

    // "Answer: B", "answer is (C)", "Final answer: **D**", "the correct answer is option E.", "ANSWER - F".
    [GeneratedRegex(@"(?i:answer)(?:\s+(?i:is))?(?:\s+(?i:option|choice))?\s*[:：\-]?\s*\**\s*\(?\s*\**([A-Z])(?![A-Za-z0-9])")]
    private static partial Regex Declared();

    [GeneratedRegex(@"^\s*(?:\\text(?:bf)?\{)?\s*\(?([A-Z])\)?\s*\}?\s*$")]
    private static partial Regex BoxedLetter();

    [GeneratedRegex(@"\*\*\s*\(?([A-Z])\)?[.:]?\s*\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"^[ \t]*\(?([A-Z])\)?[.:]?[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex LoneLine();

    [GeneratedRegex(@"\G\s+[a-z]")]
    private static partial Regex FollowedByLowerWord();
}
