namespace Star1.Llm.Calling;

/// <summary>
/// Whether an answer is accepted: finish_reason "stop" when required, then the stage's strict parser. Runs on
/// every read, from the cache or the wire, so a changed parser judges old answers anew.
/// </summary>
internal static class Acceptance
{
    /// <summary>The parsed value, or the reason the answer is not acceptable.</summary>
    public static ParseResult<T> Judge<T>(ChatAnswer answer, Func<ChatAnswer, ParseResult<T>> parse, bool requireStop)
    {
        if (requireStop && answer.FinishReason != "stop")
            return ParseResult<T>.Failure($"finish_reason was '{answer.FinishReason}', not 'stop' ({answer.OutputTokens} output tokens)");
        try
        {
            var parsed = parse(answer);
            return parsed.Ok ? parsed : ParseResult<T>.Failure("parse: " + parsed.Error);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A parser that throws is a parser bug, but one item's odd answer must not take the run down with it.
            return ParseResult<T>.Failure($"parser threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    public static string Exhausted(int attempts, string lastReason) =>
        attempts == 1 ? lastReason : $"no acceptable answer in {attempts} attempts; last: {lastReason}";
}
