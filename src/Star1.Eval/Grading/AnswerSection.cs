namespace Star1.Eval.Grading;

/// <summary>
/// The part of an output that holds the answer. Reasoning models write their deliberation first and
/// close it with <c>&lt;/think&gt;</c>; the deliberation routinely tries candidate answers (a
/// <c>\boxed{}</c> it later abandons, "maybe the answer is B"), so only what follows the last
/// <c>&lt;/think&gt;</c> is read. Without one (a model that does not think aloud, or a template that
/// strips the tags) the whole output is the answer: there is nothing else to take it from.
/// </summary>
public static class AnswerSection
{
    public const string ThinkEnd = "</think>";

    public static string Of(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int at = output.LastIndexOf(ThinkEnd, StringComparison.Ordinal);
        return at < 0 ? output : output[(at + ThinkEnd.Length)..];
    }
}
