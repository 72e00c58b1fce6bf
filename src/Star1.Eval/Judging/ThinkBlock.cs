namespace Star1.Eval.Judging;

/// <summary>
/// The answer part of a reasoning model's output, for judges that must see what the user is finally told.
/// R1-style output is <c>&lt;think&gt;..&lt;/think&gt;</c> then the answer; the answer is whatever follows the
/// LAST <c>&lt;/think&gt;</c> (a model may close a second, stray block; what precedes the last close is still
/// thinking). Text without any think tag is all answer. An opened <c>&lt;think&gt;</c> that is never closed
/// means the model ran out of tokens (or stopped) while thinking: there is no answer yet, so the result is empty
/// rather than the half-finished reasoning, which would otherwise be judged as if it were the reply.
/// </summary>
public static class ThinkBlock
{
    public const string Open = "<think>";
    public const string Close = "</think>";

    public static string Strip(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int close = output.LastIndexOf(Close, StringComparison.Ordinal);
        if (close >= 0) return output[(close + Close.Length)..].Trim();
        return output.Contains(Open, StringComparison.Ordinal) ? "" : output.Trim();
    }
}
