using System.Globalization;

namespace Star1.Llm.Calling;

/// <summary>An accepted item: its parsed value, the raw answer it came from and which attempt (0-based) gave it.</summary>
public sealed record LlmSuccess<T>(string Id, T Value, ChatAnswer Answer, int Attempt);

/// <summary>An item with no acceptable answer: why, and the raw answer of its last attempt (null when none came back).</summary>
public sealed record LlmFailure(string Id, string Reason, ChatAnswer? LastAnswer);

/// <summary>What a run cost: HTTP requests sent (retries included), attempts served by the cache, tokens and USD of
/// the answers received this run, and the wall time.</summary>
public sealed record LlmUsage(int Items, int RequestsSent, int CacheHits, long InputTokens, long OutputTokens, decimal Cost, TimeSpan Wall);

/// <summary>Successes and failures in item order, and the usage.</summary>
public sealed record LlmRunResult<T>(IReadOnlyList<LlmSuccess<T>> Successes, IReadOnlyList<LlmFailure> Failures, LlmUsage Usage)
{
    /// <summary>
    /// Fails the stage when more than <paramref name="share"/> of the items failed (e.g. 0.02): a few refusals or
    /// unparseable answers are the paper's normal losses, many mean a broken prompt, parser or endpoint.
    /// </summary>
    public LlmRunResult<T> ThrowIfFailureShareAbove(double share, string stageName)
    {
        int total = Successes.Count + Failures.Count;
        if (total == 0 || Failures.Count <= share * total) return this;
        var examples = string.Join("; ", Failures.Take(3).Select(f => $"{f.Id}: {f.Reason}"));
        var failed = Percent((double)Failures.Count / total);
        var allowed = Percent(share);
        static string Percent(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        throw new LlmRunException(
            $"{stageName}: {Failures.Count} of {total} items failed ({failed}), more than the {allowed} allowed. " +
            $"First: {examples}. The {Successes.Count} successes and every answer received are in the request cache: " +
            "fix the cause and run again; cached answers are re-read (a parser fix needs no new request), only missing ones are sent.");
    }
}

/// <summary>A run that cannot go on or whose result is not acceptable (key rejected, budget reached, too many failures).</summary>
public class LlmRunException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Progress after each finished item; the stage turns it into progress lines with rate and ETA.</summary>
public readonly record struct LlmProgress(int Done, int Total, int CacheHits, int RequestsSent, long InputTokens, long OutputTokens, decimal Cost);

/// <summary>
/// What a run would send (for --dryrun): items whose first attempt is not cached, estimated input tokens,
/// output tokens at their caps (an upper bound) and the cost of both. Re-asks cannot be foreseen and are not counted.
/// </summary>
public sealed record LlmEstimate(int Items, int CacheHits, int Requests, long InputTokens, long MaxOutputTokens, decimal MaxCost);
