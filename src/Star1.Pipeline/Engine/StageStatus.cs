namespace Star1.Pipeline.Engine;

public enum Freshness { Fresh, Stale, NeverRun, Waiting }

/// <summary>What the engine knows about a stage without running anything.</summary>
/// <param name="Reasons">Why it is not fresh: which key, prompt, upstream output or output changed.</param>
/// <param name="Restorable">True when the run-cache holds outputs for the current fingerprint.</param>
public sealed record StageStatus(string Stage, Freshness State, IReadOnlyList<string> Reasons, string? Fingerprint, bool Restorable)
{
    /// <summary>Set when the stage has to execute and would stop before any work, with why (files missing).</summary>
    public string? WouldStop { get; init; }

    /// <summary>Set when the stage would execute and can say what that costs (requests, tokens, money).</summary>
    public string? Estimate { get; init; }

    public string Describe() => State switch
    {
        Freshness.Fresh => "fresh",
        Freshness.NeverRun => Restorable ? "never run here (restorable from run-cache)" : "never run",
        Freshness.Waiting => $"waits on upstream: {string.Join("; ", Reasons)}",
        _ => $"stale: {string.Join("; ", Reasons)}{(Restorable ? " (restorable from run-cache)" : "")}",
    };
}

public enum StageResult { Executed, UpToDate, Restored, Failed, Accepted }

/// <summary>What happened to a stage in this build, for the run record and the end-of-build table.</summary>
public sealed record StageOutcome(string Stage, StageResult Result, string Reason, TimeSpan Duration, string? Fingerprint)
{
    /// <summary>What the stage counted while it ran (requests, cache hits, tokens, cost), failed runs included.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The line the console gets when the stage is done: "Train: executed (never run)".</summary>
    public string Line => $"{Stage}: {RunRecord.StatusWord(Result)} ({Reason})";

    /// <summary>When the engine began with the stage (set when the outcome is recorded): with the duration, its span in the run.</summary>
    public DateTimeOffset Started { get; init; }
}
